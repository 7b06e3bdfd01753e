// Package slimtest builds small runtime base images for tests: a glibc one
// laid out like Debian's node image and a musl one like Alpine's, each with
// a program loader, a C library, libstdc++ and libgcc_s, a shell, env, a
// node binary that needs them, npm as a "#!/usr/bin/env node" script and
// the usual /etc files. Every ELF file is a small, valid ELF from elftest
// that links exactly as the real one does.
package slimtest

import (
	"debug/elf"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/slimcheck/slimcheck/analyze/ecosystem/elfinfo/elftest"
	"github.com/slimcheck/slimcheck/internal/imagetest"
)

// Loaders and libc sonames.
const (
	GlibcLoader = "/lib64/ld-linux-x86-64.so.2"
	MuslLoader  = "/lib/ld-musl-x86_64.so.1"
	MuslLibc    = "libc.musl-x86_64.so.1"
)

// Path is the PATH both bases set.
const Path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// nodeNeeds are node's DT_NEEDED libraries on glibc.
func nodeNeeds() []string {
	return []string{"libdl.so.2", "libstdc++.so.6", "libm.so.6", "libgcc_s.so.1", "libpthread.so.0", "libc.so.6"}
}

func exe(mode int64, b []byte, p string) imagetest.Entry {
	return imagetest.Entry{Path: p, Content: b, Mode: mode}
}

// sizes gives the big files of the images Glibc and Musl return their real
// order of size, so that the base weighs in an estimate: the ELF headers,
// then zeros (as the demo's binaries are made). The entry lists stay small.
var sizes = map[string]int{
	"usr/local/bin/node": 24 << 20, "usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30": 2 << 20,
	"lib/x86_64-linux-gnu/libc.so.6": 2 << 20, "usr/lib/libstdc++.so.6.0.32": 2 << 20,
}

// sized pads the files Sizes names.
func sized(es []imagetest.Entry) []imagetest.Entry {
	out := make([]imagetest.Entry, len(es))
	for i, e := range es {
		if n := sizes[e.Path]; n > len(e.Content) {
			b := make([]byte, n)
			copy(b, e.Content)
			e.Content = b
		}
		out[i] = e
	}
	return out
}

func glibcExe(p string, needed ...string) imagetest.Entry {
	return exe(0o755, elftest.Build(elftest.Spec{Type: elf.ET_EXEC, Interp: GlibcLoader, Needed: needed,
		Versions: map[string][]string{"libc.so.6": {"GLIBC_2.2.5"}}}), p)
}

func glibcLib(p, soname string, needed ...string) imagetest.Entry {
	return exe(0o644, elftest.Build(elftest.Spec{Soname: soname, Needed: needed, Dynamic: true}), p)
}

func muslExe(p string, needed ...string) imagetest.Entry {
	return exe(0o755, elftest.Build(elftest.Spec{Type: elf.ET_EXEC, Interp: MuslLoader, Needed: needed}), p)
}

func muslLib(p, soname string, needed ...string) imagetest.Entry {
	return exe(0o755, elftest.Build(elftest.Spec{Soname: soname, Needed: needed, Dynamic: true}), p)
}

func dirs(ps ...string) []imagetest.Entry {
	var out []imagetest.Entry
	for _, p := range ps {
		out = append(out, imagetest.Dir(p))
	}
	return out
}

// npm is laid out as the node images have it.
func npm() []imagetest.Entry {
	return append(dirs("usr/local/lib/node_modules", "usr/local/lib/node_modules/npm", "usr/local/lib/node_modules/npm/bin", "usr/local/lib/node_modules/npm/lib"),
		imagetest.Entry{Path: "usr/local/lib/node_modules/npm/bin/npm-cli.js", Mode: 0o755, Content: []byte("#!/usr/bin/env node\nrequire('../lib/cli.js')(process)\n")},
		imagetest.Text("usr/local/lib/node_modules/npm/lib/cli.js", "module.exports = () => {}\n"),
		imagetest.Symlink("usr/local/bin/npm", "../lib/node_modules/npm/bin/npm-cli.js"),
		imagetest.Entry{Path: "usr/local/bin/docker-entrypoint.sh", Mode: 0o755, Content: []byte("#!/bin/sh\nset -e\nif [ \"${1#-}\" != \"${1}\" ]; then\n  set -- node \"$@\"\nfi\nexec \"$@\"\n")},
	)
}

// GlibcEntries are the files of the glibc base, in one layer (small: Glibc and Musl pad the big files).
func GlibcEntries() []imagetest.Entry {
	const lib = "lib/x86_64-linux-gnu/"
	e := dirs("bin", "etc", "etc/ld.so.conf.d", "home", "home/node", "lib", "lib/x86_64-linux-gnu", "lib64", "usr", "usr/bin",
		"usr/lib", "usr/lib/x86_64-linux-gnu", "usr/local", "usr/local/bin", "usr/local/lib", "usr/local/sbin", "usr/sbin", "sbin", "tmp", "root")
	e[len(e)-2].Mode, e[len(e)-1].Mode = 0o1777, 0o700
	e = append(e,
		imagetest.Text("etc/passwd", "root:x:0:0:root:/root:/bin/bash\nnode:x:1000:1000::/home/node:/bin/bash\n"),
		imagetest.Text("etc/group", "root:x:0:\nnode:x:1000:\n"),
		imagetest.Text("etc/ld.so.conf", "include /etc/ld.so.conf.d/*.conf\n"),
		imagetest.Text("etc/ld.so.conf.d/x86_64-linux-gnu.conf", "# Multiarch support\n/usr/local/lib/x86_64-linux-gnu\n/lib/x86_64-linux-gnu\n/usr/lib/x86_64-linux-gnu\n"),
		glibcLib(lib+"ld-linux-x86-64.so.2", "ld-linux-x86-64.so.2"),
		imagetest.Symlink("lib64/ld-linux-x86-64.so.2", "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"),
		glibcLib(lib+"libc.so.6", "libc.so.6", "ld-linux-x86-64.so.2"),
		glibcLib(lib+"libm.so.6", "libm.so.6", "libc.so.6"),
		glibcLib(lib+"libdl.so.2", "libdl.so.2", "libc.so.6"),
		glibcLib(lib+"libpthread.so.0", "libpthread.so.0", "libc.so.6"),
		glibcLib(lib+"libgcc_s.so.1", "libgcc_s.so.1", "libc.so.6"),
		glibcLib(lib+"libtinfo.so.6.4", "libtinfo.so.6", "libc.so.6"),
		imagetest.Symlink(lib+"libtinfo.so.6", "libtinfo.so.6.4"),
		glibcLib("usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30", "libstdc++.so.6", "libm.so.6", "libc.so.6", "libgcc_s.so.1"),
		imagetest.Symlink("usr/lib/x86_64-linux-gnu/libstdc++.so.6", "libstdc++.so.6.0.30"),
		glibcExe("bin/bash", "libtinfo.so.6", "libc.so.6"),
		imagetest.Symlink("bin/sh", "bash"),
		glibcExe("usr/bin/env", "libc.so.6"),
		glibcExe("usr/local/bin/node", nodeNeeds()...),
	)
	return append(e, npm()...)
}

// MuslEntries are the files of the musl base, in one layer (small: Glibc and Musl pad the big files).
func MuslEntries() []imagetest.Entry {
	e := dirs("bin", "etc", "home", "home/node", "lib", "usr", "usr/bin", "usr/lib", "usr/local", "usr/local/bin", "usr/local/lib", "sbin", "usr/sbin", "tmp", "root")
	e = append(e,
		imagetest.Text("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000::/home/node:/bin/sh\n"),
		imagetest.Text("etc/group", "root:x:0:root\nnode:x:1000:node\n"),
		imagetest.Text("etc/os-release", "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.19.1\n"),
		muslLib("lib/ld-musl-x86_64.so.1", MuslLibc),
		imagetest.Symlink("lib/"+MuslLibc, "ld-musl-x86_64.so.1"),
		muslExe("bin/busybox", MuslLibc),
		imagetest.Symlink("bin/sh", "/bin/busybox"),
		imagetest.Symlink("usr/bin/env", "/bin/busybox"),
		muslExe("bin/bash", "libreadline.so.8", MuslLibc),
		muslLib("usr/lib/libreadline.so.8.2", "libreadline.so.8", MuslLibc),
		imagetest.Symlink("usr/lib/libreadline.so.8", "libreadline.so.8.2"),
		muslLib("usr/lib/libgcc_s.so.1", "libgcc_s.so.1", MuslLibc),
		muslLib("usr/lib/libstdc++.so.6.0.32", "libstdc++.so.6", "libgcc_s.so.1", MuslLibc),
		imagetest.Symlink("usr/lib/libstdc++.so.6", "libstdc++.so.6.0.32"),
		muslExe("usr/local/bin/node", "libstdc++.so.6", "libgcc_s.so.1", MuslLibc),
	)
	return append(e, npm()...)
}

// Config is the config both bases carry, like the node images'.
func Config() v1.Config {
	return v1.Config{
		Env:        []string{"PATH=" + Path, "NODE_VERSION=20.11.1", "YARN_VERSION=1.22.19"},
		Entrypoint: []string{"docker-entrypoint.sh"},
		Cmd:        []string{"node"},
		Labels:     map[string]string{"org.example.base": "yes"},
	}
}

// Glibc returns the glibc base image (two layers: the files and a layer
// that adds /etc/motd, so layer order matters).
func Glibc(tb testing.TB) v1.Image {
	tb.Helper()
	return imagetest.Image(tb, Config(), []string{"ADD rootfs /", "RUN echo hi > /etc/motd"},
		imagetest.Layer(tb, sized(GlibcEntries())...), imagetest.Layer(tb, imagetest.Text("etc/motd", "hi\n")))
}

// Musl returns the musl base image.
func Musl(tb testing.TB) v1.Image {
	tb.Helper()
	return imagetest.Image(tb, Config(), []string{"ADD alpine-minirootfs.tar.gz /"}, imagetest.Layer(tb, sized(MuslEntries())...))
}
