package gate_test

import (
	"archive/tar"
	"context"
	"fmt"
	"path"
	"reflect"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/slimcheck/slimcheck/analyze/pipeline"
	"github.com/slimcheck/slimcheck/analyze/source"
	"github.com/slimcheck/slimcheck/gate"
	"github.com/slimcheck/slimcheck/gate/internal/randimage"
	"github.com/slimcheck/slimcheck/internal/imagetest"
	"github.com/slimcheck/slimcheck/report"
)

// analyzeSpec builds the image of spec and analyzes it with Files.
func analyzeSpec(t *testing.T, layers [][]imagetest.Entry, createdBy []string) *report.Report {
	t.Helper()
	var ls []v1.Layer
	for _, es := range layers {
		ls = append(ls, imagetest.Layer(t, es...))
	}
	img := imagetest.Image(t, v1.Config{}, createdBy, ls...)
	opts := pipeline.DefaultOptions()
	opts.Summary.Files = true
	opts.Walk.Concurrency = 1
	res, err := pipeline.RunImage(context.Background(), img, source.Info{Reference: "gen", Kind: source.KindDockerArchive}, opts)
	if err != nil {
		t.Fatalf("analyzing: %v", err)
	}
	return res.Report
}

// figures are the numbers rules read.
type figures struct {
	Size, Final, Hidden, NotNeeded int64
	FinalFiles, HiddenFiles        int
	Layers                         []int64
	LayerHidden                    []int64
	Categories                     map[report.Category]int64
	Dive                           report.Dive
}

func figuresOf(r *report.Report) figures {
	f := figures{Size: r.Image.SizeBytes, Final: r.Image.FinalBytes, FinalFiles: r.Image.FinalFiles, Hidden: r.Hidden.Bytes,
		HiddenFiles: r.Hidden.Files, NotNeeded: r.NotNeeded, Categories: map[report.Category]int64{}, Dive: r.Dive}
	for _, l := range r.Layers {
		f.Layers = append(f.Layers, l.SizeBytes)
		f.LayerHidden = append(f.LayerHidden, l.HiddenBytes)
	}
	for _, c := range r.Categories {
		f.Categories[c.Category] = c.Bytes
	}
	return f
}

// TestExcludeNothingRecomputesExactly: recomputing every figure from the
// file list with a pattern that matches nothing gives back the analyzer's
// figures, dive's metrics included, bit for bit.
func TestExcludeNothingRecomputesExactly(t *testing.T) {
	for seed := uint64(1); seed <= 60; seed++ {
		spec := randimage.New(seed, 1)
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			r := analyzeSpec(t, spec.Layers, spec.CreatedBy)
			got, ex, err := gate.Exclude(r, []string{"/no/such/path/**"})
			if err != nil {
				t.Fatal(err)
			}
			if ex.Entries != 0 || got == r {
				t.Fatalf("excluded %d entries (same report: %v)", ex.Entries, got == r)
			}
			if w, g := figuresOf(r), figuresOf(got); !reflect.DeepEqual(w, g) {
				t.Errorf("recomputed figures differ:\n got %+v\nwant %+v\n%s", g, w, spec.Describe())
			}
		})
	}
}

// TestExcludeMatchesAnImageWithoutThePaths: excluding a subtree gives the
// figures of the same image built without it, for dive's metrics, sizes and
// categories. Two kinds of image are skipped, where removing entries
// changes the status of others: a hard link across the boundary, and an
// excluded entry below a path that is a file in some layer.
func TestExcludeMatchesAnImageWithoutThePaths(t *testing.T) {
	m, err := gate.NewMatcher([]string{"/opt/models", "*.bin"})
	if err != nil {
		t.Fatal(err)
	}
	compared, changed := 0, 0
	for seed := uint64(1); seed <= 80; seed++ {
		spec := randimage.New(seed, 1)
		var filtered [][]imagetest.Entry
		crossing := false
		nonDirs := map[string]bool{}
		for _, es := range spec.Layers {
			for _, e := range es {
				if e.Type != tar.TypeDir && !strings.Contains(e.Path, ".wh.") {
					nonDirs["/"+e.Path] = true
				}
			}
		}
		for _, es := range spec.Layers {
			var keep []imagetest.Entry
			for _, e := range es {
				p := "/" + e.Path
				if e.Type == tar.TypeLink && m.Match("/"+e.Link) && !m.Match(p) {
					crossing = true // a link left pointing at nothing
				}
				if m.Match(whiteoutTarget(p)) {
					// An excluded entry below a file turns that file into an
					// implied directory when analyzed; Exclude keeps statuses.
					for d := path.Dir(p); d != "/"; d = path.Dir(d) {
						crossing = crossing || nonDirs[d]
					}
					continue
				}
				keep = append(keep, e)
			}
			filtered = append(filtered, keep)
		}
		if crossing {
			continue
		}
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			r := analyzeSpec(t, spec.Layers, spec.CreatedBy)
			got, ex, err := gate.Exclude(r, []string{"/opt/models", "*.bin"})
			if err != nil {
				t.Fatal(err)
			}
			if ex.Entries > 0 {
				changed++
			}
			want := analyzeSpec(t, filtered, spec.CreatedBy)
			if w, g := figuresOf(want), figuresOf(got); !reflect.DeepEqual(w, g) {
				t.Errorf("figures differ from the image without the paths:\n got %+v\nwant %+v\n%s", g, w, spec.Describe())
			}
		})
		compared++
	}
	if compared < 30 || changed < 15 {
		t.Errorf("only %d images compared, %d with excluded entries", compared, changed)
	}
}

// whiteoutTarget maps a whiteout or opaque marker path to the path it acts on.
func whiteoutTarget(p string) string {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '/' {
			base := p[i+1:]
			switch {
			case base == ".wh..wh..opq":
				return p[:i]
			case len(base) > 4 && base[:4] == ".wh.":
				return p[:i+1] + base[4:]
			}
			return p
		}
	}
	return p
}

func TestExcludeNeedsFiles(t *testing.T) {
	r := &report.Report{Image: report.Image{SizeBytes: 10}}
	if _, _, err := gate.Exclude(r, []string{"/x"}); err == nil {
		t.Error("no error without Files")
	}
	if got, _, err := gate.Exclude(r, nil); err != nil || got != r {
		t.Errorf("no patterns: %v %v", got, err)
	}
}

func TestMatcher(t *testing.T) {
	tests := []struct {
		pattern string
		path    string
		want    bool
	}{
		{"*.onnx", "/opt/m/model.onnx", true},
		{"*.onnx", "/opt/m/model.onnx.txt", false},
		{"node_modules", "/app/node_modules/x/index.js", true},
		{"node_modules", "/app/node_modulesx/a", false},
		{"/opt/models", "/opt/models", true},
		{"/opt/models", "/opt/models/a/b.bin", true},
		{"/opt/models", "/opt/modelsx", false},
		{"opt/models", "/opt/models/a", true},
		{"/opt/*/weights", "/opt/x/weights/1", true},
		{"/opt/*/weights", "/opt/x/y/weights", false},
		{"/opt/**/weights", "/opt/x/y/weights/1", true},
		{"/opt/**/weights", "/opt/weights", true},
		{"/**/*.bin", "/a/b/c.bin", true},
		{"/**", "/anything", true},
		{"/a/**/**/b", "/a/x/y/b", true},
		{"/usr/share/[dm]*", "/usr/share/doc/x", true},
		{"/usr/share/[dm]*", "/usr/share/locale", false},
	}
	for _, tt := range tests {
		m, err := gate.NewMatcher([]string{tt.pattern})
		if err != nil {
			t.Fatalf("%q: %v", tt.pattern, err)
		}
		if got := m.Match(tt.path); got != tt.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tt.pattern, tt.path, got, tt.want)
		}
	}
	if _, err := gate.NewMatcher([]string{"/a/[b"}); err == nil {
		t.Error("bad pattern accepted")
	}
}
