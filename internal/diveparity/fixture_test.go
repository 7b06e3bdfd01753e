package diveparity

import (
	"os"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/wagoodman/dive/dive/filetree"

	"github.com/slimcheck/slimcheck/analyze"
)

// diveFixture is dive's own parity image (see shared/fixtures/README.md).
const diveFixture = "../../../shared/fixtures/dive/test-docker-image.tar"

// TestDiveFixture checks the real `docker save` archive from dive's
// repository against the figures dive's tests and export snapshot assert,
// and against dive itself run on the same bytes.
func TestDiveFixture(t *testing.T) {
	raw, err := os.ReadFile(diveFixture)
	if err != nil {
		t.Fatalf("reading fixture: %v", err)
	}
	img, err := tarball.ImageFromPath(diveFixture, nil)
	if err != nil {
		t.Fatalf("opening fixture: %v", err)
	}
	ix, got := runOurs(t, img, analyze.Options{StoredUncompressed: true})

	// dive v0.13.1's numbers, from image_archive_analysis_test.go:17 and export_test.snap.
	if got.Efficiency != 0.9844212134184309 {
		t.Errorf("efficiency %v, want 0.9844212134184309", got.Efficiency)
	}
	if got.SizeBytes != 1220598 {
		t.Errorf("size %d, want 1220598", got.SizeBytes)
	}
	if got.UserSizeBytes != 66237 {
		t.Errorf("user size %d, want 66237", got.UserSizeBytes)
	}
	if got.WastedBytes != 32025 {
		t.Errorf("wasted %d, want 32025", got.WastedBytes)
	}
	if got.UserWastedPercent != 0.4834911001404049 {
		t.Errorf("user wasted percent %v, want 0.4834911001404049", got.UserWastedPercent)
	}
	wantLayers := []struct {
		size  int64
		files int
	}{
		{1154361, 415}, {6405, 1}, {0, 4}, {6405, 3}, {6405, 3}, {6405, 3}, {6405, 3},
		{6405, 4}, {6405, 2}, {0, 2}, {2187, 4}, {6405, 2}, {6405, 3}, {6405, 2},
	}
	if len(ix.Layers) != len(wantLayers) {
		t.Fatalf("layers %d, want %d", len(ix.Layers), len(wantLayers))
	}
	for i, w := range wantLayers {
		if ix.Layers[i].Size != w.size || ix.Stats[i].Entries != w.files {
			t.Errorf("layer %d: size %d, files %d; want %d, %d", i, ix.Layers[i].Size, ix.Stats[i].Entries, w.size, w.files)
		}
	}
	wantIneff := map[string]ineff{
		"/root/saved.txt":             {2, 12810},
		"/root/example/somefile1.txt": {2, 12810},
		"/root/example/somefile3.txt": {2, 6405},
	}
	if len(got.Inefficient) != len(wantIneff) {
		t.Errorf("inefficient paths %+v, want %v", got.Inefficient, wantIneff)
	}
	for _, d := range got.Inefficient {
		if w := wantIneff[d.Path]; w != (ineff{d.Count, d.CumulativeSize}) {
			t.Errorf("inefficient %s: %d refs, %d bytes; want %+v", d.Path, d.Count, d.CumulativeSize, w)
		}
	}

	// And dive itself, on the same bytes, agrees on everything, including
	// its per-layer file lists (every node of the layer tree).
	want := runDiveArchive(t, raw)
	compare(t, want, ix, got)
	for i, dl := range want.Layers {
		nodes := 0
		err := dl.Tree.VisitDepthChildFirst(func(*filetree.FileNode) error { nodes++; return nil }, nil)
		if err != nil {
			t.Fatalf("counting dive's layer %d tree: %v", i, err)
		}
		if nodes != wantLayers[i].files {
			t.Errorf("dive layer %d: %d files, README says %d", i, nodes, wantLayers[i].files)
		}
	}
}
