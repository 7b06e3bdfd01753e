package pnp

import (
	"errors"
	"path"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
)

// TestParseFixtures reads the state of every real install in testdata and
// checks what Yarn recorded: the same 13 package instances whatever the
// version and form, the alias, the missing optional peer, and where each
// install put its packages.
func TestParseFixtures(t *testing.T) {
	wantLocators := []string{
		"<top-level>", "@fixture/lib@workspace:packages/lib", "debug@npm:4.3.4",
		"debug@virtual:e6f676089809b8568b9a3eafbb3be7f590546676815b3f368c91cb24d781e060b385dfc282a2efc27ee96ae786cb21aebd48b5a04e0b0bbe5bb53a46ae8f3033#npm:4.3.4",
		"escape-html@npm:1.0.3", "inherits@npm:2.0.4", "is-number@npm:6.0.0", "is-odd@npm:3.0.1", "isarray@npm:2.0.5",
		"left-pad@npm:1.3.0", "ms@npm:2.0.0", "ms@npm:2.1.2", "pnp-fixture@workspace:.",
	}
	sort.Strings(wantLocators)
	tests := []struct {
		variant string
		cache   string // where zips live, absolute
		virtual string // the virtual debug's location as written
	}{
		{"yarn4-global", "/root/.yarn/berry/cache", "./.yarn/__virtual__/debug-virtual-0a7fdd7279/4/root/.yarn/berry/cache/debug-npm-4.3.4-4513954577-10c0.zip/node_modules/debug/"},
		{"yarn4-local", fixtureApp + "/.yarn/cache", "./.yarn/__virtual__/debug-virtual-0a7fdd7279/0/cache/debug-npm-4.3.4-4513954577-cedbec4529.zip/node_modules/debug/"},
		{"yarn4-split", "/root/.yarn/berry/cache", "./.yarn/__virtual__/debug-virtual-0a7fdd7279/4/root/.yarn/berry/cache/debug-npm-4.3.4-4513954577-10c0.zip/node_modules/debug/"},
		{"yarn3-local", fixtureApp + "/.yarn/cache", "./.yarn/__virtual__/debug-virtual-0a7fdd7279/0/cache/debug-npm-4.3.4-4513954577-3dbad3f94e.zip/node_modules/debug/"},
		{"yarn2-local", fixtureApp + "/.yarn/cache", "./.yarn/$$virtual/debug-virtual-0a7fdd7279/0/cache/debug-npm-4.3.4-4513954577-7d71c93be2.zip/node_modules/debug/"},
	}
	for i, tc := range tests {
		t.Run(tc.variant, func(t *testing.T) {
			mapFile := variants[i].mapFile
			st, err := Parse(mapFile, readTestdata(t, tc.variant, fixtureApp+"/"+mapFile))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			byLoc := map[string]Package{}
			for _, p := range st.Packages {
				got = append(got, p.Locator.String())
				byLoc[p.Locator.String()] = p
			}
			sort.Strings(got)
			if !slices.Equal(got, wantLocators) {
				t.Errorf("locators:\n got %q\nwant %q", got, wantLocators)
			}
			if want := []Locator{{"pnp-fixture", "workspace:."}, {"@fixture/lib", "workspace:packages/lib"}}; !reflect.DeepEqual(st.Roots, want) {
				t.Errorf("roots = %v", st.Roots)
			}
			// The top-level workspace: the alias, the workspace dependency.
			top := byLoc["<top-level>"]
			deps := map[string]Dependency{}
			for _, d := range top.Dependencies {
				deps[d.Name] = d
			}
			if d := deps["my-ms"]; d.Target != (Locator{"ms", "npm:2.0.0"}) || d.Missing {
				t.Errorf("alias my-ms = %+v", d)
			}
			if d := deps["@fixture/lib"]; !d.Target.Workspace() || top.Location != "./" || !top.Workspace() {
				t.Errorf("workspace dependency = %+v, top-level location %q", d, top.Location)
			}
			virt := byLoc[wantLocators[3]]
			if virt.Location != tc.virtual || virt.LinkType != "HARD" || virt.Version() != "4.3.4" {
				t.Errorf("virtual debug = %+v", virt)
			}
			var missing []string
			for _, d := range virt.Dependencies {
				if d.Missing {
					missing = append(missing, d.Name)
				}
			}
			if !slices.Contains(missing, "supports-color") {
				t.Errorf("missing peers of debug = %v, want supports-color among them", missing)
			}
			// Every location resolves into the cache, the unplugged folder
			// or a workspace.
			zips := 0
			for _, p := range st.Packages {
				loc := Resolve(fixtureApp, p.Location)
				zip, isZip := ZipPath(loc)
				switch {
				case isZip:
					zips++
					if path.Dir(zip) != tc.cache {
						t.Errorf("%s: zip %s outside %s", p.Locator, zip, tc.cache)
					}
				case p.Workspace():
					if loc != fixtureApp && loc != fixtureApp+"/packages/lib" {
						t.Errorf("%s: workspace at %s", p.Locator, loc)
					}
				default:
					if !strings.HasPrefix(loc, fixtureApp+"/.yarn/unplugged/") || p.LinkType != "HARD" {
						t.Errorf("%s: %s location %s", p.Locator, p.LinkType, loc)
					}
				}
			}
			if zips != 8 { // debug (twice), inherits, is-number, is-odd, isarray, ms (twice)
				t.Errorf("%d locations in zips, want 8", zips)
			}
			// The state survives a round trip through its JSON layout.
			again, err := ParseData(encodeState(st))
			if err != nil || !reflect.DeepEqual(again, st) {
				t.Errorf("round trip: %v\n got %+v\nwant %+v", err, again, st)
			}
		})
	}
}

// TestParseScriptForms covers each way a loader holds the state, and the
// loaders that hold none.
func TestParseScriptForms(t *testing.T) {
	const state = `{
  "dependencyTreeRoots": [{"name": "app", "reference": "workspace:."}],
  "ignorePatternData": "(^(?:\\.yarn\\/sdks)$)",
  "packageRegistryData": [
    [null, [[null, {"packageLocation": "./", "packageDependencies": [["it's", "npm:1.0.0"]], "linkType": "SOFT"}]]],
    ["it's", [["npm:1.0.0", {"packageLocation": "./.yarn/cache/it's-npm-1.0.0-ab-cd.zip/node_modules/it's/", "packageDependencies": [], "linkType": "HARD"}]]]
  ]
}`
	yarn2 := strings.ReplaceAll(strings.ReplaceAll(state, `"HARD"}`, `"HARD",
}`), `}]]],`, `}],
]],`)
	tests := []struct {
		name   string
		script string
		err    error // nil: parses to two packages
	}{
		{"yarn4", "#!/usr/bin/env node\n\"use strict\";\n\nconst RAW_RUNTIME_STATE =\n" + yarnLiteral(state) +
			";\n\nfunction $$SETUP_STATE(hydrateRuntimeState, basePath) {\n  return hydrateRuntimeState(JSON.parse(RAW_RUNTIME_STATE), {basePath: basePath || __dirname});\n}\n", nil},
		{"double-quoted", "const RAW_RUNTIME_STATE = " + jsonQuote(state) + ";\n", nil},
		{"escapes", `var RAW_RUNTIME_STATE='` + strings.NewReplacer("{", `\x7b`, "app", `\u0061pp`, "it", `\151t`, "'", `\u{27}`, `\`, `\\`).Replace(strings.ReplaceAll(state, "\n", " ")) + `';`, nil},
		{"yarn3", "function $$SETUP_STATE(hydrateRuntimeState, basePath) {\n  return hydrateRuntimeState(JSON.parse(" + yarnLiteral(state) + "), {basePath: basePath || __dirname});\n}\n", nil},
		{"yarn2", "function $$SETUP_STATE(hydrateRuntimeState, basePath) {\n  return hydrateRuntimeState(" + yarn2 + ", {basePath: basePath || __dirname});\n  }\n", nil},
		{"definition first", "function hydrateRuntimeState(data, { basePath }) {}\nif (RAW_RUNTIME_STATE == null) {}\nconst RAW_RUNTIME_STATE =\n" + yarnLiteral(state) + ";", nil},
		{"split", string(readTestdata(t, "yarn4-split", fixtureApp+"/.pnp.cjs")), ErrNoInlineState},
		{"not a loader", "console.log('hello')", ErrNoInlineState},
		{"yarn1", "const packageInformationStores = new Map([]);", ErrClassic},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, err := ParseScript([]byte(tc.script))
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("err = %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(st.Packages) != 2 || st.Packages[1].Name != "it's" || !st.Packages[0].TopLevel() ||
				st.Packages[1].Location != "./.yarn/cache/it's-npm-1.0.0-ab-cd.zip/node_modules/it's/" {
				t.Errorf("state = %+v", st)
			}
		})
	}
	// Truncating a loader anywhere inside its state is an error, never a
	// partial state.
	full := "const RAW_RUNTIME_STATE =\n" + yarnLiteral(state) + ";"
	for n := len("const RAW_RUNTIME_STATE =\n'"); n < len(full)-1; n += 7 {
		if st, err := ParseScript([]byte(full[:n])); err == nil {
			t.Fatalf("truncated at %d: parsed %+v", n, st)
		}
	}
}

func jsonQuote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}

// TestParseDataErrors lists states that do not decode.
func TestParseDataErrors(t *testing.T) {
	for _, s := range []string{
		``, `[]`, `{}`, `{"packageRegistryData": 3}`,
		`{"packageRegistryData": [["a"]]}`,
		`{"packageRegistryData": [["a", [["npm:1", {"packageDependencies": []}]]]]}`,
		`{"packageRegistryData": [["a", [[null, {"packageLocation": "./"}]]]]}`,
		`{"packageRegistryData": [["", [["npm:1", {"packageLocation": "./"}]]]]}`,
		`{"packageRegistryData": [["a", [["npm:1", {"packageLocation": "./", "packageDependencies": [["b"]]}]]]]}`,
		`{"packageRegistryData": [["a", [["npm:1", {"packageLocation": "./", "packageDependencies": [["b", ["c"]]]}]]]]}`,
		`{"packageRegistryData": [["a", [["npm:1", {"packageLocation": "./", "packageDependencies": [["b", 7]]}]]]]}`,
		`{"packageRegistryData": [["a", [["npm:1", {"packageLocation": 5}]]]]}`,
	} {
		if st, err := ParseData([]byte(s)); err == nil {
			t.Errorf("ParseData(%s) = %+v, want an error", s, st)
		}
	}
	st, err := ParseData([]byte("\xEF\xBB\xBF" + `{"dependencyTreeRoots": [7, {"name": "a"}], "packageRegistryData": []}`))
	if err != nil || len(st.Packages) != 0 || len(st.Roots) != 0 {
		t.Errorf("lenient roots: %+v, %v", st, err)
	}
}

func TestUnquoteJS(t *testing.T) {
	tests := []struct {
		in, want string
		n        int // bytes consumed; -1 for an error
	}{
		{`'a'`, "a", 3},
		{`"a" rest`, "a", 3},
		{`'it\'s'`, "it's", 7},
		{`"say \"hi\""`, `say "hi"`, 12},
		{`'a\\b'`, `a\b`, 6},
		{"'one\\\ntwo'", "onetwo", 10},
		{"'one\\\r\ntwo'", "onetwo", 11},
		{"'one\\\u2028two'", "onetwo", 12},
		{`'\n\r\t\b\f\v'`, "\n\r\t\b\f\v", 14},
		{`'\0\08\101\400'`, "\x00\x008A 0", 15},
		{`'\x41\u0042\u{43}\u{1F600}'`, "ABC😀", 27},
		{`'\ud83d\ude00'`, "😀", 14},
		{`'\ud83dx'`, "\uFFFDx", 9},
		{`'\q\é'`, "qé", 7},
		{`'a"b'`, `a"b`, 5},
		{`'unterminated`, "", -1},
		{`'trailing\`, "", -1},
		{"'line\nbreak'", "", -1},
		{`'\x4'`, "", -1},
		{`'\u12'`, "", -1},
		{`'\u{}'`, "", -1},
		{`'\u{110000}'`, "", -1},
		{`x'a'`, "", -1},
		{``, "", -1},
	}
	for _, tc := range tests {
		got, n, err := unquoteJS([]byte(tc.in))
		if tc.n < 0 {
			if err == nil {
				t.Errorf("unquoteJS(%q) = %q, %d; want an error", tc.in, got, n)
			}
			continue
		}
		if err != nil || string(got) != tc.want || n != tc.n {
			t.Errorf("unquoteJS(%q) = %q, %d, %v; want %q, %d", tc.in, got, n, err, tc.want, tc.n)
		}
	}
}

func TestResolve(t *testing.T) {
	tests := []struct{ dir, loc, want string }{
		{"/usr/src/app", "../../../root/.yarn/berry/cache/x-npm-1.0.0-ab-10c0.zip/node_modules/x/", "/root/.yarn/berry/cache/x-npm-1.0.0-ab-10c0.zip/node_modules/x"},
		{"/app", "./.yarn/cache/x.zip/node_modules/x/", "/app/.yarn/cache/x.zip/node_modules/x"},
		{"/app", "./", "/app"},
		{"/app", "../../../../..", "/"},
		{"/app", "/abs/loc/", "/abs/loc"},
		{"/usr/src/app", "./.yarn/__virtual__/debug-virtual-0a7fdd7279/4/root/.yarn/berry/cache/d.zip/node_modules/debug/", "/root/.yarn/berry/cache/d.zip/node_modules/debug"},
		{"/app", "./.yarn/__virtual__/debug-virtual-0a7fdd7279/0/cache/d.zip/node_modules/debug/", "/app/.yarn/cache/d.zip/node_modules/debug"},
		{"/app", "./.yarn/$$virtual/debug-virtual-0a7fdd7279/0/cache/d.zip/node_modules/debug/", "/app/.yarn/cache/d.zip/node_modules/debug"},
		{"/app", "./.yarn/__virtual__/x-virtual-ab/99999999999999999999999/etc/x", "/etc/x"},
		{"/app", "./.yarn/__virtual__/x-virtual-ab/00003/etc/x", "/etc/x"},
		{"/app", "./.yarn/__virtual__/x-virtual-ab", "/app/.yarn"},
		{"/app", "./.yarn/__virtual__", "/app/.yarn"},
		{"/app", "./.yarn/__virtual__/x-virtual-AB/0/y", "/app/.yarn/__virtual__/x-virtual-AB/0/y"}, // not a hash
		{"/app", "./.yarn/__virtual__/-ab/0/y", "/app/.yarn/__virtual__/-ab/0/y"},
		{"/app", "./.yarn/__virtual__/x-virtual-ab/zero/y", "/app/.yarn/__virtual__/x-virtual-ab/zero/y"},
		{"/app", "./.yarn/__virtual__/a-1/1/__virtual__/b-2/0/c", "/app/c"}, // nested: resolved twice
		{"/app", "", ""},
		{"/app", "./a\x00b", ""},
	}
	for _, tc := range tests {
		if got := Resolve(tc.dir, tc.loc); got != tc.want {
			t.Errorf("Resolve(%q, %q) = %q, want %q", tc.dir, tc.loc, got, tc.want)
		}
	}
}

func TestZipPath(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/root/.yarn/berry/cache/x.zip/node_modules/x", "/root/.yarn/berry/cache/x.zip"},
		{"/a/x.zip", "/a/x.zip"},
		{"/a/.zip/b", ""},
		{"/a/x.zipper/b", ""},
		{"/a/x.zip/b/y.zip/c", "/a/x.zip"},
		{"/app/.yarn/unplugged/x/node_modules/x", ""},
		{"", ""},
	}
	for _, tc := range tests {
		got, ok := ZipPath(tc.in)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("ZipPath(%q) = %q, %v; want %q", tc.in, got, ok, tc.want)
		}
	}
}

// TestScanLocations finds every location in real maps, whole or cut short,
// and in both quoting styles.
func TestScanLocations(t *testing.T) {
	script := readTestdata(t, "yarn4-global", fixtureApp+"/.pnp.cjs")
	locs := ScanLocations(script)
	if len(locs) != 13 || !slices.Contains(locs, "../../../root/.yarn/berry/cache/inherits-npm-2.0.4-c66b3957a0-10c0.zip/node_modules/inherits/") {
		t.Errorf("ScanLocations found %d: %q", len(locs), locs)
	}
	i := strings.Index(string(script), "inherits-npm")
	if cut := ScanLocations(script[:i]); len(cut) != 5 {
		t.Errorf("truncated map: %d locations %q, want the 5 before inherits", len(cut), cut)
	}
	if got := ScanLocations(readTestdata(t, "yarn4-split", fixtureApp+"/.pnp.data.json")); len(got) != 13 {
		t.Errorf("data file: %d locations", len(got))
	}
	if got := ScanLocations([]byte(`x = "{\"packageLocation\":\"./a/\",\"packageLocation\": 5, \"packageLocation\":\"\"}"`)); !slices.Equal(got, []string{"./a/"}) {
		t.Errorf("escaped quotes: %q", got)
	}
}
