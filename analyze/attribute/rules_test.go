package attribute

import (
	"os"
	"strings"
	"testing"

	"github.com/slimcheck/slimcheck/report"
)

func TestRulesMatch(t *testing.T) {
	rules := append(DefaultRules(), dynamicRules(
		[]string{"/", "/root", "/opt/app-root/src", "/home/node"},
		map[string]string{"GOPATH": "/go", "npm_config_cache": "/tmp/npmcache", "CARGO_HOME": "/usr/local/cargo", "GRADLE_USER_HOME": "/"},
		"/opt/app-root/src", []string{"/opt/venv"}, "/usr/local/bin/server")...)
	for _, r := range rules {
		if err := r.Validate(); err != nil {
			t.Fatal(err)
		}
	}
	m := newMatcher(rules)
	tests := []struct {
		path  string
		owned bool
		rule  string // "" for no match
	}{
		{"/usr/include/stdio.h", false, "headers"},
		{"/usr/include/stdio.h", true, "headers"},
		{"/usr/lib/x86_64-linux-gnu/libc.a", false, "static-libraries"},
		{"/usr/lib/libfoo.la", true, "static-libraries"},
		{"/usr/lib/x86_64-linux-gnu/libc.so.6", false, ""},
		{"/usr/bin/gcc", false, "compilers"},
		{"/usr/bin/gcc", true, ""},
		{"/usr/bin/x86_64-linux-gnu-gcc-12", false, "compilers"},
		{"/usr/bin/x86_64-alpine-linux-musl-g++", false, "compilers"},
		{"/usr/bin/ld.bfd", false, "binutils"},
		{"/usr/lib/gcc/x86_64-linux-gnu/12/cc1", false, "compiler-internals"},
		{"/usr/bin/make", false, "build-tools"},
		{"/usr/bin/git-upload-pack", false, "git"},
		{"/usr/libexec/git-core/git-remote-https", false, "git"},
		{"/var/lib/apt/lists/deb.debian.org_dists_bookworm_InRelease", false, "apt-lists"},
		{"/var/lib/apt/lists/deb.debian.org_dists_bookworm_InRelease", true, ""},
		{"/var/cache/apt/archives/curl.deb", false, "apt-cache"},
		{"/var/cache/apk/APKINDEX.tar.gz", false, "apk-cache"},
		{"/root/.npm/_cacache/index-v5/aa", false, "home-caches"},
		{"/opt/app-root/src/.npm/_cacache/content-v2/x", false, "home-caches"},
		{"/home/node/.cache/yarn/v6/npm-x.tgz", false, "home-caches"},
		{"/home/node/.yarn/berry/cache/x-npm-1.0.0-0-10c0.zip", false, "home-caches"},
		{"/root/.yarn/berry/metadata/npm/a3cd44/registry.npmjs.org/ms.json", false, "home-caches"},
		{"/opt/app-root/src/.yarn/cache/x-npm-1.0.0-0-a1.zip", false, "yarn-project-cache"},
		{"/srv/web/.yarn/cache/x.zip", false, "yarn-project-cache"},
		{"/srv/web/.yarn/unplugged/x/node_modules/x/index.js", false, ""},
		{"/srv/web/.yarn/cachex/x.zip", false, ""},
		{"/root/.cache/pip/http/a", false, "home-caches"},
		{"/root/.m2/repository/org/x.jar", false, "home-caches"},
		{"/go/pkg/mod/github.com/x/y.go", false, "go-module-cache"},
		{"/root/.cache/go-build/aa/bb", false, "home-caches"},
		{"/root/.cache/ms-playwright-go/1.47.2/node", false, ""},
		{"/home/node/.cache/ms-playwright/chromium-1134/chrome-linux/chrome", false, ""},
		{"/tmp/npmcache/_cacache/x", false, "env-caches"},
		{"/usr/local/cargo/registry/cache/x.crate", false, "cargo-registry"},
		{"/root/.cache/node-gyp/20.1.0/include/node/node.h", false, "home-build-tools"},
		{"/usr/local/share/.cache/yarn/v6/x", false, "yarn-global-cache"},
		{"/usr/share/doc/curl/copyright", true, "doc"},
		{"/usr/share/man/man1/ls.1.gz", true, "man"},
		{"/usr/share/locale/de/LC_MESSAGES/coreutils.mo", true, "locale"},
		{"/usr/share/locale/en_GB/LC_MESSAGES/coreutils.mo", true, ""},
		{"/usr/share/locale/locale.alias", false, ""},
		{"/usr/lib/locale/C.utf8/LC_CTYPE", false, ""},
		{"/usr/lib/locale/de_DE.utf8/LC_CTYPE", false, "compiled-locales"},
		{"/usr/lib/locale/locale-archive", false, ""},
		{"/opt/app-root/src/node_modules/express/History.md", false, "changelogs"},
		{"/opt/app-root/src/node_modules/x/CHANGELOG.md", true, "changelogs"},
		{"/usr/share/doc/x/changelog.Debian.gz", true, "doc"},
		{"/tmp/build/x.o", false, "tmp"},
		{"/var/log/dpkg.log", false, "logs"},
		{"/opt/app-root/src/logs/app.log", false, "logs"},
		{"/opt/app-root/src/.git/objects/pack/x.pack", false, "app-vcs"},
		{"/opt/app-root/src/server.js", false, "app-dir"},
		{"/opt/app-root/src/node_modules/node-gyp/lib/x.js", false, "node-gyp"},
		{"/usr/local/lib/node_modules/npm/node_modules/node-gyp/gyp/x.py", true, "node-gyp"},
		{"/usr/local/lib/node_modules/npm/lib/npm.js", false, "node-runtime"},
		{"/usr/local/bin/node", false, "node-runtime"},
		{"/usr/local/include/node/node.h", false, "headers"},
		{"/usr/local/lib/python3.12/os.py", false, "python-runtime"},
		{"/usr/local/lib/python3.12/site-packages/flask/app.py", false, "python-site-packages"},
		{"/usr/local/lib/python3.12/site-packages/pip/__init__.py", false, "python-runtime"},
		{"/usr/local/lib/python3.12/site-packages/pip-23.2.dist-info/RECORD", false, "python-runtime"},
		{"/usr/local/lib/python3.12/config-3.12-x86_64-linux-gnu/libpython3.12.a", false, "static-libraries"},
		{"/usr/local/lib/python3.12/config-3.12-x86_64-linux-gnu/Makefile", false, "python-build-config"},
		{"/opt/venv/lib/python3.11/site-packages/django/__init__.py", false, "venv-site-packages"},
		{"/opt/venv/lib/python3.11/site-packages/setuptools/__init__.py", false, ""},
		{"/usr/lib/jvm/java-17-openjdk-amd64/bin/javac", false, "jdk-tools"},
		{"/usr/lib/jvm/java-17-openjdk-amd64/jmods/java.base.jmod", false, "jdk-tools"},
		{"/usr/lib/jvm/java-17-openjdk-amd64/lib/server/libjvm.so", false, "jvm"},
		{"/opt/java/openjdk/lib/modules", false, "jvm"},
		{"/opt/java/openjdk/legal/java.base/LICENSE", false, "jdk-docs"},
		{"/usr/share/dotnet/sdk/8.0.100/dotnet.dll", false, "dotnet-sdk"},
		{"/usr/share/dotnet/shared/Microsoft.NETCore.App/8.0.0/libcoreclr.so", false, "dotnet-runtime"},
		{"/usr/local/go/bin/go", false, "go-toolchain"},
		{"/usr/src/php.tar.xz", false, "php-source"},
		{"/usr/local/lib/php/extensions/no-debug/opcache.so", false, "php-runtime"},
		{"/usr/local/bin/server", false, "entrypoint"},
		{"/etc/ssl/certs/ca-certificates.crt", false, ""},
		{"/", false, ""},
		{"/usr/local/bundle/gems/rails-7.1/lib/rails.rb", false, "ruby-bundle"},
		{"/usr/local/bundle/cache/rails-7.1.gem", false, "gem-cache"},
		{"/root/.gradle/wrapper/dists/gradle-8.5-bin/x.zip", false, "home-build-tools"},
	}
	for _, tc := range tests {
		got := ""
		if ti, ok := m.match(tc.path, tc.owned); ok {
			got = rules[m.terms[ti].rule].ID
		}
		if got != tc.rule {
			t.Errorf("match(%q, owned=%v) = %q, want %q", tc.path, tc.owned, got, tc.rule)
		}
	}
}

// TestRulesDocumented keeps docs/attribution.md in step with the tables:
// every rule id is mentioned there.
func TestRulesDocumented(t *testing.T) {
	b, err := os.ReadFile("../../docs/attribution.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	rules := append(DefaultRules(), dynamicRules([]string{"/root"}, map[string]string{"PIP_CACHE_DIR": "/c", "RUSTUP_HOME": "/r"}, "/app", []string{"/v"}, "/e")...)
	for _, r := range rules {
		if !strings.Contains(doc, "`"+r.ID+"`") {
			t.Errorf("rule %s is not documented in docs/attribution.md", r.ID)
		}
	}
	if !strings.Contains(doc, "`"+UnmatchedRule+"`") {
		t.Errorf("rule %s is not documented", UnmatchedRule)
	}
}

func TestRoles(t *testing.T) {
	tests := []struct {
		eco   string
		names map[string]report.Category
	}{
		{"", map[string]report.Category{
			"gcc": report.BuildToolchain, "gcc-7": report.BuildToolchain, "gcc-c++": report.BuildToolchain, "g++-12": report.BuildToolchain,
			"cpp": report.BuildToolchain, "binutils": report.BuildToolchain, "binutils-gold": report.BuildToolchain, "make": report.BuildToolchain,
			"libc6-dev": report.BuildToolchain, "musl-dev": report.BuildToolchain, "glibc-devel": report.BuildToolchain, "kernel-headers": report.BuildToolchain,
			"glibc-headers": report.BuildToolchain, "linux-headers": report.BuildToolchain, "pkgconf": report.BuildToolchain, "pkg-config": report.BuildToolchain,
			"autoconf": report.BuildToolchain, "automake": report.BuildToolchain, "libtool": report.BuildToolchain, "git": report.BuildToolchain,
			"perl-Git": report.BuildToolchain, "python3-dev": report.BuildToolchain, "libpython3.11-dev": report.BuildToolchain,
			"java-17-openjdk-devel": report.BuildToolchain, "openjdk-17-jdk-headless": report.BuildToolchain, "node-gyp": report.BuildToolchain,
			"zlib1g-dev": report.BuildToolchain, "libssl-dev": report.BuildToolchain, "mpc1": report.BuildToolchain, "isl": report.BuildToolchain,
			"nodejs-docs": report.Docs, "git-man": report.Docs, "man-db": report.Docs,
			"gcc-8-base": report.OSBase, "libgcc1": report.OSBase, "libstdc++6": report.OSBase, "libstdc++": report.OSBase, "busybox-static": report.OSBase,
			"libtool-ltdl": report.OSBase, "bash": report.OSBase, "coreutils": report.OSBase, "perl": report.OSBase, "curl": report.OSBase,
			"libc6": report.OSBase, "tzdata": report.OSBase, "ca-certificates": report.OSBase,
			// Runtimes of an ecosystem that was not detected are plain OS packages.
			"nodejs": report.OSBase, "python3": report.OSBase, "python-libs": report.OSBase, "java-17-openjdk-headless": report.OSBase,
		}},
		{"node", map[string]report.Category{"nodejs": report.Runtime, "npm": report.Runtime, "nodejs-full-i18n": report.Runtime, "libnode72": report.Runtime,
			"nodejs-devel": report.BuildToolchain, "python3": report.OSBase}},
		{"python", map[string]report.Category{"python3": report.Runtime, "python3.11": report.Runtime, "python3.11-minimal": report.Runtime, "python3-pip": report.Runtime,
			"libpython3.11-stdlib": report.Runtime, "python39": report.Runtime, "python39-libs": report.Runtime, "python-libs": report.Runtime,
			"python3-dnf": report.OSBase, "python3-hawkey": report.OSBase, "python3-dev": report.BuildToolchain}},
		{"java", map[string]report.Category{"java-17-openjdk-headless": report.Runtime, "java-17-openjdk": report.Runtime, "openjdk-17-jre-headless": report.Runtime,
			"openjdk17-jre": report.Runtime, "java-17-openjdk-devel": report.BuildToolchain, "openjdk-17-jdk-headless": report.BuildToolchain}},
		{"ruby", map[string]report.Category{"ruby": report.Runtime, "ruby-libs": report.Runtime, "libruby3.1": report.Runtime, "ruby-dev": report.BuildToolchain}},
		{"php", map[string]report.Category{"php81-fpm": report.Runtime, "php-cli": report.Runtime, "php8.2-dev": report.BuildToolchain}},
		{"dotnet", map[string]report.Category{"dotnet-runtime-8.0": report.Runtime, "aspnetcore-runtime-8.0": report.Runtime, "dotnet-sdk-8.0": report.BuildToolchain}},
	}
	for _, tc := range tests {
		tab := newRoleTable(DefaultRoles(), tc.eco)
		for name, want := range tc.names {
			r, ok := tab.lookup(name)
			got := report.OSBase
			if ok {
				got = r.Category
			}
			if got != want {
				t.Errorf("ecosystem %q: role of %s = %s (%s), want %s", tc.eco, name, got, r.Pattern, want)
			}
		}
	}
}

func TestOptionsValidate(t *testing.T) {
	good := Options{AppDir: "/app", Rules: []Rule{{ID: "x", Category: report.Temp, Patterns: []string{"/scratch/"}}}, Roles: []Role{{Pattern: "mytool*", Category: report.BuildToolchain}}}
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := Options{AppDir: "app", Rules: []Rule{{ID: "", Category: report.Temp, Patterns: []string{"/x"}}, {ID: "w", Category: report.Wasted, Patterns: []string{"/x"}},
		{ID: "rel", Category: report.Temp, Patterns: []string{"x/"}}, {ID: "glob", Category: report.Temp, Patterns: []string{"/[x"}}},
		Roles: []Role{{Pattern: "[", Category: report.Docs}, {Pattern: "x", Category: "nope"}}}
	err := bad.Validate()
	if err == nil {
		t.Fatal("invalid options accepted")
	}
	if n := strings.Count(err.Error(), "\n") + 1; n != 7 {
		t.Errorf("want 7 joined errors, got %d: %v", n, err)
	}
}
