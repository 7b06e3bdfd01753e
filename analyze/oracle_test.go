package analyze

import (
	"io/fs"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// randomLayers builds layers of random entries over a small path alphabet
// that makes them collide: files, dirs, links, whiteouts, opaque and meta
// markers, names dive treats specially (".wh.", ".wh..wh.") and, unless
// clean, what only a hand-built Index holds: unclean and relative paths
// ("a//b", "a/", ".", ".."), statuses and modes that disagree with the
// type, paths used again across and within layers.
func randomLayers(r *rand.Rand, clean bool) [][]Entry {
	names := []string{"a", "b", "c", "a-b", ".wh.a", ".wh.b", ".wh..wh.x", "d"}
	if !clean {
		names = append(names, "", ".wh.", ".", "..", ".wh..wh..opq", ".wh..wh..x", ".wh..wh..wh.a")
	}
	randPath := func() string {
		if !clean && r.IntN(20) == 0 {
			return []string{"", "/", "//", "a", ".wh.a", "a//"}[r.IntN(6)]
		}
		var b strings.Builder
		for range 1 + r.IntN(4) {
			b.WriteString("/")
			b.WriteString(names[r.IntN(len(names))])
		}
		if !clean && r.IntN(10) == 0 {
			b.WriteString("/")
		}
		return b.String()
	}
	marker := func(t EntryType, p string) Entry {
		return Entry{Path: p, Type: t, Status: Marker, Change: Removal}
	}
	modes := []fs.FileMode{0, fs.ModeDir | 0o755, 0o644, fs.ModeSymlink}
	var used []string
	layers := make([][]Entry, 1+r.IntN(5))
	for li := range layers {
		for range r.IntN(14) {
			p := randPath()
			if len(used) > 0 && r.IntN(3) == 0 {
				p = used[r.IntN(len(used))]
			}
			used = append(used, p)
			var e Entry
			switch k := r.IntN(20); {
			case k < 8:
				e = Entry{Path: p, Type: TypeFile, Size: int64(r.IntN(4)) * 100, Hash: uint64(r.IntN(3))}
			case k < 13:
				e = Entry{Path: p, Type: TypeDir, Mode: fs.ModeDir | 0o755, Size: int64(r.IntN(2))}
			case k < 14:
				e = Entry{Path: p, Type: TypeSymlink, Link: "x"}
			case k < 15:
				e = Entry{Path: p, Type: TypeHardlink, Link: randPath(), Size: 10}
			case k < 18:
				e = marker(TypeWhiteout, p)
			case k < 19:
				e = marker(TypeOpaque, p)
			default:
				e = marker(TypeMeta, p+"/.wh..wh.aufs")
			}
			if !clean && r.IntN(10) == 0 {
				e.Mode = modes[r.IntN(len(modes))]
				e.Type = EntryType(r.IntN(int(TypeMeta) + 1))
				if r.IntN(2) == 0 {
					e.Status, e.Change = Marker, Removal
				} else {
					e.Status, e.Change = Visible, Added
				}
			}
			layers[li] = append(layers[li], e)
		}
	}
	return layers
}

// indexOf makes an unmerged Index of layers (entries copied).
func indexOf(layers [][]Entry) *Index {
	ix := &Index{}
	for _, es := range layers {
		l := Layer{Entries: slices.Clone(es)}
		for _, e := range es {
			l.Size += e.Size
		}
		ix.Layers = append(ix.Layers, l)
	}
	return ix
}

// checkMatchesOracle merges and measures layers both ways and fails on any
// difference: entry statuses and changes, stats, final view, rewrites and
// dive's metrics (computed alone and beside the merge).
func checkMatchesOracle(t *testing.T, layers [][]Entry) {
	t.Helper()
	got, want := indexOf(layers), indexOf(layers)
	finish(got)
	oracleMerge(want)
	wantDive := oracleDive(want)
	if g, w := dumpEntries(got), dumpEntries(want); !slices.Equal(g, w) {
		t.Fatalf("entries:\n got %q\nwant %q\nlayers %+v", g, w, layers)
	}
	if !reflect.DeepEqual(got.Stats, want.Stats) {
		t.Fatalf("stats:\n got %+v\nwant %+v\nlayers %+v", got.Stats, want.Stats, layers)
	}
	if !slices.Equal(got.Final, want.Final) {
		t.Fatalf("final:\n got %q\nwant %q\nlayers %+v", finalPaths(got), finalPaths(want), layers)
	}
	if !slices.Equal(got.Rewrites, want.Rewrites) {
		t.Fatalf("rewrites:\n got %+v\nwant %+v", got.Rewrites, want.Rewrites)
	}
	if !reflect.DeepEqual(got.Dive, wantDive) {
		t.Fatalf("dive beside the merge:\n got %+v\nwant %+v\nlayers %+v", got.Dive, wantDive, layers)
	}
	if alone := Dive(indexOf(layers)); !reflect.DeepEqual(alone, wantDive) {
		t.Fatalf("dive alone:\n got %+v\nwant %+v\nlayers %+v", alone, wantDive, layers)
	}
}

// TestMergeAndDiveMatchOracle checks the merge and dive's metrics over the
// shared path trie against the code they replaced (oracle_merge_test.go,
// oracle_dive_test.go) on random layers, clean and hand-built.
func TestMergeAndDiveMatchOracle(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	for i := range 20000 {
		checkMatchesOracle(t, randomLayers(r, i%2 == 0))
	}
}

// TestMergeAndDiveMatchOracleOnWalks compares them on walked images: the
// dive parity cases' kind of input, through readLayer.
func TestMergeAndDiveMatchOracleOnWalks(t *testing.T) {
	cases := [][][]spec{
		{{dir("a"), file("a/x", 10), file("a/y", 20)}, {wh("a")}, {dir("a"), file("a/x", 5)}},
		{{dir("d"), dir("d/e"), file("d/e/f", 7)}, {opq("d"), file("d/g", 3)}, {file("d", 1)}},
		{{file("f", 100), hardlink("h", "f")}, {file("f", 100)}, {wh("h")}},
		{{dir("x"), file("x/.wh.y", 4)}, {wh("x/.wh.y")}, {symlink("x/l", "y")}},
	}
	for _, layers := range cases {
		ix := walkSpec(t, Options{}, layers...)
		var es [][]Entry
		for _, l := range ix.Layers {
			es = append(es, l.Entries)
		}
		checkMatchesOracle(t, es)
		if want := oracleDive(indexOf(es)); !reflect.DeepEqual(ix.Dive, want) {
			t.Errorf("Walk's dive metrics %+v, oracle %+v", ix.Dive, want)
		}
	}
}

// FuzzMergeAndDiveOracle builds layers of entries with arbitrary paths
// (one per line; the line's first byte picks the type, a line "---" starts
// a new layer) and checks the path trie's merge and dive's metrics against
// the code they replaced, and the trie's own invariants.
func FuzzMergeAndDiveOracle(f *testing.F) {
	f.Add("f/a/b\nd/a\n---\nw/a\nf/a/.wh.x/y\n")
	f.Add("f/.wh.a/.wh.b/c\nf/.wh..wh.opq/x\n---\nw/.wh.a\no/\n")
	f.Add("f//a//b/\nd/a/\nf/a/./b\n---\nf/a/../c\nh/a\n")
	f.Fuzz(func(t *testing.T, spec string) {
		if len(spec) > 4096 {
			return
		}
		layers := [][]Entry{nil}
		for _, line := range strings.Split(spec, "\n") {
			if line == "---" {
				layers = append(layers, nil)
				continue
			}
			if line == "" {
				continue
			}
			p := line[1:]
			var e Entry
			switch line[0] % 6 {
			case 0:
				e = Entry{Path: p, Type: TypeFile, Size: int64(len(p))}
			case 1:
				e = Entry{Path: p, Type: TypeDir, Mode: fs.ModeDir | 0o755}
			case 2:
				e = Entry{Path: p, Type: TypeWhiteout, Status: Marker, Change: Removal}
			case 3:
				e = Entry{Path: p, Type: TypeOpaque, Status: Marker, Change: Removal}
			case 4:
				e = Entry{Path: p, Type: TypeHardlink, Link: "/" + p, Size: 1}
			default:
				e = Entry{Path: p, Type: TypeMeta, Status: Marker, Change: Removal}
			}
			cur := &layers[len(layers)-1]
			*cur = append(*cur, e)
		}
		checkMatchesOracle(t, layers)
		tr, _ := internIndex(indexOf(layers))
		for id := 1; id < len(tr.nodes); id++ {
			n := tr.nodes[id]
			want := tr.name(int32(id))
			if n.parent > 0 {
				want = tr.nodes[n.parent].key + "/" + want
			}
			if n.key != want {
				t.Fatalf("node %d key %q, parent's key and name give %q", id, n.key, want)
			}
			if got := tr.lookup(n.key); got != int32(id) {
				t.Fatalf("lookup(%q) = %d, want %d", n.key, got, id)
			}
		}
	})
}
