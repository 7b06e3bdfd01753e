package gen

import (
	"slices"
	"testing"
)

func TestLayerTree(t *testing.T) {
	lower := newFSView()
	base := newLayerTree(nil)
	for _, e := range []entry{
		{path: "/usr/bin", kind: kindDir, mode: 0o555},
		{path: "/bin", kind: kindSymlink, mode: 0o777, link: "usr/bin"},
		{path: "/tmp", kind: kindDir, mode: 0o1777},
	} {
		if err := base.add(e); err != nil {
			t.Fatal(err)
		}
	}
	lower.apply(base)

	tests := []struct {
		name     string
		add      []entry
		wantErr  bool
		wantKeys []string
		check    func(t *testing.T, l *layerTree)
	}{
		{
			name:     "implicit parents copy lower metadata",
			add:      []entry{{path: "/tmp/a/b", kind: kindFile, size: 3}},
			wantKeys: []string{"tmp/", "tmp/a/", "tmp/a/b"},
			check: func(t *testing.T, l *layerTree) {
				if e := l.get("/tmp"); e.mode != 0o1777 || !e.implicit {
					t.Errorf("/tmp = %+v, want the lower 1777 directory", e)
				}
				if e := l.get("/tmp/a"); e.mode != 0o755 {
					t.Errorf("/tmp/a mode %o", e.mode)
				}
			},
		},
		{
			name:     "paths resolve through lower symlinks",
			add:      []entry{{path: "/bin/gcc", kind: kindFile, size: 1}, {path: "/bin/cc", kind: kindHardlink, link: "/bin/gcc"}},
			wantKeys: []string{"usr/", "usr/bin/", "usr/bin/cc", "usr/bin/gcc"},
			check: func(t *testing.T, l *layerTree) {
				if e := l.get("/usr/bin/cc"); e == nil || e.link != "/usr/bin/gcc" {
					t.Errorf("hard link = %+v", e)
				}
			},
		},
		{
			name:     "whiteout and opaque markers coexist with a directory",
			add:      []entry{{path: "/tmp/x", kind: kindDir, mode: 0o700}, {path: "/tmp/x", kind: kindOpaque}, {path: "/tmp/y", kind: kindWhiteout}},
			wantKeys: []string{"tmp/", "tmp/.wh.y", "tmp/x/", "tmp/x/.wh..wh..opq"},
		},
		{
			name:     "a later add replaces an entry of another type",
			add:      []entry{{path: "/tmp/f", kind: kindFile, size: 1}, {path: "/tmp/f", kind: kindSymlink, link: "g"}},
			wantKeys: []string{"tmp/", "tmp/f"},
		},
		{
			name:    "replacing a populated directory fails",
			add:     []entry{{path: "/tmp/d/f", kind: kindFile}, {path: "/tmp/d", kind: kindSymlink, link: "x"}},
			wantErr: true,
		},
		{
			name:    "adding beneath a file fails",
			add:     []entry{{path: "/tmp/f", kind: kindFile}, {path: "/tmp/f/g", kind: kindFile}},
			wantErr: true,
		},
		{
			name:    "content longer than size fails",
			add:     []entry{{path: "/tmp/f", kind: kindFile, size: 1, content: []byte("ab")}},
			wantErr: true,
		},
		{
			name:    "data on a symlink fails",
			add:     []entry{{path: "/tmp/f", kind: kindSymlink, size: 1}},
			wantErr: true,
		},
		{
			name: "symlink loops are bounded",
			add: []entry{{path: "/tmp/l1", kind: kindSymlink, link: "/tmp/l2"}, {path: "/tmp/l2", kind: kindSymlink, link: "/tmp/l1"},
				{path: "/tmp/l1/f", kind: kindFile}},
			wantErr: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := newLayerTree(lower)
			var err error
			for _, e := range tc.add {
				if err = l.add(e); err != nil {
					break
				}
			}
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
			if err != nil {
				return
			}
			var keys []string
			for _, e := range l.sorted() {
				keys = append(keys, tarName(e))
			}
			if !slices.Equal(keys, tc.wantKeys) {
				t.Errorf("members %q, want %q", keys, tc.wantKeys)
			}
			if tc.check != nil {
				tc.check(t, l)
			}
		})
	}
}

func TestFSViewApply(t *testing.T) {
	v := newFSView()
	l1 := newLayerTree(nil)
	for _, p := range []string{"/a/1", "/a/2", "/b/sub/3", "/c/4"} {
		if err := l1.add(entry{path: p, kind: kindFile, size: 1}); err != nil {
			t.Fatal(err)
		}
	}
	v.apply(l1)
	l2 := newLayerTree(v)
	for _, e := range []entry{
		{path: "/a/1", kind: kindWhiteout},
		{path: "/b", kind: kindOpaque},
		{path: "/b", kind: kindDir, mode: 0o755},
		{path: "/b/new", kind: kindFile},
		{path: "/c", kind: kindWhiteout},
	} {
		if err := l2.add(e); err != nil {
			t.Fatal(err)
		}
	}
	v.apply(l2)
	var got []string
	for _, p := range v.under("/") {
		got = append(got, p)
	}
	want := []string{"/a", "/a/2", "/b", "/b/new"}
	if !slices.Equal(got, want) {
		t.Errorf("view = %q, want %q", got, want)
	}
}
