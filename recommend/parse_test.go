package recommend

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/slimcheck/slimcheck/report"
)

func TestParseCreatedBy(t *testing.T) {
	tests := []struct {
		in, instr, body string
		flags, args     []string
	}{
		{"/bin/sh -c #(nop) ADD file:5b1e63a3 in / ", "ADD", "file:5b1e63a3 in /", nil, nil},
		{"/bin/sh -c #(nop)  WORKDIR /app", "WORKDIR", "/app", nil, nil},
		{"/bin/sh -c #(nop) COPY --chown=1001:0 dir:7c9d in /tmp/src ", "COPY", "dir:7c9d in /tmp/src", []string{"--chown=1001:0"}, nil},
		{"/bin/sh -c apt-get update && apt-get install -y curl", "RUN", "apt-get update && apt-get install -y curl", nil, nil},
		{"|2 A=b NPM_TOKEN=xyz /bin/sh -c npm ci", "RUN", "npm ci", nil, []string{"A=b", "NPM_TOKEN=xyz"}},
		{"RUN /bin/sh -c make # buildkit", "RUN", "make", nil, nil},
		{"RUN |1 V=1 /bin/sh -c echo $V # buildkit", "RUN", "echo $V", nil, []string{"V=1"}},
		{"RUN --mount=type=cache,target=/root/.npm /bin/sh -c npm ci # buildkit", "RUN", "npm ci", []string{"--mount=type=cache,target=/root/.npm"}, nil},
		{"COPY . /app # buildkit", "COPY", ". /app", nil, nil},
		{"COPY --from=build /out /bin # buildkit", "COPY", "/out /bin", []string{"--from=build"}, nil},
		{"WORKDIR /src # buildkit", "WORKDIR", "/src", nil, nil},
		{"dnf install -y gcc", "RUN", "dnf install -y gcc", nil, nil},
		{"/usr/libexec/s2i/assemble", "RUN", "/usr/libexec/s2i/assemble", nil, nil},
		{"# debian.sh --arch 'amd64' out/ 'bookworm'", "RUN", "# debian.sh --arch 'amd64' out/ 'bookworm'", nil, nil},
		{"|bogus /bin/sh -c x", "RUN", "|bogus /bin/sh -c x", nil, nil},
	}
	for _, tt := range tests {
		p := parseCreatedBy(tt.in)
		if p.instr != tt.instr || p.body != tt.body || strings.Join(p.flags, " ") != strings.Join(tt.flags, " ") || strings.Join(p.buildArgs, " ") != strings.Join(tt.args, " ") {
			t.Errorf("parseCreatedBy(%q) = %+v, want %s %q flags %v args %v", tt.in, p, tt.instr, tt.body, tt.flags, tt.args)
		}
	}
	if !parseCreatedBy("  ").empty {
		t.Error("blank history is not empty")
	}
}

func TestCopyArgs(t *testing.T) {
	for _, tt := range []struct {
		body   string
		srcs   string
		dest   string
		hashed bool
	}{
		{"dir:abc in /app", "dir:abc", "/app", true},
		{"file:abc in /usr/local/bin/", "file:abc", "/usr/local/bin/", true},
		{"go.mod go.sum ./", "go.mod go.sum", "./", false},
		{`["a b" "c"]`, "a b", "c", false},
		{"onlyone", "", "", false},
	} {
		s, d, h := copyArgs(tt.body)
		if strings.Join(s, " ") != tt.srcs || d != tt.dest || h != tt.hashed {
			t.Errorf("copyArgs(%q) = %q %q %v", tt.body, s, d, h)
		}
	}
}

func TestVersionKey(t *testing.T) {
	for _, tt := range []struct{ eco, v, want string }{
		{"node", "20.11.1", "20"}, {"node", "v18.19.0", "18"}, {"python", "3.12.1", "3.12"}, {"python", "3", ""},
		{"java", "21.0.2", "21"}, {"java", "1.8.0_392", "8"}, {"java", "jdk-17.0.9+9", "17"}, {"ruby", "3.3.0", "3.3"},
		{"php", "8.3.2", "8.3"}, {"dotnet", "8.0.1", "8.0"}, {"node", "", ""}, {"node", "latest", ""}, {"binary", "1.22", ""},
	} {
		if got := versionKey(tt.eco, tt.v); got != tt.want {
			t.Errorf("versionKey(%s, %q) = %q, want %q", tt.eco, tt.v, got, tt.want)
		}
	}
	for _, tt := range []struct {
		a, b string
		want int
	}{{"2.28", "2.36", -1}, {"2.36", "2.36", 0}, {"2.39", "2.36", 1}, {"1.2.5", "1.2", 1}, {"", "2.3", 0}} {
		if got := compareVersions(tt.a, tt.b); got != tt.want {
			t.Errorf("compareVersions(%s, %s) = %d", tt.a, tt.b, got)
		}
	}
	pk := []report.Package{{Name: "libc6", Version: "2.36-9+deb12u4"}, {Name: "glibc", Version: "2.28-251.el8"}, {Name: "musl", Version: "1.2.5-r0"}}
	if v := libcVersion(pk[:1], "glibc"); v != "2.36" {
		t.Errorf("dpkg libc6 = %q", v)
	}
	if v := libcVersion(pk[1:2], "glibc"); v != "2.28" {
		t.Errorf("rpm glibc = %q", v)
	}
	if v := libcVersion(pk, "musl"); v != "1.2.5" {
		t.Errorf("apk musl = %q", v)
	}
}

func TestSecrets(t *testing.T) {
	for _, tt := range []struct {
		name, value string
		want        bool
	}{
		{"NPM_TOKEN", "abc", true}, {"DB_PASSWORD", "x", true}, {"AWS_SECRET_ACCESS_KEY", "x", true},
		{"API_KEY", "x", true}, {"SIGNING_KEY", "x", true}, {"DB_PASS", "x", true}, {"GPG_KEY", "7169605F", false},
		{"PWD", "/app", false}, {"PATH", "/bin", false}, {"NODE_ENV", "production", false}, {"TOKEN", "", false},
		{"DATABASE_URL", "postgres://u:p@db/x", true}, {"DATABASE_URL", "postgres://db/x", false},
		{"X", "AKIAIOSFODNN7EXAMPLE", true}, {"X", "ghp_abcdefghijklmnopqrstuvwxyz0123456789", true},
		{"PUBLIC_KEY", "ssh-ed25519 AAAA", false}, {"PASS_MAX_DAYS", "99999", false},
	} {
		if got := isSecret(tt.name, tt.value); got != tt.want {
			t.Errorf("isSecret(%s, %q) = %v, want %v", tt.name, tt.value, got, tt.want)
		}
	}
	got := redact("|2 NPM_TOKEN=abc123 VERSION=1 /bin/sh -c curl https://u:pw@example.com/x")
	if strings.Contains(got, "abc123") || strings.Contains(got, "pw@") || !strings.Contains(got, "VERSION=1") {
		t.Errorf("redact = %q", got)
	}
}

// TestExclusions checks the covering: whole directories when everything
// under them goes, single files otherwise, docs only with their directory.
func TestExclusions(t *testing.T) {
	f := func(p string, c report.Category) report.File {
		return report.File{Path: p, Type: "file", Status: "visible", Bytes: 10, Category: c, Evidence: -1}
	}
	files := []report.File{
		{Path: "/app", Type: "dir", Status: "visible", Evidence: -1},
		f("/app/server.js", report.App),
		f("/app/node_modules/a/index.js", report.App),
		f("/app/node_modules/a/README.md", report.Docs),
		f("/app/node_modules/a/docs/guide.md", report.Docs),
		f("/app/node_modules/jest/index.js", report.DevDependencies),
		f("/app/node_modules/jest/sub/x.js", report.DevDependencies),
		{Path: "/app/node_modules/jest/empty", Type: "dir", Status: "visible", Evidence: -1},
		f("/app/build.log", report.Temp),
		f("/app/.git/HEAD", report.App),
		f("/app/.npm/_cacache/x", report.App),
		f("/app/README.md", report.Docs),
		f("/app/node_modules/b/index.js", report.App),
		f("/app/node_modules/b/bin.node", report.BuildToolchain),
	}
	v := newView(files)
	x := &excluder{protected: map[string]bool{"/app/node_modules/b/bin.node": true}}
	var got []string
	for _, e := range x.exclusionsUnder(v.get("/app")) {
		got = append(got, e.Path+" "+string(e.Category))
	}
	want := []string{
		"/app/.git temp", "/app/.npm package-cache", "/app/build.log temp",
		"/app/node_modules/a/docs docs", "/app/node_modules/jest dev-dependencies",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("exclusions:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	x.disabled = true
	if e := x.exclusionsUnder(v.get("/app")); len(e) != 0 {
		t.Errorf("a disabled excluder excludes %v", e)
	}
}

// TestResolve follows symlinks in every component, and stops on loops.
func TestResolve(t *testing.T) {
	files := []report.File{
		{Path: "/lib64", Type: "symlink", Link: "usr/lib64", Status: "visible"},
		{Path: "/usr/lib64/libz.so.1", Type: "symlink", Link: "libz.so.1.2.13", Status: "visible"},
		{Path: "/usr/lib64/libz.so.1.2.13", Type: "file", Bytes: 100, Status: "visible"},
		{Path: "/loop/a", Type: "symlink", Link: "b", Status: "visible"},
		{Path: "/loop/b", Type: "symlink", Link: "/loop/a", Status: "visible"},
	}
	v := newView(files)
	if n := v.resolve("/lib64/libz.so.1"); n == nil || n.path != "/usr/lib64/libz.so.1.2.13" {
		t.Errorf("resolve = %v", n)
	}
	if n := v.resolve("/loop/a"); n != nil {
		t.Errorf("a loop resolved to %s", n.path)
	}
}

// FuzzParseCreatedBy: any history string parses without panic into a
// step whose fields are consistent.
func FuzzParseCreatedBy(f *testing.F) {
	for _, s := range []string{
		"/bin/sh -c #(nop) ADD file:abc in / ", "|2 A=b C=d /bin/sh -c make", "RUN /bin/sh -c x # buildkit",
		"COPY --chown=1:2 [\"a b\" \"c\"] /d # buildkit", "|99999999999999 x", "#(nop)", "RUN --", "|1", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p := parseCreatedBy(s)
		if p.empty != (strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "# buildkit")) == "") {
			t.Fatalf("empty = %v for %q", p.empty, s)
		}
		if !p.empty && p.instr == "" {
			t.Fatalf("no instruction for %q", s)
		}
		for _, fl := range p.flags {
			if !strings.HasPrefix(fl, "--") {
				t.Fatalf("flag %q", fl)
			}
		}
		for _, a := range p.buildArgs {
			if !strings.Contains(a, "=") {
				t.Fatalf("build arg %q", a)
			}
		}
		if utf8.ValidString(s) && !utf8.ValidString(p.body) {
			t.Fatalf("body %q is not UTF-8", p.body)
		}
		srcs, dest, _ := copyArgs(p.body)
		if dest == "" && len(srcs) > 0 {
			t.Fatalf("sources without destination for %q", p.body)
		}
		_ = redact(s)
	})
}
