package node

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/slimcheck/slimcheck/analyze/deps/model"
)

// lockEntry is one "packages" entry of a synthetic npm lockfile.
type lockEntry struct {
	key, version string
	flags        string // comma list: dev, optional, devOptional, link
}

// npmLock renders a lockfileVersion 3 file.
func npmLockBytes(t testing.TB, entries ...lockEntry) []byte {
	t.Helper()
	pk := map[string]map[string]any{"": {"name": "app", "version": "1.0.0"}}
	for _, e := range entries {
		m := map[string]any{}
		if e.version != "" {
			m["version"] = e.version
		}
		for _, fl := range strings.Split(e.flags, ",") {
			if fl != "" {
				m[fl] = true
			}
		}
		pk[e.key] = m
	}
	b, err := json.Marshal(map[string]any{"name": "app", "lockfileVersion": 3, "requires": true, "packages": pk})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type want struct {
	dev, prod, extraneous []string          // relative to the root
	how                   map[string]string // rel path → substring of its evidence How
	problems              []string          // substrings of problem paths
}

func TestRules(t *testing.T) {
	const root = "/app"
	nm := root + "/node_modules/"
	tests := []struct {
		name  string
		files func(t *testing.T) files
		want  want
	}{{
		name: "hoisting and nested node_modules from lockfile",
		files: func(t *testing.T) files {
			f := files{root + "/package-lock.json": npmLockBytes(t,
				lockEntry{"node_modules/a", "1.0.0", ""},
				lockEntry{"node_modules/a/node_modules/b", "2.0.0", ""},
				lockEntry{"node_modules/b", "1.0.0", "dev"},
				lockEntry{"node_modules/b/node_modules/c", "1.0.0", "dev"},
			)}
			return f.project(t, root, []string{"a@1"}, []string{"b@1"}).
				pkg(t, nm+"a", "1.0.0", "b@2").pkg(t, nm+"a/node_modules/b", "2.0.0").
				pkg(t, nm+"b", "1.0.0", "c@1").pkg(t, nm+"b/node_modules/c", "1.0.0")
		},
		want: want{dev: []string{"node_modules/b", "node_modules/b/node_modules/c"}, prod: []string{"node_modules/a", "node_modules/a/node_modules/b"},
			how: map[string]string{"node_modules/b": `lockfileVersion 3 "dev": true`}},
	}, {
		name: "devOptional is not dev-only, dev+optional is",
		files: func(t *testing.T) files {
			f := files{root + "/package-lock.json": npmLockBytes(t,
				lockEntry{"node_modules/x", "1.0.0", "devOptional"},
				lockEntry{"node_modules/y", "1.0.0", "dev,optional"},
				lockEntry{"node_modules/z", "1.0.0", "optional"},
			)}
			return f.project(t, root, nil, nil).pkg(t, nm+"x", "1.0.0").pkg(t, nm+"y", "1.0.0").pkg(t, nm+"z", "1.0.0")
		},
		want: want{dev: []string{"node_modules/y"}, prod: []string{"node_modules/x", "node_modules/z"},
			how: map[string]string{"node_modules/x": "devOptional"}},
	}, {
		name: "workspaces: nested workspace root classified by the top lockfile",
		files: func(t *testing.T) files {
			f := files{root + "/package-lock.json": npmLockBytes(t,
				lockEntry{"packages/web", "1.0.0", ""},
				lockEntry{"node_modules/web", "", "link"},
				lockEntry{"node_modules/react", "18.0.0", ""},
				lockEntry{"packages/web/node_modules/jest", "29.0.0", "dev"},
			)}
			return f.project(t, root, []string{"react@18"}, nil).project(t, root+"/packages/web", []string{"react@18"}, []string{"jest@29"}).
				pkg(t, nm+"react", "18.0.0").pkg(t, root+"/packages/web/node_modules/jest", "29.0.0")
		},
		want: want{prod: []string{"node_modules/react"}, how: map[string]string{"node_modules/react": "no \"dev\" flag"}},
	}, {
		name: "lockfile entry not installed is ignored; installed entry missing from lockfile is walked",
		files: func(t *testing.T) files {
			f := files{root + "/package-lock.json": npmLockBytes(t,
				lockEntry{"node_modules/ghost", "1.0.0", "dev"},
				lockEntry{"node_modules/a", "1.0.0", ""},
			)}
			return f.project(t, root, []string{"a@1"}, []string{"extra@1"}).pkg(t, nm+"a", "1.0.0").pkg(t, nm+"extra", "1.0.0")
		},
		want: want{dev: []string{"node_modules/extra"}, prod: []string{"node_modules/a"},
			how: map[string]string{"node_modules/extra": "reachable only from devDependencies through installed package.json"}},
	}, {
		name: "hidden lockfile is preferred over package-lock.json",
		files: func(t *testing.T) files {
			f := files{
				root + "/package-lock.json":               npmLockBytes(t, lockEntry{"node_modules/a", "1.0.0", ""}),
				root + "/node_modules/.package-lock.json": npmLockBytes(t, lockEntry{"node_modules/a", "1.0.0", "dev"}),
			}
			return f.project(t, root, nil, []string{"a@1"}).pkg(t, nm+"a", "1.0.0")
		},
		want: want{dev: []string{"node_modules/a"}, how: map[string]string{"node_modules/a": "hidden lockfile"}},
	}, {
		name: "unparsable hidden lockfile is a problem and package-lock.json is used",
		files: func(t *testing.T) files {
			f := files{
				root + "/package-lock.json":               npmLockBytes(t, lockEntry{"node_modules/a", "1.0.0", "dev"}),
				root + "/node_modules/.package-lock.json": []byte(`{"lockfileVersion": 3, "packages": {`),
			}
			return f.project(t, root, nil, []string{"a@1"}).pkg(t, nm+"a", "1.0.0")
		},
		want: want{dev: []string{"node_modules/a"}, how: map[string]string{"node_modules/a": "lockfileVersion 3"},
			problems: []string{"/app/node_modules/.package-lock.json"}},
	}, {
		name: "lockfileVersion 1 nested dependencies",
		files: func(t *testing.T) files {
			f := files{root + "/package-lock.json": []byte(`{"lockfileVersion":1,"dependencies":{
				"a":{"version":"1.0.0"},
				"t":{"version":"1.0.0","dev":true,"dependencies":{"u":{"version":"2.0.0","dev":true}}}}}`)}
			return f.project(t, root, []string{"a@1"}, []string{"t@1"}).pkg(t, nm+"a", "1.0.0").
				pkg(t, nm+"t", "1.0.0", "u@2").pkg(t, nm+"t/node_modules/u", "2.0.0")
		},
		want: want{dev: []string{"node_modules/t", "node_modules/t/node_modules/u"}, prod: []string{"node_modules/a"},
			how: map[string]string{"node_modules/t/node_modules/u": `lockfileVersion 1 "dev": true`}},
	}, {
		name: "stale lockfile calling a production package dev is overruled",
		files: func(t *testing.T) files {
			f := files{root + "/package-lock.json": npmLockBytes(t, lockEntry{"node_modules/a", "1.0.0", "dev"})}
			return f.project(t, root, []string{"a@1"}, nil).pkg(t, nm+"a", "1.0.0")
		},
		want: want{prod: []string{"node_modules/a"}, how: map[string]string{"node_modules/a": "although /app/package-lock.json says"}},
	}, {
		name: "installed version differs from lockfile: lockfile ignored there",
		files: func(t *testing.T) files {
			f := files{root + "/package-lock.json": npmLockBytes(t, lockEntry{"node_modules/a", "1.0.0", "dev"})}
			return f.project(t, root, nil, nil).pkg(t, nm+"a", "2.0.0")
		},
		want: want{extraneous: []string{"node_modules/a"}},
	}, {
		name: "no lockfile: Node resolution with hoisting, nesting, shared and extraneous packages",
		files: func(t *testing.T) files {
			f := files{}
			return f.project(t, root, []string{"a@1"}, []string{"b@1"}).
				pkg(t, nm+"a", "1.0.0", "c@1", "s@1").
				pkg(t, nm+"b", "1.0.0", "c@2", "s@1").
				pkg(t, nm+"b/node_modules/c", "2.0.0", "e@1").
				pkg(t, nm+"c", "1.0.0").
				pkg(t, nm+"s", "1.0.0").
				pkg(t, nm+"e", "1.0.0").
				pkg(t, nm+"d", "1.0.0")
		},
		want: want{dev: []string{"node_modules/b", "node_modules/b/node_modules/c", "node_modules/e"},
			prod: []string{"node_modules/a", "node_modules/c", "node_modules/s"}, extraneous: []string{"node_modules/d"}},
	}, {
		name: "peer and optional dependencies of the root are production",
		files: func(t *testing.T) files {
			f := files{}
			f[root+"/package.json"] = manifestBytes(t, "app", "1.0.0", map[string][]string{
				"peerDependencies": {"p@1"}, "optionalDependencies": {"o@1"}, "devDependencies": {"p@1", "o@1", "t@1"}})
			return f.pkg(t, nm+"p", "1.0.0").pkg(t, nm+"o", "1.0.0").pkg(t, nm+"t", "1.0.0")
		},
		want: want{dev: []string{"node_modules/t"}, prod: []string{"node_modules/o", "node_modules/p"}},
	}, {
		name: "package nested in a dev-only package is dev-only",
		files: func(t *testing.T) files {
			f := files{root + "/package-lock.json": npmLockBytes(t,
				lockEntry{"node_modules/b", "1.0.0", "dev"},
				lockEntry{"node_modules/b/node_modules/c", "1.0.0", ""}, // inconsistent, says prod
			)}
			return f.project(t, root, nil, []string{"b@1"}).pkg(t, nm+"b", "1.0.0").pkg(t, nm+"b/node_modules/c", "1.0.0")
		},
		want: want{dev: []string{"node_modules/b", "node_modules/b/node_modules/c"},
			how: map[string]string{"node_modules/b/node_modules/c": "nested in the node_modules of dev-only /app/node_modules/b"}},
	}, {
		name: "pnpm lockfile 6 dev flags",
		files: func(t *testing.T) files {
			f := files{root + "/pnpm-lock.yaml": []byte("lockfileVersion: '6.0'\n" +
				"dependencies:\n  a:\n    specifier: ^1.0.0\n    version: 1.0.0\n" +
				"devDependencies:\n  '@t/b':\n    specifier: ^2.0.0\n    version: 2.0.0(a@1.0.0)\n" +
				"packages:\n  /a@1.0.0:\n    resolution: {integrity: sha512-x}\n    dev: false\n" +
				"  /@t/b@2.0.0(a@1.0.0):\n    resolution: {integrity: sha512-y}\n    dev: true\n" +
				"  /both@1.0.0:\n    resolution: {integrity: sha512-z}\n")}
			st := nm + ".pnpm/"
			return f.project(t, root, []string{"a@^1.0.0"}, []string{"@t/b@^2.0.0"}).
				pkg(t, st+"a@1.0.0/node_modules/a", "1.0.0").
				pkg(t, st+"@t+b@2.0.0_a@1.0.0/node_modules/@t/b", "2.0.0").
				pkg(t, st+"both@1.0.0/node_modules/both", "1.0.0")
		},
		want: want{dev: []string{"node_modules/.pnpm/@t+b@2.0.0_a@1.0.0"}, prod: []string{"node_modules/.pnpm/a@1.0.0", "node_modules/.pnpm/both@1.0.0"},
			how: map[string]string{"node_modules/.pnpm/@t+b@2.0.0_a@1.0.0": `lockfileVersion 6.0: "dev": true`}},
	}, {
		name: "pnpm lockfile 5 keys and hidden lockfile",
		files: func(t *testing.T) files {
			f := files{root + "/node_modules/.pnpm/lock.yaml": []byte("lockfileVersion: 5.4\n" +
				"importers:\n  .:\n    specifiers:\n      a: ^1\n    dependencies:\n      a: 1.0.0\n" +
				"packages:\n  /a/1.0.0:\n    resolution: {integrity: sha512-x}\n    dev: false\n" +
				"  /@s/t/3.0.0_a@1.0.0:\n    resolution: {integrity: sha512-y}\n    dev: true\n")}
			st := nm + ".pnpm/"
			return f.project(t, root, []string{"a@^1"}, []string{"@s/t@^3"}).
				pkg(t, st+"a@1.0.0/node_modules/a", "1.0.0").
				pkg(t, st+"@s+t@3.0.0_a@1.0.0/node_modules/@s/t", "3.0.0")
		},
		want: want{dev: []string{"node_modules/.pnpm/@s+t@3.0.0_a@1.0.0"}, prod: []string{"node_modules/.pnpm/a@1.0.0"},
			how: map[string]string{"node_modules/.pnpm/@s+t@3.0.0_a@1.0.0": "pnpm hidden lockfile lockfileVersion 5.4"}},
	}, {
		name: "broken yarn.lock falls back to resolution",
		files: func(t *testing.T) files {
			f := files{root + "/yarn.lock": []byte("# yarn lockfile v1\n\nbroken-line-without-colon\n")}
			return f.project(t, root, nil, []string{"a@1"}).pkg(t, nm+"a", "1.0.0")
		},
		want: want{dev: []string{"node_modules/a"}, problems: []string{"/app/yarn.lock"}},
	}, {
		name: "aliased install matched by directory name",
		files: func(t *testing.T) files {
			f := files{root + "/yarn.lock": []byte("# yarn lockfile v1\n\n\"old@npm:new@^1\":\n  version \"1.2.0\"\n\nkeep@^1:\n  version \"1.0.0\"\n")}
			f.project(t, root, []string{"keep@^1"}, []string{"old@npm:new@^1"})
			f[nm+"old/package.json"] = manifestBytes(t, "new", "1.2.0", nil)
			return f.pkg(t, nm+"keep", "1.0.0")
		},
		want: want{dev: []string{"node_modules/old"}, prod: []string{"node_modules/keep"}},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := tc.files(t)
			r, probs := analyzeRoot(t, f, root)
			wantSet(t, "dev", pathsOf(r.Dev), prefixed(root, tc.want.dev...))
			wantSet(t, "prod", pathsOf(r.Prod), prefixed(root, tc.want.prod...))
			wantSet(t, "extraneous", pathsOf(r.Extraneous), prefixed(root, tc.want.extraneous...))
			all := append(append(append([]model.Package{}, r.Dev...), r.Prod...), r.Extraneous...)
			for rel, sub := range tc.want.how {
				found := false
				for _, p := range all {
					if p.Paths[0] == root+"/"+rel {
						found = true
						if !strings.Contains(p.Evidence.How, sub) {
							t.Errorf("evidence of %s = %+v, want How containing %q", rel, p.Evidence, sub)
						}
					}
				}
				if !found {
					t.Errorf("no package at %s", rel)
				}
			}
			if len(probs) != len(tc.want.problems) {
				t.Errorf("problems = %v, want %d", probs, len(tc.want.problems))
			}
			for i, sub := range tc.want.problems {
				if i < len(probs) && !strings.Contains(probs[i].Path, sub) {
					t.Errorf("problem %d = %v, want path %q", i, probs[i], sub)
				}
			}
		})
	}
}

func TestWorkspaceNestedRoot(t *testing.T) {
	const root = "/app"
	f := files{root + "/package-lock.json": npmLockBytes(t,
		lockEntry{"packages/web", "1.0.0", ""},
		lockEntry{"node_modules/web", "", "link"},
		lockEntry{"packages/web/node_modules/jest", "29.0.0", "dev"},
	)}
	f.project(t, root, nil, nil).project(t, root+"/packages/web", nil, []string{"jest@29"}).
		pkg(t, root+"/packages/web/node_modules/jest", "29.0.0")
	r, _ := analyzeRoot(t, f, root+"/packages/web")
	wantSet(t, "dev", pathsOf(r.Dev), []string{"/app/packages/web/node_modules/jest"})
	if r.Dev[0].Evidence.Source != "/app/package-lock.json" {
		t.Errorf("evidence = %+v", r.Dev[0].Evidence)
	}
}

func TestGlobalInstallsAndCachesIgnored(t *testing.T) {
	f := files{}
	f.pkg(t, "/usr/local/lib/node_modules/npm", "10.0.0", "semver@7").
		pkg(t, "/usr/local/lib/node_modules/npm/node_modules/semver", "7.0.0")
	f["/root/.npm/_cacache/index/package.json"] = []byte(`{"name":"x"}`)
	f["/usr/local/share/.cache/yarn/v6/npm-a-1.0.0/node_modules/a/package.json"] = []byte(`{"name":"a"}`)
	roots, probs := Analyze(t.Context(), f)
	if len(roots) != 0 || len(probs) != 0 {
		t.Errorf("roots = %+v, problems = %v", roots, probs)
	}
}

func TestCapture(t *testing.T) {
	tests := []struct {
		path  string
		limit int64
	}{
		{"/app/package.json", PackageJSONLimit},
		{"/app/node_modules/@s/x/package.json", PackageJSONLimit},
		{"/app/package-lock.json", LockfileLimit},
		{"/app/npm-shrinkwrap.json", LockfileLimit},
		{"/app/node_modules/.package-lock.json", LockfileLimit},
		{"/app/yarn.lock", LockfileLimit},
		{"/app/pnpm-lock.yaml", LockfileLimit},
		{"/app/node_modules/.pnpm/lock.yaml", LockfileLimit},
		{"/app/node_modules/x/yarn.lock", 0},
		{"/app/node_modules/x/package-lock.json", 0},
		{"/app/node_modules/x/node_modules/.package-lock.json", 0},
		{"/root/.npm/_cacache/tmp/package.json", 0},
		{"/home/node/.cache/yarn/v6/x/package.json", 0},
		{"/app/lock.yaml", 0},
		{"/app/.package-lock.json", 0},
		{"/app/index.js", 0},
		{"relative/package.json", 0},
	}
	for _, tc := range tests {
		limit, ok := Capture(tc.path)
		if ok != (tc.limit != 0) || limit != tc.limit {
			t.Errorf("Capture(%q) = %d, %v; want %d", tc.path, limit, ok, tc.limit)
		}
	}
}

// TestParseManifestsInOrder: the parallel parse gives, path for path, what
// parsing one file at a time gives, broken files included.
func TestParseManifestsInOrder(t *testing.T) {
	files := map[string][]byte{}
	var paths []string
	for i := range 3000 {
		p := fmt.Sprintf("/app/node_modules/p%04d/package.json", i)
		switch i % 7 {
		case 0:
			files[p] = []byte(`{"name": "p` + strconv.Itoa(i) + `", "dependencies": {"a": "1"}`) // truncated
		case 1:
			files[p] = []byte("\ufeff" + `{"name": "bom", "version": "1.0.` + strconv.Itoa(i) + `"}`)
		default:
			files[p] = []byte(`{"name": "p` + strconv.Itoa(i) + `", "version": "1.0.0", "devDependencies": {"d": "^2"}}`)
		}
		paths = append(paths, p)
	}
	got := parseManifests(context.Background(), files, paths)
	if len(got) != len(paths) {
		t.Fatalf("%d results for %d paths", len(got), len(paths))
	}
	for i, p := range paths {
		m, err := parseManifest(files[p])
		if !reflect.DeepEqual(got[i].m, m) || (got[i].err == nil) != (err == nil) {
			t.Fatalf("%s: parallel %+v, %v; one at a time %+v, %v", p, got[i].m, got[i].err, m, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if got := parseManifests(ctx, files, paths); got != nil {
		t.Errorf("a cancelled parse returned %d results", len(got))
	}
}
