package hostile

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/klauspost/compress/gzip"

	"github.com/slimcheck/slimcheck/internal/imagetest"
)

const (
	kib = int64(1) << 10
	mib = int64(1) << 20
	gib = int64(1) << 30
)

// base is an ordinary first layer, so that hostile layers sit on top of a
// normal filesystem, as they would in a real image.
func base(t *testing.T) v1.Layer {
	return imagetest.Layer(t,
		imagetest.Dir("etc"), imagetest.Text("etc/os-release", "ID=debian\nVERSION_ID=12\n"),
		imagetest.Dir("usr"), imagetest.Dir("usr/bin"), imagetest.File("usr/bin/tool", 4096),
	)
}

// image stacks layers on the base layer with one history entry each.
func image(t *testing.T, cfg v1.Config, layers ...v1.Layer) v1.Image {
	t.Helper()
	all := append([]v1.Layer{base(t)}, layers...)
	created := make([]string, len(all))
	for i := range created {
		created[i] = fmt.Sprintf("RUN step %d", i)
	}
	return imagetest.Image(t, cfg, created, all...)
}

// rawLayer is a layer whose stored bytes are exactly b (compressed or not:
// the walker sniffs the bytes).
func rawLayer(b []byte) v1.Layer { return static.NewLayer(b, types.DockerLayer) }

// gz compresses b with gzip.
func gz(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// gzZeros returns a gzip stream of n zero bytes, written as a stream so
// that n may be far larger than memory.
func gzZeros(t testing.TB, n int64) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.CopyN(zw, zeroReader{}, n); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// header renders one tar header block for name (GNU format, so sizes up
// to 2^63 fit), with no contents, padding or end-of-archive marker.
func header(t testing.TB, name string, typ byte, size int64) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	if err := tw.WriteHeader(&tar.Header{Name: name, Typeflag: typ, Size: size, Mode: 0o644, Format: tar.FormatGNU}); err != nil {
		t.Fatalf("writing header for %q: %v", name, err)
	}
	return buf.Bytes()[:512]
}

// endOfArchive is the two zero blocks that end a tar stream.
var endOfArchive = make([]byte, 1024)

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// archive writes img as a docker-archive tarball and returns its path.
func archive(t *testing.T, img v1.Image) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "image.tar")
	imagetest.WriteDockerArchive(t, p, "hostile.example/app:1", img)
	return p
}

// layout writes img as an OCI layout directory and returns its path.
func layout(t *testing.T, img v1.Image) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "layout")
	imagetest.WriteOCILayout(t, p, map[string]v1.Image{"": img})
	return p
}

// tarFiles writes an uncompressed tar holding the named files in order.
func tarFiles(t *testing.T, path string, files ...tarFile) {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range files {
		if err := tw.WriteHeader(&tar.Header{Name: f.name, Typeflag: tar.TypeReg, Size: int64(len(f.data)), Mode: 0o644, ModTime: imagetest.Epoch}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(f.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

type tarFile struct {
	name string
	data []byte
}

// emptyImage is an image with no layers at all.
func emptyImage(t *testing.T) v1.Image {
	t.Helper()
	cf, err := empty.Image.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", "amd64"
	cf.Created = v1.Time{Time: imagetest.Epoch}
	img, err := mutate.ConfigFile(empty.Image, cf)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// withoutHistory drops the history from img's config.
func withoutHistory(t *testing.T, img v1.Image) v1.Image {
	t.Helper()
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cf = cf.DeepCopy()
	cf.History = nil
	out, err := mutate.ConfigFile(img, cf)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// layerDigest returns the short digest ("sha256:" and 12 hex digits) of
// layer i of img, as error messages print it.
func layerDigest(t *testing.T, img v1.Image, i int) string {
	t.Helper()
	ls, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	d, err := ls[i].Digest()
	if err != nil {
		t.Fatal(err)
	}
	return d.String()[:len("sha256:")+12]
}

// diffID returns the short diff ID of layer i of img.
func diffID(t *testing.T, img v1.Image, i int) string {
	t.Helper()
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	return cf.RootFS.DiffIDs[i].String()[:len("sha256:")+12]
}

// sparseHeader renders an old-GNU sparse header ('S') for name whose
// logical size is realSize and whose sparse map is empty: the whole file
// is one hole, so the entry stores no data at all and a tar reader
// produces realSize zero bytes for it.
func sparseHeader(t testing.TB, name string, realSize int64) []byte {
	t.Helper()
	b := bytes.Clone(header(t, name, tar.TypeReg, 0))
	b[156] = tar.TypeGNUSparse
	real := b[483 : 483+12]
	clear(real)
	real[0] = 0x80 // base-256
	for i, v := len(real)-1, realSize; i > 0; i, v = i-1, v>>8 {
		real[i] = byte(v)
	}
	copy(b[148:156], "        ")
	var sum int64
	for _, c := range b {
		sum += int64(c)
	}
	copy(b[148:156], fmt.Sprintf("%06o\x00 ", sum))
	return b
}

// blobPath returns the file of blob h in an OCI layout directory.
func blobPath(dir string, h v1.Hash) string {
	return filepath.Join(dir, "blobs", h.Algorithm, h.Hex)
}

// layerHash returns the digest of layer i of img.
func layerHash(t *testing.T, img v1.Image, i int) v1.Hash {
	t.Helper()
	ls, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	d, err := ls[i].Digest()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// replaceBlob overwrites the blob of layer i in an OCI layout directory
// with data (the manifest keeps the old digest and size).
func replaceBlob(t *testing.T, dir string, img v1.Image, i int, data []byte) {
	t.Helper()
	p := blobPath(dir, layerHash(t, img, i))
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// removeBlob deletes the blob of layer i from an OCI layout directory.
func removeBlob(t *testing.T, dir, _ string, img v1.Image, i int) {
	t.Helper()
	if err := os.Remove(blobPath(dir, layerHash(t, img, i))); err != nil {
		t.Fatal(err)
	}
}

// rewriteArchiveLayer replaces the bytes of layer i of a docker archive
// written by archive() with data, keeping manifest.json and the config
// (and so the diff ID) as they were.
func rewriteArchiveLayer(t *testing.T, path string, i int, data []byte) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(bytes.NewReader(raw))
	var files []tarFile
	var manifest []struct{ Layers []string }
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		if hdr.Name == "manifest.json" {
			if err := json.Unmarshal(b, &manifest); err != nil {
				t.Fatal(err)
			}
		}
		files = append(files, tarFile{hdr.Name, b})
	}
	if len(manifest) != 1 || i >= len(manifest[0].Layers) {
		t.Fatalf("archive %s has no layer %d", path, i)
	}
	for k := range files {
		if files[k].name == manifest[0].Layers[i] {
			files[k].data = data
		}
	}
	tarFiles(t, path, files...)
}
