package deps

import (
	"context"
	"encoding/json"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slimcheck/slimcheck/analyze/deps/model"
)

// fixture reads a shared real-world fixture (repo/analyze/deps → ../shared).
func fixture(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("../../../shared/fixtures", rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// image is a simulated final filesystem: every path with its contents.
// Only what CapturePath selects reaches DevOnly, as in the real walk.
type image map[string][]byte

func (im image) captured(t testing.TB) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for p, b := range im {
		limit, ok := CapturePath(p)
		if !ok {
			continue
		}
		if int64(len(b)) > limit {
			t.Fatalf("%s is %d bytes, over its %d cap", p, len(b), limit)
		}
		out[p] = b
	}
	return out
}

// npmInstall adds what `npm ci` of a lockfileVersion 3 file leaves on disk:
// a package.json and an index.js per install path.
func npmInstall(t testing.TB, im image, root string, lock []byte) {
	t.Helper()
	var l struct {
		Packages map[string]map[string]json.RawMessage `json:"packages"`
	}
	if err := json.Unmarshal(lock, &l); err != nil {
		t.Fatal(err)
	}
	for key, e := range l.Packages {
		m := map[string]json.RawMessage{}
		for _, k := range []string{"version", "dependencies", "optionalDependencies", "devDependencies"} {
			if v, ok := e[k]; ok {
				m[k] = v
			}
		}
		if key != "" {
			n, _ := json.Marshal(key[strings.LastIndex(key, "node_modules/")+len("node_modules/"):])
			m["name"] = n
			im[path.Join(root, key, "index.js")] = []byte("module.exports = 1\n")
		}
		b, _ := json.Marshal(m)
		im[path.Join(root, key, "package.json")] = b
	}
}

func TestDevOnlyMixedImage(t *testing.T) {
	im := image{
		"/opt/app-root/src/server.js":                                           []byte("require('body-parser')"),
		"/root/.npm/_cacache/index-v5/aa/package.json":                          []byte(`{"name":"cached"}`),
		"/usr/local/lib/node_modules/npm/package.json":                          []byte(`{"name":"npm","version":"10.0.0"}`),
		"/var/www/composer.json":                                                []byte(`{"require":{"php":">=8.1","monolog/monolog":"^3"},"require-dev":{"phpunit/phpunit":"^10"}}`),
		"/var/www/composer.lock":                                                []byte(`{"packages":[{"name":"monolog/monolog","version":"3.5.0"}],"packages-dev":[{"name":"phpunit/phpunit","version":"10.5.0"}]}`),
		"/var/www/vendor/monolog/monolog/composer.json":                         []byte(`{"name":"monolog/monolog"}`),
		"/var/www/vendor/phpunit/phpunit/composer.json":                         []byte(`{"name":"phpunit/phpunit"}`),
		"/var/www/vendor/phpunit/phpunit/src/TestCase.php":                      []byte("<?php"),
		"/srv/api/Pipfile.lock":                                                 []byte(`{"default":{"flask":{}},"develop":{"pytest":{}}}`),
		"/usr/local/lib/python3.12/site-packages/flask-3.0.0.dist-info/RECORD":  []byte("flask/app.py,,\nflask-3.0.0.dist-info/RECORD,,\n"),
		"/usr/local/lib/python3.12/site-packages/pytest-8.0.0.dist-info/RECORD": []byte("pytest/__init__.py,,\n../../../bin/pytest,,\npytest-8.0.0.dist-info/RECORD,,\n"),
	}
	lock := fixture(t, "node/package-lock_v3.json")
	im["/opt/app-root/src/package-lock.json"] = lock
	npmInstall(t, im, "/opt/app-root/src", lock)

	res, probs := DevOnly(context.Background(), im.captured(t))
	if len(probs) != 0 {
		t.Errorf("problems: %v", probs)
	}
	var dirs []string
	for _, r := range res.Roots {
		dirs = append(dirs, string(r.Ecosystem)+":"+r.Dir)
	}
	if got, want := strings.Join(dirs, " "), "node:/opt/app-root/src python:/srv/api php:/var/www"; got != want {
		t.Fatalf("roots = %s, want %s", got, want)
	}
	idx := NewIndex(res)
	for p, want := range map[string]model.Class{
		"/opt/app-root/src/node_modules/debug/index.js":                         model.Dev,
		"/opt/app-root/src/node_modules/debug/node_modules/ms/index.js":         model.Dev,
		"/opt/app-root/src/node_modules/body-parser/node_modules/debug/x.js":    model.Prod,
		"/opt/app-root/src/node_modules/ms/index.js":                            model.Prod,
		"/var/www/vendor/phpunit/phpunit/src/TestCase.php":                      model.Dev,
		"/var/www/vendor/monolog/monolog/src/Logger.php":                        model.Prod,
		"/usr/local/lib/python3.12/site-packages/pytest/__init__.py":            model.Dev,
		"/usr/local/bin/pytest":                                                 model.Dev,
		"/usr/local/lib/python3.12/site-packages/flask/__pycache__/app.pyc":     model.Prod,
		"/usr/local/lib/python3.12/site-packages/pytest-8.0.0.dist-info/RECORD": model.Dev,
	} {
		m, ok := idx.Lookup(p)
		if !ok || m.Class != want {
			t.Errorf("Lookup(%s) = %+v, %v; want %s", p, m, ok, want)
		}
	}
	for _, p := range []string{"/opt/app-root/src/server.js", "/usr/local/lib/node_modules/npm/index.js", "/var/www/index.php"} {
		if m, ok := idx.Lookup(p); ok {
			t.Errorf("Lookup(%s) = %+v, want no match", p, m)
		}
	}
	m, _ := idx.Lookup("/opt/app-root/src/node_modules/debug/index.js")
	if m.Package.Evidence != (Evidence{Source: "/opt/app-root/src/package-lock.json", How: `lockfileVersion 3 "dev": true`}) {
		t.Errorf("evidence = %+v", m.Package.Evidence)
	}
}

func TestDevOnlyProblemsAndCancel(t *testing.T) {
	files := map[string][]byte{
		"/app/package.json":                []byte(`{"devDependencies":{"a":"1"}}`),
		"/app/package-lock.json":           []byte(`not json`),
		"/app/node_modules/a/package.json": []byte(`{"name":"a","version":"1.0.0"}`),
	}
	res, probs := DevOnly(context.Background(), files)
	if len(probs) != 1 || probs[0].Path != "/app/package-lock.json" || !strings.Contains(probs[0].Reason, "decoding lockfile") {
		t.Errorf("problems = %v", probs)
	}
	if len(res.Roots) != 1 || len(res.Roots[0].Dev) != 1 || res.Roots[0].Dev[0].Evidence.Source != "/app/package.json" {
		t.Errorf("result = %+v", res)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, probs = DevOnly(ctx, files)
	if len(probs) == 0 || !strings.Contains(probs[len(probs)-1].Reason, "canceled") {
		t.Errorf("cancelled run problems = %v", probs)
	}
}

func TestCapturePath(t *testing.T) {
	for p, want := range map[string]int64{
		"/app/package.json":                                      1 << 20,
		"/app/package-lock.json":                                 32 << 20,
		"/app/node_modules/.package-lock.json":                   32 << 20,
		"/app/yarn.lock":                                         32 << 20,
		"/app/pnpm-lock.yaml":                                    32 << 20,
		"/app/npm-shrinkwrap.json":                               32 << 20,
		"/app/composer.json":                                     1 << 20,
		"/app/composer.lock":                                     32 << 20,
		"/app/vendor/composer/installed.json":                    32 << 20,
		"/app/Pipfile.lock":                                      32 << 20,
		"/app/poetry.lock":                                       32 << 20,
		"/app/pyproject.toml":                                    1 << 20,
		"/usr/lib/python3.11/site-packages/a-1.dist-info/RECORD": 8 << 20,
		"/root/.npm/_cacache/x/package.json":                     0,
		"/app/node_modules/a/yarn.lock":                          0,
		"/app/src/index.js":                                      0,
		"/etc/passwd":                                            0,
	} {
		got, ok := CapturePath(p)
		if got != want || ok != (want != 0) {
			t.Errorf("CapturePath(%q) = %d, %v; want %d", p, got, ok, want)
		}
	}
}
