package pkgdb

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

const fixtures = "../../../shared/fixtures"

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtures, name))
	if err != nil {
		t.Fatalf("reading fixture: %v", err)
	}
	if filepath.Ext(name) != ".gz" {
		return b
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// readTar turns the regular files of a tar fixture into a captured-files map keyed by absolute path.
func readTar(t testing.TB, name string) map[string][]byte {
	t.Helper()
	tr := tar.NewReader(bytes.NewReader(readFixture(t, name)))
	files := map[string][]byte{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return files
		}
		if err != nil {
			t.Fatalf("reading %s: %v", name, err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		files[path.Clean("/"+h.Name)] = b
	}
}

func TestCapturePath(t *testing.T) {
	tests := []struct {
		path  string
		ok    bool
		limit int64
	}{
		{"/var/lib/dpkg/status", true, dpkgStatusLimit},
		{"/var/lib/dpkg/status-old", false, 0},
		{"/var/lib/dpkg/status.d/libc6", true, dpkgEntryLimit},
		{"/var/lib/dpkg/status.d/libc6.md5sums", true, dpkgEntryLimit},
		{"/var/lib/dpkg/status.d/sub/x", false, 0},
		{"/var/lib/dpkg/status.d", false, 0},
		{"/var/lib/dpkg/info/bash.list", true, dpkgListLimit},
		{"/var/lib/dpkg/info/libc6:amd64.list", true, dpkgListLimit},
		{"/var/lib/dpkg/info/bash.md5sums", false, 0},
		{"/var/lib/dpkg/info/.list", false, 0},
		{"/lib/apk/db/installed", true, apkLimit},
		{"/lib/apk/db/scripts.tar", false, 0},
		{"/var/lib/rpm/Packages", true, rpmLimit},
		{"/var/lib/rpm/Packages.db", true, rpmLimit},
		{"/var/lib/rpm/rpmdb.sqlite", true, rpmLimit},
		{"/var/lib/rpm/rpmdb.sqlite-wal", false, 0},
		{"/var/lib/rpm/Name", false, 0},
		{"/usr/lib/sysimage/rpm/Packages", true, rpmLimit},
		{"/usr/lib/sysimage/rpm/Packages.db", true, rpmLimit},
		{"/usr/lib/sysimage/rpm/rpmdb.sqlite", true, rpmLimit},
		{"/usr/bin/gcc", false, 0},
		{"/", false, 0},
		{"", false, 0},
	}
	for _, tt := range tests {
		limit, ok := CapturePath(tt.path)
		if ok != tt.ok || limit != tt.limit {
			t.Errorf("CapturePath(%q) = %d, %v; want %d, %v", tt.path, limit, ok, tt.limit, tt.ok)
		}
	}
}

// summary is what a fixture test checks of one database.
type summary struct {
	manager  Manager
	path     string
	packages int
	size     int64
	files    int
}

func summarize(db Database) summary {
	s := summary{manager: db.Manager, path: db.Path, packages: len(db.Packages)}
	for _, p := range db.Packages {
		s.size += p.InstalledSize
		s.files += len(p.Files)
	}
	return s
}

// checkPackages asserts the invariants every parsed database must hold.
func checkPackages(t *testing.T, db Database) {
	t.Helper()
	if !slices.IsSortedFunc(db.Packages, func(a, b Package) int { return strings.Compare(a.Name, b.Name) }) {
		t.Errorf("%s: packages not sorted by name", db.Path)
	}
	for _, p := range db.Packages {
		if p.Name == "" || p.Manager != db.Manager || p.InstalledSize < 0 {
			t.Errorf("%s: bad package %+v", db.Path, p)
		}
		if !slices.IsSorted(p.Files) || len(slices.Compact(slices.Clone(p.Files))) != len(p.Files) ||
			!slices.IsSorted(p.Depends) || slices.Contains(p.Depends, p.Name) {
			t.Errorf("%s: %s: files or depends not sorted and unique", db.Path, p.Name)
		}
		for _, f := range p.Files {
			if f == "/" || !strings.HasPrefix(f, "/") || path.Clean(f) != f {
				t.Fatalf("%s: %s owns %q, not an absolute clean path", db.Path, p.Name, f)
			}
		}
	}
}

func find(t *testing.T, db Database, name string) Package {
	t.Helper()
	i := slices.IndexFunc(db.Packages, func(p Package) bool { return p.Name == name })
	if i < 0 {
		t.Fatalf("%s: no package %s", db.Path, name)
	}
	return db.Packages[i]
}

func TestParseFixtures(t *testing.T) {
	tests := []struct {
		name     string
		files    func(t *testing.T) map[string][]byte
		want     summary
		problems []string // substrings, one per expected problem path, in order
		check    func(t *testing.T, db Database)
	}{
		{"ubuntu1804 base status only",
			func(t *testing.T) map[string][]byte {
				return map[string][]byte{"/var/lib/dpkg/status": readFixture(t, "dpkg/ubuntu1804-base/status")}
			},
			summary{Dpkg, "/var/lib/dpkg/status", 90, 84221 * 1024, 0},
			[]string{"/var/lib/dpkg/info: no file list for 90 of 90 installed packages (adduser, apt, base-files, base-passwd, bash, ...)"},
			func(t *testing.T, db Database) {
				if slices.ContainsFunc(db.Packages, func(p Package) bool { return p.Name == "git" }) {
					t.Error("git (deinstall ok config-files) listed as installed")
				}
				apt := find(t, db, "apt")
				if apt.SourceName != "apt" || apt.Version != "1.6.3ubuntu0.1" || !slices.Contains(apt.Depends, "libc6") {
					t.Errorf("apt: %+v", apt)
				}
			}},
		{"ubuntu1804 texlive",
			func(t *testing.T) map[string][]byte {
				return map[string][]byte{"/var/lib/dpkg/status": readFixture(t, "dpkg/ubuntu1804-texlive/status")}
			},
			summary{Dpkg, "/var/lib/dpkg/status", 357, 2058026 * 1024, 0},
			[]string{"no file list for 357 of 357"},
			func(t *testing.T, db Database) {
				gcc := find(t, db, "gcc-7")
				if !slices.Contains(gcc.Depends, "binutils") || !slices.Contains(gcc.Depends, "cpp-7") {
					t.Errorf("gcc-7 depends %v", gcc.Depends)
				}
			}},
		{"debian11 postgres15 status and lists",
			func(t *testing.T) map[string][]byte {
				return readTar(t, "dpkg/debian11-postgres15/dpkg-status-and-lists.tar")
			},
			summary{Dpkg, "/var/lib/dpkg/status", 147, 417673 * 1024, -1},
			// The snapshot's status has 11 unresolved git merge-conflict blocks.
			[]string{"/var/lib/dpkg/status: line 2013: field line has no \"Name:\" prefix"},
			func(t *testing.T, db Database) {
				for _, p := range db.Packages {
					if len(p.Files) == 0 {
						t.Errorf("%s: no files joined", p.Name)
					}
				}
				libc := find(t, db, "libc6")
				if libc.Arch != "amd64" || !slices.Contains(libc.Files, "/lib/x86_64-linux-gnu/libc.so.6") || slices.Contains(libc.Files, "/") {
					t.Errorf("libc6 (joined from libc6:amd64.list): arch %s, %d files", libc.Arch, len(libc.Files))
				}
				if adduser := find(t, db, "adduser"); !slices.Contains(adduser.Files, "/usr/sbin/adduser") {
					t.Errorf("adduser (joined from adduser.list) has %d files", len(adduser.Files))
				}
				pg := find(t, db, "postgresql-15")
				for _, d := range []string{"libc6", "libpq5", "postgresql-client-15", "tzdata", "debconf"} {
					if !slices.Contains(pg.Depends, d) {
						t.Errorf("postgresql-15 depends %v lacks %s", pg.Depends, d)
					}
				}
			}},
		{"distroless status.d",
			func(t *testing.T) map[string][]byte {
				return map[string][]byte{
					"/var/lib/dpkg/status.d/libsqlite3-0":         readFixture(t, "dpkg/distroless-status.d/libsqlite3-0"),
					"/var/lib/dpkg/status.d/libsqlite3-0.md5sums": readFixture(t, "dpkg/distroless-status.d/libsqlite3-0.md5sums"),
				}
			},
			summary{Dpkg, "/var/lib/dpkg/status.d", 1, 1490 * 1024, 6},
			nil,
			func(t *testing.T, db Database) {
				p := db.Packages[0]
				if p.Name != "libsqlite3-0" || p.SourceName != "sqlite3" || p.Arch != "arm64" || p.Files[0] != "/usr/lib/aarch64-linux-gnu/libsqlite3.so.0.8.6" {
					t.Errorf("got %+v", p)
				}
			}},
		{"alpine 3.18 base",
			func(t *testing.T) map[string][]byte {
				return map[string][]byte{"/lib/apk/db/installed": readFixture(t, "apk/alpine3.18-base/installed")}
			},
			summary{Apk, "/lib/apk/db/installed", 15, 8208384, 109},
			nil,
			func(t *testing.T, db Database) {
				base := find(t, db, "alpine-baselayout")
				// D:alpine-baselayout-data=3.4.3-r1 /bin/sh; /bin/sh is provided by busybox-binsh.
				if !slices.Equal(base.Depends, []string{"alpine-baselayout-data", "busybox-binsh"}) {
					t.Errorf("alpine-baselayout depends %v", base.Depends)
				}
				if ssl := find(t, db, "libssl3"); !slices.Contains(ssl.Depends, "libcrypto3") || !slices.Contains(ssl.Depends, "musl") {
					t.Errorf("libssl3 depends %v (so: names not resolved)", ssl.Depends)
				}
			}},
		{"alpine 3.3 node build tools",
			func(t *testing.T) map[string][]byte {
				return map[string][]byte{"/lib/apk/db/installed": readFixture(t, "apk/alpine3.3-node-buildtools/installed")}
			},
			summary{Apk, "/lib/apk/db/installed", 47, 240271360, 11676},
			nil,
			func(t *testing.T, db Database) {
				if gcc := find(t, db, "gcc"); gcc.SourceName != "gcc" || !slices.Contains(gcc.Files, "/usr/bin/gcc") {
					t.Errorf("gcc: %+v", gcc.Depends)
				}
			}},
		{"centos7 bdb",
			func(t *testing.T) map[string][]byte {
				return map[string][]byte{"/var/lib/rpm/Packages": readFixture(t, "rpmdb/centos7-devtools/Packages.gz")}
			},
			summary{Rpm, "/var/lib/rpm/Packages", 264, 676835073, 55180 - 20158},
			nil,
			func(t *testing.T, db Database) {
				gcc := find(t, db, "gcc")
				if gcc.Version != "4.8.5-36.el7_6.1" || gcc.Arch != "x86_64" || gcc.SourceName != "gcc" ||
					gcc.InstalledSize != 39238921 || !slices.Contains(gcc.Files, "/usr/bin/gcc") {
					t.Errorf("gcc: %s %s %s %d, %d files", gcc.Version, gcc.Arch, gcc.SourceName, gcc.InstalledSize, len(gcc.Files))
				}
				for _, d := range []string{"binutils", "cpp", "glibc-devel", "libgcc", "bash"} {
					if !slices.Contains(gcc.Depends, d) {
						t.Errorf("gcc depends %v lacks %s", gcc.Depends, d)
					}
				}
				if key := find(t, db, "gpg-pubkey"); key.Arch != "" || key.SourceName != "" || len(key.Files) != 0 {
					t.Errorf("gpg-pubkey: %+v", key)
				}
				// %ghost files (FILEFLAGS bit 0x40) are among Files and in Ghosts.
				ghosts := 0
				for _, p := range db.Packages {
					ghosts += len(p.Ghosts)
					for _, g := range p.Ghosts {
						if _, ok := slices.BinarySearch(p.Files, g); !ok {
							t.Errorf("%s: ghost %s not among its files", p.Name, g)
						}
					}
				}
				if ghosts == 0 || !slices.Contains(find(t, db, "setup").Ghosts, "/etc/fstab") {
					t.Errorf("%d ghost files; setup's %v lacks /etc/fstab", ghosts, find(t, db, "setup").Ghosts)
				}
				t.Logf("%d %%ghost files", ghosts)
			}},
		{"rockylinux9 sqlite in /usr/lib/sysimage",
			func(t *testing.T) map[string][]byte {
				return map[string][]byte{"/usr/lib/sysimage/rpm/rpmdb.sqlite": readFixture(t, "rpmdb/rockylinux9/rpmdb.sqlite.gz")}
			},
			summary{Rpm, "/usr/lib/sysimage/rpm/rpmdb.sqlite", 142, 247242205, 28023 - 18559},
			nil, nil},
		{"sle15 ndb",
			func(t *testing.T) map[string][]byte {
				return map[string][]byte{"/var/lib/rpm/Packages.db": readFixture(t, "rpmdb/sle15-bci/Packages.db")}
			},
			summary{Rpm, "/var/lib/rpm/Packages.db", 35, 39681521, 2837 - 1060},
			nil, nil},
		{"libuuid bdb",
			func(t *testing.T) map[string][]byte {
				return map[string][]byte{"/var/lib/rpm/Packages": readFixture(t, "rpmdb/libuuid/Packages")}
			},
			summary{Rpm, "/var/lib/rpm/Packages", 1, 35104, 5},
			nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dbs, probs := Parse(context.Background(), tt.files(t))
			if len(dbs) != 1 {
				t.Fatalf("got %d databases, want 1 (problems %v)", len(dbs), probs)
			}
			got := summarize(dbs[0])
			if tt.want.files < 0 {
				tt.want.files = got.files
			}
			if got != tt.want {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
			checkPackages(t, dbs[0])
			if len(tt.problems) == 0 && len(probs) > 0 || len(tt.problems) > 0 && len(probs) == 0 {
				t.Fatalf("problems %v, want %q", probs, tt.problems)
			}
			for i, want := range tt.problems {
				if !strings.Contains(probs[i].Error(), want) {
					t.Errorf("problem %d = %q, want it to contain %q", i, probs[i].Error(), want)
				}
			}
			if tt.check != nil {
				tt.check(t, dbs[0])
			}
		})
	}
}

func TestParseSeveralDatabasesIsDeterministic(t *testing.T) {
	files := readTar(t, "dpkg/debian11-postgres15/dpkg-status-and-lists.tar")
	files["/lib/apk/db/installed"] = readFixture(t, "apk/alpine3.18-base/installed")
	files["/var/lib/rpm/Packages.db"] = readFixture(t, "rpmdb/sle15-bci/Packages.db")
	files["/usr/lib/sysimage/rpm/Packages"] = readFixture(t, "rpmdb/libuuid/Packages")
	files["/var/lib/dpkg/status.d/libsqlite3-0"] = readFixture(t, "dpkg/distroless-status.d/libsqlite3-0")
	files["/usr/bin/unrelated"] = []byte("ignored")
	dbs, probs := Parse(context.Background(), files)
	var paths []string
	for _, db := range dbs {
		paths = append(paths, db.Path)
	}
	want := []string{"/lib/apk/db/installed", "/usr/lib/sysimage/rpm/Packages", "/var/lib/dpkg/status", "/var/lib/dpkg/status.d", "/var/lib/rpm/Packages.db"}
	if !slices.Equal(paths, want) {
		t.Fatalf("databases %v, want %v", paths, want)
	}
	for range 3 {
		dbs2, probs2 := Parse(context.Background(), files)
		if !reflect.DeepEqual(dbs, dbs2) || !reflect.DeepEqual(probs, probs2) {
			t.Fatal("Parse is not deterministic")
		}
	}
}

func TestParseProblems(t *testing.T) {
	uuid := readFixture(t, "rpmdb/libuuid/Packages")
	rocky := readFixture(t, "rpmdb/rockylinux9/rpmdb.sqlite.gz")
	tests := []struct {
		name     string
		files    map[string][]byte
		dbs      []string // database paths
		problems []string // "path: substring", in order
	}{
		{"random bytes named Packages",
			map[string][]byte{"/var/lib/rpm/Packages": []byte("\x8f\x03 this is no database at all")},
			nil, []string{"/var/lib/rpm/Packages: unrecognised rpm database format"}},
		{"truncated sqlite falls back to Packages in the same directory",
			map[string][]byte{"/var/lib/rpm/rpmdb.sqlite": rocky[:100000], "/var/lib/rpm/Packages": uuid},
			[]string{"/var/lib/rpm/Packages"}, []string{"/var/lib/rpm/rpmdb.sqlite: reading sqlite database: file is truncated"}},
		{"sqlite preferred over a leftover Packages",
			map[string][]byte{"/var/lib/rpm/rpmdb.sqlite": rocky, "/var/lib/rpm/Packages": uuid},
			[]string{"/var/lib/rpm/rpmdb.sqlite"}, []string{"/var/lib/rpm/Packages: not read: rpmdb.sqlite in the same directory is the database in use"}},
		{"half a status stanza",
			map[string][]byte{"/var/lib/dpkg/status": []byte("Package: a\nStatus: install ok installed\n\nPackage: b\nStatus: install ok inst")},
			[]string{"/var/lib/dpkg/status"}, []string{
				"/var/lib/dpkg/info: no file list for 1 of 1 installed packages (a)",
				"/var/lib/dpkg/status: line 5: file does not end with a newline; it may be truncated",
				"/var/lib/dpkg/status: stanza at line 4 (package b): parsing Status",
			}},
		{"binary garbage as apk database",
			map[string][]byte{"/lib/apk/db/installed": {0, 1, 2, '\n', 0xff, 0xfe}},
			nil, []string{
				"/lib/apk/db/installed: line 1: expected",
				"/lib/apk/db/installed: line 2: file does not end with a newline",
				"/lib/apk/db/installed: line 2: expected",
				"/lib/apk/db/installed: record at line 1: missing P:",
			}},
		{"damaged list file",
			map[string][]byte{"/var/lib/dpkg/status": []byte("Package: a\n"), "/var/lib/dpkg/info/a.list": []byte("/usr/bin/a\n/bad\x00path\n")},
			[]string{"/var/lib/dpkg/status"}, []string{"/var/lib/dpkg/info/a.list: line 2: path contains a NUL byte"}},
		{"status.d with md5sums only and several stanzas",
			map[string][]byte{
				"/var/lib/dpkg/status.d/multi":          []byte("Package: x\n\nPackage: multi\n"),
				"/var/lib/dpkg/status.d/multi.md5sums":  []byte("ab  usr/bin/multi\n"),
				"/var/lib/dpkg/status.d/orphan.md5sums": []byte("ab  usr/bin/orphan\n"),
			},
			[]string{"/var/lib/dpkg/status.d"}, []string{"/var/lib/dpkg/status.d: no file list for 1 of 2 installed packages (x)"}},
		{"nothing captured", map[string][]byte{"/etc/os-release": []byte("ID=alpine\n")}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dbs, probs := Parse(context.Background(), tt.files)
			var paths, msgs []string
			for _, db := range dbs {
				paths = append(paths, db.Path)
				checkPackages(t, db)
			}
			for _, p := range probs {
				msgs = append(msgs, p.Error())
				if strings.Contains(p.Error(), "\n") {
					t.Errorf("problem spans lines: %q", p.Error())
				}
			}
			if !slices.Equal(paths, tt.dbs) {
				t.Errorf("databases %v, want %v", paths, tt.dbs)
			}
			if len(msgs) != len(tt.problems) {
				t.Fatalf("problems %q, want %q", msgs, tt.problems)
			}
			for i, want := range tt.problems {
				if !strings.HasPrefix(msgs[i], want) {
					t.Errorf("problem %d = %q, want prefix %q", i, msgs[i], want)
				}
			}
		})
	}
}

func TestParseCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	dbs, probs := Parse(ctx, map[string][]byte{
		"/lib/apk/db/installed": []byte("P:a\n"),
		"/var/lib/rpm/Packages": readFixture(t, "rpmdb/libuuid/Packages"),
	})
	if len(dbs) != 0 || len(probs) != 2 || !errors.Is(probs[0], context.Canceled) || !errors.Is(probs[1], context.Canceled) {
		t.Fatalf("got %v, %v; want no databases and two cancellation problems", dbs, probs)
	}
}

func TestProblemError(t *testing.T) {
	p := Problem{"/var/lib/dpkg/status", errors.Join(errors.New("a"), errors.New("b"))}
	if got := p.Error(); got != "/var/lib/dpkg/status: a; b" {
		t.Errorf("Error() = %q", got)
	}
	if got := (Problem{Path: "/x"}).Error(); got != "/x: unknown problem" {
		t.Errorf("Error() = %q", got)
	}
}

func TestSourceName(t *testing.T) {
	for in, want := range map[string]string{
		"gcc-4.8.5-36.el7_6.1.src.rpm":     "gcc",
		"python3-pip-21.2.3-6.el9.src.rpm": "python3-pip",
		"kernel-5.14.0-1.nosrc.rpm":        "kernel",
		"":                                 "",
		"odd.src.rpm":                      "odd",
	} {
		if got := sourceName(in); got != want {
			t.Errorf("sourceName(%q) = %q, want %q", in, got, want)
		}
	}
}
