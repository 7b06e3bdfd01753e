package source

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/slimcheck/slimcheck/internal/imagetest"
)

// readLayers reads every layer's compressed or uncompressed stream to its
// end and returns the first error.
func readLayers(img v1.Image, uncompressed bool) error {
	ls, err := img.Layers()
	if err != nil {
		return err
	}
	for _, l := range ls {
		open := l.Compressed
		if uncompressed {
			open = l.Uncompressed
		}
		rc, err := open()
		if err != nil {
			return err
		}
		_, err = io.Copy(io.Discard, rc)
		rc.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// forgedLayer is a valid gzip layer with other contents than testImage's:
// only a digest check can tell it from the real one.
func forgedLayer(t *testing.T) []byte {
	t.Helper()
	l := imagetest.Layer(t, imagetest.File("app/forged.bin", 4096))
	rc, err := l.Compressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func blobFile(dir string, h v1.Hash) string { return filepath.Join(dir, "blobs", h.Algorithm, h.Hex) }

// TestOpenLayoutDirVerifiesBlobs: ggcr reads OCI layout directories
// unchecked; Open must notice a manifest, config or layer whose bytes do
// not match its digest, as it does for registries and OCI archives.
func TestOpenLayoutDirVerifiesBlobs(t *testing.T) {
	img := testImage(t, "verify")
	ls, _ := img.Layers()
	layerDigest, _ := ls[1].Digest()
	cfgDigest, _ := img.ConfigName()
	manifestDigest, _ := img.Digest()
	tests := []struct {
		name   string
		tamper func(t *testing.T, dir string)
		atOpen bool   // the mismatch is found by Open (else when the layer is read)
		want   string // what the error names
	}{
		{"intact", nil, false, ""},
		{"layer replaced", func(t *testing.T, dir string) {
			os.WriteFile(blobFile(dir, layerDigest), forgedLayer(t), 0o644)
		}, false, layerDigest.String()},
		{"layer bit flip", func(t *testing.T, dir string) {
			b, _ := os.ReadFile(blobFile(dir, layerDigest))
			b[len(b)-1] ^= 1 // the gzip size trailer: gzip readers may not notice
			os.WriteFile(blobFile(dir, layerDigest), b, 0o644)
		}, false, layerDigest.String()},
		{"config edited", func(t *testing.T, dir string) {
			b, _ := os.ReadFile(blobFile(dir, cfgDigest))
			os.WriteFile(blobFile(dir, cfgDigest), bytes.Replace(b, []byte(`"verify"`), []byte(`"forged"`), 1), 0o644)
		}, true, cfgDigest.String()},
		{"manifest edited", func(t *testing.T, dir string) {
			b, _ := os.ReadFile(blobFile(dir, manifestDigest))
			os.WriteFile(blobFile(dir, manifestDigest), append(b, ' '), 0o644)
		}, true, manifestDigest.String()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "layout")
			imagetest.WriteOCILayout(t, dir, map[string]v1.Image{"v1": img})
			if tt.tamper != nil {
				tt.tamper(t, dir)
			}
			got, _, err := Open(ctxT(t), dir, testOptions())
			if tt.atOpen {
				if !errors.Is(err, ErrDigestMismatch) || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("Open = %v, want ErrDigestMismatch naming %s", err, tt.want)
				}
				mustOneLine(t, err, dir)
				if Hint(err) == "" {
					t.Error("no hint for a digest mismatch")
				}
				return
			}
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			if tt.tamper == nil {
				validateImage(t, got)
				if err := readLayers(got, true); err != nil {
					t.Fatalf("reading intact layers: %v", err)
				}
				return
			}
			err = readLayers(got, false)
			if !errors.Is(err, ErrDigestMismatch) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("reading the stored layer = %v, want ErrDigestMismatch naming %s", err, tt.want)
			}
			if err := readLayers(got, true); err == nil {
				t.Error("reading the uncompressed layer succeeded")
			} else if tt.name == "layer replaced" && !errors.Is(err, ErrDigestMismatch) {
				t.Errorf("reading the uncompressed layer = %v, want ErrDigestMismatch", err)
			}
		})
	}
}

// TestDockerArchiveVerifyDiffIDs: a docker archive records only diff IDs;
// with VerifyDiffIDs a layer whose tar does not hash to its diff ID fails
// when read; without it the bytes present are read as they are.
func TestDockerArchiveVerifyDiffIDs(t *testing.T) {
	img := testImage(t, "diffid")
	cf, _ := img.ConfigFile()
	want := cf.RootFS.DiffIDs[1]
	dir := t.TempDir()
	intact := filepath.Join(dir, "intact.tar")
	imagetest.WriteDockerArchive(t, intact, "example.com/app:1", img)
	forged := filepath.Join(dir, "forged.tar")
	replaceArchiveMember(t, intact, forged, 1, forgedLayer(t))

	verify := testOptions()
	verify.VerifyDiffIDs = true
	for _, tt := range []struct {
		path string
		opts Options
		bad  bool
	}{
		{intact, testOptions(), false},
		{intact, verify, false},
		{forged, testOptions(), false},
		{forged, verify, true},
	} {
		got, info, err := Open(ctxT(t), tt.path, tt.opts)
		if err != nil {
			t.Fatalf("Open(%s): %v", tt.path, err)
		}
		if !info.ReadUncompressed {
			t.Fatal("docker archives are read uncompressed")
		}
		err = readLayers(got, true)
		switch {
		case tt.bad && (!errors.Is(err, ErrDigestMismatch) || !strings.Contains(err.Error(), want.String())):
			t.Errorf("%s verified: %v, want ErrDigestMismatch naming %s", filepath.Base(tt.path), err, want)
		case !tt.bad && err != nil:
			t.Errorf("%s (verify %v): %v", filepath.Base(tt.path), tt.opts.VerifyDiffIDs, err)
		}
	}
}

// replaceArchiveMember copies the docker archive src to dst with the
// blob of layer i (per manifest.json) replaced by data.
func replaceArchiveMember(t *testing.T, src, dst string, i int, data []byte) {
	t.Helper()
	tf, err := scanTar(src)
	if err != nil {
		t.Fatal(err)
	}
	img, err := tf.readAll("manifest.json", maxManifestSize)
	if err != nil {
		t.Fatal(err)
	}
	var m []struct {
		Config string
		Layers []string
	}
	if err := json.Unmarshal(img, &m); err != nil {
		t.Fatal(err)
	}
	var entries []imagetest.Entry
	for name := range tf.files {
		rc, _, err := tf.open(name)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if name == m[0].Layers[i] {
			b = data
		}
		entries = append(entries, imagetest.Entry{Path: name, Content: b})
	}
	if err := os.WriteFile(dst, imagetest.TarBytes(t, entries...), 0o644); err != nil {
		t.Fatal(err)
	}
}
