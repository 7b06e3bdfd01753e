package apk

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const fixtures = "../../../../shared/fixtures/apk"

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtures, name))
	if err != nil {
		t.Fatalf("reading fixture: %v", err)
	}
	return b
}

func TestParseInstalledFixtures(t *testing.T) {
	tests := []struct {
		file               string
		packages           int
		size               int64
		files, dirs        int
		pkg, version, arch string
	}{
		{"alpine3.18-base/installed", 15, 8208384, 109, 146, "busybox", "1.36.0-r9", "x86_64"},
		{"alpine3.3-node-buildtools/installed", 47, 240271360, 11676, 732, "gcc", "5.3.0-r0", "x86_64"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			pkgs, err := ParseInstalled(readFixture(t, tt.file))
			if err != nil {
				t.Fatalf("ParseInstalled: %v", err)
			}
			var size int64
			files, dirs := 0, 0
			for _, p := range pkgs {
				size += p.InstalledSize
				files += len(p.Files)
				dirs += len(p.Dirs)
				for _, f := range append(slices.Clone(p.Files), p.Dirs...) {
					if !strings.HasPrefix(f, "/") || filepath.Clean(f) != f {
						t.Fatalf("%s: path %q is not absolute and clean", p.Name, f)
					}
				}
			}
			if len(pkgs) != tt.packages || size != tt.size || files != tt.files || dirs != tt.dirs {
				t.Errorf("got %d packages, %d bytes, %d files, %d dirs; want %d, %d, %d, %d", len(pkgs), size, files, dirs, tt.packages, tt.size, tt.files, tt.dirs)
			}
			i := slices.IndexFunc(pkgs, func(p Package) bool { return p.Name == tt.pkg })
			if i < 0 || pkgs[i].Version != tt.version || pkgs[i].Arch != tt.arch {
				t.Errorf("package %s: %+v", tt.pkg, pkgs[max(i, 0)])
			}
		})
	}
	t.Run("busybox details", func(t *testing.T) {
		pkgs, _ := ParseInstalled(readFixture(t, "alpine3.18-base/installed"))
		i := slices.IndexFunc(pkgs, func(p Package) bool { return p.Name == "busybox" })
		p := pkgs[i]
		if p.Origin != "busybox" || !slices.Contains(p.Files, "/bin/busybox") || !slices.Contains(p.Provides, "cmd:busybox") {
			t.Errorf("busybox: origin %q files %q provides %q", p.Origin, p.Files, p.Provides)
		}
	})
}

func TestParseInstalled(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []Package
		wantErr string
	}{
		{"full record", "P:a\nV:1.0-r0\nA:x86_64\nI:4096\no:aa\nD:b>=1 so:libc.musl-x86_64.so.1 !c /bin/sh d~2\np:cmd:a=1.0-r0 so:liba.so.1=1\nF:usr/bin\nR:a\nZ:Q1...\nR:a2\nF:etc/a\nF:etc\nR:a.conf\n",
			[]Package{{Name: "a", Version: "1.0-r0", Arch: "x86_64", InstalledSize: 4096, Origin: "aa",
				Depends: []string{"b", "so:libc.musl-x86_64.so.1", "/bin/sh", "d"}, Provides: []string{"cmd:a", "so:liba.so.1"},
				Dirs: []string{"/usr/bin", "/etc/a", "/etc"}, Files: []string{"/usr/bin/a", "/usr/bin/a2", "/etc/a.conf"}, Line: 1}}, ""},
		{"R before any F is in /", "P:a\nR:x\n", []Package{{Name: "a", Files: []string{"/x"}, Line: 1}}, ""},
		{"F resets per record", "P:a\nF:usr\n\nP:b\nR:x\n", []Package{{Name: "a", Dirs: []string{"/usr"}, Line: 1}, {Name: "b", Files: []string{"/x"}, Line: 4}}, ""},
		{"hostile paths stay inside /", "P:a\nF:../../etc\nR:../passwd\n", []Package{{Name: "a", Dirs: []string{"/etc"}, Files: []string{"/passwd"}, Line: 1}}, ""},
		{"CRLF and trailing blank lines", "P:a\r\nI:1\r\n\r\n\r\n", []Package{{Name: "a", InstalledSize: 1, Line: 1}}, ""},
		{"missing P", "V:1\n\nP:b\n", []Package{{Name: "b", Line: 3}}, "missing P:"},
		{"bad size", "P:a\nI:lots\n", []Package{{Name: "a", Line: 1}}, "installed size"},
		{"negative size", "P:a\nI:-5\n", []Package{{Name: "a", Line: 1}}, "negative"},
		{"malformed line", "P:a\nnonsense\n", []Package{{Name: "a", Line: 1}}, "expected \"X:value\""},
		{"empty R", "P:a\nR:\n", []Package{{Name: "a", Line: 1}}, "empty file name"},
		{"NUL in path", "P:a\nF:us\x00r\nR:x\n", []Package{{Name: "a", Files: []string{"/x"}, Line: 1}}, "NUL"},
		{"truncated record", "P:a\n\nP:b\nR:x", []Package{{Name: "a", Line: 1}, {Name: "b", Files: []string{"/x"}, Line: 3}}, "may be truncated"},
		{"empty", "", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseInstalled([]byte(tt.in))
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
			if !slices.EqualFunc(got, tt.want, equal) {
				t.Fatalf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func equal(a, b Package) bool {
	return a.Name == b.Name && a.Version == b.Version && a.Arch == b.Arch && a.Origin == b.Origin &&
		a.InstalledSize == b.InstalledSize && a.Line == b.Line && slices.Equal(a.Depends, b.Depends) &&
		slices.Equal(a.Provides, b.Provides) && slices.Equal(a.Dirs, b.Dirs) && slices.Equal(a.Files, b.Files)
}

func TestParseInstalledPathBudget(t *testing.T) {
	// One long directory and many one-letter files would expand to 10 GB of paths.
	in := "P:a\nF:" + strings.Repeat("d", 100000) + strings.Repeat("\nR:x", 100000) + "\n\nP:b\nR:y\n"
	pkgs, err := ParseInstalled([]byte(in))
	if err == nil || !strings.Contains(err.Error(), "expand to over 16 times") {
		t.Fatalf("err = %v", err)
	}
	if len(pkgs) != 2 || len(pkgs[0].Files) == 0 || len(pkgs[0].Files) == 100000 {
		t.Fatalf("got %d packages, %d files of a", len(pkgs), len(pkgs[0].Files))
	}
}
