package dpkg

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const fixtures = "../../../../shared/fixtures/dpkg"

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtures, name))
	if err != nil {
		t.Fatalf("reading fixture: %v", err)
	}
	return b
}

func TestParseStatusFixtures(t *testing.T) {
	tests := []struct {
		file               string
		stanzas, installed int
		sizeKiB            int64  // Installed-Size sum of the installed packages
		wantErr            string // the postgres snapshot contains 11 unresolved git merge-conflict blocks
	}{
		{"ubuntu1804-base/status", 91, 90, 84221, ""},
		{"ubuntu1804-texlive/status", 357, 357, 2058026, ""},
		{"debian11-postgres15/status", 147, 147, 417673, "line 2013: field line has no \"Name:\" prefix\nline 2015: field line has no \"Name:\" prefix\nline 2016: duplicate Installed-Size field; keeping the first value"},
		{"distroless-status.d/libsqlite3-0", 1, 1, 1490, ""},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			pkgs, err := ParseStatus(readFixture(t, tt.file))
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.wantErr)) {
				t.Fatalf("ParseStatus error = %v, want %q", err, tt.wantErr)
			}
			installed, size := 0, int64(0)
			for _, p := range pkgs {
				if p.Installed() {
					installed++
					size += p.InstalledSizeKiB
				}
			}
			if len(pkgs) != tt.stanzas || installed != tt.installed || size != tt.sizeKiB {
				t.Errorf("got %d stanzas, %d installed, %d KiB; want %d, %d, %d", len(pkgs), installed, size, tt.stanzas, tt.installed, tt.sizeKiB)
			}
		})
	}
	t.Run("ubuntu1804-base/status git is config-files only", func(t *testing.T) {
		pkgs, _ := ParseStatus(readFixture(t, "ubuntu1804-base/status"))
		i := slices.IndexFunc(pkgs, func(p Package) bool { return p.Name == "git" })
		if i < 0 || pkgs[i].Installed() || pkgs[i].Status != "deinstall ok config-files" {
			t.Fatalf("git stanza: %+v", pkgs[i])
		}
	})
	t.Run("libsqlite3-0 fields", func(t *testing.T) {
		pkgs, _ := ParseStatus(readFixture(t, "distroless-status.d/libsqlite3-0"))
		p := pkgs[0]
		if p.Name != "libsqlite3-0" || p.Version != "3.34.1-3" || p.Arch != "arm64" || p.Source != "sqlite3" ||
			p.MultiArch != "same" || p.Status != "" || !slices.Equal(p.Depends, []string{"libc6"}) {
			t.Fatalf("got %+v", p)
		}
	})
}

func TestParseStatus(t *testing.T) {
	type pkg struct {
		name      string
		installed bool
		size      int64
	}
	tests := []struct {
		name    string
		in      string
		want    []pkg
		wantErr string
	}{
		{"installed states", "Package: a\nStatus: install ok installed\nInstalled-Size: 3\n\n" +
			"Package: b\nStatus: hold ok installed\n\n" +
			"Package: c\nStatus: install reinstreq half-configured\n\n" +
			"Package: d\nStatus: deinstall ok config-files\nInstalled-Size: 9\n\n" +
			"Package: e\nStatus: purge ok not-installed\n\n" +
			"Package: f\nStatus: install ok triggers-pending\n",
			[]pkg{{"a", true, 3}, {"b", true, 0}, {"c", true, 0}, {"d", false, 9}, {"e", false, 0}, {"f", true, 0}}, ""},
		{"no Status means installed", "Package: a\nVersion: 1\n", []pkg{{"a", true, 0}}, ""},
		{"field names ignore case, CRLF, extra blank lines", "\n\npackage: a\r\nSTATUS:  install  ok  installed \r\ninstalled-size:7\r\n\r\n\r\n", []pkg{{"a", true, 7}}, ""},
		{"whitespace-only line separates stanzas", "Package: a\n \t\nPackage: b\n", []pkg{{"a", true, 0}, {"b", true, 0}}, ""},
		{"continuation lines and comments", "# comment\nPackage: a\nDescription: x\n more\n .\nInstalled-Size: 1\n", []pkg{{"a", true, 1}}, ""},
		{"half a stanza (truncated in Status)", "Package: a\n\nPackage: b\nStatus: inst", []pkg{{"a", true, 0}}, "parsing Status"},
		{"truncated inside a field name", "Package: a\nVers", []pkg{{"a", true, 0}}, "may be truncated"},
		{"truncated at a field boundary", "Package: a\nInstalled-Size: 12", []pkg{{"a", true, 12}}, "may be truncated"},
		{"duplicate field keeps the first", "Package: a\nInstalled-Size: 1\nInstalled-Size: 2\n continued\n", []pkg{{"a", true, 1}}, "duplicate Installed-Size"},
		{"missing Package", "Version: 1\n\nPackage: b\n", []pkg{{"b", true, 0}}, "missing Package"},
		{"bad Status", "Package: a\nStatus: installed\n\nPackage: b\n", []pkg{{"b", true, 0}}, "parsing Status"},
		{"unknown state", "Package: a\nStatus: install ok sideways\n", nil, "parsing Status"},
		{"bad Installed-Size", "Package: a\nInstalled-Size: 12k\n", nil, "Installed-Size"},
		{"negative Installed-Size", "Package: a\nInstalled-Size: -1\n", nil, "out of range"},
		{"overflowing Installed-Size", "Package: a\nInstalled-Size: 9223372036854775807\n", nil, "out of range"},
		{"line without colon", "Package: a\ngarbage\n", []pkg{{"a", true, 0}}, "no \"Name:\" prefix"},
		{"continuation before any field", " orphan\nPackage: a\n", []pkg{{"a", true, 0}}, "continuation line"},
		{"empty input", "", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pkgs, err := ParseStatus([]byte(tt.in))
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
			var got []pkg
			for _, p := range pkgs {
				got = append(got, pkg{p.Name, p.Installed(), p.InstalledSizeKiB})
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRelations(t *testing.T) {
	in := "Package: a\nSource: glibc (2.27-3ubuntu1)\nPre-Depends: libc6 (>= 2.17)\n" +
		"Depends: debconf (>= 0.5) | debconf-2.0, perl:any,\n libgcc1 [amd64], python3 (<< 3.9)\nProvides: awk (= 1.0), x-www-browser\n"
	pkgs, err := ParseStatus([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	p := pkgs[0]
	if p.Source != "glibc" ||
		!slices.Equal(p.Depends, []string{"libc6", "debconf", "debconf-2.0", "perl", "libgcc1", "python3"}) ||
		!slices.Equal(p.Provides, []string{"awk", "x-www-browser"}) {
		t.Fatalf("got source %q depends %q provides %q", p.Source, p.Depends, p.Provides)
	}
}

func TestParseFileList(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []string
		wantErr string
	}{
		{"typical", "/.\n/usr\n/usr/bin\n/usr/bin/x\n", []string{"/usr", "/usr/bin", "/usr/bin/x"}, ""},
		{"cleaned, relative and odd lines", "/usr//lib/./a\nrel/b\n/../../etc/c\n\n/with space \n", []string{"/usr/lib/a", "/rel/b", "/etc/c", "/with space "}, ""},
		{"no final newline", "/usr/bin/x\n/usr/bin/y", []string{"/usr/bin/x", "/usr/bin/y"}, ""},
		{"NUL byte", "/a\x00b\n/c\n", []string{"/c"}, "NUL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseFileList([]byte(tt.in))
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseMD5Sums(t *testing.T) {
	got, err := ParseMD5Sums(readFixture(t, "distroless-status.d/libsqlite3-0.md5sums"))
	want := []string{
		"/usr/lib/aarch64-linux-gnu/libsqlite3.so.0.8.6",
		"/usr/share/doc/libsqlite3-0/README.Debian",
		"/usr/share/doc/libsqlite3-0/changelog.Debian.gz",
		"/usr/share/doc/libsqlite3-0/changelog.gz",
		"/usr/share/doc/libsqlite3-0/changelog.html.gz",
		"/usr/share/doc/libsqlite3-0/copyright",
	}
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("fixture: got %q, %v", got, err)
	}
	tests := []struct {
		name    string
		in      string
		want    []string
		wantErr string
	}{
		{"binary marker and spaces in names", "0123abcd *usr/bin/a\nabcdef01  usr/share/my file\n", []string{"/usr/bin/a", "/usr/share/my file"}, ""},
		{"not hex", "zz  usr/bin/a\nab  usr/bin/b\n", []string{"/usr/bin/b"}, "hex digest"},
		{"no separator", "abcdef\n", nil, "hex digest"},
		{"no final newline", "ab  usr/bin/a\nab  usr/b", []string{"/usr/bin/a", "/usr/b"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseMD5Sums([]byte(tt.in))
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseStatusLongContinuationIsLinear(t *testing.T) {
	// 100k continuation lines of a kept field: quadratic concatenation would copy gigabytes.
	in := "Package: a\nDepends: d0" + strings.Repeat("\n ,x", 100000) + "\n"
	pkgs, err := ParseStatus([]byte(in))
	if err != nil || len(pkgs) != 1 || len(pkgs[0].Depends) != 100001 {
		t.Fatalf("got %d packages, err %v", len(pkgs), err)
	}
}
