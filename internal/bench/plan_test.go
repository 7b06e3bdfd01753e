package bench

import (
	"reflect"
	"strings"
	"testing"
)

// TestPlanMeetsSpec checks the full-size plans against what the benchmark
// promises: the big image is over a GiB with one dominant incompressible
// layer; the many image has over 200k files in at least 15 layers, with
// overwrites, directory whiteouts that delete large subtrees and an opaque
// directory.
func TestPlanMeetsSpec(t *testing.T) {
	if testing.Short() {
		t.Skip("plans the full-size images")
	}
	t.Run("big", func(t *testing.T) {
		p, err := NewPlan(Big, DefaultPlanOptions())
		if err != nil {
			t.Fatal(err)
		}
		st := p.Stats()
		if st.Bytes < 1<<30 {
			t.Errorf("uncompressed bytes %d, want at least 1 GiB", st.Bytes)
		}
		if st.MaxLayerBytes*2 < st.Bytes {
			t.Errorf("largest layer %d of %d bytes: not dominant", st.MaxLayerBytes, st.Bytes)
		}
		if st.MaxLayerRand < 1<<30 {
			t.Errorf("largest layer has %d incompressible bytes, want at least 1 GiB", st.MaxLayerRand)
		}
	})
	t.Run("many", func(t *testing.T) {
		p, err := NewPlan(Many, DefaultPlanOptions())
		if err != nil {
			t.Fatal(err)
		}
		st := p.Stats()
		if st.Files < 200_000 {
			t.Errorf("%d files, want at least 200k", st.Files)
		}
		if st.Layers < 15 {
			t.Errorf("%d layers, want at least 15", st.Layers)
		}
		if st.Opaques < 1 {
			t.Errorf("no opaque directory")
		}
		if n := overwrites(p); n < 1000 {
			t.Errorf("%d regular files overwritten by a later layer, want at least 1000", n)
		}
		big := 0
		for _, n := range deletedSubtrees(p) {
			if n >= 1000 {
				big++
			}
		}
		if big < 3 {
			t.Errorf("%d directory whiteouts delete 1000 or more files, want at least 3", big)
		}
	})
}

// overwrites counts regular files written again by a later layer.
func overwrites(p *Plan) int {
	seen := map[string]int{}
	n := 0
	for li, l := range p.Layers {
		for _, e := range l.Entries {
			if e.Kind != KindFile {
				continue
			}
			if lower, ok := seen[e.Name]; ok && lower < li {
				n++
			}
			seen[e.Name] = li
		}
	}
	return n
}

// deletedSubtrees returns, for each whiteout of a directory, how many files
// lower layers had put below it.
func deletedSubtrees(p *Plan) []int {
	var out []int
	for li, l := range p.Layers {
		for _, w := range l.Entries {
			if w.Kind != KindWhiteout {
				continue
			}
			n := 0
			for _, lower := range p.Layers[:li] {
				for _, e := range lower.Entries {
					if e.Kind == KindFile && strings.HasPrefix(e.Name, w.Name+"/") {
						n++
					}
				}
			}
			if n > 0 {
				out = append(out, n)
			}
		}
	}
	return out
}

func TestPlanDeterministic(t *testing.T) {
	for _, kind := range Kinds() {
		t.Run(string(kind), func(t *testing.T) {
			opts := PlanOptions{Seed: 7, Scale: 0.02}
			a, err := NewPlan(kind, opts)
			if err != nil {
				t.Fatal(err)
			}
			b, err := NewPlan(kind, opts)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(a, b) {
				t.Error("the same seed planned two different images")
			}
			opts.Seed++
			c, err := NewPlan(kind, opts)
			if err != nil {
				t.Fatal(err)
			}
			if reflect.DeepEqual(a, c) {
				t.Error("different seeds planned the same image")
			}
		})
	}
}

func TestPlanOptionsValidate(t *testing.T) {
	tests := []struct {
		name  string
		kind  Kind
		scale float64
		ok    bool
	}{
		{"benchmark size", Big, 1, true},
		{"small", Many, 0.001, true},
		{"largest", Big, 4, true},
		{"zero scale", Many, 0, false},
		{"negative scale", Many, -1, false},
		{"too large", Many, 5, false},
		{"unknown kind", Kind("huge"), 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewPlan(tt.kind, PlanOptions{Seed: 1, Scale: tt.scale})
			if (err == nil) != tt.ok {
				t.Errorf("NewPlan(%q, scale %v) error = %v, want ok %v", tt.kind, tt.scale, err, tt.ok)
			}
		})
	}
}

// TestPlanWellFormed checks every planned layer is a layer diff a tar
// reader accepts: parents come before children, names are relative and
// clean, links have targets, markers carry no payload.
func TestPlanWellFormed(t *testing.T) {
	for _, kind := range Kinds() {
		t.Run(string(kind), func(t *testing.T) {
			p, err := NewPlan(kind, PlanOptions{Seed: 3, Scale: 0.05})
			if err != nil {
				t.Fatal(err)
			}
			for li, l := range p.Layers {
				dirs := map[string]bool{}
				seen := map[string]bool{}
				for i, e := range l.Entries {
					if seen[e.Name] && e.Kind != KindOpaque {
						t.Fatalf("layer %d entry %d: %q twice in one layer", li, i, e.Name)
					}
					seen[e.Name] = true
					if e.Name == "" || strings.HasPrefix(e.Name, "/") || strings.HasSuffix(e.Name, "/") || strings.Contains(e.Name, "//") || strings.Contains("/"+e.Name+"/", "/../") {
						t.Fatalf("layer %d entry %d: bad name %q", li, i, e.Name)
					}
					if dir, _ := splitName(e.Name); dir != "" && !dirs[strings.TrimSuffix(dir, "/")] {
						t.Fatalf("layer %d entry %d: %q comes before its directory", li, i, e.Name)
					}
					switch e.Kind {
					case KindDir:
						dirs[e.Name] = true
					case KindSymlink, KindHardlink:
						if e.Link == "" {
							t.Errorf("layer %d: link %q has no target", li, e.Name)
						}
					case KindWhiteout, KindOpaque:
						if e.Size != 0 {
							t.Errorf("layer %d: marker %q has %d bytes", li, e.Name, e.Size)
						}
					case KindFile:
						if e.Size < 0 || (e.Content == Inline && int64(len(e.Data)) != e.Size) {
							t.Errorf("layer %d: file %q has size %d (%d inline bytes)", li, e.Name, e.Size, len(e.Data))
						}
					}
				}
			}
		})
	}
}

func TestTarName(t *testing.T) {
	tests := []struct {
		e    Entry
		want string
	}{
		{Entry{Name: "usr/bin/gcc", Kind: KindFile}, "usr/bin/gcc"},
		{Entry{Name: "usr/lib", Kind: KindDir}, "usr/lib/"},
		{Entry{Name: "app/node_modules/.cache", Kind: KindWhiteout}, "app/node_modules/.wh..cache"},
		{Entry{Name: "top", Kind: KindWhiteout}, ".wh.top"},
		{Entry{Name: "app/dist", Kind: KindOpaque}, "app/dist/.wh..wh..opq"},
	}
	for _, tt := range tests {
		if got := tt.e.TarName(); got != tt.want {
			t.Errorf("TarName(%+v) = %q, want %q", tt.e, got, tt.want)
		}
	}
}
