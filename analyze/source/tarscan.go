package source

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
)

// maxTarEntries bounds the entries indexed from one archive (hostile input).
const maxTarEntries = 1 << 20

// maxLinkDepth bounds symlink/hardlink chains inside an archive.
const maxLinkDepth = 16

// tarEntry locates a regular file's bytes inside an uncompressed tar.
type tarEntry struct {
	offset, size int64
}

// tarFile indexes the regular files of a tar archive on disk by cleaned
// name, so members can be read in place without extracting the archive.
// Uncompressed archives are read through a section of the file at the
// recorded offset; gzip-compressed ones by re-reading the stream up to the
// member (slower, but nothing is written to disk).
type tarFile struct {
	path    string
	gzipped bool
	size    int64
	files   map[string]tarEntry
	links   map[string]string // link name → target name (cleaned)
}

// errNotTar marks a file that is not a (possibly gzipped) tar archive.
var errNotTar = errors.New("not a tar archive")

// scanTar indexes the archive at p. Errors for unreadable or non-tar data
// wrap ErrNotImage.
func scanTar(p string) (*tarFile, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("%s is a directory, not an archive: %w", p, ErrNotImage)
	}
	t := &tarFile{path: p, size: fi.Size(), files: map[string]tarEntry{}, links: map[string]string{}}
	br := bufio.NewReader(f)
	magic, _ := br.Peek(2)
	t.gzipped = bytes.Equal(magic, []byte{0x1f, 0x8b})
	var tr *tar.Reader
	var pos func() (int64, error)
	if t.gzipped {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("reading gzip header: %w: %w", errNotTar, ErrNotImage)
		}
		defer zr.Close()
		tr = tar.NewReader(zr)
	} else {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return nil, err
		}
		tr = tar.NewReader(f)
		pos = func() (int64, error) { return f.Seek(0, io.SeekCurrent) }
	}
	if err := t.index(tr, pos); err != nil {
		return nil, err
	}
	return t, nil
}

func (t *tarFile) index(tr *tar.Reader, pos func() (int64, error)) error {
	for n := 0; ; n++ {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			if n == 0 {
				return fmt.Errorf("empty archive: %w: %w", errNotTar, ErrNotImage)
			}
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading tar entry %d: %w: %w", n, errNotTar, ErrNotImage)
		}
		if n >= maxTarEntries {
			return fmt.Errorf("archive has more than %d entries: %w", maxTarEntries, ErrNotImage)
		}
		name := cleanName(hdr.Name)
		switch hdr.Typeflag {
		case tar.TypeReg:
			if isSparse(hdr) {
				continue
			}
			if hdr.Size < 0 {
				return fmt.Errorf("tar entry %q has negative size: %w", hdr.Name, ErrNotImage)
			}
			e := tarEntry{size: hdr.Size, offset: -1}
			if pos != nil {
				off, err := pos()
				if err != nil {
					return fmt.Errorf("locating tar entry %q: %w", hdr.Name, err)
				}
				if off+hdr.Size > t.size || off+hdr.Size < off {
					return fmt.Errorf("tar entry %q is truncated: %w", hdr.Name, ErrNotImage)
				}
				e.offset = off
			}
			t.files[name] = e
		case tar.TypeSymlink:
			target := hdr.Linkname
			if !strings.HasPrefix(target, "/") {
				target = path.Join(path.Dir(name), target)
			}
			t.links[name] = cleanName(target)
		case tar.TypeLink:
			t.links[name] = cleanName(hdr.Linkname)
		}
	}
}

// isSparse reports sparse members, whose bytes are not contiguous on disk.
func isSparse(hdr *tar.Header) bool {
	if hdr.Typeflag == tar.TypeGNUSparse {
		return true
	}
	for k := range hdr.PAXRecords {
		if strings.HasPrefix(k, "GNU.sparse.") {
			return true
		}
	}
	return false
}

// cleanName normalises a member name: no leading "./" or "/", no "..".
func cleanName(n string) string {
	return strings.TrimPrefix(path.Clean("/"+n), "/")
}

// lookup resolves name through links to a regular-file entry.
func (t *tarFile) lookup(name string) (string, tarEntry, bool) {
	name = cleanName(name)
	for i := 0; i < maxLinkDepth; i++ {
		if e, ok := t.files[name]; ok {
			return name, e, true
		}
		target, ok := t.links[name]
		if !ok {
			return "", tarEntry{}, false
		}
		name = target
	}
	return "", tarEntry{}, false
}

// has reports whether the archive has a regular file (or link to one) at name.
func (t *tarFile) has(name string) bool {
	_, _, ok := t.lookup(name)
	return ok
}

// open returns the bytes of member name.
func (t *tarFile) open(name string) (io.ReadCloser, int64, error) {
	resolved, e, ok := t.lookup(name)
	if !ok {
		return nil, 0, fmt.Errorf("finding %s in archive %s: %w", name, t.path, os.ErrNotExist)
	}
	f, err := os.Open(t.path)
	if err != nil {
		return nil, 0, err
	}
	if !t.gzipped {
		return &sectionReadCloser{SectionReader: io.NewSectionReader(f, e.offset, e.size), f: f}, e.size, nil
	}
	zr, err := gzip.NewReader(bufio.NewReader(f))
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("reading gzip archive %s: %w", t.path, err)
	}
	tr := tar.NewReader(zr)
	for {
		hdr, err := tr.Next()
		if err != nil {
			f.Close()
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return nil, 0, fmt.Errorf("re-reading %s from archive %s: %w", name, t.path, err)
		}
		if hdr.Typeflag == tar.TypeReg && cleanName(hdr.Name) == resolved {
			return &streamReadCloser{Reader: io.LimitReader(tr, e.size), closers: []io.Closer{zr, f}}, e.size, nil
		}
	}
}

// readAll reads member name, refusing members larger than limit.
func (t *tarFile) readAll(name string, limit int64) ([]byte, error) {
	rc, size, err := t.open(name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	if size > limit {
		return nil, fmt.Errorf("reading %s: %d bytes is over the %d-byte limit: %w", name, size, limit, ErrNotImage)
	}
	b, err := io.ReadAll(rc)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	return b, nil
}

// opener returns a ggcr tarball.Opener over the whole (decompressed) archive.
func (t *tarFile) opener() func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) {
		f, err := os.Open(t.path)
		if err != nil {
			return nil, err
		}
		if !t.gzipped {
			return f, nil
		}
		zr, err := gzip.NewReader(bufio.NewReader(f))
		if err != nil {
			f.Close()
			return nil, err
		}
		return &streamReadCloser{Reader: zr, closers: []io.Closer{zr, f}}, nil
	}
}

type sectionReadCloser struct {
	*io.SectionReader
	f *os.File
}

func (s *sectionReadCloser) Close() error { return s.f.Close() }

type streamReadCloser struct {
	io.Reader
	closers []io.Closer
}

func (s *streamReadCloser) Close() error {
	var errs []error
	for _, c := range s.closers {
		errs = append(errs, c.Close())
	}
	return errors.Join(errs...)
}
