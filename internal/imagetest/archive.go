package imagetest

import (
	"archive/tar"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// RefNameAnnotation is the OCI annotation that names an image in a layout.
const RefNameAnnotation = "org.opencontainers.image.ref.name"

// WriteDockerArchive writes img as a `docker save`-style tarball at path,
// tagged tag (e.g. "app:1"). Layers are stored as img's compressed blobs.
func WriteDockerArchive(tb testing.TB, path, tag string, img v1.Image) {
	tb.Helper()
	t, err := name.NewTag(tag)
	if err != nil {
		tb.Fatalf("parsing tag %q: %v", tag, err)
	}
	if err := tarball.WriteToFile(path, t, img); err != nil {
		tb.Fatalf("writing docker archive %s: %v", path, err)
	}
}

// WriteOCILayout writes an OCI image layout in dir holding images, each
// annotated with its map key as org.opencontainers.image.ref.name (an empty
// key adds no annotation). Images are appended in sorted key order.
func WriteOCILayout(tb testing.TB, dir string, images map[string]v1.Image) {
	tb.Helper()
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		tb.Fatalf("creating OCI layout %s: %v", dir, err)
	}
	keys := make([]string, 0, len(images))
	for k := range images {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		var opts []layout.Option
		if k != "" {
			opts = append(opts, layout.WithAnnotations(map[string]string{RefNameAnnotation: k}))
		}
		if err := p.AppendImage(images[k], opts...); err != nil {
			tb.Fatalf("appending %q to OCI layout %s: %v", k, dir, err)
		}
	}
}

// WriteOCIArchive writes the layout WriteOCILayout would make as a single
// uncompressed tar file at path (entries sorted, as `oci-archive` tools do).
func WriteOCIArchive(tb testing.TB, path string, images map[string]v1.Image) {
	tb.Helper()
	dir := tb.TempDir()
	WriteOCILayout(tb, dir, images)
	if err := TarDir(path, dir); err != nil {
		tb.Fatalf("writing OCI archive %s: %v", path, err)
	}
}

// TarDir packs the regular files and directories under dir into an
// uncompressed tar at path, with names relative to dir in sorted order.
func TarDir(path, dir string) error {
	var names []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		names = append(names, p)
		return nil
	})
	if err != nil {
		return err
	}
	sort.Strings(names)
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(out)
	for _, p := range names {
		if err := addFile(tw, dir, p); err != nil {
			out.Close()
			return err
		}
	}
	if err := tw.Close(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func addFile(tw *tar.Writer, dir, p string) error {
	fi, err := os.Lstat(p)
	if err != nil {
		return err
	}
	rel, err := filepath.Rel(dir, p)
	if err != nil {
		return err
	}
	hdr, err := tar.FileInfoHeader(fi, "")
	if err != nil {
		return err
	}
	hdr.Name = filepath.ToSlash(rel)
	if fi.IsDir() {
		hdr.Name += "/"
	}
	hdr.ModTime, hdr.Uid, hdr.Gid, hdr.Uname, hdr.Gname = Epoch, 0, 0, "", ""
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return nil
	}
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(tw, f)
	return err
}
