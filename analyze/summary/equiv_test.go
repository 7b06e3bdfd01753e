package summary

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/slimcheck/slimcheck/analyze"
	"github.com/slimcheck/slimcheck/analyze/attribute"
	"github.com/slimcheck/slimcheck/internal/demo"
	"github.com/slimcheck/slimcheck/report"
)

var oracleOptions = []Options{{}, {Top: 1}, {Top: 3, Files: true}, {Top: 1000, ToolVersion: "v1"}}

// sameAsOracle checks that Build and oldBuild produce identical reports.
func sameAsOracle(t *testing.T, name string, ix *analyze.Index, attr *attribute.Result, opts Options) {
	t.Helper()
	src := Source{Reference: "r", Kind: "docker-archive", Name: "n"}
	dm := analyze.Dive(ix)
	sameReport(t, name, Build(ix, src, attr, dm, opts), oldBuild(ix, src, attr, dm, opts))
}

// sameReport fails unless got and want are deeply equal, showing the first
// JSON line that differs.
func sameReport(t *testing.T, name string, got, want *report.Report) {
	t.Helper()
	if reflect.DeepEqual(got, want) {
		return
	}
	g, _ := json.MarshalIndent(got, "", " ")
	w, _ := json.MarshalIndent(want, "", " ")
	gl, wl := strings.Split(string(g), "\n"), strings.Split(string(w), "\n")
	for i := range min(len(gl), len(wl)) {
		if gl[i] != wl[i] {
			t.Fatalf("%s: report differs from the oracle at JSON line %d:\n got %s\nwant %s", name, i+1, gl[i], wl[i])
		}
	}
	t.Fatalf("%s: report differs from the oracle (JSON lines %d vs %d, or in nil-vs-empty)", name, len(gl), len(wl))
}

func TestBuildMatchesOracleRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	for i := range 120 {
		ix, real := randomIndex(t, r, i%2 == 0)
		attrs := []struct {
			name string
			attr *attribute.Result
		}{{"no", nil}, {"synthetic", randomAttribution(r, ix)}, {"real", real}}
		for _, a := range attrs {
			if a.name == "real" && a.attr == nil {
				continue
			}
			for _, opts := range oracleOptions {
				sameAsOracle(t, fmt.Sprintf("image %d, %s attribution, %+v", i, a.name, opts), ix, a.attr, opts)
			}
		}
	}
}

func TestBuildMatchesOracleImages(t *testing.T) {
	fixtures := "../../../shared/fixtures/dive/"
	cases := []struct {
		name string
		open func(t *testing.T, attr bool) (*analyze.Index, *attribute.Result)
	}{
		{"demo", func(t *testing.T, attr bool) (*analyze.Index, *attribute.Result) {
			img, err := demo.Image()
			if err != nil {
				t.Fatal(err)
			}
			return walk(t, img, false, attr)
		}},
		{"dive docker image", func(t *testing.T, attr bool) (*analyze.Index, *attribute.Result) {
			return openArchive(t, fixtures+"test-docker-image.tar", attr)
		}},
		{"dive kaniko image", func(t *testing.T, attr bool) (*analyze.Index, *attribute.Result) {
			return openArchive(t, fixtures+"test-kaniko-image.tar", attr)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, attr := range []bool{false, true} {
				ix, res := c.open(t, attr)
				if attr && len(res.Table) == 0 {
					t.Errorf("attribution found no evidence")
				}
				for _, opts := range oracleOptions {
					sameAsOracle(t, fmt.Sprintf("attribution %v, %+v", attr, opts), ix, res, opts)
				}
			}
		})
	}
}

// TestBuildDeepPaths checks that paths of 100k components cost linear
// time, and are aggregated to their 32 shallowest ancestors as before.
func TestBuildDeepPaths(t *testing.T) {
	deep := strings.Repeat("/d", 100_000)
	var entries []analyze.Entry
	entries = append(entries, analyze.Entry{Path: deep, Type: analyze.TypeDir})
	for i := range 50 {
		entries = append(entries,
			analyze.Entry{Path: fmt.Sprintf("%s/x%d/f", deep, i), Size: int64(i + 1)},
			analyze.Entry{Path: fmt.Sprintf("%s/g%d", deep[:2*(i+20)], i), Size: 3})
	}
	ix := &analyze.Index{Layers: []analyze.Layer{{Entries: entries}}, Stats: []analyze.LayerStats{{Entries: len(entries)}}}
	for i := range entries {
		ix.Final = append(ix.Final, analyze.Ref{Entry: int32(i)})
	}
	start := time.Now()
	r := Build(ix, Source{}, nil, analyze.DiveMetrics{}, Options{})
	if d := time.Since(start); d > time.Second {
		t.Errorf("Build took %v on 100k-component paths, want < 1s", d)
	}
	var total int64
	for _, e := range entries {
		total += e.Size
	}
	top := r.Largest.Dirs[0]
	if top.Path != "/d" || top.Bytes != total || top.Files != len(entries)-1 {
		t.Errorf("top dir = %s %d bytes %d files, want /d %d bytes %d files", top.Path, top.Bytes, top.Files, total, len(entries)-1)
	}
	for _, d := range r.Largest.Dirs {
		if n := strings.Count(d.Path, "/"); n > maxDirDepth {
			t.Errorf("dir %.40s... has %d levels, want at most %d", d.Path, n, maxDirDepth)
		}
	}
	// Not sameAsOracle: analyze.Dive itself is slow on such paths.
	sameReport(t, "deep paths", r, oldBuild(ix, Source{}, nil, analyze.DiveMetrics{}, Options{}))
}
