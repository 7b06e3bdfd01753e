package imagetest

import (
	"archive/tar"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/validate"
)

func TestWriteDockerArchive(t *testing.T) {
	p := filepath.Join(t.TempDir(), "img.tar")
	img := smallImage(t, "arch")
	WriteDockerArchive(t, p, "app:1", img)
	tag := name.MustParseReference("app:1").(name.Tag)
	got, err := tarball.ImageFromPath(p, &tag)
	if err != nil {
		t.Fatalf("reading archive: %v", err)
	}
	if err := validate.Image(got); err != nil {
		t.Fatalf("validating: %v", err)
	}
	want, _ := img.ConfigName()
	if c, _ := got.ConfigName(); c != want {
		t.Fatalf("config %s, want %s", c, want)
	}
}

func TestWriteOCILayoutAndArchive(t *testing.T) {
	dir := t.TempDir()
	images := map[string]v1.Image{"b": smallImage(t, "b"), "a": smallImage(t, "a"), "": smallImage(t, "unnamed")}
	lp := filepath.Join(dir, "layout")
	WriteOCILayout(t, lp, images)
	idx, err := layout.ImageIndexFromPath(lp)
	if err != nil {
		t.Fatal(err)
	}
	m, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range m.Manifests {
		names = append(names, d.Annotations[RefNameAnnotation])
		img, err := idx.Image(d.Digest)
		if err != nil {
			t.Fatal(err)
		}
		if err := validate.Image(img); err != nil {
			t.Fatalf("validating %q: %v", d.Annotations[RefNameAnnotation], err)
		}
	}
	if len(names) != 3 || names[0] != "" || names[1] != "a" || names[2] != "b" {
		t.Fatalf("ref names in index order = %q, want sorted keys", names)
	}

	ap := filepath.Join(dir, "layout.tar")
	WriteOCIArchive(t, ap, images)
	f, err := os.Open(ap)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tr := tar.NewReader(f)
	var members []string
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		members = append(members, hdr.Name)
	}
	if !sort.StringsAreSorted(members) {
		t.Errorf("members not sorted: %q", members)
	}
	have := map[string]bool{}
	for _, n := range members {
		have[n] = true
	}
	for _, want := range []string{"oci-layout", "index.json", "blobs/", "blobs/sha256/"} {
		if !have[want] {
			t.Errorf("archive lacks %s (has %q)", want, members)
		}
	}
}
