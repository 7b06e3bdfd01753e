package hostile

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/slimcheck/slimcheck/internal/imagetest"
)

// tarGen writes the entries of one uncompressed layer to tw.
type tarGen func(tw *tar.Writer) error

// streamArchive writes a docker-archive with one uncompressed layer per
// generator, streaming every layer through a temporary file, so that huge
// layers never sit in this process's memory (its peak RSS is the floor of
// what the kernel reports for the slimcheck child; see slimcheck()).
func streamArchive(t *testing.T, cfg v1.Config, gens ...tarGen) string {
	t.Helper()
	dir := t.TempDir()
	var diffIDs []v1.Hash
	var history []v1.History
	var names []string
	for i, gen := range gens {
		name := fmt.Sprintf("layer%d.tar", i)
		h, err := writeLayerFile(filepath.Join(dir, name), gen)
		if err != nil {
			t.Fatalf("writing layer %d: %v", i, err)
		}
		diffIDs = append(diffIDs, h)
		history = append(history, v1.History{Created: v1.Time{Time: imagetest.Epoch}, CreatedBy: fmt.Sprintf("RUN step %d", i)})
		names = append(names, name)
	}
	cf := v1.ConfigFile{
		Architecture: "amd64", OS: "linux", Created: v1.Time{Time: imagetest.Epoch},
		Config:  cfg,
		RootFS:  v1.RootFS{Type: "layers", DiffIDs: diffIDs},
		History: history,
	}
	rawCfg, err := json.Marshal(cf)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(rawCfg)
	cfgName := hex.EncodeToString(sum[:]) + ".json"
	manifest, err := json.Marshal([]map[string]any{{"Config": cfgName, "RepoTags": []string{"hostile.example/app:1"}, "Layers": names}})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "image.tar")
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tw := tar.NewWriter(f)
	add := func(name string, size int64, r io.Reader) {
		if err := tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeReg, Size: size, Mode: 0o644, ModTime: imagetest.Epoch}); err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(tw, r); err != nil {
			t.Fatal(err)
		}
	}
	add(cfgName, int64(len(rawCfg)), bytesReader(rawCfg))
	for _, name := range names {
		lf, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		fi, err := lf.Stat()
		if err != nil {
			t.Fatal(err)
		}
		add(name, fi.Size(), lf)
		lf.Close()
		os.Remove(filepath.Join(dir, name))
	}
	add("manifest.json", int64(len(manifest)), bytesReader(manifest))
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return out
}

// writeLayerFile runs gen into a tar file at path and returns its diff ID.
func writeLayerFile(path string, gen tarGen) (v1.Hash, error) {
	f, err := os.Create(path)
	if err != nil {
		return v1.Hash{}, err
	}
	defer f.Close()
	h := sha256.New()
	tw := tar.NewWriter(io.MultiWriter(f, h))
	if err := gen(tw); err != nil {
		return v1.Hash{}, err
	}
	if err := tw.Close(); err != nil {
		return v1.Hash{}, err
	}
	if err := f.Close(); err != nil {
		return v1.Hash{}, err
	}
	return v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(h.Sum(nil))}, nil
}

// entries is a generator that writes imagetest entries.
func entries(es ...imagetest.Entry) tarGen {
	return func(tw *tar.Writer) error {
		for _, e := range es {
			if err := writeEntry(tw, e); err != nil {
				return err
			}
		}
		return nil
	}
}

// writeEntry writes one imagetest entry (files get Size zero bytes unless
// Content is set).
func writeEntry(tw *tar.Writer, e imagetest.Entry) error {
	hdr := &tar.Header{Name: e.Path, Typeflag: e.Type, Mode: e.Mode, Linkname: e.Link, ModTime: imagetest.Epoch, Uid: e.UID, Gid: e.GID}
	if hdr.Typeflag == 0 {
		hdr.Typeflag = tar.TypeReg
	}
	if hdr.Mode == 0 {
		hdr.Mode = 0o644
	}
	var body io.Reader
	if hdr.Typeflag == tar.TypeReg {
		if e.Content != nil {
			hdr.Size = int64(len(e.Content))
			body = bytesReader(e.Content)
		} else {
			hdr.Size = e.Size
			body = io.LimitReader(zeroReader{}, e.Size)
		}
	}
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	if body != nil {
		_, err := io.Copy(tw, body)
		return err
	}
	return nil
}
