package node

import (
	"context"
	"encoding/json"
	"path"
	"strings"
	"testing"

	"github.com/slimcheck/slimcheck/analyze/deps/model"
	"github.com/slimcheck/slimcheck/analyze/deps/node/pnp/pnptest"
)

// capturedFixture returns the files of a recorded install that the walk
// would capture (Capture decides), as Analyze receives them.
func capturedFixture(t testing.TB, variant string) files {
	t.Helper()
	fx := pnptest.Load(t, variant)
	f := files{}
	for p, b := range fx.Files {
		if _, ok := Capture(p); ok {
			f[p] = b
		}
	}
	for _, b := range fx.Blobs { // package.json files of unplugged packages
		if _, ok := Capture(b.Path); ok {
			t.Fatalf("%s: would capture %s", variant, b.Path)
		}
	}
	return f
}

// TestPnPFixtures classifies every real install: the same packages are
// production and dev-only whatever the Yarn version, the cache location or
// the form of the map.
func TestPnPFixtures(t *testing.T) {
	const app = pnptest.AppDir
	global := func(zip string) string { return "/root/.yarn/berry/cache/" + zip + "-10c0.zip" }
	unplugged := func(key string) string { return app + "/.yarn/unplugged/" + key }
	tests := []struct {
		variant   string
		src       string
		cache     func(zip, checksum string) string
		prodNames []string
	}{
		{"yarn4-global", app + "/.pnp.cjs", func(zip, _ string) string { return global(zip) }, nil},
		{"yarn4-split", app + "/.pnp.data.json", func(zip, _ string) string { return global(zip) }, nil},
		{"yarn4-local", app + "/.pnp.cjs", func(zip, sum string) string { return app + "/.yarn/cache/" + zip + "-" + sum + ".zip" }, nil},
	}
	checksums := map[string]string{ // the local cache's file names end in a checksum
		"debug-npm-4.3.4-4513954577": "cedbec4529", "inherits-npm-2.0.4-c66b3957a0": "4e531f648b",
		"ms-npm-2.0.0-9e1101a471": "f8fda810b3", "ms-npm-2.1.2-ec0c1512ff": "a437714e2f",
		"is-number-npm-6.0.0-30881e83e6": "5da4c68401", "is-odd-npm-3.0.1-93c3c3f41b": "89ee2e353c",
		"isarray-npm-2.0.5-4ba522212d": "4199f14a7a",
	}
	for _, tc := range tests {
		t.Run(tc.variant, func(t *testing.T) {
			r, probs := analyzeRoot(t, capturedFixture(t, tc.variant), app)
			if len(probs) != 0 {
				t.Errorf("problems: %v", probs)
			}
			zip := func(names ...string) []string {
				var out []string
				for _, n := range names {
					out = append(out, tc.cache(n, checksums[n]))
				}
				return out
			}
			wantSet(t, "prod", pathsOf(r.Prod), sorted(append(zip("debug-npm-4.3.4-4513954577", "inherits-npm-2.0.4-c66b3957a0",
				"ms-npm-2.0.0-9e1101a471", "ms-npm-2.1.2-ec0c1512ff"), unplugged("escape-html-npm-1.0.3-376c22ee74"))))
			wantSet(t, "dev", pathsOf(r.Dev), sorted(append(zip("is-number-npm-6.0.0-30881e83e6", "is-odd-npm-3.0.1-93c3c3f41b",
				"isarray-npm-2.0.5-4ba522212d"), unplugged("left-pad-npm-1.3.0-0382e69409"))))
			wantSet(t, "extraneous", pathsOf(r.Extraneous), []string{})
			for _, p := range append(r.Prod, r.Dev...) {
				if p.Evidence.Source != tc.src || !strings.HasPrefix(p.Evidence.How, "Plug'n'Play map: ") || p.Version == "" {
					t.Errorf("%s: evidence %+v, version %q", p.Name, p.Evidence, p.Version)
				}
			}
			if len(r.Sources) == 0 || r.Sources[0] != tc.src {
				t.Errorf("sources = %v", r.Sources)
			}
		})
	}
	// Yarn 2 and 3 (local caches, other checksums, $$virtual) agree on the
	// classes by name and version.
	for _, variant := range []string{"yarn3-local", "yarn2-local"} {
		t.Run(variant, func(t *testing.T) {
			r, probs := analyzeRoot(t, capturedFixture(t, variant), app)
			if len(probs) != 0 {
				t.Errorf("problems: %v", probs)
			}
			wantSet(t, "prod", namesOf(r.Prod), []string{"debug@4.3.4", "escape-html@1.0.3", "inherits@2.0.4", "ms@2.0.0", "ms@2.1.2"})
			wantSet(t, "dev", namesOf(r.Dev), []string{"is-number@6.0.0", "is-odd@3.0.1", "isarray@2.0.5", "left-pad@1.3.0"})
			for _, p := range append(r.Prod, r.Dev...) {
				if q := p.Paths[0]; !strings.HasPrefix(q, app+"/.yarn/cache/") && !strings.HasPrefix(q, app+"/.yarn/unplugged/") {
					t.Errorf("%s at %s", p.Name, q)
				}
			}
		})
	}
}

func namesOf(pkgs []model.Package) []string {
	out := []string{}
	for _, p := range pkgs {
		out = append(out, p.Name+"@"+p.Version)
	}
	return sorted(out)
}

func sorted(s []string) []string {
	out := append([]string{}, s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// pkgEntry is one package instance of a synthetic map: deps are
// "name=reference", "alias=target@reference" or "name=" for null.
type pkgEntry struct {
	name, ref, loc, link string
	deps                 []string
}

// pnpDataJSON renders entries as a .pnp.data.json.
func pnpDataJSON(t testing.TB, entries ...pkgEntry) []byte {
	t.Helper()
	var reg []any
	for _, e := range entries {
		var deps []any
		for _, d := range e.deps {
			n, v, _ := strings.Cut(d, "=")
			switch {
			case v == "":
				deps = append(deps, []any{n, nil})
			case strings.Contains(v[1:], "@"):
				i := strings.Index(v[1:], "@") + 1
				deps = append(deps, []any{n, []string{v[:i], v[i+1:]}})
			default:
				deps = append(deps, []any{n, v})
			}
		}
		var name, ref any
		if e.name != "" {
			name, ref = e.name, e.ref
		}
		link := e.link
		if link == "" {
			link = "HARD"
		}
		reg = append(reg, []any{name, []any{[]any{ref, map[string]any{"packageLocation": e.loc, "packageDependencies": deps, "linkType": link}}}})
	}
	b, err := json.Marshal(map[string]any{"packageRegistryData": reg})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// zipEntry is a package from the global cache.
func zipEntry(name, version string, deps ...string) pkgEntry {
	return pkgEntry{name: name, ref: "npm:" + version, loc: "../root/.yarn/berry/cache/" + name + "-npm-" + version + "-0-10c0.zip/node_modules/" + name + "/", deps: deps}
}

func zipOf(name, version string) string {
	return "/root/.yarn/berry/cache/" + name + "-npm-" + version + "-0-10c0.zip"
}

// TestPnPClassification covers the cases the fixtures do not: aliases,
// workspaces reached through devDependencies, shared dependencies, links,
// unreached entries, hostile locations and workspaces without a
// package.json.
func TestPnPClassification(t *testing.T) {
	top := func(deps ...string) pkgEntry {
		return pkgEntry{loc: "./", link: "SOFT", deps: deps}
	}
	tests := []struct {
		name          string
		prod, dev     []string // package.json dependencies / devDependencies of /app
		entries       []pkgEntry
		extra         files
		wantProd      []string
		wantDev       []string
		wantExtra     []string
		wantProblemOn string // a path some problem names
	}{
		{name: "alias",
			prod: []string{"a@npm:x@1"}, dev: []string{"b@npm:x@2"},
			entries:  []pkgEntry{top("a=x@npm:1", "b=x@npm:2"), zipEntry("x", "1"), zipEntry("x", "2")},
			wantProd: []string{zipOf("x", "1")}, wantDev: []string{zipOf("x", "2")}},
		{name: "shared: production wins",
			prod: []string{"p@1"}, dev: []string{"d@1"},
			entries:  []pkgEntry{top("p=npm:1", "d=npm:1"), zipEntry("p", "1", "s=npm:1"), zipEntry("d", "1", "s=npm:1", "t=npm:1"), zipEntry("s", "1"), zipEntry("t", "1")},
			wantProd: []string{zipOf("p", "1"), zipOf("s", "1")}, wantDev: []string{zipOf("d", "1"), zipOf("t", "1")}},
		{name: "declared twice is production",
			prod: []string{"p@1"}, dev: []string{"p@1"},
			entries:  []pkgEntry{top("p=npm:1"), zipEntry("p", "1")},
			wantProd: []string{zipOf("p", "1")}},
		{name: "undeclared counts as production",
			entries:  []pkgEntry{top("p=npm:1"), zipEntry("p", "1")},
			wantProd: []string{zipOf("p", "1")}},
		// Every workspace may be deployed (yarn workspaces focus --all
		// --production keeps them all): its dependencies are production even
		// when only a devDependency leads to it.
		{name: "every workspace's dependencies are production",
			prod: []string{"p@1"}, dev: []string{"tools@workspace:*"},
			entries: []pkgEntry{top("p=npm:1", "tools=workspace:tools"),
				{name: "tools", ref: "workspace:tools", loc: "./tools/", link: "SOFT", deps: []string{"tools=workspace:tools", "lint=npm:1", "t=npm:1"}},
				zipEntry("p", "1"), zipEntry("lint", "1"), zipEntry("t", "1")},
			extra:    files{"/app/tools/package.json": []byte(`{"name":"tools","dependencies":{"lint":"1"},"devDependencies":{"t":"1"}}`)},
			wantProd: []string{zipOf("p", "1"), zipOf("lint", "1")}, wantDev: []string{zipOf("t", "1")}},
		{name: "workspace without package.json",
			prod: []string{"p@1"},
			entries: []pkgEntry{top("p=npm:1", "w=workspace:w"),
				{name: "w", ref: "workspace:w", loc: "./w/", link: "SOFT", deps: []string{"q=npm:1"}},
				zipEntry("p", "1"), zipEntry("q", "1")},
			wantProd: []string{zipOf("p", "1"), zipOf("q", "1")}, wantProblemOn: "/app/w/package.json"},
		{name: "missing peer, unknown target, self reference",
			prod: []string{"p@1"},
			entries: []pkgEntry{top("p=npm:1", "app=workspace:."),
				{name: "app", ref: "workspace:.", loc: "./", link: "SOFT", deps: []string{"p=npm:1"}},
				zipEntry("p", "1", "peer=", "ghost=npm:9", "p=npm:1")},
			wantProd: []string{zipOf("p", "1")}},
		{name: "links, portals and unreached entries",
			prod: []string{"l@link:../lib", "p@1"},
			entries: []pkgEntry{top("l=link:../lib::locator=app%40workspace%3A.", "p=npm:1"),
				{name: "l", ref: "link:../lib::locator=app%40workspace%3A.", loc: "../lib/", link: "SOFT"},
				zipEntry("p", "1"), zipEntry("old", "1")},
			wantProd: []string{zipOf("p", "1")}, wantExtra: []string{zipOf("old", "1")}},
		{name: "virtual instance and base share a zip",
			dev: []string{"d@1"},
			entries: []pkgEntry{top("d=virtual:ab#npm:1"),
				{name: "d", ref: "npm:1", loc: "../root/.yarn/berry/cache/d-npm-1-0-10c0.zip/node_modules/d/", link: "SOFT"},
				{name: "d", ref: "virtual:ab#npm:1", loc: "./.yarn/__virtual__/d-virtual-ab/2/root/.yarn/berry/cache/d-npm-1-0-10c0.zip/node_modules/d/"}},
			wantDev: []string{zipOf("d", "1")}},
		{name: "unplugged, scoped",
			prod: []string{"@s/n@1"},
			entries: []pkgEntry{top("@s/n=npm:1"),
				{name: "@s/n", ref: "npm:1", loc: "./.yarn/unplugged/@s-n-npm-1-0/node_modules/@s/n/"}},
			wantProd: []string{"/app/.yarn/unplugged/@s-n-npm-1-0"}},
		{name: "hostile locations cover nothing",
			prod: []string{"a@1", "b@1", "c@1", "d@1"},
			entries: []pkgEntry{top("a=npm:1", "b=npm:1", "c=npm:1", "d=npm:1", "w=workspace:w"),
				{name: "w", ref: "workspace:w", loc: "./w/", link: "SOFT"},
				{name: "a", ref: "npm:1", loc: "../../../../"},
				{name: "b", ref: "npm:1", loc: "./"},
				{name: "c", ref: "npm:1", loc: "./w/node_modules/c/"},
				{name: "d", ref: "npm:1", loc: "/"}},
			extra:    files{"/app/w/package.json": []byte(`{"name":"w"}`)},
			wantProd: []string{"/app/w/node_modules/c"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := files{"/app/.pnp.data.json": pnpDataJSON(t, tc.entries...)}
			f.project(t, "/app", tc.prod, tc.dev)
			for p, b := range tc.extra {
				f[p] = b
			}
			r, probs := analyzeRoot(t, f, "/app")
			wantSet(t, "prod", pathsOf(r.Prod), sorted(orEmpty(tc.wantProd)))
			wantSet(t, "dev", pathsOf(r.Dev), sorted(orEmpty(tc.wantDev)))
			wantSet(t, "extraneous", pathsOf(r.Extraneous), sorted(orEmpty(tc.wantExtra)))
			found := false
			for _, p := range probs {
				found = found || p.Path == tc.wantProblemOn
			}
			if (tc.wantProblemOn != "") != found || tc.wantProblemOn == "" && len(probs) > 0 {
				t.Errorf("problems = %v, want one on %q", probs, tc.wantProblemOn)
			}
		})
	}
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// TestPnPUnreadable: a map that does not parse, or cannot be found, keeps
// every directory it names as production and says why; a Yarn 1 map is
// reported and left alone.
func TestPnPUnreadable(t *testing.T) {
	script := string(capturedFixture(t, "yarn4-global")["/usr/src/app/.pnp.cjs"])
	cut := script[:strings.Index(script, "is-number-npm")] // truncated inside the state
	tests := []struct {
		name      string
		files     files
		wantProd  []string
		wantProbs []string // problem paths
	}{
		{"truncated", files{"/usr/src/app/.pnp.cjs": []byte(cut)},
			[]string{"/root/.yarn/berry/cache", "/usr/src/app/.yarn/cache", "/usr/src/app/.yarn/unplugged", "/usr/src/app/.yarn/unplugged/escape-html-npm-1.0.3-376c22ee74"},
			[]string{"/usr/src/app/.pnp.cjs"}},
		{"split without its data", files{"/usr/src/app/.pnp.cjs": capturedFixture(t, "yarn4-split")["/usr/src/app/.pnp.cjs"]},
			[]string{"/usr/src/app/.yarn/cache", "/usr/src/app/.yarn/unplugged"},
			[]string{"/usr/src/app/.pnp.cjs"}},
		{"bad data beside a split loader", files{"/usr/src/app/.pnp.cjs": capturedFixture(t, "yarn4-split")["/usr/src/app/.pnp.cjs"],
			"/usr/src/app/.pnp.data.json": []byte(`{"packageRegistryData": [["x", [["npm:1", {"packageLocation": "../../../home/node/.yarn/berry/cache/x.zip/node_modules/x/"}]]]], `)},
			[]string{"/home/node/.yarn/berry/cache", "/usr/src/app/.yarn/cache", "/usr/src/app/.yarn/unplugged"},
			[]string{"/usr/src/app/.pnp.data.json"}},
		{"yarn 1", files{"/usr/src/app/.pnp.js": []byte("const packageInformationStores = new Map([]);")},
			[]string{}, []string{"/usr/src/app/.pnp.js"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.files.project(t, "/usr/src/app", []string{"debug@4.3.4"}, nil)
			r, probs := analyzeRoot(t, tc.files, "/usr/src/app")
			wantSet(t, "prod", pathsOf(r.Prod), sorted(tc.wantProd))
			if len(r.Dev) != 0 || len(r.Extraneous) != 0 {
				t.Errorf("dev %v, extraneous %v", r.Dev, r.Extraneous)
			}
			var got []string
			for _, p := range probs {
				got = append(got, p.Path)
			}
			wantSet(t, "problems", sorted(got), tc.wantProbs)
			for _, p := range r.Prod {
				if !strings.Contains(p.Evidence.How, "could not be read") {
					t.Errorf("evidence %+v", p.Evidence)
				}
			}
		})
	}
}

// TestPnPCapture: the maps are captured at project roots, never inside
// installed packages or caches.
func TestPnPCapture(t *testing.T) {
	for _, tc := range []struct {
		p  string
		ok bool
	}{
		{"/app/.pnp.cjs", true}, {"/app/.pnp.js", true}, {"/app/.pnp.data.json", true}, {"/.pnp.cjs", true},
		{"/app/node_modules/x/.pnp.cjs", false}, {"/app/.yarn/unplugged/x/node_modules/x/.pnp.cjs", false},
		{"/root/.yarn/berry/cache/.pnp.cjs", false}, {"/app/.pnp.loader.mjs", false}, {"app/.pnp.cjs", false},
	} {
		limit, ok := Capture(tc.p)
		if ok != tc.ok || ok && limit != PnPLimit {
			t.Errorf("Capture(%q) = %d, %v", tc.p, limit, ok)
		}
	}
}

// TestPnPIndex: files inside the classified paths answer with the class.
func TestPnPIndex(t *testing.T) {
	roots, _ := Analyze(context.Background(), capturedFixture(t, "yarn4-global"))
	idx := model.NewIndex(model.Result{Roots: roots})
	for p, want := range map[string]model.Class{
		"/root/.yarn/berry/cache/debug-npm-4.3.4-4513954577-10c0.zip":                                   model.Prod,
		"/root/.yarn/berry/cache/is-odd-npm-3.0.1-93c3c3f41b-10c0.zip":                                  model.Dev,
		"/usr/src/app/.yarn/unplugged/left-pad-npm-1.3.0-0382e69409/node_modules/left-pad/index.js":     model.Dev,
		"/usr/src/app/.yarn/unplugged/escape-html-npm-1.0.3-376c22ee74/node_modules/escape-html/.ready": model.Prod,
		"/root/.yarn/berry/cache/left-pad-npm-1.3.0-0382e69409-10c0.zip":                                "", // unplugged: its zip is unused
		path.Join(pnptest.AppDir, "index.js"):                                                           "",
	} {
		m, ok := idx.Lookup(p)
		if ok != (want != "") || m.Class != want {
			t.Errorf("Lookup(%s) = %v %v, want %q", p, m.Class, ok, want)
		}
	}
}

// FuzzPnPAnalyze reads arbitrary bytes as each Plug'n'Play map beside a
// project: no panic, and a self-consistent root: every path reported once,
// none covering the project, each with evidence naming a map.
func FuzzPnPAnalyze(f *testing.F) {
	fx := capturedFixture(f, "yarn4-split")
	f.Add(fx["/usr/src/app/.pnp.data.json"])
	f.Add(capturedFixture(f, "yarn3-local")["/usr/src/app/.pnp.cjs"])
	f.Add(pnpDataJSON(f, pkgEntry{loc: "./", link: "SOFT", deps: []string{"a=x@npm:1", "b="}},
		pkgEntry{name: "x", ref: "npm:1", loc: "./.yarn/__virtual__/x-virtual-1/0/cache/x.zip/node_modules/x/"}))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, name := range []string{".pnp.data.json", ".pnp.cjs", ".pnp.js"} {
			in := files{}
			for p, b := range fx {
				if path.Base(p) != ".pnp.data.json" && path.Base(p) != ".pnp.cjs" {
					in[p] = b
				}
			}
			in["/usr/src/app/"+name] = data
			roots, _ := Analyze(context.Background(), in)
			seen := map[string]bool{}
			for _, r := range roots {
				for _, list := range [][]model.Package{r.Prod, r.Dev, r.Extraneous} {
					for _, p := range list {
						if len(p.Paths) != 1 || p.Evidence.Source == "" || p.Evidence.How == "" {
							t.Fatalf("malformed package %+v", p)
						}
						q := p.Paths[0]
						if seen[q] || !path.IsAbs(q) || path.Clean(q) != q || under(r.Dir, q) {
							t.Fatalf("path %q reported twice, unclean or covering %s", q, r.Dir)
						}
						seen[q] = true
					}
				}
			}
		}
	})
}
