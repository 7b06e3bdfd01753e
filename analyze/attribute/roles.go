package attribute

import (
	"fmt"
	"path"
	"strings"

	"github.com/slimcheck/slimcheck/report"
)

// Role gives the files of OS packages whose name matches Pattern (a glob,
// see path.Match) a category. The first matching role wins; packages no
// role matches are os-base, unless every installed package that depends on
// them is build-toolchain (then they are too) or runtime (see
// docs/attribution.md).
type Role struct {
	Pattern  string          // package name glob: "gcc", "gcc-*", "*-dev"
	Category report.Category // where the package's files go
	// Ecosystem, when set, limits the role to images whose detected
	// ecosystem it is: python3 is the runtime of a Python app, but only the
	// interpreter yum or node-gyp needs in a Node.js image.
	Ecosystem string
	Doc       string // why
}

// Validate reports a role that cannot work.
func (r Role) Validate() error {
	if r.Pattern == "" {
		return fmt.Errorf("role without a pattern")
	}
	if _, err := path.Match(r.Pattern, ""); err != nil {
		return fmt.Errorf("role %q: %w", r.Pattern, err)
	}
	if !r.Category.Valid() || r.Category == report.Wasted {
		return fmt.Errorf("role %q: category %q cannot be assigned to a package", r.Pattern, r.Category)
	}
	return nil
}

// DefaultRoles returns the built-in package roles for dpkg, apk and rpm
// package names.
func DefaultRoles() []Role {
	var roles []Role
	add := func(c report.Category, doc string, patterns ...string) {
		for _, p := range patterns {
			roles = append(roles, Role{Pattern: p, Category: c, Doc: doc})
		}
	}
	runtime := func(eco string, patterns ...string) {
		for _, p := range patterns {
			roles = append(roles, Role{Pattern: p, Category: report.Runtime, Ecosystem: eco, Doc: "the " + eco + " runtime"})
		}
	}
	// Exceptions first: packages a broader pattern below would misplace.
	add(report.OSBase, "runtime pieces whose names look like build tools",
		"gcc-*-base", "busybox*", "libtool-ltdl", "libltdl*", "libgcc", "libgcc-s*", "libgcc1", "libstdc++", "libstdc++[0-9]*")
	// Language runtimes' -dev/-devel variants come before the runtimes so
	// that "python3-*" does not catch python3-dev.
	add(report.BuildToolchain, "development files and build tools of a language runtime",
		"node-gyp", "composer", "php-composer*",
		"python*-dev", "python*-devel", "libpython*-dev", "nodejs-devel", "nodejs*-dev", "libnode-dev", "ruby-dev", "ruby*-devel",
		"php*-dev", "php*-devel", "java-*-openjdk-devel", "java-*-openjdk-jmods", "java-*-openjdk-src", "java-*-openjdk-demo",
		"openjdk-*-jdk", "openjdk-*-jdk-headless", "openjdk*-jdk", "temurin-*-jdk", "dotnet-sdk-*", "dotnet-targeting-pack-*",
		"aspnetcore-targeting-pack-*", "dotnet-apphost-pack-*", "netstandard-targeting-pack-*", "dotnet-templates-*")
	add(report.Docs, "documentation packages",
		"*-doc", "*-docs", "*-man", "man-db", "man-pages", "manpages", "manpages-*", "*-manual", "info", "install-info", "groff", "texinfo-doc*")
	// Runtime roles hold only for the detected ecosystem; a distribution's
	// Python libraries (python3-dnf) are never "the runtime".
	runtime("node", "nodejs", "nodejs-*", "nodejs[0-9]*", "libnode[0-9]*", "npm", "node-*")
	runtime("python", "python", "python[0-9]", "python[0-9].*", "python[0-9][0-9]", "python[0-9][0-9]-libs", "python[0-9]-libs",
		"python-libs", "python[0-9]-minimal", "python[0-9].*-minimal", "libpython*", "python3-pip", "python3-setuptools", "python3-wheel",
		"python3-distutils", "python3-lib2to3", "python3-venv", "python[0-9].*-venv", "python-pip", "python-setuptools", "py3-pip",
		"py3-setuptools", "rh-python*", "pypy*")
	runtime("java", "java-*-openjdk", "java-*-openjdk-headless", "openjdk-*-jre*", "openjdk*-jre*", "temurin-*-jre", "java-common",
		"ca-certificates-java", "tzdata-java", "javapackages-filesystem", "javapackages-tools")
	runtime("ruby", "ruby", "ruby[0-9]*", "ruby-libs", "ruby-default-gems", "libruby*", "rubygems", "rubygem-*")
	runtime("php", "php", "php[0-9]*", "php-*")
	runtime("dotnet", "dotnet-runtime-*", "aspnetcore-runtime-*", "dotnet-host*", "dotnet-hostfxr-*")
	add(report.BuildToolchain, "compilers and their support libraries",
		"gcc", "gcc-*", "gcc[0-9]*", "g++", "g++-*", "gcc-c++", "cpp", "cpp-*", "cc", "c++", "clang", "clang-*", "clang[0-9]*", "llvm", "llvm-*", "llvm[0-9]*",
		"lld", "lld-*", "libgcc-*-dev", "libstdc++-*-dev", "libstdc++-devel", "libstdc++-dev", "libgfortran*-dev", "gfortran*",
		"libmpc*", "mpc", "mpc1", "libmpfr*", "mpfr*", "libisl*", "isl", "isl[0-9]*", "cloog*", "ppl*", "libcc1*", "libgccjit*",
		"libasan*", "libubsan*", "liblsan*", "libtsan*", "libhwasan*", "libitm*", "libquadmath*", "libcilkrts*", "libmpx*",
		"rust", "rustc", "cargo", "rust-*", "golang", "golang-*", "go", "go[0-9]*")
	add(report.BuildToolchain, "binutils",
		"binutils", "binutils-*", "binutils-libs", "libbinutils", "libctf*", "libsframe*", "libgprofng*", "elfutils-devel")
	add(report.BuildToolchain, "build tools",
		"make", "make-*", "cmake", "cmake-*", "autoconf", "autoconf*", "automake", "automake*", "autotools-dev", "autogen", "libtool", "libtool-*",
		"libltdl-dev", "m4", "bison", "byacc", "flex", "flex-*", "ninja", "ninja-build", "meson", "pkgconf", "pkgconf-*", "pkgconfig", "pkg-config",
		"libpkgconf*", "build-essential", "build-base", "dpkg-dev", "fakeroot", "libfakeroot", "patch", "gettext-dev", "gettext-devel",
		"intltool", "swig", "gperf", "maven", "maven-*", "gradle", "ant", "ant-*", "rpm-build",
		"redhat-rpm-config", "scl-utils-build", "debhelper", "dh-*", "abuild", "alpine-sdk", "devscripts", "quilt")
	add(report.BuildToolchain, "C library and kernel headers",
		"libc6-dev", "libc-dev", "libc-dev-bin", "libc6-dev-*", "linux-libc-dev", "linux-libc-dev-*", "linux-headers", "linux-headers-*",
		"kernel-headers", "kernel-devel", "kernel-devel-*", "glibc-devel", "glibc-headers", "glibc-static", "musl-dev", "fortify-headers",
		"libcrypt-dev", "libxcrypt-devel", "libnsl-dev", "libtirpc-dev", "rpcsvc-proto")
	add(report.BuildToolchain, "version control",
		"git", "git-*", "git[0-9]*", "perl-Git", "perl-Git-*", "liberror-perl", "perl-Error", "perl-TermReadKey", "subversion", "mercurial")
	add(report.BuildToolchain, "development files (-dev, -devel, -static, -headers)",
		"*-dev", "*-devel", "*-dev-bin", "*-static", "*-headers")
	return roles
}

// roleTable matches package names to roles.
type roleTable struct {
	exact map[string]int // literal patterns
	globs []int          // the rest, in order
	roles []Role
}

// newRoleTable indexes the roles that hold for ecosystem eco.
func newRoleTable(all []Role, eco string) *roleTable {
	var roles []Role
	for _, r := range all {
		if r.Ecosystem == "" || r.Ecosystem == eco {
			roles = append(roles, r)
		}
	}
	t := &roleTable{exact: map[string]int{}, roles: roles}
	for i, r := range roles {
		if !isGlob(r.Pattern) {
			if _, ok := t.exact[r.Pattern]; !ok {
				t.exact[r.Pattern] = i
			}
			continue
		}
		t.globs = append(t.globs, i)
	}
	return t
}

// lookup returns the first role (in table order) matching name.
func (t *roleTable) lookup(name string) (Role, bool) {
	best := -1
	if i, ok := t.exact[name]; ok {
		best = i
	}
	for _, i := range t.globs {
		if best >= 0 && i > best {
			break
		}
		if ok, _ := path.Match(t.roles[i].Pattern, name); ok {
			best = i
			break
		}
	}
	if best < 0 {
		return Role{}, false
	}
	return t.roles[best], true
}

// derivationBlocked reports whether a package must keep its own role even
// when only build tools depend on it: C and C++ runtime libraries and other
// libraries that binaries no package owns (a node built from source, a
// copied-in Go or Rust binary) commonly load.
func derivationBlocked(name string) bool {
	for _, p := range [...]string{"libstdc++*", "libgcc*", "libgcc-s*", "gcc-*-base", "libc6", "libc6:*", "glibc", "glibc-*", "musl", "musl-*",
		"libatomic*", "libgomp*", "zlib*", "libz*", "openssl*", "libssl*", "libcrypto*", "libffi*", "ca-certificates*", "tzdata*",
		"readline*", "libreadline*", "ncurses*", "libncurses*", "libtinfo*", "sqlite*", "libsqlite*", "libuuid*", "util-linux*",
		"busybox*", "coreutils*", "bash", "dash", "base-files", "base-passwd", "alpine-baselayout*", "filesystem", "setup"} {
		if ok, _ := path.Match(p, name); ok {
			return true
		}
	}
	return strings.HasPrefix(name, "lib") && strings.Contains(name, "c++")
}
