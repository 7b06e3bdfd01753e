package attribute

import (
	"reflect"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/slimcheck/slimcheck/analyze/ecosystem/elfinfo/elftest"
	"github.com/slimcheck/slimcheck/internal/imagetest"
	"github.com/slimcheck/slimcheck/report"
)

func exe(p string, b []byte) imagetest.Entry {
	return imagetest.Entry{Path: p, Content: b, Mode: 0o755}
}

// dpkgStanza renders one installed dpkg status stanza.
func dpkgStanza(name, version, depends string) string {
	s := "Package: " + name + "\nStatus: install ok installed\nArchitecture: amd64\nVersion: " + version + "\n"
	if depends != "" {
		s += "Depends: " + depends + "\n"
	}
	return s + "Description: test\n\n"
}

// dpkgList renders an info/<pkg>.list file.
func dpkgList(pkg string, paths ...string) imagetest.Entry {
	return imagetest.Text("/var/lib/dpkg/info/"+pkg+".list", strings.Join(paths, "\n")+"\n")
}

const (
	sizeNode     = 90_000_000
	sizeGCC      = 30_000_000
	sizeCC1      = 25_000_000
	sizeLibc     = 2_000_000
	sizeHeaders  = 400_000
	sizeManLs    = 3_000
	sizeDocCurl  = 9_000
	sizeLocaleDe = 70_000
)

func TestScenarios(t *testing.T) {
	lock := `{"name":"app","version":"1.0.0","lockfileVersion":3,"requires":true,"packages":{
"":{"name":"app","version":"1.0.0","dependencies":{"express":"^4.18.2"},"devDependencies":{"jest":"^29.0.0"}},
"node_modules/express":{"version":"4.18.2"},
"node_modules/jest":{"version":"29.7.0","dev":true},
"node_modules/node-gyp":{"version":"10.0.0","dev":true}}}`
	statusDebian := dpkgStanza("libc6", "2.36-9", "") + dpkgStanza("gcc-12", "12.2.0-14", "cpp-12, libc6") +
		dpkgStanza("cpp-12", "12.2.0-14", "libc6") + dpkgStanza("libc6-dev", "2.36-9", "libc6") +
		dpkgStanza("perl", "5.36.0-7", "perl-modules-5.36, libc6") + dpkgStanza("perl-modules-5.36", "5.36.0-7", "perl") +
		dpkgStanza("git", "1:2.39.2-1", "perl, libc6, libcurl3-gnutls") + dpkgStanza("libcurl3-gnutls", "7.88.1-10", "libc6") +
		dpkgStanza("curl", "7.88.1-10", "libc6") + dpkgStanza("nodejs", "18.19.0-1", "libc6, libuv1") + dpkgStanza("libuv1", "1.44.2-1", "libc6")
	debianLists := []imagetest.Entry{
		dpkgList("libc6", "/.", "/lib", "/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu/libc.so.6", "/usr/share/doc/libc6/copyright", "/usr/share/locale/de/LC_MESSAGES/libc.mo"),
		dpkgList("gcc-12", "/usr", "/usr/bin/gcc-12", "/usr/share/man/man1/gcc-12.1.gz"),
		dpkgList("cpp-12", "/usr/lib/gcc/x86_64-linux-gnu/12/cc1"),
		dpkgList("libc6-dev", "/usr/include/stdio.h", "/usr/lib/x86_64-linux-gnu/libc.a"),
		dpkgList("perl", "/usr/bin/perl"),
		dpkgList("perl-modules-5.36", "/usr/share/perl/5.36/strict.pm"),
		dpkgList("git", "/usr/bin/git", "/usr/share/doc/git/README"),
		dpkgList("libcurl3-gnutls", "/usr/lib/x86_64-linux-gnu/libcurl-gnutls.so.4"),
		dpkgList("curl", "/usr/bin/curl", "/usr/share/doc/curl/copyright", "/usr/share/man/man1/curl.1.gz"),
		dpkgList("nodejs", "/usr/bin/node", "/usr/include/node/node.h", "/usr/share/doc/nodejs/changelog.Debian.gz"),
		dpkgList("libuv1", "/usr/lib/x86_64-linux-gnu/libuv.so.1"),
	}
	debianBase := append([]imagetest.Entry{
		imagetest.Text("/etc/os-release", "ID=debian\nVERSION_ID=12\n"),
		imagetest.Text("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\ndefault:x:1001:0::/opt/app-root/src:/sbin/nologin\n"),
		imagetest.Symlink("/lib64", "lib/x86_64-linux-gnu"),
		imagetest.File("/lib/x86_64-linux-gnu/libc.so.6", sizeLibc),
		imagetest.File("/usr/share/doc/libc6/copyright", 1_000),
		imagetest.File("/usr/share/locale/de/LC_MESSAGES/libc.mo", sizeLocaleDe),
		imagetest.File("/usr/lib/x86_64-linux-gnu/libcurl-gnutls.so.4", 600_000),
		exe("/usr/bin/curl", elftest.GlibcExecutable()),
		imagetest.File("/usr/share/doc/curl/copyright", sizeDocCurl),
		imagetest.File("/usr/share/man/man1/curl.1.gz", sizeManLs),
		imagetest.File("/etc/hostname", 10),
	}, debianLists...)

	tests := []struct {
		name       string
		img        image
		opts       Options
		categories map[string]report.Category // path → category
		rules      map[string]string          // path → evidence rule (or package name for package evidence)
		eco        string
		appDir     string
		problems   []string // substrings, one per expected problem, in order
		toolchain  []string // packages in build-toolchain
		totals     map[report.Category]int64
	}{
		{
			name: "s2i node build left in the runtime image",
			img: image{
				cfg: v1.Config{Env: []string{"HOME=/opt/app-root/src", "NODEJS_VERSION=18", "PATH=/usr/local/bin:/usr/bin:/bin"},
					Cmd: []string{"/bin/sh", "-c", "$STI_SCRIPTS_PATH/run"}, WorkingDir: "/opt/app-root/src", User: "1001"},
				layers: [][]imagetest.Entry{
					append(append([]imagetest.Entry{imagetest.Text("/var/lib/dpkg/status", statusDebian)}, debianBase...),
						exe("/usr/bin/node", elftest.GlibcExecutable()), imagetest.File("/usr/include/node/node.h", sizeHeaders),
						imagetest.File("/usr/share/doc/nodejs/changelog.Debian.gz", 5_000),
						imagetest.File("/usr/lib/x86_64-linux-gnu/libuv.so.1", 150_000),
						exe("/usr/bin/gcc-12", elftest.GlibcExecutable()), imagetest.File("/usr/share/man/man1/gcc-12.1.gz", 2_000),
						imagetest.File("/usr/lib/gcc/x86_64-linux-gnu/12/cc1", sizeCC1),
						imagetest.File("/usr/include/stdio.h", 30_000), imagetest.File("/usr/lib/x86_64-linux-gnu/libc.a", 5_000_000),
						exe("/usr/bin/perl", elftest.GlibcExecutable()), imagetest.File("/usr/share/perl/5.36/strict.pm", 4_000),
						exe("/usr/bin/git", elftest.GlibcExecutable()), imagetest.File("/usr/share/doc/git/README", 1_500),
						imagetest.File("/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4", 9_000_000),
						imagetest.File("/var/cache/apt/archives/gcc-12.deb", 20_000_000),
					),
					{
						imagetest.Text("/opt/app-root/src/package.json", `{"name":"app","version":"1.0.0","dependencies":{"express":"^4.18.2"},"devDependencies":{"jest":"^29.0.0"}}`),
						imagetest.Text("/opt/app-root/src/package-lock.json", lock),
						imagetest.Text("/opt/app-root/src/server.js", "require('express')\n"),
						imagetest.Text("/opt/app-root/src/node_modules/express/package.json", `{"name":"express","version":"4.18.2"}`),
						imagetest.File("/opt/app-root/src/node_modules/express/index.js", 200_000),
						imagetest.File("/opt/app-root/src/node_modules/express/History.md", 100_000),
						imagetest.Text("/opt/app-root/src/node_modules/jest/package.json", `{"name":"jest","version":"29.7.0"}`),
						imagetest.File("/opt/app-root/src/node_modules/jest/build/index.js", 3_000_000),
						imagetest.File("/opt/app-root/src/node_modules/jest/CHANGELOG.md", 50_000),
						imagetest.Text("/opt/app-root/src/node_modules/node-gyp/package.json", `{"name":"node-gyp","version":"10.0.0"}`),
						imagetest.File("/opt/app-root/src/node_modules/node-gyp/lib/build.js", 700_000),
						imagetest.File("/opt/app-root/src/.npm/_cacache/content-v2/sha512/ab/cd", 40_000_000),
						imagetest.File("/opt/app-root/src/.git/objects/pack/pack-1.pack", 12_000_000),
						imagetest.File("/opt/app-root/src/npm-debug.log", 6_000),
						imagetest.File("/tmp/build-cache.tar", 1_000_000),
					},
				},
			},
			categories: map[string]report.Category{
				"/usr/bin/node": report.Runtime, "/usr/include/node/node.h": report.BuildToolchain, "/usr/share/doc/nodejs/changelog.Debian.gz": report.Docs,
				"/usr/lib/x86_64-linux-gnu/libuv.so.1": report.Runtime, "/usr/bin/gcc-12": report.BuildToolchain, "/usr/share/man/man1/gcc-12.1.gz": report.BuildToolchain,
				"/usr/lib/gcc/x86_64-linux-gnu/12/cc1": report.BuildToolchain, "/usr/include/stdio.h": report.BuildToolchain,
				"/usr/bin/perl": report.BuildToolchain, "/usr/share/perl/5.36/strict.pm": report.BuildToolchain, "/usr/bin/git": report.BuildToolchain,
				"/usr/share/doc/git/README": report.BuildToolchain, "/usr/lib/x86_64-linux-gnu/libcurl-gnutls.so.4": report.BuildToolchain,
				"/lib/x86_64-linux-gnu/libc.so.6": report.OSBase, "/usr/share/doc/libc6/copyright": report.Docs,
				"/usr/share/locale/de/LC_MESSAGES/libc.mo": report.Docs, "/usr/bin/curl": report.OSBase, "/usr/share/man/man1/curl.1.gz": report.Docs,
				"/etc/hostname": report.OSBase, "/var/lib/dpkg/status": report.OSBase,
				"/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4": report.PackageCache,
				"/var/cache/apt/archives/gcc-12.deb":                                                     report.PackageCache,
				"/opt/app-root/src/server.js":                                                            report.App, "/opt/app-root/src/node_modules/express/index.js": report.App,
				"/opt/app-root/src/node_modules/express/History.md": report.Docs, "/opt/app-root/src/node_modules/jest/build/index.js": report.DevDependencies,
				"/opt/app-root/src/node_modules/jest/CHANGELOG.md": report.DevDependencies, "/opt/app-root/src/node_modules/node-gyp/lib/build.js": report.BuildToolchain,
				"/opt/app-root/src/.npm/_cacache/content-v2/sha512/ab/cd": report.PackageCache, "/opt/app-root/src/.git/objects/pack/pack-1.pack": report.Temp,
				"/opt/app-root/src/npm-debug.log": report.Temp, "/tmp/build-cache.tar": report.Temp,
			},
			rules: map[string]string{
				"/usr/bin/node": "nodejs", "/usr/include/node/node.h": "nodejs/headers", "/usr/lib/x86_64-linux-gnu/libuv.so.1": "libuv1",
				"/usr/bin/perl": "perl", "/opt/app-root/src/.npm/_cacache/content-v2/sha512/ab/cd": "home-caches",
				"/opt/app-root/src/node_modules/jest/build/index.js": "lockfile:jest", "/opt/app-root/src/node_modules/express/index.js": "lockfile:express",
				"/opt/app-root/src/server.js": "app-dir", "/etc/hostname": UnmatchedRule, "/usr/share/man/man1/curl.1.gz": "curl/man",
			},
			eco: "node", appDir: "/opt/app-root/src",
			toolchain: []string{"cpp-12", "gcc-12", "git", "libc6-dev", "libcurl3-gnutls", "perl", "perl-modules-5.36"},
		},
		{
			name: "python official image with pip cache",
			img: image{
				cfg: v1.Config{Env: []string{"PATH=/usr/local/bin:/usr/bin:/bin", "PYTHON_VERSION=3.12.1"}, Cmd: []string{"python3", "app.py"}, WorkingDir: "/usr/src/app"},
				layers: [][]imagetest.Entry{
					{
						exe("/usr/local/bin/python3.12", elftest.GlibcExecutable()), imagetest.Symlink("/usr/local/bin/python3", "python3.12"),
						imagetest.File("/usr/local/lib/python3.12/os.py", 40_000),
						imagetest.File("/usr/local/lib/libpython3.12.so.1.0", 20_000_000),
						imagetest.File("/usr/local/lib/python3.12/config-3.12-x86_64-linux-gnu/libpython3.12.a", 50_000_000),
						imagetest.File("/usr/local/include/python3.12/Python.h", 5_000),
						imagetest.File("/usr/local/lib/python3.12/site-packages/pip/__init__.py", 3_000_000),
						imagetest.File("/lib/x86_64-linux-gnu/libc.so.6", sizeLibc),
					},
					{
						imagetest.Text("/usr/src/app/requirements.txt", "flask\n"), imagetest.File("/usr/src/app/app.py", 2_000),
						imagetest.File("/usr/local/lib/python3.12/site-packages/flask/app.py", 60_000),
						imagetest.Entry{Path: "/usr/local/lib/python3.12/site-packages/markupsafe/_speedups.cpython-312-x86_64-linux-gnu.so", Content: elftest.GlibcAddon()},
						imagetest.File("/root/.cache/pip/http-v2/a/b/c", 8_000_000),
					},
				},
			},
			categories: map[string]report.Category{
				"/usr/local/bin/python3.12": report.Runtime, "/usr/local/lib/python3.12/os.py": report.Runtime, "/usr/local/lib/libpython3.12.so.1.0": report.Runtime,
				"/usr/local/lib/python3.12/config-3.12-x86_64-linux-gnu/libpython3.12.a": report.BuildToolchain,
				"/usr/local/include/python3.12/Python.h":                                 report.BuildToolchain, "/usr/local/lib/python3.12/site-packages/pip/__init__.py": report.Runtime,
				"/usr/local/lib/python3.12/site-packages/flask/app.py": report.App, "/root/.cache/pip/http-v2/a/b/c": report.PackageCache,
				"/usr/src/app/app.py": report.App,
			},
			eco: "python", appDir: "/usr/src/app",
			totals: map[report.Category]int64{report.Runtime: 23_040_000 + int64(len(elftest.GlibcExecutable())),
				report.BuildToolchain: 50_005_000, report.App: 62_000 + int64(len("flask\n")) + int64(len(elftest.GlibcAddon())), report.PackageCache: 8_000_000, report.OSBase: sizeLibc},
		},
		{
			name: "static go binary on distroless",
			img: image{
				cfg: v1.Config{Entrypoint: []string{"/app/server"}, User: "nonroot"},
				layers: [][]imagetest.Entry{
					{imagetest.File("/etc/ssl/certs/ca-certificates.crt", 200_000), imagetest.Text("/etc/passwd", "root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n")},
					{exe("/app/server", elftest.StaticGo()), imagetest.File("/home/nonroot/.cache/go-build/aa/bb", 1_000_000), imagetest.File("/usr/local/go/bin/go", 15_000_000)},
				},
			},
			categories: map[string]report.Category{"/app/server": report.App, "/home/nonroot/.cache/go-build/aa/bb": report.PackageCache,
				"/usr/local/go/bin/go": report.BuildToolchain, "/etc/ssl/certs/ca-certificates.crt": report.OSBase},
			rules: map[string]string{"/app/server": "app-dir"},
			eco:   "static", appDir: "/app",
		},
		{
			name: "wasted bytes and hard links",
			img: image{
				layers: [][]imagetest.Entry{
					{imagetest.File("/data/big.bin", 1_000), imagetest.File("/data/keep.bin", 300), imagetest.File("/usr/include/a.h", 700),
						imagetest.Hardlink("/usr/include/b.h", "/usr/include/a.h"), imagetest.File("/var/lib/apt/lists/x", 5_000)},
					{imagetest.Whiteout("/data/big.bin"), imagetest.File("/data/keep.bin", 200), imagetest.Whiteout("/usr/include/a.h"),
						imagetest.Whiteout("/var/lib/apt/lists")},
					{imagetest.File("/scratch/x", 10), imagetest.File("/scratch/x", 20)},
				},
			},
			categories: map[string]report.Category{"/data/keep.bin": report.OSBase, "/usr/include/b.h": report.BuildToolchain, "/scratch/x": report.OSBase},
			totals:     map[report.Category]int64{report.Wasted: 1_000 + 300 + 5_000 + 10, report.BuildToolchain: 700, report.OSBase: 200 + 20},
		},
		{
			name: "corrupt databases fall back to path rules",
			img: image{
				layers: [][]imagetest.Entry{{
					imagetest.Text("/var/lib/dpkg/status", "Package: gcc\nStatus: install ok installed\nVersion: 1\n\x00\x01garbage without colon\n"),
					imagetest.Text("/var/lib/rpm/Packages", "not a berkeley db at all, just text"),
					imagetest.Text("/lib/apk/db/installed", "C:Q1abc\nP:musl\nV:1.2\nR:\n"),
					imagetest.Text("/app/package.json", `{"name":"x","devDependencies":{"a":"1"}}`),
					imagetest.Text("/app/package-lock.json", `{"lockfileVersion":3,"packages":{`),
					imagetest.File("/usr/bin/gcc", 1_000), imagetest.File("/usr/share/doc/gcc/README", 100), imagetest.File("/app/index.js", 10),
				}},
			},
			categories: map[string]report.Category{"/usr/bin/gcc": report.BuildToolchain, "/usr/share/doc/gcc/README": report.Docs, "/app/index.js": report.App},
			rules:      map[string]string{"/usr/bin/gcc": "compilers"},
			problems: []string{"/app/package-lock.json: decoding lockfile", "/lib/apk/db/installed: line 4", "/var/lib/dpkg/info: no file list for 1 of 1",
				"/var/lib/dpkg/status: line 4", "/var/lib/rpm/Packages: unrecognised rpm database format"},
			appDir: "/app", eco: "node",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ix, res := run(t, tc.img, tc.opts)
			for p, want := range tc.categories {
				if got, ev := categoryOf(t, ix, res, p); got != want {
					t.Errorf("%s: %s (%+v), want %s", p, got, ev, want)
				}
			}
			for p, want := range tc.rules {
				_, ev := categoryOf(t, ix, res, p)
				got := ev.Rule
				switch ev.Kind {
				case KindPackage:
					got = ev.Package
					if ev.Rule != "" {
						got += "/" + ev.Rule
					}
				case KindLockfile:
					got = "lockfile:" + ev.Package
				}
				if got != want {
					t.Errorf("%s: evidence %q (%+v), want %q", p, got, ev, want)
				}
			}
			if tc.eco != "" && res.Ecosystem.Name != tc.eco {
				t.Errorf("ecosystem %q, want %q (%q)", res.Ecosystem.Name, tc.eco, res.Ecosystem.Evidence)
			}
			if res.Ecosystem.AppDir != tc.appDir {
				t.Errorf("app dir %q, want %q", res.Ecosystem.AppDir, tc.appDir)
			}
			var probs []string
			for _, p := range res.Problems {
				probs = append(probs, p.Path+": "+p.Reason)
			}
			if len(probs) != len(tc.problems) {
				t.Errorf("problems:\n%s\nwant %d: %q", strings.Join(probs, "\n"), len(tc.problems), tc.problems)
			} else {
				for i, want := range tc.problems {
					if !strings.Contains(probs[i], want) {
						t.Errorf("problem %d = %q, want it to mention %q", i, probs[i], want)
					}
				}
			}
			if tc.toolchain != nil {
				if got := packageNames(res, report.BuildToolchain); !reflect.DeepEqual(got, tc.toolchain) {
					t.Errorf("toolchain packages %q, want %q", got, tc.toolchain)
				}
			}
			if tc.totals != nil {
				if got := totals(ix, res); !reflect.DeepEqual(got, tc.totals) {
					t.Errorf("totals %s\nwant   %s", formatTotals(got), formatTotals(tc.totals))
				}
			}
		})
	}
}
