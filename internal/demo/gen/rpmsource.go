package gen

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"

	rpmdb "github.com/anchore/go-rpmdb/pkg"
	"github.com/anchore/go-rpmdb/pkg/bdb"
)

// File type bits of st_mode as rpm stores them in FILEMODES.
const (
	modeTypeMask = 0o170000
	modeDir      = 0o040000
	modeRegular  = 0o100000
	modeSymlink  = 0o120000
)

// rpmFile is one file entry of an installed rpm package.
type rpmFile struct {
	path   string
	mode   uint16 // st_mode including the type bits
	size   int64  // FILESIZES: content length, link-target length for symlinks
	linkTo string
	inode  int32
	user   string
	group  string
	flags  int32
	lang   string
	digest string
}

// rpmPackage is one installed package: its parsed header, the raw header blob
// as the rpmdb stores it, and its files.
type rpmPackage struct {
	info  *rpmdb.PackageInfo
	blob  []byte
	files []rpmFile
}

// nevra returns name-version-release.arch, the form yum and rpm -q print.
func (p *rpmPackage) nevra() string {
	return fmt.Sprintf("%s-%s-%s.%s", p.info.Name, p.info.Version, p.info.Release, p.info.Arch)
}

// loadRPMDB reads every package of a BerkeleyDB rpmdb (optionally gzipped)
// with go-rpmdb, keeping each package's raw header blob next to its parsed
// form. A gzipped input is expanded into a temporary file first because the
// BerkeleyDB reader needs a seekable file.
func loadRPMDB(ctx context.Context, dbPath string) ([]rpmPackage, error) {
	plain, cleanup, err := ungzipToTemp(dbPath)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	db, err := rpmdb.Open(plain)
	if err != nil {
		return nil, fmt.Errorf("opening rpmdb %q: %w", dbPath, err)
	}
	infos, err := db.ListPackages()
	closeErr := db.Close()
	if err != nil {
		return nil, fmt.Errorf("listing packages of rpmdb %q: %w", dbPath, err)
	}
	if closeErr != nil {
		return nil, fmt.Errorf("closing rpmdb %q: %w", dbPath, closeErr)
	}

	blobs, err := readBDBBlobs(plain)
	if err != nil {
		return nil, fmt.Errorf("reading raw headers of rpmdb %q: %w", dbPath, err)
	}
	if len(blobs) != len(infos) {
		return nil, fmt.Errorf("reading rpmdb %q: %d raw headers but %d packages", dbPath, len(blobs), len(infos))
	}

	pkgs := make([]rpmPackage, 0, len(infos))
	for i, info := range infos {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		p, err := newRPMPackage(info, blobs[i])
		if err != nil {
			return nil, fmt.Errorf("reading package %d (%s) of rpmdb %q: %w", i, info.Name, dbPath, err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs, nil
}

// readBDBBlobs returns the raw header blobs of a BerkeleyDB rpmdb in the same
// order go-rpmdb's ListPackages reports them (both walk the file's pages).
func readBDBBlobs(plain string) ([][]byte, error) {
	db, err := bdb.Open(plain)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	var blobs [][]byte
	var firstErr error
	for e := range db.Read() { // drain fully so the reader goroutine ends
		if e.Err != nil && firstErr == nil {
			firstErr = e.Err
		}
		if e.Err == nil {
			blobs = append(blobs, e.Value)
		}
	}
	return blobs, firstErr
}

// newRPMPackage joins go-rpmdb's parsed view with the extra per-file tags read
// from the raw blob, and checks that both describe the same package.
func newRPMPackage(info *rpmdb.PackageInfo, blob []byte) (rpmPackage, error) {
	h, err := parseHeaderTags(blob)
	if err != nil {
		return rpmPackage{}, err
	}
	if name, err := h.stringTag(rpmdb.RPMTAG_NAME); err != nil || name != info.Name {
		return rpmPackage{}, fmt.Errorf("matching raw header (name %q) to parsed package: %w", name, errors.Join(err, errHeaderMismatch))
	}
	names, err := info.InstalledFileNames()
	if err != nil {
		return rpmPackage{}, fmt.Errorf("listing files: %w", err)
	}
	x, err := parseHeaderExtras(blob, len(names))
	if err != nil {
		return rpmPackage{}, err
	}
	n := len(names)
	if len(info.FileModes) != n || len(info.FileSizes) != n || len(info.FileFlags) != n ||
		len(info.UserNames) != n || len(info.GroupNames) != n {
		return rpmPackage{}, fmt.Errorf("reading file attributes: arrays disagree with %d file names", n)
	}
	files := make([]rpmFile, n)
	for i, name := range names {
		f := rpmFile{
			path:  path.Clean("/" + name),
			mode:  info.FileModes[i],
			size:  int64(info.FileSizes[i]),
			user:  info.UserNames[i],
			group: info.GroupNames[i],
			flags: info.FileFlags[i],
		}
		if i < len(info.FileDigests) {
			f.digest = info.FileDigests[i]
		}
		if x.linkTos != nil {
			f.linkTo = x.linkTos[i]
		}
		if x.inodes != nil {
			f.inode = x.inodes[i]
		}
		if x.langs != nil {
			f.lang = x.langs[i]
		}
		files[i] = f
	}
	return rpmPackage{info: info, blob: blob, files: files}, nil
}

// errHeaderMismatch reports a raw header that is not the package go-rpmdb parsed.
var errHeaderMismatch = errors.New("raw header does not match parsed package")

// stringTag returns a STRING tag's value.
func (h *headerTags) stringTag(tag int32) (string, error) {
	ent, ok := h.entries[tag]
	if !ok {
		return "", fmt.Errorf("reading tag %d: absent", tag)
	}
	if ent.typ != 6 { // RPM_STRING_TYPE
		return "", fmt.Errorf("reading tag %d: type %d is not a string", tag, ent.typ)
	}
	rest := h.data[ent.offset:]
	for i, b := range rest {
		if b == 0 {
			return string(rest[:i]), nil
		}
	}
	return "", fmt.Errorf("reading tag %d: %w", tag, errHeaderTruncated)
}

// ungzipToTemp returns a path to the plain rpmdb: the input itself, or a
// temporary copy expanded from gzip. cleanup removes any temporary file.
func ungzipToTemp(p string) (plain string, cleanup func(), err error) {
	f, err := os.Open(p)
	if err != nil {
		return "", nil, fmt.Errorf("opening rpmdb %q: %w", p, err)
	}
	defer f.Close()
	br := bufio.NewReader(f)
	magic, err := br.Peek(2)
	if err != nil {
		return "", nil, fmt.Errorf("reading rpmdb %q: %w", p, err)
	}
	if magic[0] != 0x1f || magic[1] != 0x8b {
		return p, func() {}, nil
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		return "", nil, fmt.Errorf("decompressing rpmdb %q: %w", p, err)
	}
	tmp, err := os.CreateTemp("", "slimcheck-demo-rpmdb-*")
	if err != nil {
		return "", nil, fmt.Errorf("creating temporary rpmdb: %w", err)
	}
	cleanup = func() { _ = os.Remove(tmp.Name()) }
	_, err = io.Copy(tmp, zr)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		cleanup()
		return "", nil, fmt.Errorf("decompressing rpmdb %q: %w", p, err)
	}
	return tmp.Name(), cleanup, nil
}
