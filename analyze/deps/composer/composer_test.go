package composer

import (
	"context"
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/slimcheck/slimcheck/analyze/deps/model"
)

type files map[string][]byte

func jsonBytes(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// manifestOf renders a composer.json with require and require-dev lists.
func manifestOf(t testing.TB, name string, require, requireDev []string, extra map[string]any) []byte {
	t.Helper()
	m := map[string]any{"name": name}
	toMap := func(l []string) map[string]string {
		o := map[string]string{}
		for _, n := range l {
			o[n] = "*"
		}
		return o
	}
	if require != nil {
		m["require"] = toMap(require)
	}
	if requireDev != nil {
		m["require-dev"] = toMap(requireDev)
	}
	for k, v := range extra {
		m[k] = v
	}
	return jsonBytes(t, m)
}

// install writes vendor/<name>/composer.json under vendor.
func (f files) install(t testing.TB, vendor, name string, require ...string) files {
	f[vendor+"/"+name+"/composer.json"] = manifestOf(t, name, append([]string{"php"}, require...), nil, nil)
	return f
}

func lockOf(t testing.TB, prod, dev []string) []byte {
	pk := func(l []string) []map[string]string {
		out := []map[string]string{}
		for _, n := range l {
			out = append(out, map[string]string{"name": n, "version": "v1.0.0"})
		}
		return out
	}
	return jsonBytes(t, map[string]any{"_readme": []string{"x"}, "packages": pk(prod), "packages-dev": pk(dev)})
}

func paths(pkgs []model.Package) []string {
	out := []string{}
	for _, p := range pkgs {
		out = append(out, p.Paths...)
	}
	sort.Strings(out)
	return out
}

func TestAnalyze(t *testing.T) {
	const root = "/var/www/html"
	const vendor = root + "/vendor"
	base := func(t *testing.T) files {
		f := files{root + "/composer.json": manifestOf(t, "acme/app", []string{"php", "ext-json", "monolog/monolog"}, []string{"phpunit/phpunit"}, nil)}
		return f.install(t, vendor, "monolog/monolog", "psr/log").
			install(t, vendor, "psr/log").
			install(t, vendor, "phpunit/phpunit", "sebastian/diff", "psr/log").
			install(t, vendor, "sebastian/diff")
	}
	tests := []struct {
		name                  string
		files                 func(t *testing.T) files
		dev, prod, extraneous []string
		how                   string // substring of every dev package's How
		problems              int
	}{{
		name: "composer.lock packages-dev; missing entries ignored, extra installs walked",
		files: func(t *testing.T) files {
			f := base(t)
			f[root+"/composer.lock"] = lockOf(t, []string{"monolog/monolog", "psr/log"}, []string{"phpunit/phpunit", "not/installed"})
			return f
		},
		dev:  []string{"phpunit/phpunit", "sebastian/diff"},
		prod: []string{"monolog/monolog", "psr/log"},
	}, {
		name: "installed.json dev-package-names with install-path, preferred over composer.lock",
		files: func(t *testing.T) files {
			f := base(t)
			f[root+"/composer.lock"] = lockOf(t, []string{"monolog/monolog", "psr/log", "phpunit/phpunit", "sebastian/diff"}, nil)
			f[vendor+"/composer/installed.json"] = jsonBytes(t, map[string]any{
				"packages": []map[string]string{
					{"name": "monolog/monolog", "install-path": "../monolog/monolog"},
					{"name": "psr/log", "install-path": "../psr/log"},
					{"name": "phpunit/phpunit", "install-path": "../phpunit/phpunit"},
					{"name": "sebastian/diff", "install-path": "../sebastian/diff"},
				},
				"dev": true, "dev-package-names": []string{"phpunit/phpunit", "sebastian/diff"}})
			return f
		},
		dev: []string{"phpunit/phpunit", "sebastian/diff"}, prod: []string{"monolog/monolog", "psr/log"},
		how: "dev-package-names",
	}, {
		name: "composer 1 installed.json falls through to composer.lock silently",
		files: func(t *testing.T) files {
			f := base(t)
			f[root+"/composer.lock"] = lockOf(t, []string{"monolog/monolog", "psr/log"}, []string{"phpunit/phpunit", "sebastian/diff"})
			f[vendor+"/composer/installed.json"] = []byte(`[{"name":"monolog/monolog"}]`)
			return f
		},
		dev: []string{"phpunit/phpunit", "sebastian/diff"}, prod: []string{"monolog/monolog", "psr/log"},
		how: "packages-dev",
	}, {
		name: "broken composer.lock is a problem; the require walk decides",
		files: func(t *testing.T) files {
			f := base(t)
			f[root+"/composer.lock"] = []byte(`{"packages": [`)
			return f.install(t, vendor, "orphan/pkg")
		},
		dev: []string{"phpunit/phpunit", "sebastian/diff"}, prod: []string{"monolog/monolog", "psr/log"},
		extraneous: []string{"orphan/pkg"}, how: "require-dev", problems: 1,
	}, {
		name: "stale lock calling a required package dev is overruled",
		files: func(t *testing.T) files {
			f := base(t)
			f[root+"/composer.lock"] = lockOf(t, []string{"monolog/monolog"}, []string{"phpunit/phpunit", "sebastian/diff", "psr/log"})
			return f
		},
		dev: []string{"phpunit/phpunit", "sebastian/diff"}, prod: []string{"monolog/monolog", "psr/log"},
	}, {
		name: "replace and provide resolve requirements; custom vendor-dir",
		files: func(t *testing.T) files {
			f := files{root + "/composer.json": manifestOf(t, "acme/app", []string{"psr/log-implementation"}, []string{"symfony/polyfill-mbstring"},
				map[string]any{"config": map[string]string{"vendor-dir": "lib"}})}
			f[root+"/lib/monolog/monolog/composer.json"] = manifestOf(t, "monolog/monolog", nil, nil, map[string]any{"provide": map[string]string{"psr/log-implementation": "1.0"}})
			f[root+"/lib/symfony/polyfill-mbstring/composer.json"] = manifestOf(t, "symfony/polyfill-mbstring", nil, nil, nil)
			f[root+"/vendor/ignored/pkg/composer.json"] = manifestOf(t, "ignored/pkg", nil, nil, nil)
			return f
		},
		dev: []string{"../lib/symfony/polyfill-mbstring"}, prod: []string{"../lib/monolog/monolog"},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			roots, probs := Analyze(context.Background(), tc.files(t))
			if len(probs) != tc.problems {
				t.Errorf("problems = %v, want %d", probs, tc.problems)
			}
			var r model.Root
			for _, x := range roots {
				if x.Dir == root {
					r = x
				}
			}
			if r.Dir == "" {
				t.Fatalf("no root in %+v", roots)
			}
			rel := func(l []string) []string {
				out := []string{}
				for _, n := range l {
					p := vendor + "/" + n
					if strings.HasPrefix(n, "../") {
						p = root + "/" + strings.TrimPrefix(n, "../")
					}
					out = append(out, p)
				}
				sort.Strings(out)
				return out
			}
			check := func(what string, got []model.Package, want []string) {
				if g, w := paths(got), rel(want); strings.Join(g, ",") != strings.Join(w, ",") {
					t.Errorf("%s:\n got  %q\n want %q", what, g, w)
				}
			}
			check("dev", r.Dev, tc.dev)
			check("prod", r.Prod, tc.prod)
			check("extraneous", r.Extraneous, tc.extraneous)
			for _, p := range r.Dev {
				if tc.how != "" && !strings.Contains(p.Evidence.How, tc.how) {
					t.Errorf("evidence of %s = %+v, want %q", p.Name, p.Evidence, tc.how)
				}
			}
		})
	}
}

func TestCapture(t *testing.T) {
	for p, want := range map[string]int64{
		"/app/composer.json":                          ManifestLimit,
		"/app/vendor/a/b/composer.json":               ManifestLimit,
		"/app/composer.lock":                          LockfileLimit,
		"/app/vendor/composer/installed.json":         LockfileLimit,
		"/app/vendor/a/b/installed.json":              0,
		"/root/.composer/cache/files/a/composer.json": 0,
		"/app/index.php":                              0,
	} {
		if got, ok := Capture(p); got != want || ok != (want != 0) {
			t.Errorf("Capture(%q) = %d, %v; want %d", p, got, ok, want)
		}
	}
}

func fuzzFiles(t testing.TB) files {
	f := files{"/app/composer.json": manifestOf(t, "acme/app", []string{"a/a"}, []string{"b/b"}, nil)}
	return f.install(t, "/app/vendor", "a/a", "c/c").install(t, "/app/vendor", "b/b", "c/c").install(t, "/app/vendor", "c/c")
}

// checkConsistent asserts every installed package is reported once.
func checkConsistent(t *testing.T, roots []model.Root, want int) {
	n := 0
	seen := map[string]bool{}
	for _, r := range roots {
		for _, l := range [][]model.Package{r.Dev, r.Prod, r.Extraneous} {
			for _, p := range l {
				if seen[p.Paths[0]] || p.Evidence.How == "" || !strings.HasPrefix(p.Paths[0], r.Dir+"/") {
					t.Fatalf("bad package %+v", p)
				}
				seen[p.Paths[0]] = true
				n++
			}
		}
	}
	if n != want {
		t.Fatalf("reported %d packages, want %d", n, want)
	}
}

func FuzzComposerLock(f *testing.F) {
	f.Add(lockOf(f, []string{"a/a"}, []string{"b/b", "c/c"}))
	f.Add([]byte(`{"packages":[{"name":"../../x"}],"packages-dev":null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = parseLock(data)
		fs := fuzzFiles(t)
		fs["/app/composer.lock"] = data
		roots, _ := Analyze(context.Background(), fs)
		checkConsistent(t, roots, 3)
	})
}

func FuzzComposerInstalled(f *testing.F) {
	f.Add([]byte(`{"packages":[{"name":"b/b","install-path":"../b/b"}],"dev":true,"dev-package-names":["b/b"]}`))
	f.Add([]byte(`[{"name":"a/a"}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = parseInstalled(data)
		fs := fuzzFiles(t)
		fs["/app/vendor/composer/installed.json"] = data
		roots, _ := Analyze(context.Background(), fs)
		checkConsistent(t, roots, 3)
	})
}

func FuzzComposerJSON(f *testing.F) {
	f.Add([]byte(`{"name":"a/a","require":{"php":">=8","c/c":"^1"},"replace":{"x/y":"*"},"config":{"vendor-dir":"../../etc"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if m, err := parseManifest(data); err == nil {
			for _, n := range append(append(m.Require, m.RequireDev...), m.Provides...) {
				if !validName(n) {
					t.Fatalf("invalid name %q kept", n)
				}
			}
		}
		fs := fuzzFiles(t)
		fs["/app/composer.json"] = data
		fs["/app/vendor/a/a/composer.json"] = data
		roots, _ := Analyze(context.Background(), fs)
		for _, r := range roots {
			for _, l := range [][]model.Package{r.Dev, r.Prod, r.Extraneous} {
				for _, p := range l {
					if !strings.HasPrefix(p.Paths[0], r.Dir+"/") {
						t.Fatalf("path %s outside root %s", p.Paths[0], r.Dir)
					}
				}
			}
		}
	})
}
