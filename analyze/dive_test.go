package analyze

import (
	"reflect"
	"strings"
	"testing"
)

// TestDiveSyntheticTrees replays dive's own efficiency unit tests
// (dive/filetree/efficiency_test.go): trees built with AddPath, so parent
// directories are implied and a deleted directory counts nothing.
func TestDiveSyntheticTrees(t *testing.T) {
	f := func(p string, size int64) Entry { return Entry{Path: p, Size: size, Type: TypeFile} }
	cases := []struct {
		name        string
		layers      [][]Entry
		efficiency  float64
		inefficient []Inefficiency
	}{
		{
			name: "nginx",
			layers: [][]Entry{
				{f("/etc/nginx/nginx.conf", 2000), f("/etc/nginx/public", 3000)},
				{f("/etc/nginx/nginx.conf", 5000), f("/etc/athing", 10000)},
				{{Path: "/etc/nginx", Type: TypeWhiteout, Status: Marker, Change: Removal}},
			},
			efficiency:  0.75,
			inefficient: []Inefficiency{{Path: "/etc/nginx/nginx.conf", Count: 2, CumulativeSize: 7000}},
		},
		{
			name:       "scratch",
			layers:     [][]Entry{{f("/nothing", 0)}, nil, nil},
			efficiency: 1,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ix := &Index{}
			for _, es := range c.layers {
				l := Layer{Entries: es}
				for _, e := range es {
					l.Size += e.Size
				}
				ix.Layers = append(ix.Layers, l)
			}
			merge(ix)
			checkInvariants(t, ix)
			m := Dive(ix)
			if m.Efficiency != c.efficiency {
				t.Errorf("efficiency %v, want %v", m.Efficiency, c.efficiency)
			}
			if len(m.Inefficient) != len(c.inefficient) {
				t.Fatalf("inefficient %+v, want %+v", m.Inefficient, c.inefficient)
			}
			for i := range c.inefficient {
				if m.Inefficient[i] != c.inefficient[i] {
					t.Errorf("inefficient[%d] = %+v, want %+v", i, m.Inefficient[i], c.inefficient[i])
				}
			}
		})
	}
}

// TestDiveNoUserBytes pins our answer where dive divides by zero.
func TestDiveNoUserBytes(t *testing.T) {
	ix := walkSpec(t, Options{}, []spec{dir("d"), file("d/x", 100)}, []spec{wh("d")}, []spec{dir("d")})
	m := Dive(ix)
	if m.UserSizeBytes != 0 || m.UserWastedPercent != 0 {
		t.Errorf("user size %d, percent %v; want 0 and 0", m.UserSizeBytes, m.UserWastedPercent)
	}
	if m.SizeBytes != 100 || m.WastedBytes != 100 {
		t.Errorf("size %d, wasted %d; want 100 and 100 (the deleted dir counts)", m.SizeBytes, m.WastedBytes)
	}
}

// TestDiveDeepPath: one file under 100k directory levels (a 200 kB PAX
// name) took dive's mirror 22 s when every level re-walked and re-hashed its
// ancestors; it is linear now. The test would take minutes if it regressed.
func TestDiveDeepPath(t *testing.T) {
	deep := strings.Repeat("d/", 100_000) + "f"
	ix := walkSpec(t, Options{}, []spec{file(deep, 7)}, []spec{file(deep, 9)})
	m := Dive(ix)
	if m.SizeBytes != 16 || m.WastedBytes != 16 || len(m.Inefficient) != 1 || m.Inefficient[0].Path != "/"+deep {
		t.Errorf("size %d wasted %d inefficient %d; want 16, 16 and the deep file", m.SizeBytes, m.WastedBytes, len(m.Inefficient))
	}
}

// TestDeepHostileShapes: path shapes that made the stages after the read
// quadratic in a path's length (a tar name may be 1 MiB). Each took seconds
// to minutes at these sizes and runs in milliseconds now; the test would
// take that long again if one regressed.
func TestDeepHostileShapes(t *testing.T) {
	deep := strings.Repeat("d/", 50_000)
	cases := []struct {
		name   string
		layers [][]spec
	}{
		// Every component is named like a whiteout: dive records data for
		// each such leaf's target path, which must not be interned per level.
		{"whiteout-named chain", [][]spec{{file(strings.Repeat(".wh.a/", 20_000)+"f", 5)}}},
		// Siblings out of name order in a deep directory: dive's visiting
		// order must not come from sorting whole keys.
		{"unsorted siblings deep down", [][]spec{{file(deep+"f", 1), file(deep+"x", 2), file(deep+"g", 3)}, {file(deep+"x", 4)}}},
		// Entries whose parents are new while their deep ancestors exist:
		// interning walks each path once, not once per existing ancestor.
		{"new parents under a deep directory", [][]spec{{file(deep+"p1/f", 1), file(deep+"p2/f", 1), file(deep+"p3/f", 1), file(deep+"p1/g", 1)}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ix := walkSpec(t, Options{}, c.layers...)
			checkInvariants(t, ix)
			var es [][]Entry
			for _, l := range ix.Layers {
				es = append(es, l.Entries)
			}
			if got := Dive(indexOf(es)); !reflect.DeepEqual(got, ix.Dive) {
				t.Errorf("Dive %+v, Walk's %+v", got, ix.Dive)
			}
		})
	}
}
