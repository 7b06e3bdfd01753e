package slim

import (
	"archive/tar"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/gzip"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/slimcheck/slimcheck/slim/internal/layerread"
)

// streamLayer is the new layer. Nothing of it is stored: every read of it
// re-reads the source layers and writes the tar (and gzip) afresh. Its
// digests and size come from one such pass, made the first time any of them
// is asked for.
type streamLayer struct {
	ctx     context.Context
	plan    *layerPlan
	sources []v1.Layer
	created time.Time
	level   int

	once   sync.Once
	digest v1.Hash
	diffID v1.Hash
	size   int64
	err    error
}

var _ v1.Layer = (*streamLayer)(nil)

// writeTar writes the new layer's tar stream to w.
func (l *streamLayer) writeTar(w io.Writer) error {
	tw := tar.NewWriter(w)
	for _, d := range l.plan.dirs {
		hdr := &tar.Header{Typeflag: tar.TypeDir, Name: tarName(d.Path, true), Mode: tarMode(d.Mode),
			Uid: int(d.UID), Gid: int(d.GID), ModTime: l.created}
		if err := tw.WriteHeader(hdr); err != nil {
			return fmt.Errorf("writing %s: %w", d.Path, err)
		}
	}
	for _, st := range l.plan.streams {
		if st.layer < 0 || st.layer >= len(l.sources) {
			return fmt.Errorf("reading source layer %d: the image has %d layers", st.layer, len(l.sources))
		}
		err := layerread.Each(l.ctx, l.sources[st.layer],
			func(i int) bool { return st.ops[i] != nil },
			func(i int) (string, bool) { p, ok := st.paths[i]; return p, ok },
			func(i int, src *tar.Header, r io.Reader) error { return l.copyEntry(tw, st, i, src, r) })
		if err != nil {
			return fmt.Errorf("reading source layer %d: %w", st.layer, err)
		}
	}
	return tw.Close()
}

// copyEntry writes the new layer's entries that come from one source entry.
func (l *streamLayer) copyEntry(tw *tar.Writer, st stream, i int, src *tar.Header, r io.Reader) error {
	regular := src.Typeflag == tar.TypeReg || src.Typeflag == tar.TypeRegA || src.Typeflag == tar.TypeGNUSparse
	if got, want := typeOf(src.Typeflag), st.types[i].String(); got != want {
		return fmt.Errorf("copying %s: the layer has a %s where the index has a %s", st.paths[i], got, want)
	}
	for n, o := range st.ops[i] {
		hdr := &tar.Header{
			Name: tarName(o.dest, false), Typeflag: src.Typeflag, Mode: src.Mode & 0o7777,
			Uid: src.Uid, Gid: src.Gid, ModTime: l.created, Linkname: src.Linkname,
			Devmajor: src.Devmajor, Devminor: src.Devminor, PAXRecords: xattrs(src.PAXRecords),
		}
		switch {
		case o.link != "":
			hdr.Typeflag, hdr.Linkname = tar.TypeLink, tarName(o.link, false)
		case regular:
			hdr.Typeflag, hdr.Size, hdr.Linkname = tar.TypeReg, src.Size, ""
		case src.Typeflag == tar.TypeSymlink:
		default:
			hdr.Linkname = ""
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return fmt.Errorf("writing %s: %w", o.dest, err)
		}
		if hdr.Typeflag == tar.TypeReg {
			if n > 0 {
				return fmt.Errorf("copying %s: its contents were already written", o.dest)
			}
			if _, err := io.CopyN(tw, r, src.Size); err != nil {
				return fmt.Errorf("copying %s: %w", o.dest, err)
			}
		}
	}
	return nil
}

// typeOf names a tar type flag as the analyzer does.
func typeOf(f byte) string {
	switch f {
	case tar.TypeReg, tar.TypeRegA, tar.TypeGNUSparse:
		return "file"
	case tar.TypeDir:
		return "dir"
	case tar.TypeSymlink:
		return "symlink"
	case tar.TypeLink:
		return "hardlink"
	}
	return "other"
}

// tarMode turns permission and special bits into a tar header mode.
func tarMode(m fs.FileMode) int64 {
	v := int64(m.Perm())
	if m&fs.ModeSetuid != 0 {
		v |= 0o4000
	}
	if m&fs.ModeSetgid != 0 {
		v |= 0o2000
	}
	if m&fs.ModeSticky != 0 {
		v |= 0o1000
	}
	return v
}

// xattrs keeps the extended attributes (file capabilities, SELinux labels)
// of a header's PAX records and drops the rest (times, names, paths).
func xattrs(rec map[string]string) map[string]string {
	var out map[string]string
	for k, v := range rec {
		if strings.HasPrefix(k, "SCHILY.xattr.") || strings.HasPrefix(k, "LIBARCHIVE.xattr.") {
			if out == nil {
				out = map[string]string{}
			}
			out[k] = v
		}
	}
	return out
}

// pipe runs write in a goroutine and returns the reading end.
func pipe(write func(io.Writer) error) io.ReadCloser {
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(write(pw)) }()
	return pr
}

// Uncompressed streams the tar.
func (l *streamLayer) Uncompressed() (io.ReadCloser, error) {
	return pipe(l.writeTar), nil
}

// Compressed streams the gzipped tar.
func (l *streamLayer) Compressed() (io.ReadCloser, error) {
	return pipe(func(w io.Writer) error {
		zw, err := gzip.NewWriterLevel(w, l.level)
		if err != nil {
			return err
		}
		if err := l.writeTar(zw); err != nil {
			return err
		}
		return zw.Close()
	}), nil
}

// compute makes the one pass that gives the digests and the size.
func (l *streamLayer) compute() error {
	l.once.Do(func() {
		diff, comp := sha256.New(), sha256.New()
		cw := &countWriter{w: comp}
		zw, err := gzip.NewWriterLevel(cw, l.level)
		if err != nil {
			l.err = err
			return
		}
		if err := l.writeTar(io.MultiWriter(diff, zw)); err != nil {
			l.err = fmt.Errorf("building the new layer: %w", err)
			return
		}
		if err := zw.Close(); err != nil {
			l.err = err
			return
		}
		l.diffID, l.digest, l.size = sum(diff), sum(comp), cw.n
	})
	return l.err
}

func sum(h hash.Hash) v1.Hash {
	return v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(h.Sum(nil))}
}

// countWriter counts the bytes written through it.
type countWriter struct {
	w io.Writer
	n int64
}

// Write writes and counts.
func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// Digest is the sha256 of the compressed blob.
func (l *streamLayer) Digest() (v1.Hash, error) {
	if err := l.compute(); err != nil {
		return v1.Hash{}, err
	}
	return l.digest, nil
}

// DiffID is the sha256 of the tar.
func (l *streamLayer) DiffID() (v1.Hash, error) {
	if err := l.compute(); err != nil {
		return v1.Hash{}, err
	}
	return l.diffID, nil
}

// Size is the compressed blob's size.
func (l *streamLayer) Size() (int64, error) {
	if err := l.compute(); err != nil {
		return 0, err
	}
	return l.size, nil
}

// MediaType is an OCI gzip layer.
func (l *streamLayer) MediaType() (types.MediaType, error) { return types.OCILayer, nil }
