package diveparity

import (
	"bytes"
	"context"
	"io"
	"math"
	"reflect"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	diveimage "github.com/wagoodman/dive/dive/image"
	"github.com/wagoodman/dive/dive/image/docker"

	"github.com/slimcheck/slimcheck/analyze"
)

// runDive writes img as a docker-archive into memory and runs dive's own
// loader and analyzer on it, exactly as `dive docker-archive://…` does.
// dive exits the process on a corrupt archive, so only valid images reach it.
func runDive(t *testing.T, img v1.Image) *diveimage.AnalysisResult {
	t.Helper()
	tag, err := name.NewTag("parity.invalid/case:latest")
	if err != nil {
		t.Fatalf("parsing tag: %v", err)
	}
	var buf bytes.Buffer
	if err := tarball.Write(tag, img, &buf); err != nil {
		t.Fatalf("writing docker archive: %v", err)
	}
	return runDiveArchive(t, buf.Bytes())
}

// runDiveArchive runs dive's loader and analyzer on docker-archive bytes.
func runDiveArchive(t *testing.T, archive []byte) *diveimage.AnalysisResult {
	t.Helper()
	arch, err := docker.NewImageArchive(io.NopCloser(bytes.NewReader(archive)))
	if err != nil {
		t.Fatalf("dive: loading archive: %v", err)
	}
	dimg, err := arch.ToImage()
	if err != nil {
		t.Fatalf("dive: building image: %v", err)
	}
	res, err := dimg.Analyze()
	if err != nil {
		t.Fatalf("dive: analyzing: %v", err)
	}
	return res
}

// runOurs walks img and returns our dive metrics: those Walk computes
// beside the merge, after checking that analyze.Dive, which computes them
// alone (for indexes built otherwise), agrees.
func runOurs(t *testing.T, img v1.Image, opts analyze.Options) (*analyze.Index, analyze.DiveMetrics) {
	t.Helper()
	ix, err := analyze.Walk(context.Background(), img, opts)
	if err != nil {
		t.Fatalf("walking image: %v", err)
	}
	if alone := analyze.Dive(ix); !reflect.DeepEqual(alone, ix.Dive) {
		t.Fatalf("analyze.Dive %+v differs from Walk's %+v", alone, ix.Dive)
	}
	return ix, ix.Dive
}

// ineff is one inefficient path as both tools report it.
type ineff struct {
	Count int
	Bytes int64
}

// compare demands that our figures equal dive's exactly; it returns the
// number of mismatches so callers can print the image on failure.
func compare(t *testing.T, want *diveimage.AnalysisResult, ix *analyze.Index, got analyze.DiveMetrics) int {
	t.Helper()
	bad := 0
	fail := func(format string, args ...any) {
		t.Helper()
		bad++
		t.Errorf(format, args...)
	}
	if got.Efficiency != want.Efficiency {
		fail("efficiency: got %v, dive %v", got.Efficiency, want.Efficiency)
	}
	if uint64(got.WastedBytes) != want.WastedBytes || got.WastedBytes < 0 {
		fail("wasted bytes: got %d, dive %d", got.WastedBytes, want.WastedBytes)
	}
	if uint64(got.SizeBytes) != want.SizeBytes || got.SizeBytes < 0 {
		fail("size bytes: got %d, dive %d", got.SizeBytes, want.SizeBytes)
	}
	if uint64(got.UserSizeBytes) != want.UserSizeByes || got.UserSizeBytes < 0 {
		fail("user size bytes: got %d, dive %d", got.UserSizeBytes, want.UserSizeByes)
	}
	switch {
	case want.UserSizeByes == 0:
		// dive divides by zero (NaN or +Inf); we report 0.
		if got.UserWastedPercent != 0 {
			fail("user wasted percent with no user bytes: got %v, want 0 (dive %v)", got.UserWastedPercent, want.WastedUserPercent)
		}
		if !math.IsNaN(want.WastedUserPercent) && !math.IsInf(want.WastedUserPercent, 1) {
			fail("dive's user wasted percent with no user bytes is %v, expected NaN or +Inf", want.WastedUserPercent)
		}
	case got.UserWastedPercent != want.WastedUserPercent:
		fail("user wasted percent: got %v, dive %v", got.UserWastedPercent, want.WastedUserPercent)
	}
	if len(want.Layers) != len(ix.Layers) {
		fail("layers: got %d, dive %d", len(ix.Layers), len(want.Layers))
	} else {
		for i, dl := range want.Layers {
			if uint64(ix.Layers[i].Size) != dl.Size {
				fail("layer %d size: got %d, dive %d", i, ix.Layers[i].Size, dl.Size)
			}
		}
	}
	wantIneff := make(map[string]ineff)
	for _, d := range want.Inefficiencies {
		wantIneff[d.Path] = ineff{Count: len(d.Nodes), Bytes: d.CumulativeSize}
	}
	gotIneff := make(map[string]ineff)
	for _, d := range got.Inefficient {
		if _, dup := gotIneff[d.Path]; dup {
			fail("inefficient path %s listed twice", d.Path)
		}
		gotIneff[d.Path] = ineff{Count: d.Count, Bytes: d.CumulativeSize}
	}
	for p, w := range wantIneff {
		if g, ok := gotIneff[p]; !ok {
			fail("inefficient path %s: missing, dive %+v", p, w)
		} else if g != w {
			fail("inefficient path %s: got %+v, dive %+v", p, g, w)
		}
	}
	for p, g := range gotIneff {
		if _, ok := wantIneff[p]; !ok {
			fail("inefficient path %s: got %+v, dive does not list it", p, g)
		}
	}
	return bad
}
