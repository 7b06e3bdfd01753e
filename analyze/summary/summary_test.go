package summary

import (
	"math/rand/v2"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/slimcheck/slimcheck/analyze"
	"github.com/slimcheck/slimcheck/report"
)

func TestParentOf(t *testing.T) {
	deep := strings.Repeat("/d", 40)
	tests := []struct {
		in   string
		want string // "" for none
	}{
		{"/a/b/c", "/a/b"},
		{"/a/b/c/d/e", "/a/b/c/d"},
		{"/a/b/f", "/a/b"}, // an ancestor of the last parent
		{"/a/b/g", "/a/b"}, // the last parent
		{"/a", ""},
		{"/", ""},
		{"", ""},
		{"/a-b/c", "/a-b"},
		{deep + "/f", strings.Repeat("/d", maxDirDepth)},
		{strings.Repeat("/d", 38) + "/f", strings.Repeat("/d", maxDirDepth)},
		{strings.Repeat("/d", maxDirDepth+1), strings.Repeat("/d", maxDirDepth)},
		{strings.Repeat("/d", maxDirDepth) + "/f", strings.Repeat("/d", maxDirDepth)},
	}
	tab := newDirTable(1) // shared, in order: the cache of the last parent is part of the test
	for _, tt := range tests {
		n := tab.parentOf(tt.in)
		got := ""
		if n >= 0 {
			got = tab.at(n).path
		}
		if got != tt.want {
			t.Errorf("parentOf(%.20q) = %.20q, want %.20q", tt.in, got, tt.want)
		}
	}
	// Every node's ancestors exist, with levels one apart.
	for n := range tab.n {
		nd := tab.at(n)
		if want := int32(strings.Count(nd.path, "/")); nd.level != want {
			t.Errorf("%.20q: level %d, want %d", nd.path, nd.level, want)
		}
		if nd.parent >= 0 && tab.at(nd.parent).level != nd.level-1 {
			t.Errorf("%.20q: parent at level %d", nd.path, tab.at(nd.parent).level)
		}
	}
}

func TestTopDirs(t *testing.T) {
	type file struct {
		path string
		size int64
	}
	tests := []struct {
		name  string
		files []file
		want  []string
	}{
		{"descends while a child holds 80%", []file{
			{"/usr/lib/gcc/x86_64/4.8/f", 50}, {"/usr/lib/gcc/x86_64/other/f", 40}, {"/usr/lib/f", 5},
			{"/usr/share/f", 5}, {"/var/cache/yum/f", 10},
		}, []string{"/usr/lib/gcc/x86_64", "/var/cache/yum", "/usr/share"}},
		{"exactly 80% is enough", []file{{"/p/q/r/f", 80}, {"/p/q/f", 20}}, []string{"/p/q/r"}},
		{"79% is not", []file{{"/p/q/r/f", 79}, {"/p/q/f", 21}}, []string{"/p/q"}},
		{"first level without subdirectories", []file{{"/opt/f", 9}, {"/srv/a/f", 4}}, []string{"/opt", "/srv/a"}},
		{"deep paths stop at the depth bound", []file{{strings.Repeat("/d", 50) + "/f", 7}}, []string{strings.Repeat("/d", maxDirDepth)}},
		{"top five only", []file{
			{"/a/1/f", 1}, {"/a/2/f", 2}, {"/a/3/f", 3}, {"/a/4/f", 4}, {"/a/5/f", 5}, {"/a/6/f", 6},
		}, []string{"/a/6", "/a/5", "/a/4", "/a/3", "/a/2"}},
		{"nothing", nil, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab := newDirTable(2)
			old := map[string]int64{}
			for _, f := range tt.files {
				tab.addCategory(tab.parentOf(f.path), 1, f.size)
				for _, d := range oldAncestors(f.path, oldMaxDirDepth) {
					old[d] += f.size
				}
			}
			tab.propagate()
			got := tab.topDirs(1, 5)
			paths := []string{}
			for _, d := range got {
				paths = append(paths, d.Path)
			}
			if !reflect.DeepEqual(paths, tt.want) {
				t.Errorf("topDirs = %q, want %q", paths, tt.want)
			}
			if want := oldTopDirs(old, 5); !reflect.DeepEqual(got, want) {
				t.Errorf("topDirs = %+v, oracle %+v", got, want)
			}
			if other := tab.topDirs(0, 5); len(other) != 0 {
				t.Errorf("category 0 has no bytes, got dirs %+v", other)
			}
		})
	}
}

// TestTopN checks the bounded selection against a full stable sort.
func TestTopN(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, 5, 20, 100} {
		for range 50 {
			all := make([]hiddenRef, r.IntN(300))
			for i := range all {
				all[i] = hiddenRef{bytes: int64(r.IntN(20)), layer: int32(i / 10), entry: int32(i % 10)}
			}
			h := newTopN(n, hiddenBefore)
			for _, x := range all {
				h.offer(x)
			}
			got := h.sorted()
			want := append([]hiddenRef(nil), all...)
			sort.SliceStable(want, func(i, j int) bool { return want[i].bytes > want[j].bytes })
			want = want[:min(n, len(want))]
			if len(want) == 0 {
				want = nil
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("n=%d: top = %v, want %v", n, got, want)
			}
		}
	}
}

// TestCategoriesFitMask guards dirNode.mask, one bit per category.
func TestCategoriesFitMask(t *testing.T) {
	if n := len(report.Categories()); n > 64 {
		t.Errorf("%d categories do not fit dirNode.mask", n)
	}
}

// TestHistory: every history entry is listed in order, steps without a
// layer included, each with the layer it created.
func TestHistory(t *testing.T) {
	at := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	ix := &analyze.Index{
		Layers: make([]analyze.Layer, 2),
		History: []v1.History{
			{CreatedBy: "ADD rootfs.tar /", Created: v1.Time{Time: at}},
			{CreatedBy: "ENV PATH=/usr/bin", EmptyLayer: true, Comment: "buildkit.dockerfile.v0"},
			{CreatedBy: "RUN make"},
			{CreatedBy: "RUN orphan"}, // more non-empty steps than layers
		},
	}
	want := []report.HistoryStep{
		{CreatedBy: "ADD rootfs.tar /", Created: at, Layer: 0},
		{CreatedBy: "ENV PATH=/usr/bin", Comment: "buildkit.dockerfile.v0", EmptyLayer: true, Layer: -1},
		{CreatedBy: "RUN make", Layer: 1},
		{CreatedBy: "RUN orphan", Layer: -1},
	}
	if got := history(ix); !reflect.DeepEqual(got, want) {
		t.Errorf("history:\n got %+v\nwant %+v", got, want)
	}
	if got := history(&analyze.Index{}); got == nil || len(got) != 0 {
		t.Errorf("no history gave %#v, want an empty list (JSON [])", got)
	}
}
