package attribute

import (
	"fmt"
	"path"
	"strings"

	"github.com/slimcheck/slimcheck/report"
)

// Rule places files by path. Patterns are absolute, slash-separated and
// matched component by component:
//
//   - a component may be a glob ("python3*", "*.a"; see path.Match);
//   - "**" matches any number of components, including none;
//   - a trailing "/" makes the pattern match the directory and everything
//     below it; otherwise the pattern matches that path only.
//
// When several rules match, the one whose category comes first in
// report.Categories() wins, then the one listed first.
type Rule struct {
	ID       string          // stable identifier, shown as evidence
	Category report.Category // where matching bytes go
	Patterns []string        // what it matches (see above)
	// Except lists globs for the path component right below a directory
	// pattern: entries there whose name matches are not covered
	// (site-packages/ except pip).
	Except []string
	// Owned makes the rule apply to files an OS package owns too; other
	// rules only place files no package owns, since a package's role decides
	// for its files.
	Owned bool
	// FoldCase matches literal components without regard to ASCII case.
	FoldCase bool
	Doc      string // one line saying why
}

// Validate reports a rule that cannot work.
func (r Rule) Validate() error {
	if r.ID == "" {
		return fmt.Errorf("rule without an id")
	}
	if !r.Category.Valid() || r.Category == report.Wasted {
		return fmt.Errorf("rule %s: category %q cannot be assigned by path", r.ID, r.Category)
	}
	if len(r.Patterns) == 0 {
		return fmt.Errorf("rule %s: no patterns", r.ID)
	}
	for _, p := range r.Patterns {
		if !strings.HasPrefix(p, "/") {
			return fmt.Errorf("rule %s: pattern %q is not absolute", r.ID, p)
		}
		for _, c := range strings.Split(strings.Trim(p, "/"), "/") {
			if _, err := path.Match(c, ""); err != nil {
				return fmt.Errorf("rule %s: pattern %q: %w", r.ID, p, err)
			}
		}
	}
	for _, e := range r.Except {
		if _, err := path.Match(e, ""); err != nil || strings.Contains(e, "/") {
			return fmt.Errorf("rule %s: except %q is not a name glob", r.ID, e)
		}
	}
	return nil
}

// binDirs are where commands live.
func binDirs() []string {
	return []string{"/usr/bin", "/usr/local/bin", "/bin", "/usr/sbin", "/sbin"}
}

// inDirs returns dir/name for every dir and name.
func inDirs(dirs []string, names ...string) []string {
	out := make([]string, 0, len(dirs)*len(names))
	for _, d := range dirs {
		for _, n := range names {
			out = append(out, d+"/"+n)
		}
	}
	return out
}

// jdkRoots are where JDKs and JREs live when no package owns them.
func jdkRoots() []string {
	return []string{"/usr/lib/jvm/*", "/opt/java/openjdk", "/usr/local/openjdk-*", "/usr/java/*", "/opt/jdk*", "/opt/java/*"}
}

// dotnetRoots are where .NET lives when no package owns it.
func dotnetRoots() []string {
	return []string{"/usr/share/dotnet", "/usr/lib/dotnet", "/usr/lib64/dotnet", "/opt/dotnet"}
}

func under(roots []string, rels ...string) []string {
	return inDirs(roots, rels...)
}

// pythonRuntimeDists are the distributions an interpreter bundles in
// site-packages (ensurepip and friends): the runtime's, not the app's.
func pythonRuntimeDists() []string {
	return []string{"pip", "pip-*", "setuptools", "setuptools-*", "wheel", "wheel-*", "_distutils_hack",
		"pkg_resources", "distutils-precedence.pth", "README.txt", "__pycache__"}
}

// DefaultRules returns the built-in path rules, grouped by category in
// precedence order. docs/attribution.md describes each.
func DefaultRules() []Rule {
	var rules []Rule
	add := func(r Rule) { rules = append(rules, r) }

	// build-toolchain
	add(Rule{ID: "headers", Category: report.BuildToolchain, Owned: true,
		Patterns: []string{"/usr/include/", "/usr/local/include/"},
		Doc:      "C and C++ headers are only read by compilers"})
	add(Rule{ID: "static-libraries", Category: report.BuildToolchain, Owned: true,
		Patterns: []string{"/**/*.a", "/**/*.la"},
		Doc:      "static libraries (*.a) and libtool archives (*.la) are only read by linkers"})
	add(Rule{ID: "pkg-config", Category: report.BuildToolchain, Owned: true,
		Patterns: []string{"/usr/lib/pkgconfig/", "/usr/lib/*/pkgconfig/", "/usr/lib64/pkgconfig/", "/usr/share/pkgconfig/", "/usr/local/lib/pkgconfig/", "/usr/local/share/pkgconfig/"},
		Doc:      "pkg-config metadata describes how to build against a library"})
	add(Rule{ID: "build-system-data", Category: report.BuildToolchain,
		Patterns: []string{"/usr/share/aclocal/", "/usr/share/aclocal-*/", "/usr/share/autoconf/", "/usr/share/automake-*/",
			"/usr/share/libtool/", "/usr/share/cmake/", "/usr/share/cmake-*/", "/usr/lib/cmake/", "/usr/lib/*/cmake/", "/usr/lib64/cmake/",
			"/usr/local/lib/cmake/", "/usr/local/share/cmake-*/", "/usr/share/meson/"},
		Doc: "autotools, CMake and Meson modules"})
	add(Rule{ID: "compiler-internals", Category: report.BuildToolchain,
		Patterns: []string{"/usr/lib/gcc/", "/usr/libexec/gcc/", "/usr/lib/gcc-cross/", "/usr/local/lib/gcc/", "/usr/local/libexec/gcc/",
			"/usr/lib/llvm-*/", "/usr/lib64/llvm*/", "/usr/lib/bfd-plugins/"},
		Doc: "GCC's cc1, collect2 and runtime objects, LLVM installations"})
	add(Rule{ID: "compilers", Category: report.BuildToolchain,
		Patterns: inDirs(binDirs(), "gcc", "g++", "c++", "cc", "cpp", "c89", "c99", "gcc-*", "g++-*", "cpp-*", "gcov*", "lto-dump*",
			"clang", "clang++", "clang-*", "clang++-*", "llvm-*", "lld", "ld.lld", "gfortran*", "rustc", "rustdoc", "cargo", "rustup",
			"go", "gofmt", "javac", "jar", "jarsigner", "javadoc", "javap", "jlink", "jmod", "jdeps", "jshell", "jdeprscan", "jpackage",
			"*-linux-gnu-*", "*-linux-gnueabi*-*", "*-linux-musl*-*", "*-redhat-linux-*", "*-pc-linux-gnu-*"),
		Doc: "compiler drivers, including target-prefixed ones (x86_64-linux-gnu-gcc-12)"})
	add(Rule{ID: "binutils", Category: report.BuildToolchain,
		Patterns: inDirs(binDirs(), "ld", "ld.bfd", "ld.gold", "gold", "as", "ar", "ranlib", "nm", "objdump", "objcopy", "strip",
			"readelf", "addr2line", "c++filt", "elfedit", "gprof", "gprofng", "dwp", "size"),
		Doc: "assembler, linker and object-file tools"})
	add(Rule{ID: "build-tools", Category: report.BuildToolchain,
		Patterns: inDirs(binDirs(), "make", "gmake", "cmake", "ctest", "cpack", "ccmake", "ninja", "meson", "autoconf", "autoheader",
			"autom4te", "autoreconf", "autoscan", "autoupdate", "ifnames", "automake", "automake-*", "aclocal", "aclocal-*", "libtool",
			"libtoolize", "pkg-config", "pkgconf", "*-pkg-config", "m4", "bison", "yacc", "flex", "flex++", "lex", "patch", "node-gyp",
			"mvn", "gradle", "ant", "sbt", "phpize", "php-config", "docker-php-ext-*", "docker-php-source", "composer", "composer.phar"),
		Doc: "make, CMake, autotools, pkg-config, parser generators, language build tools"})
	add(Rule{ID: "git", Category: report.BuildToolchain,
		Patterns: append(inDirs(binDirs(), "git", "git-*", "gitk", "scalar"),
			"/usr/lib/git-core/", "/usr/libexec/git-core/", "/usr/share/git-core/", "/usr/share/gitweb/", "/usr/share/perl5/Git/",
			"/usr/share/perl5/Git.pm", "/usr/local/libexec/git-core/", "/usr/local/share/git-core/"),
		Doc: "git fetches sources at build time"})
	add(Rule{ID: "kernel-headers", Category: report.BuildToolchain,
		Patterns: []string{"/usr/src/linux-headers-*/", "/usr/src/kernels/", "/lib/modules/*/build/"},
		Doc:      "kernel headers for building modules"})
	add(Rule{ID: "node-gyp", Category: report.BuildToolchain, Owned: true,
		Patterns: []string{"/**/node_modules/node-gyp/", "/**/node_modules/@npmcli/node-gyp/", "/**/node_modules/node-gyp-build-optional-packages/"},
		Doc:      "node-gyp compiles native addons at install time; the runtime never loads it"})
	add(Rule{ID: "jdk-tools", Category: report.BuildToolchain,
		Patterns: under(jdkRoots(), "bin/javac", "bin/jar", "bin/jarsigner", "bin/javadoc", "bin/javap", "bin/jdb", "bin/jdeprscan", "bin/jdeps",
			"bin/jhsdb", "bin/jimage", "bin/jlink", "bin/jmod", "bin/jpackage", "bin/jshell", "bin/rmic", "bin/serialver", "bin/jstatd",
			"jmods/", "include/", "lib/ct.sym", "lib/src.zip", "src.zip", "lib/tools.jar", "lib/sa-jdi.jar"),
		Doc: "JDK-only tools and data (javac, jar, jlink's jmods, ct.sym, src.zip) a JRE does without"})
	add(Rule{ID: "dotnet-sdk", Category: report.BuildToolchain,
		Patterns: under(dotnetRoots(), "sdk/", "sdk-manifests/", "packs/", "templates/", "library-packs/", "metadata/"),
		Doc:      ".NET SDK, targeting packs and templates; apps run on shared/"})
	add(Rule{ID: "go-toolchain", Category: report.BuildToolchain,
		Patterns: []string{"/usr/local/go/", "/usr/lib/go/", "/usr/lib/go-*/", "/usr/lib/golang/"},
		Doc:      "the Go toolchain: Go programs are compiled ahead and need none of it"})
	add(Rule{ID: "rust-toolchain", Category: report.BuildToolchain,
		Patterns: []string{"/usr/local/rustup/", "/usr/local/cargo/bin/", "/usr/lib/rustlib/", "/usr/local/lib/rustlib/"},
		Doc:      "rustup toolchains and cargo-installed tools"})
	add(Rule{ID: "python-build-config", Category: report.BuildToolchain,
		Patterns: []string{"/usr/local/lib/python*/config-*/", "/usr/lib/python*/config-*/", "/usr/lib64/python*/config-*/"},
		Doc:      "libpython static archive and Makefile used to build C extensions"})
	add(Rule{ID: "php-source", Category: report.BuildToolchain,
		Patterns: []string{"/usr/src/php.tar.*", "/usr/src/php/", "/usr/local/lib/php/build/"},
		Doc:      "PHP source tarball and build files kept by docker-php-ext-install"})
	add(Rule{ID: "maven-gradle-install", Category: report.BuildToolchain,
		Patterns: []string{"/usr/share/maven/", "/usr/share/java/maven*/", "/opt/maven/", "/usr/share/gradle/", "/opt/gradle/", "/opt/apache-maven*/"},
		Doc:      "Maven and Gradle installations"})

	// package-cache
	add(Rule{ID: "apt-lists", Category: report.PackageCache, Patterns: []string{"/var/lib/apt/lists/"},
		Doc: "apt package indexes; apt-get update recreates them"})
	add(Rule{ID: "apt-cache", Category: report.PackageCache, Patterns: []string{"/var/cache/apt/"},
		Doc: "downloaded .deb archives and apt's binary caches"})
	add(Rule{ID: "yum-dnf-cache", Category: report.PackageCache,
		Patterns: []string{"/var/cache/yum/", "/var/cache/dnf/", "/var/cache/libdnf5/", "/var/lib/dnf/repos/", "/var/cache/zypp/", "/var/cache/pacman/pkg/"},
		Doc:      "yum, dnf, zypper and pacman metadata and package caches"})
	add(Rule{ID: "apk-cache", Category: report.PackageCache, Patterns: []string{"/var/cache/apk/", "/etc/apk/cache/"},
		Doc: "apk's package cache"})
	add(Rule{ID: "yarn-global-cache", Category: report.PackageCache, Patterns: []string{"/usr/local/share/.cache/"},
		Doc: "yarn's cache for root in the official node images"})
	add(Rule{ID: "go-module-cache", Category: report.PackageCache, Patterns: []string{"/go/pkg/mod/", "/go/pkg/sumdb/"},
		Doc: "Go module cache under GOPATH=/go"})
	add(Rule{ID: "cargo-registry", Category: report.PackageCache, Patterns: []string{"/usr/local/cargo/registry/", "/usr/local/cargo/git/"},
		Doc: "cargo's crate cache under CARGO_HOME=/usr/local/cargo"})
	add(Rule{ID: "gem-cache", Category: report.PackageCache,
		Patterns: []string{"/usr/local/lib/ruby/gems/*/cache/", "/usr/local/bundle/cache/", "/var/lib/gems/*/cache/", "/usr/share/gems/cache/", "/usr/lib/ruby/gems/*/cache/"},
		Doc:      "downloaded .gem archives"})
	add(Rule{ID: "pnpm-store", Category: report.PackageCache, Patterns: []string{"/**/.pnpm-store/"},
		Doc: "pnpm's content-addressed store"})
	add(Rule{ID: "yarn-project-cache", Category: report.PackageCache, Patterns: []string{"/**/.yarn/cache/"},
		Doc: "a Yarn 2+ project's cache of package zips; the zips a Plug'n'Play map references are installed packages, not cache"})

	// docs
	add(Rule{ID: "doc", Category: report.Docs, Owned: true,
		Patterns: []string{"/usr/share/doc/", "/usr/local/share/doc/", "/usr/doc/", "/usr/share/doc-base/", "/usr/share/gtk-doc/",
			"/usr/share/help/", "/usr/share/javadoc/", "/usr/local/lib/php/doc/", "/usr/share/ri/", "/usr/local/share/ri/"},
		Doc: "package documentation"})
	add(Rule{ID: "man", Category: report.Docs, Owned: true,
		Patterns: []string{"/usr/share/man/", "/usr/local/share/man/", "/usr/local/man/", "/usr/man/", "/usr/share/info/", "/usr/local/share/info/"},
		Doc:      "manual and info pages"})
	add(Rule{ID: "locale", Category: report.Docs, Owned: true,
		Patterns: []string{"/usr/share/locale/", "/usr/local/share/locale/"},
		Except:   []string{"C", "C.*", "POSIX", "en", "en_*", "en@*", "locale.alias"},
		Doc:      "message catalogues for languages other than English"})
	add(Rule{ID: "compiled-locales", Category: report.Docs, Owned: true,
		Patterns: []string{"/usr/lib/locale/"},
		Except:   []string{"C", "C.*", "POSIX", "en_*", "en", "locale-archive"},
		Doc:      "compiled locales other than C, POSIX and English"})
	add(Rule{ID: "changelogs", Category: report.Docs, Owned: true, FoldCase: true,
		Patterns: []string{"/**/changelog", "/**/changelog.gz", "/**/changelog.md", "/**/changelog.txt", "/**/changelog.rst",
			"/**/changelog.debian.gz", "/**/changelog.debian", "/**/changes", "/**/changes.md", "/**/changes.txt", "/**/changes.rst",
			"/**/history.md", "/**/history.rst", "/**/news.gz"},
		Doc: "change logs, wherever they are installed"})
	add(Rule{ID: "jdk-docs", Category: report.Docs,
		Patterns: under(jdkRoots(), "man/", "demo/", "sample/", "legal/"),
		Doc:      "JDK manual pages, demos and legal notices"})

	// temp
	add(Rule{ID: "tmp", Category: report.Temp, Patterns: []string{"/tmp/", "/var/tmp/"},
		Doc: "temporary directories"})
	add(Rule{ID: "logs", Category: report.Temp, Patterns: []string{"/var/log/", "/**/*.log"},
		Doc: "log files"})

	// app
	add(Rule{ID: "python-site-packages", Category: report.App,
		Patterns: []string{"/usr/local/lib/python*/site-packages/", "/usr/local/lib/python*/dist-packages/",
			"/usr/lib/python*/site-packages/", "/usr/lib64/python*/site-packages/", "/usr/lib/python3/dist-packages/"},
		Except: pythonRuntimeDists(),
		Doc:    "Python packages installed with pip (files no OS package owns): the app's dependencies"})
	add(Rule{ID: "ruby-bundle", Category: report.App, Patterns: []string{"/usr/local/bundle/"},
		Doc: "gems bundled for the app (GEM_HOME of the official ruby images)"})

	// runtime
	add(Rule{ID: "node-runtime", Category: report.Runtime,
		Patterns: append(inDirs([]string{"/usr/local/bin", "/usr/bin"}, "node", "nodejs", "npm", "npx", "corepack", "yarn", "yarnpkg", "pnpm", "pnpx"),
			"/usr/local/lib/node_modules/", "/usr/lib/node_modules/npm/", "/usr/lib/node_modules/corepack/", "/opt/yarn-*/",
			"/usr/local/share/systemtap/tapset/node.stp"),
		Doc: "node, npm (with its bundled modules), corepack and yarn"})
	add(Rule{ID: "python-runtime", Category: report.Runtime,
		Patterns: append(inDirs([]string{"/usr/local/bin"}, "python*", "pip*", "pydoc*", "idle*", "2to3*", "wheel"),
			"/usr/local/lib/python*/", "/usr/local/lib/libpython*"),
		Doc: "a Python built into /usr/local (the official python images)"})
	add(Rule{ID: "jvm", Category: report.Runtime, Patterns: under(jdkRoots(), ""),
		Doc: "Java runtime"})
	add(Rule{ID: "ruby-runtime", Category: report.Runtime,
		Patterns: append(inDirs([]string{"/usr/local/bin"}, "ruby", "irb", "gem", "bundle", "bundler", "erb", "rake", "rdoc", "ri", "racc", "rbs", "typeprof"),
			"/usr/local/lib/ruby/", "/usr/local/lib/libruby*"),
		Doc: "a Ruby built into /usr/local (the official ruby images)"})
	add(Rule{ID: "php-runtime", Category: report.Runtime,
		Patterns: append(inDirs([]string{"/usr/local/bin", "/usr/local/sbin"}, "php", "php-cgi", "phpdbg", "php-fpm", "pear", "peardev", "pecl", "docker-php-entrypoint"),
			"/usr/local/lib/php/", "/usr/local/etc/php/", "/usr/local/etc/php-fpm.conf", "/usr/local/etc/php-fpm.d/", "/usr/local/etc/pear.conf"),
		Doc: "a PHP built into /usr/local (the official php images)"})
	add(Rule{ID: "dotnet-runtime", Category: report.Runtime, Patterns: under(dotnetRoots(), ""),
		Doc: ".NET host and shared frameworks"})
	return rules
}

// dynamicRules are the rules that depend on the image: caches below home
// directories and cache variables, the application directory, virtualenvs
// and the entrypoint's file.
func dynamicRules(homes []string, env map[string]string, appDir string, venvs []string, entryFile string) []Rule {
	var rules []Rule
	var cache, tool []string
	for _, h := range homes {
		h = strings.TrimSuffix(h, "/")
		cache = append(cache, h+"/.npm/", h+"/.cache/yarn/", h+"/.yarn/berry/cache/", h+"/.yarn/berry/metadata/", h+"/.cache/pip/", h+"/.cache/pypoetry/",
			h+"/.cache/uv/", h+"/.cache/pipenv/", h+"/.m2/repository/", h+"/.gradle/caches/", h+"/.cache/go-build/", h+"/go/pkg/mod/",
			h+"/.cargo/registry/", h+"/.cargo/git/", h+"/.composer/cache/", h+"/.cache/composer/", h+"/.gem/specs/", h+"/.bundle/cache/",
			h+"/.nuget/packages/", h+"/.local/share/pnpm/store/", h+"/.cache/bower/", h+"/.cache/Cypress/", h+"/.yarn-cache/",
			h+"/.local/share/NuGet/")
		// Not ~/.cache/ms-playwright(-go): Playwright's browsers and
		// playwright-go's driver are what a scraper or PDF renderer runs at
		// run time, not a cache it can refill.
		tool = append(tool, h+"/.cache/node-gyp/", h+"/.node-gyp/", h+"/.gradle/wrapper/dists/", h+"/.rustup/", h+"/.cargo/bin/",
			h+"/.dotnet/tools/.store/")
	}
	if len(cache) > 0 {
		rules = append(rules,
			Rule{ID: "home-caches", Category: report.PackageCache, Patterns: cache,
				Doc: "npm, yarn, pnpm, pip, poetry, uv, Maven, Gradle, Go, cargo, composer, gem and NuGet caches below each home directory"},
			Rule{ID: "home-build-tools", Category: report.BuildToolchain, Patterns: tool,
				Doc: "node-gyp headers, Gradle distributions and rustup toolchains below each home directory"})
	}
	var envCache, envTool []string
	dir := func(k string) string {
		v := env[k]
		if !path.IsAbs(v) {
			return ""
		}
		v = path.Clean(v)
		if v == "/" || strings.Count(v, "/") < 1 {
			return ""
		}
		return v + "/"
	}
	for _, k := range []string{"npm_config_cache", "NPM_CONFIG_CACHE", "YARN_CACHE_FOLDER", "PIP_CACHE_DIR", "POETRY_CACHE_DIR",
		"UV_CACHE_DIR", "PIPENV_CACHE_DIR", "GOMODCACHE", "GOCACHE", "COMPOSER_CACHE_DIR", "NUGET_PACKAGES", "BUNDLE_CACHE_PATH"} {
		if d := dir(k); d != "" && !tooBroad(d) {
			envCache = append(envCache, d)
		}
	}
	sub := map[string][]string{
		"GOPATH":             {"pkg/mod/"},
		"CARGO_HOME":         {"registry/", "git/"},
		"GRADLE_USER_HOME":   {"caches/"},
		"COMPOSER_HOME":      {"cache/"},
		"GEM_HOME":           {"cache/"},
		"PNPM_HOME":          {"store/"},
		"YARN_GLOBAL_FOLDER": {"cache/", "metadata/"},
		"XDG_CACHE_HOME":     {"pip/", "yarn/", "pypoetry/", "uv/", "go-build/", "composer/", "pipenv/"},
	}
	for _, k := range sortedKeys(sub) {
		if d := dir(k); d != "" {
			for _, s := range sub[k] {
				envCache = append(envCache, d+s)
			}
		}
	}
	for _, k := range []string{"RUSTUP_HOME", "M2_HOME", "MAVEN_HOME", "GRADLE_HOME"} {
		if d := dir(k); d != "" && !tooBroad(d) {
			envTool = append(envTool, d)
		}
	}
	if d := dir("GRADLE_USER_HOME"); d != "" {
		envTool = append(envTool, d+"wrapper/dists/")
	}
	if d := dir("XDG_CACHE_HOME"); d != "" {
		envTool = append(envTool, d+"node-gyp/")
	}
	if len(envCache) > 0 {
		rules = append(rules, Rule{ID: "env-caches", Category: report.PackageCache, Patterns: envCache,
			Doc: "caches named by the image's ENV (npm_config_cache, PIP_CACHE_DIR, GOMODCACHE, CARGO_HOME...)"})
	}
	if len(envTool) > 0 {
		rules = append(rules, Rule{ID: "env-build-tools", Category: report.BuildToolchain, Patterns: envTool,
			Doc: "build tools named by the image's ENV (RUSTUP_HOME, M2_HOME, GRADLE_HOME)"})
	}
	if appDir != "" && appDir != "/" {
		a := strings.TrimSuffix(appDir, "/")
		rules = append(rules,
			Rule{ID: "app-dir", Category: report.App, Patterns: []string{a + "/"}, Doc: "the application directory"},
			Rule{ID: "app-vcs", Category: report.Temp, Patterns: []string{a + "/**/.git/", a + "/**/.svn/", a + "/**/.hg/"},
				Doc: "version-control metadata copied into the application directory"})
	}
	var venvApp []string
	for _, v := range venvs {
		v = strings.TrimSuffix(v, "/")
		if v == "" {
			continue
		}
		venvApp = append(venvApp, v+"/lib/python*/site-packages/", v+"/lib64/python*/site-packages/")
	}
	if len(venvApp) > 0 {
		rules = append(rules, Rule{ID: "venv-site-packages", Category: report.App, Patterns: venvApp, Except: pythonRuntimeDists(),
			Doc: "packages installed into a Python virtualenv: the app's dependencies"})
	}
	if entryFile != "" {
		rules = append(rules, Rule{ID: "entrypoint", Category: report.App, Patterns: []string{entryFile},
			Doc: "the file the entrypoint runs"})
	}
	return rules
}

// tooBroad reports whether a cache variable points at a directory too
// general to call a cache as a whole.
func tooBroad(d string) bool {
	switch strings.TrimSuffix(d, "/") {
	case "/usr", "/usr/local", "/var", "/opt", "/home", "/root", "/etc", "/srv", "/app":
		return true
	}
	return false
}
