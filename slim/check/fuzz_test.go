package check

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/slimcheck/slimcheck/analyze"
	"github.com/slimcheck/slimcheck/internal/imagetest"
	"github.com/slimcheck/slimcheck/slim/slimtest"
)

func TestParseShebang(t *testing.T) {
	for _, tc := range []struct{ line, interp, arg string }{
		{"/bin/sh", "/bin/sh", ""},
		{" /usr/bin/env node", "/usr/bin/env", "node"},
		{"/usr/bin/env -S node --max-old-space-size=512\r", "/usr/bin/env", "-S node --max-old-space-size=512"},
		{"/bin/bash -e -x", "/bin/bash", "-e -x"},
		{"", "", ""},
	} {
		i, a := parseShebang(tc.line)
		if i != tc.interp || a != tc.arg {
			t.Errorf("%q: %q %q, want %q %q", tc.line, i, a, tc.interp, tc.arg)
		}
	}
	if got := envCommand(splitEnvArg("-S NODE_ENV=production node --x")); strings.Join(got, " ") != "node --x" {
		t.Errorf("env -S: %q", got)
	}
	if got := envCommand(splitEnvArg("node")); strings.Join(got, " ") != "node" {
		t.Errorf("env: %q", got)
	}
}

func FuzzParseShebang(f *testing.F) {
	for _, s := range []string{"/bin/sh", "/usr/bin/env -S a b=c d", "  \t", "/x\x00y z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		interp, arg := parseShebang(line)
		if strings.ContainsAny(interp, " \t") || strings.HasPrefix(arg, " ") || len(interp)+len(arg) > len(line) {
			t.Fatalf("%q → %q %q", line, interp, arg)
		}
		for _, w := range envCommand(splitEnvArg(arg)) {
			if w == "" && !strings.Contains(arg, " ") && arg != "" {
				t.Fatalf("%q: empty word", arg)
			}
		}
	})
}

func TestParseLdSoConf(t *testing.T) {
	dirs, inc := parseLdSoConf([]byte("include /etc/ld.so.conf.d/*.conf\n# c\n/usr/local/lib\n/opt/a:/opt/b, /opt/c\t/opt/d=libc5 # trailing\nhwcap 0 nosegneg\nrelative/dir\n"))
	if strings.Join(dirs, " ") != "/usr/local/lib /opt/a /opt/b /opt/c /opt/d" || strings.Join(inc, " ") != "/etc/ld.so.conf.d/*.conf" {
		t.Errorf("dirs %q includes %q", dirs, inc)
	}
}

func FuzzLdSoConf(f *testing.F) {
	f.Add([]byte("include /etc/ld.so.conf.d/*.conf\n/usr/lib\n"))
	f.Add([]byte("/a:/b,/c\n#x\nhwcap 1 x\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		dirs, inc := parseLdSoConf(b)
		if len(dirs)+len(inc) > maxStrings+64 {
			t.Fatalf("%d entries", len(dirs)+len(inc))
		}
		for _, d := range dirs {
			if !strings.HasPrefix(d, "/") {
				t.Fatalf("relative dir %q", d)
			}
		}
	})
}

func TestExpand(t *testing.T) {
	env := map[string]string{"NPM_RUN": "start", "EMPTY": "", "HOME": "/app"}
	for _, tc := range []struct {
		in, out string
		ok      bool
	}{
		{"$NPM_RUN", "start", true}, {"${HOME}/x", "/app/x", true}, {"${EMPTY:-d}", "d", true}, {"${EMPTY-d}", "", true},
		{"${NOPE:-x}", "x", true}, {"$NOPE", "$NOPE", false}, {"$@", "$@", false}, {"$(date)", "$(date)", false},
		{"a$", "a$", true}, {"${HOME", "${HOME", false}, {"plain", "plain", true}, {"${NOPE:-$HOME}", "${NOPE:-$HOME}", false},
	} {
		got, ok := expand(tc.in, env)
		if got != tc.out || ok != tc.ok {
			t.Errorf("%q: %q %v, want %q %v", tc.in, got, ok, tc.out, tc.ok)
		}
	}
}

func FuzzExpand(f *testing.F) {
	for _, s := range []string{"$A", "${A:-b}", "${A-}", "x$", "${", "$1", "`x`"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, w string) {
		env := map[string]string{"A": "aa", "B": ""}
		got, ok := expand(w, env)
		if !ok && got != w {
			t.Fatalf("%q: failed expansion changed the word to %q", w, got)
		}
		if ok && !strings.ContainsAny(w, "$") && got != w {
			t.Fatalf("%q: no variables, but %q", w, got)
		}
		c := &checker{env: env}
		_ = c.simpleCommand(strings.Fields(w), false)
	})
}

func TestGroupNames(t *testing.T) {
	got := groupNames([]byte("root:x:0:\n# c\nbad\nnode:x:1000:node\nweird:x:abc:\n:x:5:\n"))
	if strings.Join(got, " ") != "root node" {
		t.Errorf("%q", got)
	}
}

func FuzzGroupNames(f *testing.F) {
	f.Add([]byte("root:x:0:\nnode:x:1000:a,b\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, n := range groupNames(b) {
			if n == "" || strings.Contains(n, ":") || strings.Contains(n, "\n") {
				t.Fatalf("bad name %q", n)
			}
		}
	})
}

// FuzzRun checks arbitrary bytes as the image's one layer: whatever the walk
// accepts, the check must read without panicking.
func FuzzRun(f *testing.F) {
	f.Add(imagetest.TarBytes(f, slimtest.MuslEntries()...), "node server.js")
	f.Add(imagetest.TarBytes(f, imagetest.Entry{Path: "bin/x", Mode: 0o755, Content: buildTestELF(elfSpec{Needed: []string{"a"}, Runpath: "$ORIGIN"})},
		imagetest.Symlink("bin/y", "x"), imagetest.Symlink("bin/loop", "loop")), "/bin/y")
	f.Fuzz(func(t *testing.T, layer []byte, cmd string) {
		if len(layer) > 1<<20 {
			return
		}
		if len(layer) >= 2 && (layer[0] == 0x1f && layer[1] == 0x8b || layer[0] == 0x28 && layer[1] == 0xb5) {
			return // a compressed stream: the test's own layer builder would inflate it (a bomb), not the check
		}
		l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(layer)), nil })
		if err != nil {
			return
		}
		img := imagetest.Image(t, v1.Config{Cmd: strings.Fields(cmd), WorkingDir: "/app", User: "app:app"}, nil, l)
		ix, err := analyze.Walk(context.Background(), img, analyze.Options{Concurrency: 1, MaxUncompressed: 8 << 20})
		if err != nil {
			return
		}
		res, err := Run(context.Background(), img, ix, Options{ELFPrefix: 4096, Layers: []int{0}})
		if err != nil {
			return
		}
		for _, fd := range res.Findings {
			if fd.Message == "" || fd.Severity != Error && fd.Severity != Warning {
				t.Fatalf("bad finding %+v", fd)
			}
		}
	})
}
