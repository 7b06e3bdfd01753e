package check

import (
	"context"
	"debug/elf"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/slimcheck/slimcheck/analyze"
	"github.com/slimcheck/slimcheck/analyze/ecosystem/elfinfo/elftest"
	"github.com/slimcheck/slimcheck/internal/imagetest"
	"github.com/slimcheck/slimcheck/slim/slimtest"
)

// run builds base + one app layer, walks it and checks it.
func run(t *testing.T, base []imagetest.Entry, cfg v1.Config, app []imagetest.Entry, opts Options) *Result {
	t.Helper()
	layers := []v1.Layer{imagetest.Layer(t, base...)}
	if len(app) > 0 {
		layers = append(layers, imagetest.Layer(t, app...))
	}
	img := imagetest.Image(t, cfg, nil, layers...)
	ix, err := analyze.Walk(context.Background(), img, analyze.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), img, ix, opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func cfgWith(mod func(*v1.Config)) v1.Config {
	c := slimtest.Config()
	c.Entrypoint = nil
	mod(&c)
	return c
}

func addon(p string, needed ...string) imagetest.Entry {
	return imagetest.Entry{Path: p, Mode: 0o755, Content: elftest.Build(elftest.Spec{Needed: needed, Dynamic: true})}
}

func app(extra ...imagetest.Entry) []imagetest.Entry {
	return append([]imagetest.Entry{
		{Path: "app", Type: '5', Mode: 0o775, UID: 1001},
		{Path: "app/server.js", Content: []byte("require('http')\n"), UID: 1001},
		{Path: "app/package.json", Content: []byte(`{"name":"a","scripts":{"start":"node server.js","migrate":"node db/migrate.js","lint":"eslint ."}}`), UID: 1001},
	}, extra...)
}

type wantF struct {
	kind, sev, path, text string
}

func TestRun(t *testing.T) {
	glibc, musl := slimtest.GlibcEntries(), slimtest.MuslEntries()
	nodeApp := cfgWith(func(c *v1.Config) { c.Cmd = []string{"node", "server.js"}; c.WorkingDir = "/app"; c.User = "1001" })
	tests := []struct {
		name  string
		base  []imagetest.Entry
		cfg   v1.Config
		app   []imagetest.Entry
		opts  Options
		wants []wantF // every finding, in order
		chain []string
	}{
		{name: "node app on glibc", base: glibc, cfg: nodeApp, app: app(), chain: []string{"/usr/local/bin/node"}},
		{name: "node app on musl", base: musl, cfg: nodeApp, app: app(), chain: []string{"/usr/local/bin/node"}},
		{name: "script missing", base: glibc, cfg: nodeApp, app: app()[:1],
			wants: []wantF{{KindAppFile, "error", "/app/server.js", "node would run /app/server.js, which is not in the image"}}},
		{name: "node resolves extensions", base: glibc, cfg: cfgWith(func(c *v1.Config) { c.Cmd = []string{"node", "server"}; c.WorkingDir = "/app" }), app: app()},
		{name: "npm start through env node", base: glibc,
			cfg: cfgWith(func(c *v1.Config) { c.Cmd = []string{"npm", "start"}; c.WorkingDir = "/app" }), app: app(),
			chain: []string{"/usr/local/lib/node_modules/npm/bin/npm-cli.js", "/usr/bin/env", "/usr/local/bin/node"}},
		{name: "npm run script whose file is missing", base: glibc,
			cfg: cfgWith(func(c *v1.Config) { c.Cmd = []string{"npm", "run", "-s", "migrate"}; c.WorkingDir = "/app" }), app: app(),
			wants: []wantF{{KindAppFile, "error", "/app/db/migrate.js", "node would run /app/db/migrate.js"}}},
		{name: "npm run script whose program is missing", base: glibc,
			cfg: cfgWith(func(c *v1.Config) { c.Cmd = []string{"npm", "run", "lint"}; c.WorkingDir = "/app" }), app: app(),
			wants: []wantF{{KindCommand, "error", "eslint", "eslint is not found on PATH (/app/node_modules/.bin:/node_modules/.bin:/usr/local/sbin"}}},
		{name: "npm run unknown script", base: glibc,
			cfg: cfgWith(func(c *v1.Config) { c.Cmd = []string{"npm", "run", "build"}; c.WorkingDir = "/app" }), app: app(),
			wants: []wantF{{KindAppFile, "error", "/app/package.json", `has no "build" script`}}},
		{name: "npm start without package.json", base: glibc,
			cfg:   cfgWith(func(c *v1.Config) { c.Cmd = []string{"npm", "start"}; c.WorkingDir = "/srv" }),
			wants: []wantF{{KindAppFile, "error", "/srv/package.json", "npm start needs a package.json in /srv"}}},
		{name: "glibc addon on musl names the addon and the libc", base: musl, cfg: nodeApp,
			app:   app(addon("app/node_modules/bcrypt/bcrypt_lib.node", "libstdc++.so.6", "libc.so.6")),
			wants: []wantF{{KindLibc, "error", "/app/node_modules/bcrypt/bcrypt_lib.node", "native addon /app/node_modules/bcrypt/bcrypt_lib.node is linked against glibc (needs libc.so.6), but the image's C library is musl (/lib/ld-musl-x86_64.so.1)"}}},
		{name: "musl addon on glibc", base: glibc, cfg: nodeApp,
			app:   app(addon("app/x.node", slimtest.MuslLibc)),
			wants: []wantF{{KindLibc, "error", "/app/x.node", "is linked against musl (needs libc.musl-x86_64.so.1), but the image's C library is glibc"}}},
		{name: "addon library missing", base: glibc, cfg: nodeApp,
			app:   app(addon("app/node_modules/sharp/sharp.node", "libvips-cpp.so.42", "libc.so.6")),
			wants: []wantF{{KindLibrary, "error", "/app/node_modules/sharp/sharp.node", "needs libvips-cpp.so.42, which is not in /usr/local/lib/x86_64-linux-gnu, /lib/x86_64-linux-gnu"}}},
		{name: "addon library found through RUNPATH $ORIGIN", base: glibc, cfg: nodeApp,
			app: app(imagetest.Entry{Path: "app/node_modules/sharp/sharp.node", Mode: 0o755, Content: buildTestELF(elfSpec{Needed: []string{"libvips-cpp.so.42", "libc.so.6"}, Runpath: "$ORIGIN/../vendor/lib"})},
				glibcLibEntry("app/node_modules/vendor/lib/libvips-cpp.so.42", "libstdc++.so.6", "libc.so.6"))},
		{name: "library found through LD_LIBRARY_PATH", base: glibc,
			cfg: cfgWith(func(c *v1.Config) {
				c.Cmd = []string{"node", "server.js"}
				c.WorkingDir = "/app"
				c.Env = append(c.Env, "LD_LIBRARY_PATH=/opt/lib")
			}),
			app: app(addon("app/a.node", "libz.so.1"), glibcLibEntry("opt/lib/libz.so.1", "libc.so.6"))},
		{name: "library found through ld.so.conf", base: append(append([]imagetest.Entry{}, glibc...), imagetest.Text("etc/ld.so.conf.d/opt.conf", "/opt/lib\n")), cfg: nodeApp,
			app: app(addon("app/a.node", "libz.so.1"), glibcLibEntry("opt/lib/libz.so.1", "libc.so.6"))},
		{name: "library of a library is checked", base: glibc, cfg: nodeApp,
			app:   app(addon("app/a.node", "libz.so.1"), glibcLibEntry("usr/lib/x86_64-linux-gnu/libz.so.1", "libmissing.so.3")),
			wants: []wantF{{KindLibrary, "error", "/usr/lib/x86_64-linux-gnu/libz.so.1", "library /usr/lib/x86_64-linux-gnu/libz.so.1 needs libmissing.so.3"}}},
		{name: "addon for another architecture", base: glibc, cfg: nodeApp,
			app:   app(imagetest.Entry{Path: "app/arm.node", Mode: 0o755, Content: elftest.Build(elftest.Spec{Machine: elf.EM_AARCH64, Needed: []string{"libc.so.6"}})}),
			wants: []wantF{{KindArch, "error", "/app/arm.node", "is built for EM_AARCH64, but the image is amd64"}}},
		{name: "glibc binary on musl", base: musl,
			cfg:   cfgWith(func(c *v1.Config) { c.Cmd = []string{"/app/server"} }),
			app:   []imagetest.Entry{imagetest.Dir("app"), {Path: "app/server", Mode: 0o755, Content: elftest.GlibcExecutable()}},
			wants: []wantF{{KindLibc, "error", "/app/server", "/app/server is linked against glibc (loader /lib64/ld-linux-x86-64.so.2), but the image's C library is musl"}}},
		{name: "ELF files of named layers are checked as warnings", base: glibc, cfg: nodeApp, opts: Options{Layers: []int{1}},
			app:   app(glibcLibEntry("usr/lib64/libstdc++.so.6.0.19", "libfoo.so.0", "libc.so.6")),
			wants: []wantF{{KindLibrary, "warning", "/usr/lib64/libstdc++.so.6.0.19", "needs libfoo.so.0"}}},
		{name: "command not on PATH", base: glibc, cfg: cfgWith(func(c *v1.Config) { c.Cmd = []string{"python3", "app.py"} }),
			wants: []wantF{{KindEntrypoint, "error", "python3", "python3 is not found on PATH (/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)"}}},
		{name: "command not executable", base: glibc, cfg: cfgWith(func(c *v1.Config) { c.Cmd = []string{"/app/run.sh"} }),
			app:   []imagetest.Entry{imagetest.Dir("app"), imagetest.Text("app/run.sh", "#!/bin/sh\nexec node /app/server.js\n")},
			wants: []wantF{{KindEntrypoint, "error", "/app/run.sh", "/app/run.sh is not executable (mode 0644)"}}},
		{name: "dangling symlink on PATH", base: glibc, cfg: cfgWith(func(c *v1.Config) { c.Cmd = []string{"serve"} }),
			app:   []imagetest.Entry{imagetest.Symlink("usr/local/bin/serve", "../lib/node_modules/serve/cli.js")},
			wants: []wantF{{KindEntrypoint, "error", "serve", "/usr/local/bin/serve is a symlink to /usr/local/lib/node_modules/serve/cli.js, which does not exist"}}},
		{name: "env shebang to a missing interpreter", base: glibc, cfg: cfgWith(func(c *v1.Config) { c.Cmd = []string{"/app/tool"} }),
			app:   []imagetest.Entry{imagetest.Dir("app"), {Path: "app/tool", Mode: 0o755, Content: []byte("#!/usr/bin/env python3\nprint(1)\n")}},
			wants: []wantF{{KindEntrypoint, "error", "python3", "python3 is not found on PATH"}}},
		{name: "missing shebang interpreter", base: musl, cfg: cfgWith(func(c *v1.Config) { c.Cmd = []string{"/app/tool"} }),
			app:   []imagetest.Entry{imagetest.Dir("app"), {Path: "app/tool", Mode: 0o755, Content: []byte("#!/bin/zsh -e\nexit 0\n")}},
			wants: []wantF{{KindEntrypoint, "error", "/app/tool", "/app/tool's interpreter /bin/zsh does not exist"}}},
		{name: "not a program", base: glibc, cfg: cfgWith(func(c *v1.Config) { c.Cmd = []string{"/app/data"} }),
			app:   []imagetest.Entry{imagetest.Dir("app"), {Path: "app/data", Mode: 0o755, Content: []byte("just text")}},
			wants: []wantF{{KindEntrypoint, "error", "/app/data", "neither an ELF program nor a script"}}},
		{name: "script execs: missing ones are warnings", base: glibc, cfg: cfgWith(func(c *v1.Config) { c.Cmd = []string{"/app/run"}; c.WorkingDir = "/app" }),
			app:   app(imagetest.Entry{Path: "app/run", Mode: 0o755, Content: []byte("#!/bin/bash\nset -e\nif [ \"$DEV\" = 1 ]; then\n  exec nodemon --inspect\nelse\n  exec npm run -d $NPM_RUN\nfi\nexec \"$@\"\n")}),
			wants: []wantF{{KindCommand, "warning", "nodemon", "nodemon is not found on PATH"}},
			chain: []string{"/app/run", "/bin/bash"}},
		{name: "sh -c string", base: glibc, cfg: cfgWith(func(c *v1.Config) { c.Cmd = []string{"/bin/sh", "-c", "cd /app && exec node missing.js"} }),
			app:   app(),
			wants: []wantF{{KindAppFile, "error", "/missing.js", "node would run /missing.js"}}},
		{name: "tini wrapper", base: glibc, cfg: cfgWith(func(c *v1.Config) { c.Entrypoint = []string{"/sbin/tini", "--"}; c.Cmd = []string{"node", "gone.js"} }),
			app:   []imagetest.Entry{{Path: "sbin/tini", Mode: 0o755, Content: elftest.Build(elftest.Spec{Type: elf.ET_EXEC})}},
			wants: []wantF{{KindAppFile, "error", "/gone.js", "node would run /gone.js"}}},
		{name: "nothing to run", base: glibc, cfg: cfgWith(func(c *v1.Config) { c.Cmd = nil }),
			wants: []wantF{{KindEntrypoint, "error", "", "neither ENTRYPOINT nor CMD"}}},
		{name: "named user missing", base: glibc, cfg: cfgWith(func(c *v1.Config) { c.Cmd = []string{"node"}; c.User = "app" }),
			wants: []wantF{{KindUser, "error", "/etc/passwd", "USER app is not in /etc/passwd"}}},
		{name: "named user and group present", base: glibc, cfg: cfgWith(func(c *v1.Config) { c.Cmd = []string{"node"}; c.User = "node:node" })},
		{name: "group missing", base: glibc, cfg: cfgWith(func(c *v1.Config) { c.Cmd = []string{"node"}; c.User = "1001:app" }),
			wants: []wantF{{KindUser, "error", "/etc/group", "names the group app"}}},
		{name: "numeric user without passwd", base: []imagetest.Entry{{Path: "app", Mode: 0o755, Content: elftest.StaticGo()}}, cfg: cfgWith(func(c *v1.Config) { c.Cmd = []string{"/app"}; c.User = "65532" })},
		{name: "workdir is a file", base: glibc, cfg: cfgWith(func(c *v1.Config) { c.Cmd = []string{"node"}; c.WorkingDir = "/etc/passwd" }),
			wants: []wantF{{KindWorkdir, "error", "/etc/passwd", "WORKDIR /etc/passwd is a file"}}},
		{name: "large binary read by skipping to its dynamic segment", base: glibc, opts: Options{ELFPrefix: 4096},
			cfg:   cfgWith(func(c *v1.Config) { c.Cmd = []string{"/app/big"} }),
			app:   []imagetest.Entry{imagetest.Dir("app"), {Path: "app/big", Mode: 0o755, Content: buildTestELF(elfSpec{Type: elf.ET_EXEC, Interp: slimtest.GlibcLoader, Needed: []string{"libgone.so.1", "libc.so.6"}, Pad: 2 << 20})}},
			wants: []wantF{{KindLibrary, "error", "/app/big", "/app/big needs libgone.so.1"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := run(t, tt.base, tt.cfg, tt.app, tt.opts)
			if len(res.Findings) != len(tt.wants) {
				t.Errorf("%d findings, want %d:\n%s", len(res.Findings), len(tt.wants), dump(res))
			}
			for i, w := range tt.wants {
				if i >= len(res.Findings) {
					break
				}
				f := res.Findings[i]
				if f.Kind != w.kind || string(f.Severity) != w.sev || f.Path != w.path || !strings.Contains(f.Message, w.text) {
					t.Errorf("finding %d = %+v\nwant %+v", i, f, w)
				}
			}
			if res.Failed() != (res.Errors() > 0) {
				t.Error("Failed disagrees with Errors")
			}
			var chain []string
			for _, s := range res.Chain {
				chain = append(chain, s.Path)
			}
			for _, p := range tt.chain {
				if !contains(chain, p) {
					t.Errorf("chain %v lacks %s", chain, p)
				}
			}
		})
	}
}

func glibcLibEntry(p string, needed ...string) imagetest.Entry {
	return imagetest.Entry{Path: p, Mode: 0o644, Content: elftest.Build(elftest.Spec{Needed: needed, Dynamic: true})}
}

func dump(r *Result) string {
	var b strings.Builder
	for _, f := range r.Findings {
		b.WriteString("  " + string(f.Severity) + " " + f.Kind + " " + f.Path + ": " + f.Message + "\n")
	}
	for _, s := range r.Chain {
		b.WriteString("  chain " + s.Path + " (" + s.What + ")\n")
	}
	return b.String()
}

func TestLibc(t *testing.T) {
	for name, tc := range map[string]struct {
		base []imagetest.Entry
		libc string
	}{
		"glibc": {slimtest.GlibcEntries(), "glibc"},
		"musl":  {slimtest.MuslEntries(), "musl"},
		"none":  {[]imagetest.Entry{{Path: "app", Mode: 0o755, Content: elftest.StaticGo()}}, "none"},
	} {
		t.Run(name, func(t *testing.T) {
			res := run(t, tc.base, cfgWith(func(c *v1.Config) { c.Cmd = []string{"/app"} }), nil, Options{})
			if res.Libc != tc.libc {
				t.Errorf("libc %s, want %s", res.Libc, tc.libc)
			}
		})
	}
}
