package ecosystem

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/slimcheck/slimcheck/analyze"
	"github.com/slimcheck/slimcheck/analyze/ecosystem/elfinfo"
	"github.com/slimcheck/slimcheck/analyze/ecosystem/elfinfo/elftest"
	"github.com/slimcheck/slimcheck/internal/imagetest"
)

func walk(t *testing.T, cfg v1.Config, layers ...[]imagetest.Entry) *analyze.Index {
	t.Helper()
	var ls []v1.Layer
	for _, l := range layers {
		ls = append(ls, imagetest.Layer(t, l...))
	}
	img := imagetest.Image(t, cfg, nil, ls...)
	ix, err := analyze.Walk(context.Background(), img, analyze.Options{Capture: CapturePath, CapturePrefix: CapturePrefix})
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

func bin(p string, b []byte) imagetest.Entry {
	return imagetest.Entry{Path: p, Content: b, Mode: 0o755}
}

const alpineRelease = "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.18.4\nPRETTY_NAME=\"Alpine Linux v3.18\"\n"
const debianRelease = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n"

func TestDetect(t *testing.T) {
	glibcBase := []imagetest.Entry{
		imagetest.Text("/etc/os-release", debianRelease),
		imagetest.File("/lib64/ld-linux-x86-64.so.2", 100),
		imagetest.File("/lib/x86_64-linux-gnu/libc.so.6", 1000),
		imagetest.Text("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\nnode:x:1000:1000::/home/node:/bin/bash\nbroken line\n"),
		bin("/bin/sh", elftest.GlibcExecutable()),
	}
	muslBase := []imagetest.Entry{
		imagetest.Text("/etc/os-release", alpineRelease),
		imagetest.File("/lib/ld-musl-x86_64.so.1", 100),
		bin("/bin/sh", elftest.MuslExecutable()),
	}
	tests := []struct {
		name      string
		cfg       v1.Config
		base      []imagetest.Entry
		layer     []imagetest.Entry
		pkgs      []Package
		opts      Options
		want      wantEco
		homes     []string
		entryFile string
		problems  int
	}{
		{
			name: "official node image",
			cfg: v1.Config{Env: []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "NODE_VERSION=20.11.0"},
				Entrypoint: []string{"docker-entrypoint.sh"}, Cmd: []string{"node", "server.js"}, WorkingDir: "/usr/src/app", User: "node"},
			base: glibcBase,
			layer: []imagetest.Entry{
				bin("/usr/local/bin/node", elftest.GlibcExecutable()),
				bin("/usr/local/bin/docker-entrypoint.sh", []byte("#!/bin/sh\nset -e\nexec \"$@\"\n")),
				imagetest.Text("/usr/src/app/package.json", `{"name":"app"}`),
				imagetest.Text("/usr/src/app/server.js", "require('http')"),
				bin("/usr/src/app/node_modules/bcrypt/lib/binding/napi-v3/bcrypt_lib.node", elftest.GlibcAddon()),
			},
			want: wantEco{Name: Node, Version: "20.11.0", VersionSource: "ENV NODE_VERSION", AppDir: "/usr/src/app", User: "node", Libc: "glibc",
				Addons: map[string]string{"/usr/src/app/node_modules/bcrypt/lib/binding/napi-v3/bcrypt_lib.node": "glibc"}},
			homes:     []string{"/", "/home/node", "/root"},
			entryFile: "/usr/src/app/server.js",
			problems:  1, // the broken passwd line
		},
		{
			name: "s2i node",
			cfg: v1.Config{Env: []string{"HOME=/opt/app-root/src", "NODEJS_VERSION=18", "PATH=/opt/app-root/src/node_modules/.bin/:/opt/app-root/src/.npm-global/bin/:/opt/app-root/src/bin:/opt/app-root/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"},
				Cmd: []string{"/bin/sh", "-c", "$STI_SCRIPTS_PATH/run"}, WorkingDir: "/opt/app-root/src", User: "1001"},
			base: glibcBase,
			layer: []imagetest.Entry{
				bin("/usr/bin/node", elftest.GlibcExecutable()),
				imagetest.Text("/opt/app-root/src/package.json", `{}`),
				imagetest.File("/opt/app-root/src/.npm/_cacache/content-v2/sha512/aa", 5000),
			},
			pkgs:  []Package{{Name: "nodejs", Version: "1:18.14.2-2.el8", Manager: "rpm"}},
			want:  wantEco{Name: Node, Version: "18", VersionSource: "ENV NODEJS_VERSION", AppDir: "/opt/app-root/src", User: "1001", Libc: "glibc"},
			homes: []string{"/", "/home/node", "/opt/app-root/src", "/root"}, problems: 1,
		},
		{
			name: "python with gunicorn in a venv",
			cfg:  v1.Config{Env: []string{"PATH=/venv/bin:/usr/local/bin:/usr/bin:/bin"}, Cmd: []string{"gunicorn", "app:app"}, WorkingDir: "/srv/web"},
			base: muslBase,
			layer: []imagetest.Entry{
				bin("/usr/local/bin/python3.12", elftest.MuslExecutable()),
				imagetest.Symlink("/usr/local/bin/python3", "python3.12"),
				imagetest.Text("/venv/pyvenv.cfg", "home = /usr/local/bin\ninclude-system-site-packages = false\nversion = 3.12.1\n"),
				bin("/venv/bin/gunicorn", []byte("#!/venv/bin/python3\nimport sys\n")),
				imagetest.Symlink("/venv/bin/python3", "/usr/local/bin/python3"),
				imagetest.Text("/srv/web/requirements.txt", "flask\n"),
				imagetest.Text("/srv/web/app.py", "app = 1\n"),
				imagetest.Entry{Path: "/venv/lib/python3.12/site-packages/markupsafe/_speedups.cpython-312-x86_64-linux-musl.so", Content: elftest.MuslAddon()},
			},
			want: wantEco{Name: Python, Version: "3.12.1", VersionSource: "/venv/pyvenv.cfg", AppDir: "/srv/web", Libc: "musl",
				Addons: map[string]string{"/venv/lib/python3.12/site-packages/markupsafe/_speedups.cpython-312-x86_64-linux-musl.so": "musl"}},
			homes: []string{"/", "/root"},
		},
		{
			name:  "static go binary",
			cfg:   v1.Config{Entrypoint: []string{"/server"}, User: "65532:65532"},
			layer: []imagetest.Entry{bin("/server", elftest.StaticGo())},
			want:  wantEco{Name: Static, AppDir: "", User: "65532:65532", Libc: "none", StaticBinary: "/server"},
			homes: []string{"/", "/root"}, entryFile: "/server",
		},
		{
			name:  "go binary in /app with tini",
			cfg:   v1.Config{Entrypoint: []string{"/sbin/tini", "--"}, Cmd: []string{"/app/api", "--port", "8080"}},
			base:  glibcBase,
			layer: []imagetest.Entry{bin("/sbin/tini", elftest.Build(elftest.Spec{Type: 2})), bin("/app/api", elftest.StaticGo()), imagetest.Text("/app/config.yaml", "a: 1")},
			want:  wantEco{Name: Static, AppDir: "/app", Libc: "none", StaticBinary: "/app/api"},
			homes: []string{"/", "/home/node", "/root"}, entryFile: "/app/api", problems: 1,
		},
		{
			name: "java -jar",
			cfg:  v1.Config{Env: []string{"JAVA_HOME=/opt/java/openjdk", "PATH=/opt/java/openjdk/bin:/usr/bin:/bin"}, Entrypoint: []string{"java", "-Xmx512m", "-jar", "/deployments/app.jar"}},
			base: glibcBase,
			layer: []imagetest.Entry{
				bin("/opt/java/openjdk/bin/java", elftest.GlibcExecutable()),
				imagetest.Text("/opt/java/openjdk/release", "IMPLEMENTOR=\"Eclipse Adoptium\"\nJAVA_VERSION=\"17.0.9\"\n"),
				imagetest.File("/deployments/app.jar", 1000),
			},
			want:  wantEco{Name: Java, Version: "17.0.9", VersionSource: "/opt/java/openjdk/release", AppDir: "/deployments", Libc: "glibc"},
			homes: []string{"/", "/home/node", "/root"}, entryFile: "/deployments/app.jar", problems: 1,
		},
		{
			name:  "shell form with cd",
			cfg:   v1.Config{Cmd: []string{"/bin/sh", "-c", "cd /srv/app && exec node dist/index.js"}},
			base:  muslBase,
			layer: []imagetest.Entry{bin("/usr/bin/node", elftest.MuslExecutable()), imagetest.Text("/srv/app/package.json", "{}"), imagetest.Text("/srv/app/dist/index.js", "")},
			pkgs:  []Package{{Name: "nodejs", Version: "18.18.2-r0", Manager: "apk"}, {Name: "musl", Version: "1.2.4-r2", Manager: "apk"}},
			want:  wantEco{Name: Node, Version: "18.18.2-r0", VersionSource: "apk package nodejs", AppDir: "/srv/app", Libc: "musl"},
			homes: []string{"/", "/root"}, entryFile: "/srv/app/dist/index.js",
		},
		{
			name:  "app dir override and marker ecosystem",
			cfg:   v1.Config{Cmd: []string{"/usr/libexec/s2i/run"}},
			base:  glibcBase,
			layer: []imagetest.Entry{imagetest.Text("/code/Gemfile", "source 'x'"), imagetest.Text("/code/app.rb", "")},
			opts:  Options{AppDir: "/code"},
			want:  wantEco{Name: Ruby, AppDir: "/code", Libc: "glibc"},
			homes: []string{"/", "/home/node", "/root"}, problems: 1,
		},
		{
			name:  "addon that is not ELF",
			cfg:   v1.Config{Cmd: []string{"node", "index.js"}, WorkingDir: "/app"},
			base:  muslBase,
			layer: []imagetest.Entry{imagetest.Text("/app/index.js", ""), imagetest.Text("/app/node_modules/fsevents/fsevents.node", "\xcf\xfa\xed\xfe mach-o")},
			want:  wantEco{Name: Node, AppDir: "/app", Libc: "musl", Addons: map[string]string{"/app/node_modules/fsevents/fsevents.node": "unknown"}},
			homes: []string{"/", "/root"}, entryFile: "/app/index.js", problems: 1,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ix := walk(t, tc.cfg, append(append([]imagetest.Entry{}, tc.base...), tc.layer...))
			res := Detect(context.Background(), ix, tc.pkgs, tc.opts)
			got := wantEco{Name: res.Ecosystem.Name, Version: res.Ecosystem.Version, VersionSource: res.Ecosystem.VersionSource,
				AppDir: res.Ecosystem.AppDir, User: res.Ecosystem.User, Libc: res.Ecosystem.Libc, StaticBinary: res.Ecosystem.StaticBinary}
			for _, a := range res.Ecosystem.NativeAddons {
				if got.Addons == nil {
					got.Addons = map[string]string{}
				}
				got.Addons[a.Path] = a.Libc
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v\nevidence: %q", got, tc.want, res.Ecosystem.Evidence)
			}
			if !reflect.DeepEqual(res.Homes, tc.homes) {
				t.Errorf("homes = %q, want %q", res.Homes, tc.homes)
			}
			if res.EntryFile != tc.entryFile {
				t.Errorf("entry file = %q, want %q", res.EntryFile, tc.entryFile)
			}
			if len(res.Problems) != tc.problems {
				t.Errorf("problems = %+v, want %d", res.Problems, tc.problems)
			}
			wantArgv := append(append([]string{}, tc.cfg.Entrypoint...), tc.cfg.Cmd...)
			if len(wantArgv) > 0 && !reflect.DeepEqual(res.Ecosystem.Entrypoint, wantArgv) {
				t.Errorf("entrypoint = %q, want %q", res.Ecosystem.Entrypoint, wantArgv)
			}
		})
	}
}

type wantEco struct {
	Name, Version, VersionSource, AppDir, User, Libc, StaticBinary string
	Addons                                                         map[string]string
}

func TestImageLibc(t *testing.T) {
	tests := []struct {
		name  string
		files []imagetest.Entry
		want  string
	}{
		{"alpine", []imagetest.Entry{imagetest.Text("/etc/alpine-release", "3.18.4\n"), imagetest.File("/lib/ld-musl-x86_64.so.1", 10)}, "musl"},
		{"alpine without loader", []imagetest.Entry{imagetest.Text("/etc/alpine-release", "3.18.4\n")}, "musl"},
		{"debian multiarch", []imagetest.Entry{imagetest.File("/usr/lib/x86_64-linux-gnu/libc.so.6", 10), imagetest.Symlink("/lib", "usr/lib")}, "glibc"},
		{"rhel", []imagetest.Entry{imagetest.File("/usr/lib64/libc.so.6", 10), imagetest.File("/usr/lib64/ld-linux-x86-64.so.2", 10)}, "glibc"},
		{"scratch", []imagetest.Entry{imagetest.File("/server", 10)}, "unknown"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := Detect(context.Background(), walk(t, v1.Config{}, tc.files), nil, Options{})
			if res.ImageLibc != tc.want {
				t.Errorf("ImageLibc = %q, want %q", res.ImageLibc, tc.want)
			}
		})
	}
}

// TestCondensePrefix: what the walk keeps of a prefix still tells an ELF
// binary, a script and anything else apart, and reads the same.
func TestCondensePrefix(t *testing.T) {
	addon := elftest.GlibcAddon()
	tests := []struct {
		name string
		in   []byte
		want int // bytes kept; -1 for all
	}{
		{"script", []byte("#!/usr/bin/env node\nrequire('x')\n" + strings.Repeat("y", 3000)), len("#!/usr/bin/env node\n")},
		{"script without newline", []byte("#!/bin/sh"), -1},
		{"data", []byte(strings.Repeat("z", 4096)), 4},
		{"short", []byte("ab"), 2},
		{"empty", nil, 0},
	}
	for _, tt := range tests {
		got := CondensePrefix("/app/x", tt.in)
		want := tt.want
		if want < 0 {
			want = len(tt.in)
		}
		if len(got) != want {
			t.Errorf("%s: kept %d bytes, want %d", tt.name, len(got), want)
		}
		a, aa, aok := shebang(tt.in)
		b, bb, bok := shebang(got)
		if a != b || aok != bok || !slices.Equal(aa, bb) || elfinfo.IsELF(got) != elfinfo.IsELF(tt.in) {
			t.Errorf("%s: the condensed prefix reads differently", tt.name)
		}
	}
	if got := CondensePrefix("/app/x.node", addon); !elfinfo.IsELF(got) || len(got) > len(addon) {
		t.Errorf("ELF addon condensed to %d bytes", len(got))
	}
}
