package rpm

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// fixtures is the shared fixture directory seen from this package.
const fixtures = "../../../../shared/fixtures/rpmdb"

// readFixture returns a fixture's bytes, gunzipping *.gz in memory.
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
		t.Fatalf("opening gzip fixture %s: %v", name, err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("gunzipping fixture %s: %v", name, err)
	}
	return out
}

func TestParseFixtures(t *testing.T) {
	tests := []struct {
		name      string
		file      string
		format    Format
		packages  int
		sizeSum   int64
		entries   int // every path in the file lists, directories included
		checkName string
		checkEVR  string
		checkArch string
		checkSize int64
		checkN    int
	}{
		{"centos7 bdb", "centos7-devtools/Packages.gz", BerkeleyDB, 264, 676835073, 55180, "gcc", "4.8.5-36.el7_6.1", "x86_64", 39238921, 185},
		{"rockylinux9 sqlite", "rockylinux9/rpmdb.sqlite.gz", SQLite, 142, 247242205, 28023, "glibc", "", "aarch64", -1, -1},
		{"sle15 ndb", "sle15-bci/Packages.db", NDB, 35, 39681521, 2837, "bash", "", "x86_64", -1, -1},
		{"libuuid bdb", "libuuid/Packages", BerkeleyDB, 1, 35104, 7, "libuuid", "2.32.1-42.el8_8", "x86_64", 35104, 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := readFixture(t, tt.file)
			if f, err := DetectFormat(b); err != nil || f != tt.format {
				t.Fatalf("DetectFormat = %q, %v; want %q", f, err, tt.format)
			}
			pkgs, err := Parse(context.Background(), b)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			var size int64
			entries, dirs := 0, 0
			for _, p := range pkgs {
				size += p.Size
				entries += len(p.Files)
				for _, f := range p.Files {
					if f.IsDir() {
						dirs++
					}
				}
			}
			t.Logf("%d packages, size %d, %d entries (%d directories)", len(pkgs), size, entries, dirs)
			if len(pkgs) != tt.packages || size != tt.sizeSum || entries != tt.entries {
				t.Errorf("got %d packages, size sum %d, %d file entries; want %d, %d, %d", len(pkgs), size, entries, tt.packages, tt.sizeSum, tt.entries)
			}
			i := slices.IndexFunc(pkgs, func(p Package) bool { return p.Name == tt.checkName })
			if i < 0 {
				t.Fatalf("package %s missing", tt.checkName)
			}
			p := pkgs[i]
			if (tt.checkEVR != "" && p.EVR() != tt.checkEVR) || p.Arch != tt.checkArch ||
				(tt.checkSize >= 0 && p.Size != tt.checkSize) || (tt.checkN >= 0 && len(p.Files) != tt.checkN) {
				t.Errorf("%s: got %s %s size %d, %d files; want %s %s size %d, %d files", p.Name, p.EVR(), p.Arch,
					p.Size, len(p.Files), tt.checkEVR, tt.checkArch, tt.checkSize, tt.checkN)
			}
		})
	}
}
