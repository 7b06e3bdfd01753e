package recommend

import (
	"path"
	"strings"
	"testing"

	"github.com/slimcheck/slimcheck/analyze/deps/node/pnp/pnptest"
	"github.com/slimcheck/slimcheck/recommend/internal/pnpreport"
	"github.com/slimcheck/slimcheck/recommend/internal/reporttest"
	"github.com/slimcheck/slimcheck/report"
)

// TestPlanPnP plans images of real Yarn Plug'n'Play installs analyzed end
// to end: the runtime stage copies exactly the zips and unplugged packages
// production needs (from Yarn 4's global cache outside the app directory,
// or from the project's own .yarn/cache), leaves out the dev-only and
// unreferenced ones, and no quick win tells the build to empty the cache
// the app runs from.
func TestPlanPnP(t *testing.T) {
	const app = pnptest.AppDir
	tests := []struct {
		variant string
		cache   string // where the map's zips are
		wins    map[string]int64
	}{
		// The zips of the two unplugged packages, which run unpacked.
		{"yarn4-global", "/root/.yarn/berry/cache", map[string]int64{"yarn-pnp-cache": 4486 + 11536}},
		{"yarn4-split", "/root/.yarn/berry/cache", map[string]int64{"yarn-pnp-cache": 4486 + 11536}},
		// Those zips and the cache's .gitignore in the project; Yarn's
		// global mirror, which holds a copy of every zip.
		{"yarn4-local", app + "/.yarn/cache", map[string]int64{"yarn-pnp-cache": 4486 + 11536 + 26, "yarn-mirror": 100_466}},
	}
	prodZips := []string{"debug-npm-4.3.4-", "inherits-npm-2.0.4-", "ms-npm-2.0.0-", "ms-npm-2.1.2-"}
	for _, tc := range tests {
		t.Run(tc.variant, func(t *testing.T) {
			rep, fx := pnpreport.Report(t, tc.variant)
			if rep.Ecosystem.Name != "node" || rep.Ecosystem.AppDir != app {
				t.Fatalf("ecosystem %s at %s", rep.Ecosystem.Name, rep.Ecosystem.AppDir)
			}
			opts := DefaultOptions()
			opts.ForceSplit, opts.QuickWinMinBytes = true, 0
			p := plan(t, rep, opts)
			if p.Verdict != Split {
				t.Fatalf("verdict %s: %v", p.Verdict, p.Reasons)
			}
			checkInvariants(t, rep, p)
			copied := map[string]bool{}
			for _, s := range p.Copy.Select(rep.Files) {
				if s.Path != s.From {
					t.Errorf("%s copied to %s", s.From, s.Path)
				}
				copied[s.From] = true
			}
			for _, b := range fx.Blobs {
				base := path.Base(b.Path)
				want := false
				switch {
				case strings.HasSuffix(base, ".zip"):
					for _, n := range prodZips {
						want = want || strings.HasPrefix(base, n) && path.Dir(b.Path) == tc.cache
					}
				case strings.HasPrefix(b.Path, app+"/.yarn/unplugged/escape-html-"):
					want = true
				case strings.HasPrefix(b.Path, app+"/.yarn/install-state.gz"):
					want = true // in the app directory; nothing says it is not needed
				}
				if copied[b.Path] != want {
					t.Errorf("%s: copied %v, want %v", b.Path, copied[b.Path], want)
				}
			}
			for p := range fx.Files {
				if !copied[p] {
					t.Errorf("%s is not copied", p)
				}
			}
			got := map[string]int64{}
			for _, q := range p.QuickWins {
				if q.Layer == pnpreport.InstallLayer && strings.HasPrefix(q.ID, "yarn") {
					got[q.ID] += q.Bytes
				}
				if strings.Contains(q.Fix, "&& yarn cache clean`") {
					t.Errorf("quick win %s tells the build to empty the cache the app runs from: %s", q.ID, q.Fix)
				}
			}
			if len(got) != len(tc.wins) {
				t.Errorf("yarn quick wins %v, want %v", got, tc.wins)
			}
			for id, b := range tc.wins {
				if got[id] != b {
					t.Errorf("quick win %s: %d bytes, want %d", id, got[id], b)
				}
			}
			if len(p.Builder.Prune) != 0 {
				t.Errorf("prune %q: the builder's HOME and cache are not the image's", p.Builder.Prune)
			}
			found := false
			for _, f := range p.Findings {
				found = found || f.Kind == "pnp-dev-removed" && f.Path == app
			}
			if !found {
				t.Errorf("no pnp-dev-removed finding: %+v", p.Findings)
			}
		})
	}
}

// TestExcluderInstalledInCache: a cache directory name does not exclude
// what a dependency source says is installed there.
func TestExcluderInstalledInCache(t *testing.T) {
	ev := []report.Evidence{{Kind: "lockfile", Source: "/home/app/.pnp.cjs"}, {Kind: "rule", Rule: "home-caches"}}
	f := func(p string, c report.Category, e int) report.File {
		return report.File{Path: p, Type: "file", Status: "visible", Bytes: 10, Category: c, Evidence: e}
	}
	files := []report.File{
		f("/home/app/.yarn/berry/cache/a.zip", report.App, 0),
		f("/home/app/.yarn/berry/cache/d.zip", report.DevDependencies, 0),
		f("/home/app/.yarn/berry/cache/old.zip", report.PackageCache, 1),
		f("/home/app/.npm/_cacache/x", report.App, -1),
		f("/home/app/index.js", report.App, -1),
	}
	v := newView(files)
	x := &excluder{evidence: ev}
	var got []string
	for _, e := range x.exclusionsUnder(v.get("/home/app")) {
		got = append(got, e.Path+" "+string(e.Category))
	}
	want := []string{"/home/app/.npm package-cache", "/home/app/.yarn/berry/cache/d.zip dev-dependencies", "/home/app/.yarn/berry/cache/old.zip package-cache"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("exclusions:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestQuickWinsYarnPnP: which yarn cache advice each file gets, with and
// without a Plug'n'Play project on the image.
func TestQuickWinsYarnPnP(t *testing.T) {
	const cache = "/home/node/.yarn/berry/cache/"
	mapEv := 0 // the Plug'n'Play map placed the file
	zip := func(name string, c report.Category, ev int) reporttest.Entry {
		e := reporttest.File(cache+name+".zip", 3<<20, c)
		e.Evidence = ev
		return e
	}
	tests := []struct {
		name  string
		files []reporttest.Entry
		want  map[string]string // quick win id → a phrase of its fix
	}{
		{"global cache", []reporttest.Entry{zip("a", report.App, mapEv), zip("d", report.DevDependencies, mapEv), zip("old", report.PackageCache, -1),
			reporttest.File("/usr/local/share/.cache/yarn/v6/x.tgz", 2<<20, report.PackageCache)},
			map[string]string{"yarn-pnp-cache": "delete just these", "yarn-cache": "rm -rf"}},
		{"project cache, global mirror", []reporttest.Entry{
			withEv(reporttest.File("/app/.yarn/cache/a.zip", 3<<20, report.App), mapEv), reporttest.File("/app/.yarn/cache/u.zip", 2<<20, report.PackageCache),
			zip("a", report.PackageCache, -1)},
			map[string]string{"yarn-pnp-cache": "delete just these", "yarn-mirror": "yarn cache clean --mirror"}},
		{"no Plug'n'Play map", []reporttest.Entry{zip("a", report.PackageCache, -1), reporttest.File("/usr/local/share/.cache/yarn/v6/x.tgz", 2<<20, report.PackageCache)},
			map[string]string{"yarn-cache": "&& yarn cache clean`"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := reporttest.Build(reporttest.Spec{Reference: "x", Evidence: []report.Evidence{{Kind: "lockfile", Source: "/app/.pnp.cjs"}},
				Layers: []reporttest.Layer{{CreatedBy: "RUN /bin/sh -c yarn install # buildkit", Entries: tc.files}}})
			got := map[string]string{}
			for _, q := range plan(t, r, DefaultOptions()).QuickWins {
				got[q.ID] = q.Fix
			}
			if len(got) != len(tc.want) {
				t.Errorf("quick wins %v, want %v", got, tc.want)
			}
			for id, phrase := range tc.want {
				if !strings.Contains(got[id], phrase) {
					t.Errorf("%s: fix %q, want it to say %q", id, got[id], phrase)
				}
			}
		})
	}
}

func withEv(e reporttest.Entry, ev int) reporttest.Entry { e.Evidence = ev; return e }
