package attribute

import (
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/slimcheck/slimcheck/analyze/ecosystem/elfinfo/elftest"
	"github.com/slimcheck/slimcheck/internal/imagetest"
)

// FuzzAttribute puts arbitrary bytes where attribution reads evidence — a
// package database, a lockfile, passwd, os-release, an addon's ELF header,
// the entrypoint — and checks attribution never fails or panics and always
// keeps its invariants (every byte exactly one category).
func FuzzAttribute(f *testing.F) {
	f.Add(uint8(0), []byte("Package: gcc\nStatus: install ok installed\nVersion: 1\n\n"))
	f.Add(uint8(1), []byte("C:Q1x\nP:gcc\nV:1\nI:100\nF:usr/bin\nR:gcc\n\n"))
	f.Add(uint8(2), []byte("\x00\x06\x15\x61\x00\x00\x00\x09"))
	f.Add(uint8(3), []byte(`{"lockfileVersion":3,"packages":{"node_modules/a":{"dev":true}}}`))
	f.Add(uint8(4), []byte("root:x:0:0::/root:/bin/sh\n"))
	f.Add(uint8(5), elftest.GlibcAddon())
	f.Add(uint8(6), elftest.StaticGo())
	f.Add(uint8(7), []byte("#!/usr/bin/env node\n"))
	targets := []string{"/var/lib/dpkg/status", "/lib/apk/db/installed", "/var/lib/rpm/Packages", "/app/package-lock.json",
		"/etc/passwd", "/app/node_modules/a/a.node", "/app/server", "/usr/local/bin/start", "/etc/os-release", "/opt/venv/pyvenv.cfg"}
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		target := targets[int(which)%len(targets)]
		img := image{
			cfg: v1.Config{Entrypoint: []string{"start"}, Cmd: []string{"/app/server"}, WorkingDir: "/app", Env: []string{"HOME=/app"}},
			layers: [][]imagetest.Entry{
				{
					imagetest.Text("/var/lib/dpkg/info/gcc.list", "/usr/bin/gcc\n/app/node_modules/a/a.node\n"),
					imagetest.File("/usr/bin/gcc", 100),
					imagetest.Text("/app/package.json", `{"name":"x","devDependencies":{"a":"1"}}`),
					imagetest.Text("/app/node_modules/a/package.json", `{"name":"a","version":"1"}`),
					{Path: target, Content: data, Mode: 0o755},
				},
				{imagetest.File("/usr/bin/gcc", 50), imagetest.Whiteout("/app/.npm")},
			},
		}
		run(t, img, DefaultOptions())
	})
}
