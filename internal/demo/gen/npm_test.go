package gen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
)

// semverTuple parses "1.2.3" (missing parts are x-ranges, reported by n).
func semverTuple(s string) (v [3]int, n int, err error) {
	parts := strings.Split(strings.TrimPrefix(s, "v"), ".")
	if len(parts) > 3 {
		return v, 0, fmt.Errorf("version %q", s)
	}
	for i, p := range parts {
		if p == "x" || p == "*" {
			return v, i, nil
		}
		if v[i], err = strconv.Atoi(p); err != nil {
			return v, 0, fmt.Errorf("version %q: %w", s, err)
		}
	}
	return v, len(parts), nil
}

func cmpSemver(a, b [3]int) int {
	for i := range a {
		if a[i] != b[i] {
			return a[i] - b[i]
		}
	}
	return 0
}

// satisfies implements the subset of node-semver ranges the table uses:
// exact, x-ranges ("4", "1.2"), ^, ~, comparator sets (">= 2.1.2 < 3") and ||.
func satisfies(version, rng string) (bool, error) {
	v, n, err := semverTuple(version)
	if err != nil || n != 3 {
		return false, fmt.Errorf("installed version %q", version)
	}
	for _, alt := range strings.Split(rng, "||") {
		fields := strings.Fields(strings.NewReplacer(">= ", ">=", "<= ", "<=", "> ", ">", "< ", "<").Replace(strings.TrimSpace(alt)))
		ok := true
		for _, f := range fields {
			match, err := matchComparator(v, f)
			if err != nil {
				return false, fmt.Errorf("range %q: %w", rng, err)
			}
			ok = ok && match
		}
		if ok && len(fields) > 0 {
			return true, nil
		}
	}
	return false, nil
}

func matchComparator(v [3]int, c string) (bool, error) {
	if c == "*" {
		return true, nil
	}
	for _, op := range []string{">=", "<=", ">", "<"} {
		if rest, ok := strings.CutPrefix(c, op); ok {
			w, _, err := semverTuple(rest)
			if err != nil {
				return false, err
			}
			d := cmpSemver(v, w)
			return map[string]bool{">=": d >= 0, "<=": d <= 0, ">": d > 0, "<": d < 0}[op], nil
		}
	}
	caret, tilde := strings.HasPrefix(c, "^"), strings.HasPrefix(c, "~")
	w, n, err := semverTuple(strings.TrimLeft(c, "^~="))
	if err != nil {
		return false, err
	}
	lo, hi := w, w
	switch {
	case caret && w[0] > 0, n == 1:
		hi = [3]int{w[0] + 1, 0, 0}
	case caret && w[1] > 0, tilde, n == 2:
		hi = [3]int{w[0], w[1] + 1, 0}
	case caret:
		hi = [3]int{0, 0, w[2] + 1}
	default: // exact
		return cmpSemver(v, w) == 0, nil
	}
	return cmpSemver(v, lo) >= 0 && cmpSemver(v, hi) < 0, nil
}

func TestSatisfies(t *testing.T) {
	tests := []struct {
		v, r string
		want bool
	}{
		{"1.2.3", "1.2.3", true}, {"1.2.4", "1.2.3", false},
		{"4.3.4", "^4.3.2", true}, {"5.0.0", "^4.3.2", false}, {"0.20.2", "^0.20.2", true}, {"0.21.0", "^0.20.2", false},
		{"0.0.3", "~0.0.3", true}, {"1.9.1", "~1.9.0", true}, {"1.10.0", "~1.9.0", false},
		{"4.3.4", "4", true}, {"3.0.0", "4", false}, {"2.1.2", ">= 2.1.2 < 3", true}, {"3.0.0", ">= 2.1.2 < 3", false},
		{"4.2.3", "^1.0.2 || 2 || 3 || 4", true}, {"5.0.0", "^1.0.2 || 2 || 3 || 4", false},
	}
	for _, tc := range tests {
		if got, err := satisfies(tc.v, tc.r); err != nil || got != tc.want {
			t.Errorf("satisfies(%q, %q) = %v, %v; want %v", tc.v, tc.r, got, err, tc.want)
		}
	}
}

// TestNPMTreeConsistent checks the node_modules table the way npm would:
// every dependency resolves by Node's algorithm to an installed version that
// satisfies the declared range, and no package is orphaned.
func TestNPMTreeConsistent(t *testing.T) {
	tree := npmTree()
	installed := npmIndex(tree)
	if len(installed) != len(tree) {
		t.Fatalf("%d entries but %d distinct paths", len(tree), len(installed))
	}
	check := func(from string, deps []string) {
		for _, d := range deps {
			name, rng := splitDep(d)
			p, ok := resolveNodeModule(installed, from, name)
			if !ok {
				t.Errorf("%s: %s does not resolve", from, d)
				continue
			}
			if ok, err := satisfies(installed[p].version, rng); err != nil || !ok {
				t.Errorf("%s: %s resolves to %s@%s (%v)", from, d, p, installed[p].version, err)
			}
		}
	}
	app := demoApp()
	check("", app.deps)
	check("", app.devDeps)
	for _, p := range tree {
		check(p.path, p.deps)
		if parent := npmParent(p.path); parent != "" {
			if _, ok := installed[parent]; !ok {
				t.Errorf("%s is nested under a package that is not installed", p.path)
			}
		}
	}
	if _, err := npmDevOnly(tree, app); err != nil {
		t.Errorf("npmDevOnly: %v", err)
	}
}

func TestNPMDevOnly(t *testing.T) {
	tree := []npmPackage{
		pkg("node_modules/a", "1.0.0", 1, "shared@^1.0.0"),
		pkg("node_modules/d", "1.0.0", 1, "shared@^1.0.0", "devonly@1.0.0"),
		pkg("node_modules/devonly", "1.0.0", 1),
		pkg("node_modules/shared", "1.2.0", 1),
		pkg("node_modules/d/node_modules/shared", "2.0.0", 1),
	}
	tests := []struct {
		name    string
		app     appManifest
		want    string
		wantErr bool
	}{
		{"prod wins over dev", appManifest{deps: []string{"a@1"}, devDeps: []string{"d@1"}},
			"node_modules/d node_modules/d/node_modules/shared node_modules/devonly", false},
		{"all dev", appManifest{devDeps: []string{"a@1", "d@1"}},
			"node_modules/a node_modules/d node_modules/d/node_modules/shared node_modules/devonly node_modules/shared", false},
		{"unresolvable", appManifest{deps: []string{"missing@1"}}, "", true},
		{"orphan", appManifest{deps: []string{"a@1"}}, "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := npmDevOnly(tree, tc.app)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v", err)
			}
			if err == nil {
				var paths []string
				for _, p := range tree {
					if got[p.path] {
						paths = append(paths, p.path)
					}
				}
				if s := strings.Join(sortedStrings(paths), " "); s != tc.want {
					t.Errorf("dev-only = %q, want %q", s, tc.want)
				}
			}
		})
	}
}

func sortedStrings(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func TestSplitDep(t *testing.T) {
	tests := []struct{ in, name, rng string }{
		{"express@^4.18.2", "express", "^4.18.2"},
		{"@types/node@~20.11", "@types/node", "~20.11"},
		{"safer-buffer@>= 2.1.2 < 3", "safer-buffer", ">= 2.1.2 < 3"},
		{"left-pad", "left-pad", "*"},
		{"@scope/only", "@scope/only", "*"},
	}
	for _, tc := range tests {
		if n, r := splitDep(tc.in); n != tc.name || r != tc.rng {
			t.Errorf("splitDep(%q) = %q, %q", tc.in, n, r)
		}
	}
}

func FuzzSplitDep(f *testing.F) {
	for _, s := range []string{"a@1", "@s/a@^1", "@", "@@", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		name, rng := splitDep(s)
		if name == "" && s != "" {
			t.Fatalf("empty name for %q", s)
		}
		if rng != "*" && name+"@"+rng != s {
			t.Fatalf("%q split into %q and %q", s, name, rng)
		}
	})
}

func TestAppLockfiles(t *testing.T) {
	lock, hidden, err := appLockfiles(npmTree(), demoApp())
	if err != nil {
		t.Fatal(err)
	}
	lock2, hidden2, err := appLockfiles(npmTree(), demoApp())
	if err != nil || !bytes.Equal(lock, lock2) || !bytes.Equal(hidden, hidden2) {
		t.Fatal("lockfiles are not deterministic")
	}
	// npm writes ranges literally and keys in its own order.
	if !bytes.Contains(lock, []byte(`"safer-buffer": ">= 2.1.2 < 3"`)) {
		t.Error("range with < and > was escaped or lost")
	}
	if i, j := bytes.Index(lock, []byte(`"version"`)), bytes.Index(lock, []byte(`"lockfileVersion"`)); i < 0 || j < i {
		t.Error("lockfile header keys out of npm order")
	}
	var parsed struct {
		Packages map[string]json.RawMessage `json:"packages"`
	}
	if err := json.Unmarshal(hidden, &parsed); err != nil {
		t.Fatal(err)
	}
	if _, root := parsed.Packages[""]; root || len(parsed.Packages) != len(npmTree()) {
		t.Errorf("hidden lockfile has %d entries (root present: %v), want %d", len(parsed.Packages), root, len(npmTree()))
	}
}

func TestNPMCacheFiles(t *testing.T) {
	when := time.Date(2024, 3, 4, 12, 0, 0, 0, time.UTC)
	files, err := npmCacheFiles(npmTree(), when)
	if err != nil {
		t.Fatal(err)
	}
	var content, index int
	for _, f := range files {
		switch {
		case strings.HasPrefix(f.rel, "_cacache/content-v2/sha512/"):
			content++
			if len(strings.TrimPrefix(f.rel, "_cacache/content-v2/sha512/")) != 128+2 {
				t.Errorf("content path %s is not a split sha512", f.rel)
			}
		case strings.HasPrefix(f.rel, "_cacache/index-v5/"):
			index++
			line := string(f.content)
			sum, js, ok := strings.Cut(strings.TrimPrefix(line, "\n"), "\t")
			var entry struct {
				Key       string `json:"key"`
				Integrity string `json:"integrity"`
				Size      int64  `json:"size"`
			}
			if !ok || len(sum) != 40 || json.Unmarshal([]byte(js), &entry) != nil || !strings.HasPrefix(entry.Integrity, "sha512-") || entry.Size <= 0 {
				t.Errorf("index bucket %s = %q", f.rel, line)
			}
		default:
			t.Errorf("unexpected cache file %s", f.rel)
		}
	}
	if content != index || content < 2*len(demoApp().deps) {
		t.Errorf("%d content files, %d index buckets", content, index)
	}
}
