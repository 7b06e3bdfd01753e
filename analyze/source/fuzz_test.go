package source

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/slimcheck/slimcheck/internal/imagetest"
)

// FuzzOpenArchive feeds arbitrary bytes to the archive detection, the tar
// indexer and the OCI-layout-in-tar reader: Open must not panic, errors must
// be one line, and an opened image must have readable layers or fail cleanly.
func FuzzOpenArchive(f *testing.F) {
	dir := f.TempDir()
	seed := func(p string) {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, n := range []string{"test-oci-gzip-image.tar", "test-oci-uncompressed-image.tar"} {
		seed(filepath.Join(diveFixtures, n))
	}
	img := imagetest.Image(f, v1.Config{}, nil, imagetest.Layer(f, imagetest.Text("a", "b")))
	imagetest.WriteDockerArchive(f, filepath.Join(dir, "d.tar"), "x:1", img)
	imagetest.WriteOCIArchive(f, filepath.Join(dir, "o.tar"), map[string]v1.Image{"x": img, "y": img})
	seed(filepath.Join(dir, "d.tar"))
	seed(filepath.Join(dir, "o.tar"))
	f.Add([]byte{})
	f.Add([]byte("\x1f\x8b\x08\x00"))
	f.Add(imagetest.TarBytes(f, imagetest.Text("index.json", `{"manifests":[{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"sha256:`+strings.Repeat("0", 64)+`"}]}`)))

	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "in.tar")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		img, _, err := Open(t.Context(), p, testOptions())
		if err != nil {
			if strings.ContainsAny(err.Error(), "\r\n") {
				t.Fatalf("error is not one line: %q", err)
			}
			return
		}
		_, _, _, _ = layerStats(img) // may fail on corrupt layers; must not panic
	})
}
