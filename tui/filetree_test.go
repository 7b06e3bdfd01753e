package tui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/slimcheck/slimcheck/report"
)

// smallReport is a three-layer image built by hand:
//
//	layer 0: /usr/bin/tool 5000, /tmp/big 3000, /opt/x/a 10, /etc/conf 100
//	layer 1: /usr/bin/tool 6000 (replaces layer 0's), /opt/x opaque, /opt/x/b 20, /app/run 1000
//	layer 2: deletes /tmp/big, /app/cache/c 300
func smallReport() *report.Report {
	f := func(p string, layer int, typ, status, change string, bytes int64, c report.Category, ev int) report.File {
		return report.File{Path: p, Layer: layer, Type: typ, Status: status, Change: change, Bytes: bytes, Category: c, Evidence: ev}
	}
	files := []report.File{
		f("/usr", 0, "dir", "visible", "added", 0, report.OSBase, -1),
		f("/usr/bin", 0, "dir", "visible", "added", 0, report.OSBase, -1),
		f("/usr/bin/tool", 0, "file", "overwritten", "added", 5000, report.Wasted, 2),
		f("/tmp", 0, "dir", "visible", "added", 0, report.OSBase, -1),
		f("/tmp/big", 0, "file", "deleted", "added", 3000, report.Wasted, 2),
		f("/opt/x", 0, "dir", "overwritten", "added", 0, report.OSBase, -1),
		f("/opt/x/a", 0, "file", "deleted", "added", 10, report.Wasted, 2),
		f("/etc/conf", 0, "file", "visible", "added", 100, report.OSBase, 0),
		f("/usr/bin/tool", 1, "file", "visible", "modified", 6000, report.BuildToolchain, 0),
		f("/opt/x", 1, "opaque", "marker", "removal", 0, report.OSBase, -1),
		f("/opt/x", 1, "dir", "visible", "modified", 0, report.OSBase, -1),
		f("/opt/x/b", 1, "file", "visible", "added", 20, report.Docs, 1),
		f("/app/run", 1, "file", "visible", "added", 1000, report.App, -1),
		f("/tmp/big", 2, "whiteout", "marker", "removal", 0, report.OSBase, -1),
		f("/app/cache/c", 2, "file", "visible", "added", 300, report.PackageCache, 1),
		f("/app/link", 2, "symlink", "visible", "added", 0, report.App, -1),
	}
	files[len(files)-1].Link = "run"
	r := &report.Report{
		Image: report.Image{Reference: "example.com/small:1", SizeBytes: 15430, FinalBytes: 7420},
		Layers: []report.Layer{
			{Index: 0, SizeBytes: 8110, CreatedBy: "/bin/sh -c #(nop) ADD file:abc in /", Categories: map[report.Category]int64{report.Wasted: 8010, report.OSBase: 100}},
			{Index: 1, SizeBytes: 7020, CreatedBy: "/bin/sh -c make install", Categories: map[report.Category]int64{report.BuildToolchain: 6000, report.Docs: 20, report.App: 1000}},
			{Index: 2, SizeBytes: 300, CreatedBy: "/bin/sh -c rm -rf /tmp/big", Categories: map[report.Category]int64{report.PackageCache: 300}},
		},
		Categories: []report.CategoryTotal{
			{Category: report.Wasted, Bytes: 8010, Files: 3, Percent: 51.9},
			{Category: report.BuildToolchain, Bytes: 6000, Files: 1, Percent: 38.9, TopPackages: []report.PackageBytes{{Name: "gcc", Version: "4.8", Manager: "rpm", Bytes: 6000, Files: 1}}},
			{Category: report.PackageCache, Bytes: 300, Files: 1, Percent: 1.9},
			{Category: report.Docs, Bytes: 20, Files: 1, Percent: 0.1},
			{Category: report.App, Bytes: 1000, Files: 2, Percent: 6.5},
			{Category: report.OSBase, Bytes: 100, Files: 1, Percent: 0.6},
		},
		Files: files,
		Evidence: []report.Evidence{
			{Kind: "package", Package: "gcc", Version: "4.8", Manager: "rpm"},
			{Kind: "rule", Rule: "npm-cache", Pattern: "**/.npm/**"},
			{Kind: "hidden", Detail: "overwritten"},
		},
	}
	return r
}

// dump lists a tree in preorder: depth-indented name, size and mark.
func dump(t *fileTree) string {
	var b strings.Builder
	for _, n := range t.nodes[1:] {
		fmt.Fprintf(&b, "%s%s %d", strings.Repeat(" ", int(n.depth)-1), n.name, n.bytes)
		if n.dir {
			b.WriteString("/")
		}
		if n.mark != markNone {
			fmt.Fprintf(&b, " m%d", n.mark)
		}
		if n.copies > 1 {
			fmt.Fprintf(&b, " x%d", n.copies)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func TestBuildTree(t *testing.T) {
	d := newData(smallReport(), nil)
	tests := []struct {
		name string
		key  treeKey
		want string
	}{
		{"whole image", treeKey{scope: scope{layer: 2}}, `usr 6000/
 bin 6000/
  tool 6000
app 1300/
 run 1000
 cache 300/
  c 300 m1
 link 0 m1
etc 100/
 conf 100
opt 20/
 x 20/
  b 20
tmp 0/
`},
		{"up to layer 0", treeKey{scope: scope{layer: 0}}, `usr 5000/ m1
 bin 5000/ m1
  tool 5000 m1
tmp 3000/ m1
 big 3000 m1
etc 100/
 conf 100 m1
opt 10/
 x 10/ m1
  a 10 m1
`},
		{"up to layer 1: the opaque dir hides layer 0's /opt/x/a", treeKey{scope: scope{layer: 1}}, `usr 6000/
 bin 6000/
  tool 6000 m2
tmp 3000/
 big 3000
app 1000/
 run 1000 m1
etc 100/
 conf 100
opt 20/
 x 20/ m2
  b 20 m1
`},
		{"layer 1 only", treeKey{scope: scope{layer: 1, mode: layerOnly}}, `usr 6000/
 bin 6000/
  tool 6000 m2
app 1000/
 run 1000 m1
opt 20/
 x 20/ m2
  b 20 m1
`},
		{"layer 2 only marks the removal", treeKey{scope: scope{layer: 2, mode: layerOnly}}, `app 300/
 cache 300/
  c 300 m1
 link 0 m1
tmp 0/
 big 0 m3
`},
		{"wasted, whole image", treeKey{scope: scope{layer: 2}, wasted: true}, `usr 5000/
 bin 5000/
  tool 5000 m5
tmp 3000/
 big 3000 m6
opt 10/
 x 10/
  a 10 m6
`},
		{"wasted, layer 1 only", treeKey{scope: scope{layer: 1, mode: layerOnly}, wasted: true}, ``},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := buildTree(d, tt.key)
			if got := dump(tr); got != tt.want {
				t.Errorf("tree:\n%s\nwant:\n%s", got, tt.want)
			}
			checkTree(t, tr)
		})
	}
}

// checkTree asserts the invariants of a built tree: preorder subtrees,
// sizes that sum, children sorted by size.
func checkTree(t testing.TB, tr *fileTree) {
	t.Helper()
	if len(tr.nodes) == 0 || tr.nodes[0].path != "/" || tr.nodes[0].end != int32(len(tr.nodes)) {
		t.Fatalf("root is not the whole tree")
	}
	for i := range tr.nodes {
		n := &tr.nodes[i]
		if n.end <= int32(i) || n.end > int32(len(tr.nodes)) {
			t.Fatalf("node %d (%s): end %d out of range", i, n.path, n.end)
		}
		if i > 0 && (n.parent < 0 || n.parent >= int32(i) || tr.nodes[n.parent].end < n.end || !tr.nodes[n.parent].dir) {
			t.Fatalf("node %d (%s): bad parent %d", i, n.path, n.parent)
		}
		if !n.dir {
			if n.end != int32(i)+1 {
				t.Fatalf("file %s has children", n.path)
			}
			continue
		}
		var sum int64
		var files int32
		prev := int64(-1)
		for _, k := range tr.kids(int32(i), nil) {
			kb := tr.nodes[k].bytes
			sum += kb
			files += tr.nodes[k].files
			if prev >= 0 && kb > prev {
				t.Fatalf("children of %s are not sorted by size", n.path)
			}
			prev = kb
		}
		// A directory entry may carry bytes of its own; hostile ones do.
		if sum > n.bytes || files != n.files {
			t.Fatalf("%s: children hold %d bytes in %d files, the directory says %d in %d", n.path, sum, files, n.bytes, n.files)
		}
	}
}

// TestOverlayMatchesFinal stacks every layer of the demo image by hand
// and expects exactly the filesystem the report marks visible.
func TestOverlayMatchesFinal(t *testing.T) {
	rep, _ := demoReport(t)
	d := newData(rep, nil)
	final := buildTree(d, treeKey{scope: scope{layer: d.last()}})
	stacked := stackLayers(d, d.last(), treeKey{})
	if got, want := dumpPaths(stacked), dumpPaths(final); got != want {
		t.Errorf("stacked layers differ from the final filesystem:\n%s", firstDiff(got, want))
	}
	if final.nodes[0].bytes != rep.Image.FinalBytes {
		t.Errorf("final tree holds %d bytes, report says %d", final.nodes[0].bytes, rep.Image.FinalBytes)
	}
	if int(final.nodes[0].files) != rep.Image.FinalFiles {
		t.Errorf("final tree holds %d files, report says %d", final.nodes[0].files, rep.Image.FinalFiles)
	}
	checkTree(t, final)
	checkTree(t, stacked)
}

func dumpPaths(t *fileTree) string {
	var b strings.Builder
	for _, n := range t.nodes {
		fmt.Fprintf(&b, "%s %d %v\n", n.path, n.bytes, n.dir)
	}
	return b.String()
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < min(len(al), len(bl)); i++ {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d: %q vs %q", i+1, al[i], bl[i])
		}
	}
	return fmt.Sprintf("lengths %d vs %d", len(al), len(bl))
}

func TestCleanPath(t *testing.T) {
	for in, want := range map[string]string{"/a/b": "/a/b", "a/b": "/a/b", "": "/", "/": "/", "/a/../../b": "/b", "//a//b/": "/a/b", "./x": "/x"} {
		if got := cleanPath(in); got != want {
			t.Errorf("cleanPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNumCats(t *testing.T) {
	if got := len(report.Categories()) + 1; got != numCats {
		t.Fatalf("numCats is %d, report has %d categories (+1)", numCats, got-1)
	}
	for i, c := range report.Categories() {
		if catIndex(c) != uint8(i) || catAt(uint8(i)) != c {
			t.Errorf("category %s does not round-trip", c)
		}
	}
	if catIndex("made-up") != numCats-1 {
		t.Errorf("an unknown category must take the last slot")
	}
}

func FuzzBuildTree(f *testing.F) {
	f.Add("/a/b\n/a/c\n/a", "file\nfile\ndir", "visible\nvisible\nvisible")
	f.Add("/a\n/a/b\n/a", "file\nfile\nwhiteout", "overwritten\nvisible\nmarker")
	f.Add("x/../y\n//\n\x1b[2J", "dir\nopaque\nfile", "visible\nmarker\ndeleted")
	f.Fuzz(func(t *testing.T, paths, types, statuses string) {
		ps, ts, ss := strings.Split(paths, "\n"), strings.Split(types, "\n"), strings.Split(statuses, "\n")
		r := &report.Report{Layers: make([]report.Layer, 3)}
		for i, p := range ps {
			f := report.File{Path: p, Layer: i % 3, Type: ts[i%len(ts)], Status: ss[i%len(ss)], Bytes: int64(len(p)), Category: report.Categories()[i%9]}
			r.Files = append(r.Files, f)
		}
		d := newData(r, nil)
		for l := range 3 {
			for _, k := range []treeKey{{scope: scope{layer: l}}, {scope: scope{layer: l, mode: layerOnly}}, {scope: scope{layer: l}, wasted: true}} {
				checkTree(t, buildTree(d, k))
			}
		}
	})
}
