package attribute

import (
	"reflect"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/slimcheck/slimcheck/analyze/ecosystem/elfinfo/elftest"
	"github.com/slimcheck/slimcheck/internal/imagetest"
	"github.com/slimcheck/slimcheck/report"
)

// TestDebianPostgresFixture lays out every file the 147 packages of the
// official postgres:15 image list (each package's Installed-Size split over
// its files) in two layers — the Debian base, then PostgreSQL with a status
// file that adds it — and checks every package's bytes, the layer that
// first lists it, and the category totals to the byte.
func TestDebianPostgresFixture(t *testing.T) {
	files := readTar(t, readFixture(t, "dpkg/debian11-postgres15/dpkg-status-and-lists.tar"))
	db := parseDB(t, files)
	if len(db.Packages) != 147 {
		t.Fatalf("%d packages", len(db.Packages))
	}
	var dbPaths []string
	for p := range files {
		dbPaths = append(dbPaths, p)
	}
	lay := layoutPackages(db.Packages, dbPaths...)
	late := func(name string) bool {
		return strings.HasPrefix(name, "postgresql") || strings.HasPrefix(name, "libpq") || strings.HasPrefix(name, "libllvm")
	}
	names, stanzas := dpkgStanzas(string(files["/var/lib/dpkg/status"]))
	var baseStatus strings.Builder
	for _, n := range names {
		if !late(n) {
			baseStatus.WriteString(stanzas[n])
		}
	}
	var layer0, layer1 []imagetest.Entry
	layer0 = append(layer0, imagetest.Text("/var/lib/dpkg/status", baseStatus.String()))
	layer1 = append(layer1, imagetest.Entry{Path: "/var/lib/dpkg/status", Content: files["/var/lib/dpkg/status"]})
	for p, b := range files {
		if !strings.HasPrefix(p, "/var/lib/dpkg/info/") {
			continue
		}
		pkg, _, _ := strings.Cut(strings.TrimSuffix(strings.TrimPrefix(p, "/var/lib/dpkg/info/"), ".list"), ":")
		if late(pkg) {
			layer1 = append(layer1, imagetest.Entry{Path: p, Content: b})
		} else {
			layer0 = append(layer0, imagetest.Entry{Path: p, Content: b})
		}
	}
	layer0 = append(layer0, lay.entries(func(p string) bool { return !late(p) })...)
	layer1 = append(layer1, lay.entries(late)...)
	ix, res := run(t, image{
		cfg:    v1.Config{Env: []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/lib/postgresql/15/bin", "PG_MAJOR=15"}, Entrypoint: []string{"docker-entrypoint.sh"}, Cmd: []string{"postgres"}},
		layers: [][]imagetest.Entry{layer0, layer1},
	}, DefaultOptions())

	// The fixture's status file is real and damaged: it holds unresolved
	// git merge-conflict markers in a few stanzas. They must be reported
	// and the packages still read.
	if len(res.Problems) == 0 {
		t.Error("no problems reported for the conflict markers in the status file")
	}
	for _, p := range res.Problems {
		if p.Path != "/var/lib/dpkg/status" || p.Layer != 1 {
			t.Errorf("unexpected problem %+v", p)
		}
	}
	if want := []report.Database{{Manager: "dpkg", Path: "/var/lib/dpkg/status", Layer: 1, Packages: 147}}; !reflect.DeepEqual(res.Databases, want) {
		t.Errorf("databases %+v, want %+v", res.Databases, want)
	}
	var lateN int
	for _, p := range res.Packages {
		wantLayer := 0
		if late(p.Name) {
			wantLayer, lateN = 1, lateN+1
		}
		if p.Layer != wantLayer {
			t.Errorf("%s first listed in layer %d, want %d", p.Name, p.Layer, wantLayer)
		}
		if p.Bytes != lay.bytes[p.Name] || p.Missing != 0 {
			t.Errorf("%s: %d bytes, %d missing; want %d bytes", p.Name, p.Bytes, p.Missing, lay.bytes[p.Name])
		}
	}
	if lateN != 6 {
		t.Errorf("%d packages in the second layer", lateN)
	}

	// Independent cross-checks of the path rules over package-owned files.
	var docBytes, installed int64
	for f, size := range lay.files {
		installed += size
		if strings.HasPrefix(f, "/usr/share/doc/") || strings.HasPrefix(f, "/usr/share/man/") || strings.HasPrefix(f, "/usr/share/info/") {
			docBytes += size
		}
	}
	got := totals(ix, res)
	var dbFiles int64
	for p, b := range files {
		if p == "/var/lib/dpkg/status" {
			dbFiles += int64(len(b)) + int64(baseStatus.Len())
		} else {
			dbFiles += int64(len(b))
		}
	}
	if got[report.Docs] < docBytes {
		t.Errorf("docs %d < bytes under /usr/share/{doc,man,info} %d", got[report.Docs], docBytes)
	}
	if got[report.Wasted] != int64(baseStatus.Len()) {
		t.Errorf("wasted %d, want the overwritten status file's %d", got[report.Wasted], baseStatus.Len())
	}
	var sum int64
	for _, b := range got {
		sum += b
	}
	if sum != installed+dbFiles {
		t.Errorf("image %d bytes, want installed sizes %d + database files %d", sum, installed, dbFiles)
	}
	t.Logf("debian11-postgres15: %s", formatTotals(got))
	// The fixture's packages are all run-time: no compiler, no cache. What is
	// build-toolchain is pkg-config data and /usr/include (listed by
	// base-files as an empty directory, laid out here as a small file);
	// docs are /usr/share/{doc,man,locale} of every package.
	want := map[report.Category]int64{
		report.Wasted:         int64(baseStatus.Len()),
		report.BuildToolchain: 14251,
		report.Docs:           166899605,
		report.OSBase:         261246335,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("totals %s\nwant   %s", formatTotals(got), formatTotals(want))
	}
	if testing.Verbose() {
		logBreakdown(t, ix, res)
	}
	for _, c := range []report.Category{report.BuildToolchain, report.Runtime, report.Docs} {
		if names := packageNames(res, c); len(names) > 0 {
			t.Errorf("%s packages %q, want none", c, names)
		}
	}
}

// TestUbuntuTexliveStatusOnly reads a real status file with no file lists:
// its 357 packages are listed and given roles, their files are unknown, so
// every byte falls to the path rules, and the missing lists are a problem.
func TestUbuntuTexliveStatusOnly(t *testing.T) {
	status := readFixture(t, "dpkg/ubuntu1804-texlive/status")
	ix, res := run(t, image{layers: [][]imagetest.Entry{{
		{Path: "/var/lib/dpkg/status", Content: status},
		exe("/usr/bin/x86_64-linux-gnu-gcc-7", elftest.GlibcExecutable()),
		imagetest.Symlink("/usr/bin/gcc", "gcc-7"),
		imagetest.File("/usr/lib/gcc/x86_64-linux-gnu/7/cc1", 24_000_000),
		imagetest.File("/usr/include/stdio.h", 30_000),
		imagetest.File("/usr/share/texlive/texmf-dist/fonts/type1/public/lm/lmr10.pfb", 100_000),
		imagetest.File("/usr/share/doc/texlive-base/README", 5_000),
		imagetest.File("/var/lib/apt/lists/archive.ubuntu.com_ubuntu_dists_bionic_InRelease", 250_000),
	}}}, DefaultOptions())
	if len(res.Packages) != 357 || len(res.Databases) != 1 || res.Databases[0].Packages != 357 {
		t.Fatalf("%d packages, databases %+v", len(res.Packages), res.Databases)
	}
	if len(res.Problems) != 1 || !strings.Contains(res.Problems[0].Reason, "no file list for 357 of 357 installed packages") {
		t.Errorf("problems %+v", res.Problems)
	}
	for _, p := range res.Packages {
		if p.Bytes != 0 || p.Files != 0 || p.Missing != 0 {
			t.Errorf("%s: %d bytes %d files %d missing without a file list", p.Name, p.Bytes, p.Files, p.Missing)
		}
	}
	roles := map[string]report.Category{}
	for _, p := range res.Packages {
		roles[p.Name] = p.Category
	}
	for _, n := range []string{"build-essential", "gcc", "gcc-7", "g++", "g++-7", "cpp", "cpp-7", "make", "binutils", "libc6-dev", "git", "dpkg-dev", "libgcc-7-dev", "libstdc++-7-dev", "linux-libc-dev"} {
		if roles[n] != report.BuildToolchain {
			t.Errorf("%s is %q, want build-toolchain", n, roles[n])
		}
	}
	for _, n := range []string{"libc6", "libstdc++6", "libgcc1", "gcc-8-base", "coreutils", "bash"} {
		if roles[n] != report.OSBase {
			t.Errorf("%s is %q, want os-base", n, roles[n])
		}
	}
	want := map[report.Category]int64{
		report.BuildToolchain: int64(len(elftest.GlibcExecutable())) + 24_000_000 + 30_000,
		report.PackageCache:   250_000,
		report.Docs:           5_000,
		report.OSBase:         100_000 + int64(len(status)),
	}
	if got := totals(ix, res); !reflect.DeepEqual(got, want) {
		t.Errorf("totals %s\nwant   %s", formatTotals(got), formatTotals(want))
	}
	t.Logf("ubuntu1804-texlive roles: build-toolchain %d packages, runtime %d, docs %d",
		len(packageNames(res, report.BuildToolchain)), len(packageNames(res, report.Runtime)), len(packageNames(res, report.Docs)))
}
