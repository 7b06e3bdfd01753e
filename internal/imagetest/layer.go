// Package imagetest builds container images in memory for tests: layers from a
// small spec of tar entries, images from layers, and (see registry.go) images
// served from a loopback registry.
package imagetest

import (
	"archive/tar"
	"bytes"
	"io"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// Epoch is the fixed modification time of every generated tar entry.
var Epoch = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)

// Entry describes one tar entry of a generated layer.
type Entry struct {
	Path    string // written as-is (hostile paths allowed)
	Type    byte   // tar type flag; 0 means a regular file
	Size    int64  // for regular files without Content: this many filler bytes
	Content []byte // explicit contents; wins over Size
	Fill    byte   // filler byte used with Size (0 by default)
	Mode    int64  // 0 means 0644 for files, 0755 for dirs
	UID     int
	GID     int
	Link    string // symlink or hardlink target
}

// File returns a regular-file entry of size bytes.
func File(path string, size int64) Entry { return Entry{Path: path, Size: size} }

// Text returns a regular-file entry holding content.
func Text(path, content string) Entry { return Entry{Path: path, Content: []byte(content)} }

// Dir returns a directory entry.
func Dir(path string) Entry { return Entry{Path: path, Type: tar.TypeDir} }

// Symlink returns a symbolic-link entry.
func Symlink(path, target string) Entry {
	return Entry{Path: path, Type: tar.TypeSymlink, Link: target}
}

// Hardlink returns a hard-link entry.
func Hardlink(path, target string) Entry { return Entry{Path: path, Type: tar.TypeLink, Link: target} }

// Whiteout returns the whiteout entry that deletes path in a lower layer.
func Whiteout(path string) Entry {
	dir, base := splitPath(path)
	return Entry{Path: dir + ".wh." + base}
}

// Opaque returns the opaque-directory marker for dir.
func Opaque(dir string) Entry {
	d := dir
	if d != "" && d[len(d)-1] != '/' {
		d += "/"
	}
	return Entry{Path: d + ".wh..wh..opq"}
}

func splitPath(p string) (dir, base string) {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '/' {
			return p[:i+1], p[i+1:]
		}
	}
	return "", p
}

// TarBytes renders entries as an uncompressed tar stream.
func TarBytes(tb testing.TB, entries ...Entry) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := WriteTar(&buf, entries...); err != nil {
		tb.Fatalf("writing tar: %v", err)
	}
	return buf.Bytes()
}

// WriteTar writes entries as an uncompressed tar stream to w.
func WriteTar(w io.Writer, entries ...Entry) error {
	tw := tar.NewWriter(w)
	for _, e := range entries {
		hdr := &tar.Header{
			Name:     e.Path,
			Typeflag: e.Type,
			Mode:     e.Mode,
			Uid:      e.UID,
			Gid:      e.GID,
			Linkname: e.Link,
			ModTime:  Epoch,
			Format:   tar.FormatPAX,
		}
		if hdr.Typeflag == 0 {
			hdr.Typeflag = tar.TypeReg
		}
		if hdr.Mode == 0 {
			hdr.Mode = 0o644
			if hdr.Typeflag == tar.TypeDir {
				hdr.Mode = 0o755
			}
		}
		var body io.Reader
		if hdr.Typeflag == tar.TypeReg {
			if e.Content != nil {
				hdr.Size = int64(len(e.Content))
				body = bytes.NewReader(e.Content)
			} else {
				hdr.Size = e.Size
				body = io.LimitReader(fill{e.Fill}, e.Size)
			}
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if body != nil {
			if _, err := io.Copy(tw, body); err != nil {
				return err
			}
		}
	}
	return tw.Close()
}

type fill struct{ b byte }

func (f fill) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = f.b
	}
	return len(p), nil
}

// Layer builds a gzip-compressed layer from entries.
func Layer(tb testing.TB, entries ...Entry) v1.Layer {
	tb.Helper()
	raw := TarBytes(tb, entries...)
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(raw)), nil
	})
	if err != nil {
		tb.Fatalf("building layer: %v", err)
	}
	return l
}

// Image stacks layers on an empty image, one history entry per layer
// (created_by taken from createdBy when given), and applies cfg's Config.
func Image(tb testing.TB, cfg v1.Config, createdBy []string, layers ...v1.Layer) v1.Image {
	tb.Helper()
	img := empty.Image
	for i, l := range layers {
		h := v1.History{Created: v1.Time{Time: Epoch}}
		if i < len(createdBy) {
			h.CreatedBy = createdBy[i]
		}
		var err error
		img, err = mutate.Append(img, mutate.Addendum{Layer: l, History: h})
		if err != nil {
			tb.Fatalf("appending layer %d: %v", i, err)
		}
	}
	cf, err := img.ConfigFile()
	if err != nil {
		tb.Fatalf("reading config: %v", err)
	}
	cf = cf.DeepCopy()
	cf.Config = cfg
	cf.Architecture, cf.OS = "amd64", "linux"
	cf.Created = v1.Time{Time: Epoch}
	img, err = mutate.ConfigFile(img, cf)
	if err != nil {
		tb.Fatalf("setting config: %v", err)
	}
	return img
}
