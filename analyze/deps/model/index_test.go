package model

import "testing"

func TestIndexLookup(t *testing.T) {
	pkg := func(name string, paths ...string) Package {
		return Package{Name: name, Paths: paths, Evidence: Evidence{Source: "/app/lock", How: name}}
	}
	r := Result{Roots: []Root{
		{Dir: "/app", Ecosystem: Node,
			Dev:        []Package{pkg("b", "/app/node_modules/b"), pkg("shared-dev", "/app/node_modules/s")},
			Prod:       []Package{pkg("a", "/app/node_modules/a"), pkg("nested", "/app/node_modules/b/node_modules/c")},
			Extraneous: []Package{pkg("x", "/app/node_modules/x")}},
		{Dir: "/other", Ecosystem: Node, Prod: []Package{pkg("shared-prod", "/app/node_modules/s")}},
	}}
	idx := NewIndex(r)
	if idx.Len() != 5 {
		t.Errorf("Len = %d, want 5", idx.Len())
	}
	tests := []struct {
		path  string
		class Class
		name  string
	}{
		{"/app/node_modules/b/index.js", Dev, "b"},
		{"/app/node_modules/b", Dev, "b"},
		{"/app/node_modules/b/node_modules/c/lib/x.js", Prod, "nested"},
		{"/app/node_modules/bb/index.js", "", ""},
		{"/app/node_modules/a/../b/x.js", Dev, "b"},
		{"/app/node_modules/x/y", Extraneous, "x"},
		{"/app/node_modules/s/index.js", Prod, "shared-prod"}, // prod wins a tie
		{"/app/server.js", "", ""},
		{"/", "", ""},
		{"relative/path", "", ""},
	}
	for _, tc := range tests {
		m, ok := idx.Lookup(tc.path)
		if ok != (tc.class != "") || m.Class != tc.class || m.Package.Name != tc.name {
			t.Errorf("Lookup(%q) = %+v, %v; want %s %s", tc.path, m, ok, tc.class, tc.name)
		}
	}
	var nilIdx *Index
	if _, ok := nilIdx.Lookup("/x"); ok || nilIdx.Len() != 0 {
		t.Error("nil index should match nothing")
	}
	if (Problem{Path: "/a", Reason: "bad"}).String() != "/a: bad" {
		t.Error("Problem.String")
	}
}
