package gen

import (
	"archive/tar"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
)

// fixtureRPMDB is the CentOS 7 rpmdb the demo is generated from, relative to
// this package's directory (the repository sits beside shared/).
const fixtureRPMDB = "../../../../shared/fixtures/rpmdb/centos7-devtools/Packages.gz"

// walkedEntry is one tar member of a layer, as a test sees it.
type walkedEntry struct {
	name     string // as in the tar, e.g. usr/bin/gcc
	typeflag byte
	mode     int64
	uid, gid int
	size     int64
	linkname string
	sum      [32]byte // sha256 of the contents of regular files
	content  []byte   // captured for small files tests read
}

// walkedLayer is one layer's members in tar order.
type walkedLayer struct {
	entries []walkedEntry
	size    int64 // uncompressed tar bytes
	byName  map[string]int
}

func (l *walkedLayer) get(name string) (walkedEntry, bool) {
	i, ok := l.byName[strings.TrimSuffix(strings.TrimPrefix(name, "/"), "/")]
	if !ok {
		return walkedEntry{}, false
	}
	return l.entries[i], true
}

// capture decides which file contents a test keeps in memory.
func capture(name string, size int64) bool {
	base := path.Base(name)
	switch {
	case size > 16<<20:
		return false
	case strings.HasPrefix(name, "etc/"), strings.HasSuffix(name, ".sqlite"), strings.HasSuffix(name, ".node"):
		return true
	case base == "package.json" || base == "package-lock.json" || base == ".package-lock.json":
		return true
	case strings.HasPrefix(name, "usr/libexec/s2i/"), name == "opt/app-root/src/server.js", name == "var/log/yum.log":
		return true
	}
	return false
}

// countingReader counts bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// walkTar reads one tar stream completely, hashing every regular file.
func walkTar(r io.Reader) (walkedLayer, error) {
	cr := &countingReader{r: r}
	tr := tar.NewReader(cr)
	l := walkedLayer{byName: map[string]int{}}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return l, err
		}
		e := walkedEntry{name: h.Name, typeflag: h.Typeflag, mode: h.Mode, uid: h.Uid, gid: h.Gid, size: h.Size, linkname: h.Linkname}
		if h.Typeflag == tar.TypeReg {
			hash := sha256.New()
			var dst io.Writer = hash
			var buf strings.Builder
			if capture(strings.TrimSuffix(h.Name, "/"), h.Size) {
				dst = io.MultiWriter(hash, &buf)
			}
			if _, err := io.Copy(dst, tr); err != nil {
				return l, fmt.Errorf("reading %s: %w", h.Name, err)
			}
			copy(e.sum[:], hash.Sum(nil))
			if buf.Len() > 0 {
				e.content = []byte(buf.String())
			}
		}
		l.byName[strings.TrimSuffix(h.Name, "/")] = len(l.entries)
		l.entries = append(l.entries, e)
	}
	// Drain the end-of-archive padding so size is the whole stream.
	if _, err := io.Copy(io.Discard, cr); err != nil {
		return l, err
	}
	l.size = cr.n
	return l, nil
}

// walkImage reads every layer of img and the flattened filesystem that ggcr's
// mutate.Extract (the reference implementation of whiteouts) produces.
func walkImage(t *testing.T, img v1.Image) (layers []walkedLayer, final walkedLayer) {
	t.Helper()
	ls, err := img.Layers()
	if err != nil {
		t.Fatalf("listing layers: %v", err)
	}
	for i, l := range ls {
		rc, err := l.Uncompressed()
		if err != nil {
			t.Fatalf("opening layer %d: %v", i, err)
		}
		wl, err := walkTar(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("reading layer %d: %v", i, err)
		}
		layers = append(layers, wl)
	}
	rc := mutate.Extract(img)
	defer rc.Close()
	final, err = walkTar(rc)
	if err != nil {
		t.Fatalf("reading flattened image: %v", err)
	}
	return layers, final
}

// resolve follows symlinks in the directory part of p (and p itself when
// followLast) in a walked filesystem, returning a tar-style name.
func (l *walkedLayer) resolve(p string, followLast bool) string {
	parts := strings.Split(strings.Trim(path.Clean("/"+p), "/"), "/")
	cur := ""
	for hops := 0; len(parts) > 0 && hops < 64; {
		next := path.Join(cur, parts[0])
		e, ok := l.get(next)
		if ok && e.typeflag == tar.TypeSymlink && (len(parts) > 1 || followLast) {
			hops++
			target := e.linkname
			if path.IsAbs(target) {
				parts = append(strings.Split(strings.Trim(target, "/"), "/"), parts[1:]...)
				cur = ""
			} else {
				parts = append(strings.Split(target, "/"), parts[1:]...)
			}
			continue
		}
		if parts[0] == ".." {
			cur = path.Dir(cur)
			if cur == "." {
				cur = ""
			}
		} else if parts[0] != "." && parts[0] != "" {
			cur = next
		}
		parts = parts[1:]
	}
	return cur
}
