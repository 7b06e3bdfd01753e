package attribute

import (
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	rpmdb "github.com/anchore/go-rpmdb/pkg"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/slimcheck/slimcheck/internal/imagetest"
	"github.com/slimcheck/slimcheck/report"
)

// TestCentOS7DevtoolsFixture lays out every file of the 264 packages of a
// real CentOS 7 rpmdb at the sizes the database records (read with
// go-rpmdb, an independent reader), and checks that the compilers, make,
// binutils, glibc-devel and kernel-headers land in build-toolchain to the
// byte.
func TestCentOS7DevtoolsFixture(t *testing.T) {
	if testing.Short() {
		t.Skip("lays out 676 MB of files")
	}
	raw := gunzip(t, readFixture(t, "rpmdb/centos7-devtools/Packages.gz"))
	tmp := filepath.Join(t.TempDir(), "Packages")
	if err := os.WriteFile(tmp, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := rpmdb.Open(tmp)
	if err != nil {
		t.Fatal(err)
	}
	infos, err := db.ListPackages()
	_ = db.Close()
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(infos, func(i, j int) bool { return infos[i].Name < infos[j].Name })

	const ghost = 1 << 6 // RPMFILE_GHOST: listed, never installed
	type file struct {
		size  int64
		mode  uint16
		owner string
	}
	files := map[string]file{}
	ownerBytes := map[string]int64{}
	for _, p := range infos {
		fis, err := p.InstalledFiles()
		if err != nil {
			t.Fatalf("%s: %v", p.Name, err)
		}
		for _, f := range fis {
			if _, taken := files[f.Path]; taken {
				continue
			}
			if f.Flags&ghost != 0 {
				// Claimed but not installed: the rpm database itself is
				// one, owned by the rpm package.
				files[f.Path] = file{owner: p.Name}
				if f.Path == "/var/lib/rpm/Packages" {
					ownerBytes[p.Name] += int64(len(raw))
				}
				continue
			}
			files[f.Path] = file{size: int64(f.Size), mode: f.Mode, owner: p.Name}
			if f.Mode&0o170000 == 0o100000 {
				ownerBytes[p.Name] += int64(f.Size)
			}
		}
	}
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	entries := []imagetest.Entry{{Path: "/var/lib/rpm/Packages", Content: raw}}
	var regular int64
	for _, p := range paths {
		f := files[p]
		switch f.mode & 0o170000 {
		case 0o040000:
			entries = append(entries, imagetest.Dir(p))
		case 0o120000:
			entries = append(entries, imagetest.Symlink(p, "/nonexistent"))
		case 0o100000:
			entries = append(entries, imagetest.File(p, f.size))
			regular += f.size
		}
	}
	ix, res := run(t, image{cfg: v1.Config{Cmd: []string{"/bin/bash"}}, layers: [][]imagetest.Entry{entries}}, DefaultOptions())

	if want := []report.Database{{Manager: "rpm", Path: "/var/lib/rpm/Packages", Layer: 0, Packages: 264}}; !reflect.DeepEqual(res.Databases, want) {
		t.Errorf("databases %+v", res.Databases)
	}
	tools := []string{"gcc", "gcc-c++", "cpp", "make", "binutils", "glibc-devel", "glibc-headers", "kernel-headers", "libstdc++-devel"}
	cats, bytes := categoryBytesOfPackages(res, tools...)
	var want int64
	for _, n := range tools {
		want += ownerBytes[n]
		if cats[n] != report.BuildToolchain {
			t.Errorf("%s is %q, want build-toolchain", n, cats[n])
		}
	}
	if bytes != want {
		t.Errorf("build tools own %d bytes, go-rpmdb says %d", bytes, want)
	}
	for _, p := range res.Packages {
		if p.Bytes != ownerBytes[p.Name] {
			t.Errorf("%s: %d bytes, go-rpmdb says %d", p.Name, p.Bytes, ownerBytes[p.Name])
		}
	}
	for _, p := range paths {
		f := files[p]
		if f.mode&0o170000 != 0o100000 {
			continue
		}
		for _, n := range tools {
			if f.owner == n {
				if c, ev := categoryOf(t, ix, res, p); c != report.BuildToolchain {
					t.Errorf("%s of %s: %s (%+v)", p, n, c, ev)
				}
			}
		}
	}
	got := totals(ix, res)
	var sum int64
	for _, b := range got {
		sum += b
	}
	if sum != regular+int64(len(raw)) {
		t.Errorf("image %d bytes, want %d", sum, regular+int64(len(raw)))
	}
	t.Logf("centos7-devtools: %s (ecosystem %s: %q)", formatTotals(got), res.Ecosystem.Name, res.Ecosystem.Evidence)
	wantTotals := map[report.Category]int64{
		report.BuildToolchain: 424622311, report.Docs: 194532868, report.OSBase: 275928124,
	}
	if !reflect.DeepEqual(got, wantTotals) {
		t.Errorf("totals %s\nwant   %s", formatTotals(got), formatTotals(wantTotals))
	}
	if testing.Verbose() {
		logBreakdown(t, ix, res)
		t.Logf("build-toolchain packages: %q", packageNames(res, report.BuildToolchain))
	}
	// Problems: /etc/passwd is laid out as filler. The 72 %ghost files of
	// 16 packages, which rpm lists but never installs, are absent as on a
	// real system, and that is no gap in the database (it was reported as
	// one before FILEFLAGS were read). (The filler Python extension modules
	// are not reported: rpm packages own them, so they are not the
	// application's addons.)
	var probPaths []string
	for _, p := range res.Problems {
		probPaths = append(probPaths, p.Path)
		switch {
		case p.Path == "/etc/passwd" && p.Reason == "1 malformed line skipped":
		default:
			t.Errorf("unexpected problem %+v", p)
		}
	}
	if len(res.Problems) != 1 {
		t.Errorf("problems %q, want /etc/passwd", probPaths)
	}
}

// TestRPMFormats attributes images holding only an rpm database in each
// on-disk format (BerkeleyDB, NDB, SQLite): the packages are listed, and
// since their files are not there, one problem says so and every byte is
// os-base.
func TestRPMFormats(t *testing.T) {
	tests := []struct {
		name, fixture, path string
		gz                  bool
		packages            int
	}{
		{"bdb", "rpmdb/libuuid/Packages", "/var/lib/rpm/Packages", false, 1},
		{"ndb", "rpmdb/sle15-bci/Packages.db", "/usr/lib/sysimage/rpm/Packages.db", false, 35},
		{"sqlite", "rpmdb/rockylinux9/rpmdb.sqlite.gz", "/var/lib/rpm/rpmdb.sqlite", true, 142},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := readFixture(t, tc.fixture)
			if tc.gz {
				b = gunzip(t, b)
			}
			ix, res := run(t, image{layers: [][]imagetest.Entry{{{Path: tc.path, Content: b}}}}, DefaultOptions())
			if len(res.Databases) != 1 || res.Databases[0].Packages != tc.packages || res.Databases[0].Path != tc.path {
				t.Fatalf("databases %+v", res.Databases)
			}
			if len(res.Problems) != 1 || !strings.Contains(res.Problems[0].Reason, "absent from the image") {
				t.Errorf("problems %+v", res.Problems)
			}
			var missing int
			for _, p := range res.Packages {
				missing += p.Missing
			}
			if missing == 0 {
				t.Error("no missing files counted")
			}
			if got := totals(ix, res); !reflect.DeepEqual(got, map[report.Category]int64{report.OSBase: int64(len(b))}) {
				t.Errorf("totals %s", formatTotals(got))
			}
		})
	}
}
