package attribute

import (
	"strings"
	"testing"
)

// naiveDepLookup is depIndex.lookup without its filter and cache: look p
// up, then each directory above it down to the one below the root.
func naiveDepLookup(byPath map[string]*depMatch, p string) *depMatch {
	for {
		if m, ok := byPath[p]; ok {
			return m
		}
		i := strings.LastIndexByte(p, '/')
		if i <= 0 {
			return nil
		}
		p = p[:i]
	}
}

// TestDepIndexLookup checks that the filtered, caching lookup answers as
// the naive walk for path sequences in tree order, reversed and shuffled,
// with package keys that are directories, files, nested packages, the
// root and odd (uncleaned) strings.
func TestDepIndexLookup(t *testing.T) {
	keys := []string{"/app/node_modules/a", "/app/node_modules/a/node_modules/b", "/app/node_modules/@s/c",
		"/srv/site-packages/x/__init__.py", "/srv/site-packages/x/y.py", "/", "/app/node_modules/.pnpm/d@1/node_modules/d",
		"//odd", "/p/q/", "/usr/lib/python3/dist-packages/z"}
	x := &depIndex{byPath: map[string]*depMatch{}}
	for i, k := range keys {
		x.byPath[k] = &depMatch{id: int32(i)}
		x.keys.add(k)
	}
	var paths []string
	for _, k := range keys {
		for _, rel := range []string{"", "/index.js", "/lib/x.js", "/lib/sub/y.js", "/node_modules/e/f.js", "x", "/../z"} {
			paths = append(paths, k+rel)
		}
	}
	paths = append(paths, "", "/", "//", "x", "/app", "/app/node_modules", "/app/node_modules/ab/x.js", "/app/node_modules/@s",
		"//odd/x", "/p/q/x", "/p/q//x", "/usr/lib/python3/dist-packages/zz/x.py", "/srv/site-packages/x/z.py")
	for _, l := range bigImage(20_000).layers {
		for _, e := range l {
			paths = append(paths, e.Path)
			x.keys.add(e.Path[:len(e.Path)/2]) // filter noise: more (length, byte) pairs pass
		}
	}
	sorted, reversed, shuffled := pathOrders(paths, 3)
	found := 0
	for _, seq := range [][]string{paths, sorted, reversed, shuffled} {
		cur := depCursor{x: x}
		for i, p := range seq {
			want := naiveDepLookup(x.byPath, p)
			if got := cur.lookup(p); got != want {
				t.Fatalf("lookup(%q) after %q = %v, the naive walk says %v", p, seq[max(i-1, 0)], got, want)
			}
			if want != nil {
				found++
			}
		}
	}
	if found < 100 {
		t.Errorf("only %d paths had a package", found)
	}
}
