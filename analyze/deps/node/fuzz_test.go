package node

import (
	"context"
	"strings"
	"testing"

	"github.com/slimcheck/slimcheck/analyze/deps/model"
)

// fuzzTree is a small installed tree the fuzzed lockfiles are read against.
func fuzzTree(t testing.TB) files {
	f := files{}
	f.project(t, "/app", []string{"a@1"}, []string{"b@1"})
	return f.pkg(t, "/app/node_modules/a", "1.0.0", "c@1").
		pkg(t, "/app/node_modules/b", "1.0.0", "c@2").
		pkg(t, "/app/node_modules/b/node_modules/c", "2.0.0").
		pkg(t, "/app/node_modules/c", "1.0.0").
		pkg(t, "/app/node_modules/.pnpm/d@1.0.0/node_modules/d", "1.0.0")
}

// checkConsistent asserts that every installed package of the tree is
// reported exactly once, under its root, with evidence.
func checkConsistent(t *testing.T, f files, roots []model.Root) {
	t.Helper()
	seen := map[string]bool{}
	for _, r := range roots {
		for _, list := range [][]model.Package{r.Dev, r.Prod, r.Extraneous} {
			for _, p := range list {
				if len(p.Paths) != 1 || p.Evidence.Source == "" || p.Evidence.How == "" {
					t.Fatalf("malformed package %+v", p)
				}
				q := p.Paths[0]
				if seen[q] || !under(q, r.Dir) || q == r.Dir {
					t.Fatalf("path %s reported twice or outside root %s", q, r.Dir)
				}
				seen[q] = true
			}
		}
	}
	n := 0
	for p := range f {
		if strings.HasSuffix(p, "/package.json") && hasNodeModules(p) {
			n++
		}
	}
	if len(seen) != n {
		t.Fatalf("reported %d packages, %d installed: %v", len(seen), n, seen)
	}
}

func FuzzPackageLock(f *testing.F) {
	f.Add(readFixture(f, "package-lock_v2.json"))
	f.Add(readFixture(f, "package-lock_v3.json"))
	f.Add([]byte(`{"lockfileVersion":1,"dependencies":{"a":{"version":"1.0.0","dependencies":{"b":{"dev":true}}}}}`))
	f.Add([]byte(`{"lockfileVersion":3,"packages":{"node_modules/b":{"version":"1.0.0","dev":true},"../../etc/node_modules/x":{"dev":true}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ins, _, err := parseNpmLock(data)
		if err == nil {
			for _, in := range ins {
				if !hasNodeModules("/"+in.rel) || (in.class != model.Dev && in.class != model.Prod) {
					t.Fatalf("bad install %+v", in)
				}
			}
		}
		fs := fuzzTree(t)
		fs["/app/package-lock.json"] = data
		roots, _ := Analyze(context.Background(), fs)
		checkConsistent(t, fs, roots)
	})
}

func FuzzYarnLock(f *testing.F) {
	f.Add(readFixture(f, "yarn_happy.lock"))
	f.Add(readFixture(f, "yarn_v2_happy.lock"))
	f.Add([]byte("# yarn lockfile v1\n\na@^1:\n  version \"1.0.0\"\n  dependencies:\n    a \"^1\"\n"))
	f.Add([]byte("__metadata:\n  version: 6\n\n\"b@npm:^1\":\n  version: 1.0.0\n  dependencies:\n    c: \"npm:^2\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		lf, err := parseYarnLock(data)
		if err == nil {
			for _, e := range lf.entries {
				if len(e.descriptors) == 0 {
					t.Fatalf("entry without descriptors")
				}
			}
		}
		fs := fuzzTree(t)
		fs["/app/yarn.lock"] = data
		roots, _ := Analyze(context.Background(), fs)
		checkConsistent(t, fs, roots)
	})
}

func FuzzPnpmLock(f *testing.F) {
	f.Add(readFixture(f, "pnpm-lock_v9.yaml"))
	f.Add([]byte("lockfileVersion: '6.0'\npackages:\n  /d@1.0.0:\n    dev: true\n"))
	f.Add([]byte("lockfileVersion: 5.4\nimporters:\n  .:\n    dependencies:\n      d: 1.0.0\npackages:\n  /d/1.0.0_x@1:\n    dev: false\n"))
	f.Add([]byte("lockfileVersion: '9.0'\nimporters:\n  .:\n    devDependencies:\n      d: {version: 1.0.0}\nsnapshots:\n  d@1.0.0:\n    dependencies:\n      d: 1.0.0\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if l, err := parsePnpmLock(data); err == nil {
			major, _ := l.major()
			for k := range l.Packages {
				if strings.Contains(pnpmDirName(k, major), "/") {
					t.Fatalf("dir name of %q has a slash", k)
				}
			}
		}
		fs := fuzzTree(t)
		fs["/app/pnpm-lock.yaml"] = data
		roots, _ := Analyze(context.Background(), fs)
		checkConsistent(t, fs, roots)
	})
}

func FuzzPackageJSON(f *testing.F) {
	f.Add([]byte(`{"name":"a","version":"1.0.0","dependencies":{"b":"^1","../x":"1","@s/c":{"x":1}},"devDependencies":[]}`))
	f.Add([]byte("\xEF\xBB\xBF{\"name\":\"bom\"}"))
	f.Add([]byte(`{"peerDependencies":{"p":"*"},"optionalDependencies":{"o":null}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := parseManifest(data)
		if err != nil {
			return
		}
		for _, d := range append(m.prodDeps(), m.DevDeps...) {
			if !validName(d.Name) {
				t.Fatalf("invalid dependency name %q kept", d.Name)
			}
		}
		fs := fuzzTree(t)
		fs["/app/node_modules/a/package.json"] = data
		fs["/app/package.json"] = data
		roots, _ := Analyze(context.Background(), fs)
		checkConsistent(t, fs, roots)
	})
}
