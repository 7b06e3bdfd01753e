package attribute

import (
	"reflect"
	"sort"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/slimcheck/slimcheck/analyze/ecosystem/elfinfo/elftest"
	"github.com/slimcheck/slimcheck/internal/imagetest"
	"github.com/slimcheck/slimcheck/report"
)

// TestAlpineNodeBuildtoolsFixture lays out every R: file of a real Alpine
// 3.3 apk database (node built from source next to gcc, g++, binutils,
// make, musl-dev, linux-headers, pkgconf and git), each package's I: size
// split over its files, plus the unpackaged node binary, and checks the
// build tools' bytes land in build-toolchain to the byte.
func TestAlpineNodeBuildtoolsFixture(t *testing.T) {
	installed := readFixture(t, "apk/alpine3.3-node-buildtools/installed")
	db := parseDB(t, map[string][]byte{"/lib/apk/db/installed": installed})
	if len(db.Packages) != 47 {
		t.Fatalf("%d packages", len(db.Packages))
	}
	lay := layoutPackages(db.Packages, "/lib/apk/db/installed")
	entries := append([]imagetest.Entry{
		{Path: "/lib/apk/db/installed", Content: installed},
		imagetest.Text("/etc/alpine-release", "3.3.1\n"),
		exe("/usr/local/bin/node", elftest.MuslExecutable()),
		imagetest.File("/usr/local/include/node/node.h", 70_000),
		imagetest.File("/usr/local/lib/node_modules/npm/lib/npm.js", 5_000),
		imagetest.File("/usr/local/share/man/man1/node.1", 9_000),
		imagetest.File("/root/.node-gyp/4.2.4/include/node/v8.h", 300_000),
		imagetest.File("/root/.npm/registry.npmjs.org/express/.cache.json", 40_000),
		imagetest.Text("/app/package.json", `{"name":"app"}`),
		imagetest.File("/app/index.js", 1_000),
	}, lay.entries(func(string) bool { return true })...)
	ix, res := run(t, image{cfg: v1.Config{Cmd: []string{"node", "index.js"}, WorkingDir: "/app"}, layers: [][]imagetest.Entry{entries}}, DefaultOptions())

	// alpine-baselayout owns /etc/passwd, laid out as filler bytes: one
	// unusable line.
	if want := []report.Problem{{Path: "/etc/passwd", Layer: 0, Reason: "1 malformed line skipped"}}; !reflect.DeepEqual(res.Problems, want) {
		t.Errorf("problems: %+v", res.Problems)
	}
	tools := []string{"binutils", "binutils-gold", "binutils-libs", "g++", "gcc", "git", "libc-dev", "linux-headers", "make", "musl-dev", "pkgconf", "pkgconfig"}
	cats, bytes := categoryBytesOfPackages(res, tools...)
	var want int64
	for _, n := range tools {
		want += lay.bytes[n]
		if cats[n] != report.BuildToolchain {
			t.Errorf("%s is %s, want build-toolchain", n, cats[n])
		}
	}
	if bytes != want {
		t.Errorf("build tools own %d bytes, laid out %d", bytes, want)
	}
	// Every byte of a build tool's files is build-toolchain, docs included.
	for f, owner := range lay.owner {
		for _, n := range tools {
			if owner == n {
				if c, ev := categoryOf(t, ix, res, f); c != report.BuildToolchain {
					t.Errorf("%s of %s: %s (%+v)", f, n, c, ev)
				}
			}
		}
	}
	// Derived by dependency: only the compilers need these. The C++
	// runtime stays (the unpackaged node needs it); python is not the
	// runtime of a node app, and expat is shared by git and python.
	derived := map[string]report.Category{
		"gmp": report.BuildToolchain, "isl": report.BuildToolchain, "mpc1": report.BuildToolchain, "mpfr3": report.BuildToolchain,
		"pcre": report.BuildToolchain, "curl": report.BuildToolchain, "expat": report.OSBase, "libstdc++": report.OSBase, "libgcc": report.OSBase,
		"libgomp": report.OSBase, "libatomic": report.OSBase, "musl": report.OSBase, "zlib": report.OSBase, "python": report.OSBase,
	}
	for n, c := range derived {
		if got, _ := categoryBytesOfPackages(res, n); got[n] != c {
			t.Errorf("%s is %s, want %s", n, got[n], c)
		}
	}
	for _, p := range res.Packages {
		if p.Bytes != lay.bytes[p.Name] || p.Missing != 0 || p.Layer != 0 {
			t.Errorf("%s: %d bytes, %d missing, layer %d; want %d bytes", p.Name, p.Bytes, p.Missing, p.Layer, lay.bytes[p.Name])
		}
	}
	if res.Ecosystem.Name != "node" || res.Ecosystem.Libc != "musl" || res.ImageLibc != "musl" || res.Ecosystem.AppDir != "/app" {
		t.Errorf("ecosystem %+v, image libc %s", res.Ecosystem, res.ImageLibc)
	}
	for p, c := range map[string]report.Category{
		"/usr/local/bin/node": report.Runtime, "/usr/local/include/node/node.h": report.BuildToolchain, "/usr/local/share/man/man1/node.1": report.Docs,
		"/root/.node-gyp/4.2.4/include/node/v8.h": report.BuildToolchain, "/root/.npm/registry.npmjs.org/express/.cache.json": report.PackageCache,
		"/app/index.js": report.App,
	} {
		if got, ev := categoryOf(t, ix, res, p); got != c {
			t.Errorf("%s: %s (%+v), want %s", p, got, ev, c)
		}
	}
	got := totals(ix, res)
	t.Logf("alpine3.3-node-buildtools: %s", formatTotals(got))
	wantTotals := map[report.Category]int64{
		report.BuildToolchain: 183367106, report.PackageCache: 40000, report.Docs: 25498, report.App: 1014,
		report.Runtime: 5368, report.OSBase: 57862430,
	}
	if !reflect.DeepEqual(got, wantTotals) {
		t.Errorf("totals %s\nwant   %s", formatTotals(got), formatTotals(wantTotals))
	}
	if testing.Verbose() {
		logBreakdown(t, ix, res)
		var names []string
		for _, p := range res.Packages {
			names = append(names, p.Name+"="+string(p.Category))
		}
		sort.Strings(names)
		t.Log(names)
	}
}
