package node

import (
	"context"
	"encoding/json"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/slimcheck/slimcheck/analyze/deps/model"
)

// fixtureDir is the shared real-world fixture directory, relative to this
// package (repo/analyze/deps/node → ../shared beside the repo).
const fixtureDir = "../../../../shared/fixtures/node"

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir, name))
	if err != nil {
		t.Fatalf("reading fixture %s: %v", name, err)
	}
	return b
}

// manifestBytes renders a package.json. deps entries are "name@range";
// the maps are keyed by field name (dependencies, devDependencies, ...).
func manifestBytes(t testing.TB, name, version string, fields map[string][]string) []byte {
	t.Helper()
	m := map[string]any{}
	if name != "" {
		m["name"] = name
	}
	if version != "" {
		m["version"] = version
	}
	for field, list := range fields {
		deps := map[string]string{}
		for _, d := range list {
			n, r := splitDescriptor(d)
			deps[n] = r
		}
		m[field] = deps
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// files is a test filesystem of captured files.
type files map[string][]byte

// pkg installs a package: dir/package.json with name, version and
// "dependencies". The name defaults to the directory's package name.
func (f files) pkg(t testing.TB, dir, version string, deps ...string) files {
	t.Helper()
	name, _, _, ok := installInfo(dir)
	if !ok {
		t.Fatalf("not an install dir: %s", dir)
	}
	f[path.Join(dir, "package.json")] = manifestBytes(t, name, version, map[string][]string{"dependencies": deps})
	return f
}

// project writes a project package.json with prod and dev deps.
func (f files) project(t testing.TB, dir string, prod, dev []string) files {
	t.Helper()
	f[path.Join(dir, "package.json")] = manifestBytes(t, "app", "1.0.0", map[string][]string{"dependencies": prod, "devDependencies": dev})
	return f
}

// installFromNpmLock writes the package.json files an `npm ci` of a
// lockfileVersion 2/3 lockfile would leave under root, plus the root's own
// package.json from the "" entry.
func installFromNpmLock(t testing.TB, f files, root string, lock []byte, skip func(key string) bool) {
	t.Helper()
	var l struct {
		Packages map[string]map[string]json.RawMessage `json:"packages"`
	}
	if err := json.Unmarshal(lock, &l); err != nil {
		t.Fatal(err)
	}
	for key, e := range l.Packages {
		if skip != nil && skip(key) {
			continue
		}
		m := map[string]json.RawMessage{}
		for _, k := range []string{"name", "version", "dependencies", "optionalDependencies", "peerDependencies", "devDependencies"} {
			if v, ok := e[k]; ok {
				m[k] = v
			}
		}
		if _, ok := m["name"]; !ok && key != "" {
			n := key[strings.LastIndex(key, "node_modules/")+len("node_modules/"):]
			m["name"], _ = json.Marshal(n)
		}
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		f[path.Join(root, key, "package.json")] = b
	}
}

// analyze runs Analyze and returns the single root for dir.
func analyzeRoot(t testing.TB, f files, dir string) (model.Root, []model.Problem) {
	t.Helper()
	roots, probs := Analyze(context.Background(), f)
	for _, r := range roots {
		if r.Dir == dir {
			return r, probs
		}
	}
	t.Fatalf("no root %s in %+v (problems %v)", dir, roots, probs)
	return model.Root{}, nil
}

// pathsOf returns the sorted paths of pkgs.
func pathsOf(pkgs []model.Package) []string {
	out := []string{}
	for _, p := range pkgs {
		out = append(out, p.Paths...)
	}
	sort.Strings(out)
	return out
}

// prefixed joins each rel to root.
func prefixed(root string, rels ...string) []string {
	out := []string{}
	for _, r := range rels {
		out = append(out, path.Join(root, r))
	}
	sort.Strings(out)
	return out
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// wantSet fails unless got equals want.
func wantSet(t testing.TB, what string, got, want []string) {
	t.Helper()
	if !equalStrings(got, want) {
		t.Errorf("%s:\n got  %q\n want %q", what, got, want)
	}
}
