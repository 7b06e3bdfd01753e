package analyze

import (
	"context"
	"slices"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
)

func TestHistoryMapping(t *testing.T) {
	h := func(by string, empty bool) v1.History { return v1.History{CreatedBy: by, EmptyLayer: empty} }
	cases := []struct {
		name    string
		history []v1.History
		want    []string // created_by per layer, "-" for no history
		layers  []int    // HistoryLayers
	}{
		{
			name:    "one entry per layer",
			history: []v1.History{h("FROM", false), h("RUN a", false), h("COPY b", false)},
			want:    []string{"FROM", "RUN a", "COPY b"},
			layers:  []int{0, 1, 2},
		},
		{
			name: "empty_layer entries are skipped",
			history: []v1.History{
				h("ENV X=1", true), h("FROM", false), h("ENV Y=2", true), h("WORKDIR /", true),
				h("RUN a", false), h("LABEL z", true), h("COPY b", false), h("CMD x", true),
			},
			want:   []string{"FROM", "RUN a", "COPY b"},
			layers: []int{-1, 0, -1, -1, 1, -1, 2, -1},
		},
		{
			name:    "missing history",
			history: nil,
			want:    []string{"-", "-", "-"},
			layers:  []int{},
		},
		{
			name:    "fewer entries than layers",
			history: []v1.History{h("FROM", false), h("ENV X=1", true)},
			want:    []string{"FROM", "-", "-"},
			layers:  []int{0, -1},
		},
		{
			name:    "only empty entries",
			history: []v1.History{h("ENV X=1", true), h("CMD x", true)},
			want:    []string{"-", "-", "-"},
			layers:  []int{-1, -1},
		},
		{
			name:    "more entries than layers",
			history: []v1.History{h("FROM", false), h("RUN a", false), h("RUN b", false), h("RUN c", false)},
			want:    []string{"FROM", "RUN a", "RUN b"},
			layers:  []int{0, 1, 2, -1},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			img := testImage(t, []spec{file("a", 1)}, []spec{file("b", 2)}, []spec{file("c", 3)})
			cf, err := img.ConfigFile()
			if err != nil {
				t.Fatalf("reading config: %v", err)
			}
			cf = cf.DeepCopy()
			cf.History = c.history
			img, err = mutate.ConfigFile(img, cf)
			if err != nil {
				t.Fatalf("setting config: %v", err)
			}
			ix, err := Walk(context.Background(), img, Options{})
			if err != nil {
				t.Fatalf("walking: %v", err)
			}
			if len(ix.History) != len(c.history) {
				t.Errorf("index history has %d entries, want %d", len(ix.History), len(c.history))
			}
			if got := ix.HistoryLayers(); !slices.Equal(got, c.layers) {
				t.Errorf("HistoryLayers() = %v, want %v", got, c.layers)
			}
			for i, l := range ix.Layers {
				got := "-"
				if l.HasHistory {
					got = l.History.CreatedBy
				}
				if got != c.want[i] || l.Index != i {
					t.Errorf("layer %d (index %d): history %q, want %q", i, l.Index, got, c.want[i])
				}
			}
		})
	}
}
