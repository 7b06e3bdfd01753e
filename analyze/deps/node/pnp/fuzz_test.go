package pnp

import (
	"path"
	"reflect"
	"strings"
	"testing"
)

// checkState asserts what every parsed state must satisfy: entries named
// consistently, dependencies named, each location resolving to a clean
// absolute path whose zip (if any) is a prefix of it, and the state
// surviving a round trip through its JSON layout.
func checkState(t *testing.T, st *State) {
	t.Helper()
	for _, p := range st.Packages {
		if (p.Name == "") != (p.Reference == "") {
			t.Fatalf("half-null locator %+v", p.Locator)
		}
		for _, d := range p.Dependencies {
			if d.Name == "" || d.Missing != (d.Target == Locator{}) || !d.Missing && (d.Target.Name == "" || d.Target.Reference == "") {
				t.Fatalf("malformed dependency %+v of %s", d, p.Locator)
			}
		}
		loc := Resolve("/usr/src/app", p.Location)
		if loc == "" {
			continue
		}
		if !path.IsAbs(loc) || path.Clean(loc) != loc {
			t.Fatalf("Resolve(%q) = %q: not clean and absolute", p.Location, loc)
		}
		if zip, ok := ZipPath(loc); ok && (!strings.HasPrefix(loc, zip) || !strings.HasSuffix(zip, ".zip") || loc != zip && loc[len(zip)] != '/') {
			t.Fatalf("ZipPath(%q) = %q", loc, zip)
		}
	}
	again, err := ParseData(encodeState(st))
	if err != nil || !reflect.DeepEqual(again, st) {
		t.Fatalf("round trip: %v\n got %+v\nwant %+v", err, again, st)
	}
}

// FuzzParse feeds arbitrary bytes to both readers, as a loader script, as
// a data file, and inside a Yarn 4 string literal: no panic, and any state
// returned is self-consistent.
func FuzzParse(f *testing.F) {
	for _, v := range variants {
		if v.name != "yarn4-global" { // the same form as yarn4-local, with 430 kB of loader code that slows the fuzzer down
			f.Add(readTestdata(f, v.name, fixtureApp+"/"+v.mapFile))
		}
	}
	f.Add([]byte(`{"packageRegistryData": [[null, [[null, {"packageLocation": "./", "packageDependencies": [["a", ["b", "npm:1"]], ["c", null]]}]]]]}`))
	f.Add([]byte("const RAW_RUNTIME_STATE =\n'{\\\n\"packageRegistryData\": [\\\n]}';"))
	f.Add([]byte(`hydrateRuntimeState({"packageRegistryData": [["a", [["npm:1", {"packageLocation": "./.yarn/__virtual__/a-virtual-1/9/x.zip/y/",},],],],],})`))
	f.Add([]byte(`hydrateRuntimeState(JSON.parse('{"packageRegistryData": []}'))`))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, read := range []func([]byte) (*State, error){
			ParseScript, ParseData,
			func(b []byte) (*State, error) {
				return ParseScript([]byte("const RAW_RUNTIME_STATE =\n" + yarnLiteral(string(b)) + ";"))
			},
		} {
			st, err := read(data)
			if err == nil {
				checkState(t, st)
			} else if st != nil {
				t.Fatalf("a state with an error: %v", err)
			}
		}
		for _, loc := range ScanLocations(data) {
			if loc == "" || strings.ContainsAny(loc, "\"\\\n") {
				t.Fatalf("scanned location %q", loc)
			}
		}
	})
}

// FuzzUnquoteJS: whatever Yarn's quoting writes reads back as itself, and
// arbitrary bytes never make the reader panic or overrun.
func FuzzUnquoteJS(f *testing.F) {
	for _, s := range []string{"", "a", "it's", `back\slash`, "line\nbreak", `\u00e9`, "é\u2028", "'\\\n'"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		lit := yarnLiteral(s)
		got, n, err := unquoteJS([]byte(lit + "tail"))
		// Yarn escapes \ and ' and turns LF into a line continuation, which
		// reads back as nothing (the JSON it quotes does not need its line
		// breaks). A raw CR is a syntax error in a JavaScript string
		// literal, so only values without one must read back (invalid UTF-8
		// included).
		if want := strings.ReplaceAll(s, "\n", ""); !strings.Contains(s, "\r") {
			if err != nil || string(got) != want || n != len(lit) {
				t.Fatalf("unquoteJS(%q) = %q, %d, %v; want %q, %d", lit, got, n, err, want, len(lit))
			}
		}
		got, n, err = unquoteJS([]byte(s))
		if err == nil && (n < 2 || n > len(s) || len(got) > n) {
			t.Fatalf("unquoteJS(%q) = %q, %d", s, got, n)
		}
	})
}

// FuzzResolve: any location resolves to "" or a clean absolute path.
func FuzzResolve(f *testing.F) {
	f.Add("/usr/src/app", "./.yarn/__virtual__/debug-virtual-0a7fdd7279/4/root/.yarn/berry/cache/d.zip/node_modules/debug/")
	f.Add("/app", "../../x.zip/y")
	f.Fuzz(func(t *testing.T, dir, loc string) {
		got := Resolve(dir, loc)
		if got != "" && (!path.IsAbs(got) || path.Clean(got) != got) {
			t.Fatalf("Resolve(%q, %q) = %q", dir, loc, got)
		}
		if zip, ok := ZipPath(got); ok && !strings.HasPrefix(got, zip) {
			t.Fatalf("ZipPath(%q) = %q", got, zip)
		}
	})
}
