package node

import (
	"strings"
	"testing"
)

func TestNpmLockFixtures(t *testing.T) {
	for _, name := range []string{"package-lock_v2.json", "package-lock_v3.json"} {
		t.Run(name, func(t *testing.T) {
			root := "/opt/app-root/src"
			lock := readFixture(t, name)
			f := files{root + "/package-lock.json": lock}
			installFromNpmLock(t, f, root, lock, nil)
			r, probs := analyzeRoot(t, f, root)
			if len(probs) != 0 {
				t.Errorf("problems: %v", probs)
			}
			wantSet(t, "dev", pathsOf(r.Dev), prefixed(root, "node_modules/debug", "node_modules/debug/node_modules/ms"))
			if got := len(r.Prod); got != 31 {
				t.Errorf("prod packages = %d, want 31 (33 installed - 2 dev)", got)
			}
			if len(r.Extraneous) != 0 {
				t.Errorf("extraneous = %v", pathsOf(r.Extraneous))
			}
			for _, p := range r.Dev {
				if p.Evidence.Source != root+"/package-lock.json" || !strings.Contains(p.Evidence.How, `"dev": true`) {
					t.Errorf("evidence of %s = %+v", p.Name, p.Evidence)
				}
			}
			if len(r.Sources) == 0 || r.Sources[0] != root+"/package-lock.json" {
				t.Errorf("sources = %v", r.Sources)
			}
		})
	}
}

// TestNpmLockFixtureOmitDev installs the v3 fixture as `npm ci --omit=dev`
// does: the lockfile still lists the dev entries, which are not installed
// and so are ignored.
func TestNpmLockFixtureOmitDev(t *testing.T) {
	root := "/app"
	lock := readFixture(t, "package-lock_v3.json")
	f := files{root + "/package-lock.json": lock}
	installFromNpmLock(t, f, root, lock, func(k string) bool { return strings.HasPrefix(k, "node_modules/debug") })
	r, _ := analyzeRoot(t, f, root)
	wantSet(t, "dev", pathsOf(r.Dev), []string{})
	if len(r.Prod) != 31 {
		t.Errorf("prod = %d, want 31", len(r.Prod))
	}
}

func TestYarnClassicFixture(t *testing.T) {
	root := "/usr/src/app"
	f := files{root + "/yarn.lock": readFixture(t, "yarn_happy.lock")}
	f.project(t, root,
		[]string{"jquery@^3.4.1", "promise@^8.0.3", "wide-align@1.1.3", "lodash@^4.17.10"},
		[]string{"@babel/helper-regex@^7.4.4", "strip-ansi@^3.0.1", "js-tokens@^3.0.0 || ^4.0.0", "safe-buffer@^5.1.2"})
	nm := root + "/node_modules/"
	f.pkg(t, nm+"jquery", "3.4.1").
		pkg(t, nm+"promise", "8.0.3", "asap@~2.0.6").
		pkg(t, nm+"asap", "2.0.6").
		pkg(t, nm+"wide-align", "1.1.3", "string-width@^1.0.2 || 2").
		pkg(t, nm+"string-width", "2.1.1", "is-fullwidth-code-point@^2.0.0", "strip-ansi@^4.0.0").
		pkg(t, nm+"string-width/node_modules/strip-ansi", "4.0.0", "ansi-regex@^3.0.0").
		pkg(t, nm+"string-width/node_modules/ansi-regex", "3.0.0").
		pkg(t, nm+"is-fullwidth-code-point", "2.0.0").
		pkg(t, nm+"lodash", "4.17.11").
		pkg(t, nm+"@babel/helper-regex", "7.4.4", "lodash@^4.17.11").
		pkg(t, nm+"strip-ansi", "3.0.1", "ansi-regex@^2.0.0").
		pkg(t, nm+"ansi-regex", "2.1.1").
		pkg(t, nm+"js-tokens", "4.0.0").
		pkg(t, nm+"safe-buffer", "5.1.2").
		pkg(t, nm+"inherits", "2.0.3") // installed, in the lockfile, reached by nothing
	// whatwg-fetch is in the lockfile but not installed: ignored.
	r, probs := analyzeRoot(t, f, root)
	if len(probs) != 0 {
		t.Errorf("problems: %v", probs)
	}
	wantSet(t, "dev", pathsOf(r.Dev), prefixed(root, "node_modules/@babel/helper-regex", "node_modules/ansi-regex",
		"node_modules/js-tokens", "node_modules/safe-buffer", "node_modules/strip-ansi"))
	wantSet(t, "extraneous", pathsOf(r.Extraneous), prefixed(root, "node_modules/inherits"))
	wantSet(t, "prod", pathsOf(r.Prod), prefixed(root, "node_modules/asap", "node_modules/is-fullwidth-code-point",
		"node_modules/jquery", "node_modules/lodash", "node_modules/promise", "node_modules/string-width",
		"node_modules/string-width/node_modules/ansi-regex", "node_modules/string-width/node_modules/strip-ansi",
		"node_modules/wide-align"))
	for _, p := range r.Dev {
		if p.Evidence.Source != root+"/yarn.lock" || !strings.Contains(p.Evidence.How, "yarn.lock v1: reachable only from devDependencies") {
			t.Errorf("evidence of %s = %+v", p.Name, p.Evidence)
		}
	}
}

func TestYarnBerryFixture(t *testing.T) {
	root := "/app"
	f := files{root + "/yarn.lock": readFixture(t, "yarn_v2_happy.lock")}
	f.project(t, root,
		[]string{"async@^3.2.0", "loose-envify@^1.4.0"},
		[]string{"ansi-styles@^4.1.0", "once@^1.3.0", "js-tokens@^3.0.0 || ^4.0.0", "fsevents@~2.1.2"})
	nm := root + "/node_modules/"
	f.pkg(t, nm+"async", "3.2.0").
		pkg(t, nm+"loose-envify", "1.4.0", "js-tokens@^3.0.0 || ^4.0.0").
		pkg(t, nm+"js-tokens", "4.0.0").
		pkg(t, nm+"ansi-styles", "4.2.1", "@types/color-name@^1.1.1", "color-convert@^2.0.1").
		pkg(t, nm+"@types/color-name", "1.1.1").
		pkg(t, nm+"color-convert", "2.0.1", "color-name@~1.1.4").
		pkg(t, nm+"color-name", "1.1.4").
		pkg(t, nm+"once", "1.4.0", "wrappy@1").
		pkg(t, nm+"wrappy", "1.0.2").
		pkg(t, nm+"fsevents", "2.1.3", "node-gyp@latest").
		pkg(t, nm+"node-gyp", "7.1.0").
		pkg(t, nm+"abbrev", "1.1.1")
	r, probs := analyzeRoot(t, f, root)
	if len(probs) != 0 {
		t.Errorf("problems: %v", probs)
	}
	wantSet(t, "dev", pathsOf(r.Dev), prefixed(root, "node_modules/@types/color-name", "node_modules/ansi-styles",
		"node_modules/color-convert", "node_modules/color-name", "node_modules/fsevents", "node_modules/node-gyp",
		"node_modules/once", "node_modules/wrappy"))
	wantSet(t, "prod", pathsOf(r.Prod), prefixed(root, "node_modules/async", "node_modules/js-tokens", "node_modules/loose-envify"))
	wantSet(t, "extraneous", pathsOf(r.Extraneous), prefixed(root, "node_modules/abbrev"))
	for _, p := range r.Dev {
		if !strings.Contains(p.Evidence.How, "berry, __metadata version 4") {
			t.Errorf("evidence of %s = %+v", p.Name, p.Evidence)
		}
	}
}

func TestPnpmV9Fixture(t *testing.T) {
	root := "/app"
	f := files{root + "/pnpm-lock.yaml": readFixture(t, "pnpm-lock_v9.yaml")}
	f.project(t, root, []string{"finalhandler@1.1.1", "promise@8.1.0"}, []string{"jquery@3.6.0", "ms@2.0.0"})
	f.project(t, root+"/subdir", []string{"sleep-utils@1.0.3"}, []string{"await-sleep@^0.0.1"})
	st := root + "/node_modules/.pnpm/"
	f.pkg(t, st+"@babel+helper-string-parser@7.24.1/node_modules/@babel/helper-string-parser", "7.24.1").
		pkg(t, st+"asap@2.0.6/node_modules/asap", "2.0.6").
		pkg(t, st+"debug@4.3.4_supports-color@8.1.1/node_modules/debug", "4.3.4", "ms@2.1.2").
		pkg(t, st+"debug@https+++github.com+debug-js+debug+tarball+4.3.5/node_modules/debug", "4.3.5", "ms@2.1.2").
		pkg(t, st+"finalhandler@1.1.1/node_modules/finalhandler", "1.1.1", "debug@4.3.4").
		pkg(t, st+"ms@2.0.0/node_modules/ms", "2.0.0").
		pkg(t, st+"ms@2.1.2/node_modules/ms", "2.1.2").
		pkg(t, st+"lodash@file+foo+bar+lodash.tgz/node_modules/lodash", "4.17.21").
		// a store name pnpm shortened with a hash: matched by name and version
		pkg(t, st+"jquery@3.6.0_3zhnh3lqkqo2kzbbbn5v4pjrdm/node_modules/jquery", "3.6.0").
		pkg(t, st+"await-sleep@0.0.1/node_modules/await-sleep", "0.0.1").
		pkg(t, st+"sleep-utils@1.0.3/node_modules/sleep-utils", "1.0.3").
		pkg(t, st+"left-pad@1.3.0/node_modules/left-pad", "1.3.0") // not in the lockfile
	r, probs := analyzeRoot(t, f, root)
	if len(probs) != 0 {
		t.Errorf("problems: %v", probs)
	}
	wantSet(t, "dev", pathsOf(r.Dev), prefixed(st, "await-sleep@0.0.1", "jquery@3.6.0_3zhnh3lqkqo2kzbbbn5v4pjrdm", "lodash@file+foo+bar+lodash.tgz"))
	wantSet(t, "prod", pathsOf(r.Prod), prefixed(st, "@babel+helper-string-parser@7.24.1", "asap@2.0.6",
		"debug@4.3.4_supports-color@8.1.1", "debug@https+++github.com+debug-js+debug+tarball+4.3.5",
		"finalhandler@1.1.1", "ms@2.0.0", "ms@2.1.2", "sleep-utils@1.0.3"))
	wantSet(t, "extraneous", pathsOf(r.Extraneous), prefixed(st, "left-pad@1.3.0"))
	for _, p := range r.Dev {
		if p.Evidence.Source != root+"/pnpm-lock.yaml" || !strings.Contains(p.Evidence.How, "lockfileVersion 9.0") {
			t.Errorf("evidence of %s = %+v", p.Name, p.Evidence)
		}
	}
}
