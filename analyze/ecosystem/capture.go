package ecosystem

import (
	"bytes"
	"path"
	"strings"

	"github.com/slimcheck/slimcheck/analyze/ecosystem/elfinfo"
)

// Capture sizes.
const (
	// SmallFileLimit caps the small text files detection reads whole
	// (os-release, passwd, pyvenv.cfg, a JDK's release file...).
	SmallFileLimit = 1 << 20
	// ExecPrefix is how much of a possible entrypoint or runtime binary is
	// kept: enough for the ELF header, program headers, interpreter and Go
	// note, which linkers place in the first page.
	ExecPrefix = 4 << 10
	// AddonPrefix is how much of a native addon is kept: the dynamic
	// segment and string table of a shared object usually sit in its first
	// few hundred KiB.
	AddonPrefix = 256 << 10
)

// isCapturedFile reports whether p is one of the fixed paths read whole.
func isCapturedFile(p string) bool {
	switch p {
	case "/etc/os-release", "/usr/lib/os-release", "/etc/alpine-release", "/etc/debian_version",
		"/etc/redhat-release", "/etc/passwd":
		return true
	}
	return false
}

// CapturePath reports whether detection reads the whole file at p
// (absolute, cleaned), and its size cap.
func CapturePath(p string) (limit int64, ok bool) {
	if isCapturedFile(p) {
		return SmallFileLimit, true
	}
	// The walk asks for every file: rule out most names by their last
	// byte before taking the base name.
	q := p
	for len(q) > 1 && q[len(q)-1] == '/' {
		q = q[:len(q)-1]
	}
	if q == "" || (q[len(q)-1] != 'g' && q[len(q)-1] != 'e' && q[len(q)-1] != 'h') {
		return 0, false
	}
	switch path.Base(p) {
	case "pyvenv.cfg":
		return SmallFileLimit, true
	case "release":
		// A JDK's release file: /usr/lib/jvm/X/release, /opt/java/openjdk/release.
		if isJDKRoot(path.Dir(p)) {
			return SmallFileLimit, true
		}
	case "node_version.h":
		return SmallFileLimit, strings.HasSuffix(p, "/include/node/node_version.h")
	}
	return 0, false
}

// isJDKRoot reports whether dir looks like the root of a JDK or JRE.
func isJDKRoot(dir string) bool {
	parent := path.Dir(dir)
	return parent == "/usr/lib/jvm" || parent == "/usr/java" || dir == "/opt/java/openjdk" ||
		strings.HasPrefix(dir, "/usr/local/openjdk") || strings.HasPrefix(dir, "/opt/jdk") ||
		strings.HasPrefix(dir, "/opt/java/")
}

// CapturePrefix reports whether the walk should keep the leading bytes of
// the file at p, and how many: AddonPrefix for native addons (*.node, and
// shared objects under site-packages, dist-packages or node_modules), and
// ExecPrefix for files that could be an entrypoint or a runtime binary
// (anything directly in a bin or sbin directory, at the root, or one level
// below a non-system top-level directory such as /app/server).
func CapturePrefix(p string) (n int64, ok bool) {
	if IsAddonPath(p) {
		return AddonPrefix, true
	}
	i := strings.LastIndexByte(p, '/')
	if i <= 0 {
		// Directly at the root (or no directory at all).
		return ExecPrefix, p[i+1:] != ""
	}
	dir, base := p[:i], p[i+1:]
	// The parent's name is "bin" or "sbin" only if dir ends with 'n' (or
	// with slashes, which path.Base strips).
	if last := dir[len(dir)-1]; last == 'n' || last == '/' {
		if parent := path.Base(dir); parent == "bin" || parent == "sbin" {
			return ExecPrefix, true
		}
	}
	if oneSlash(dir) && !systemTop(dir) && !hasExtension(base) {
		return ExecPrefix, true
	}
	return 0, false
}

// oneSlash reports whether s holds exactly one '/'.
func oneSlash(s string) bool {
	j := strings.IndexByte(s, '/')
	return j >= 0 && strings.IndexByte(s[j+1:], '/') < 0
}

// systemTop reports whether dir is a top-level directory whose direct
// children are never an application's binary.
func systemTop(dir string) bool {
	switch dir {
	case "/etc", "/usr", "/var", "/proc", "/sys", "/dev", "/lib", "/lib32", "/lib64", "/libx32", "/boot",
		"/run", "/tmp", "/root", "/home", "/mnt", "/media", "/opt":
		return true
	}
	return false
}

func hasExtension(base string) bool {
	i := strings.LastIndexByte(base, '.')
	return i > 0 && i < len(base)-1
}

// IsAddonPath reports whether p names a native extension module: a node
// addon (*.node), a Python extension module (*.so, *.so.N under
// site-packages or dist-packages), or a shared object inside node_modules.
func IsAddonPath(p string) bool {
	if strings.HasSuffix(p, ".node") {
		// The base name is longer than ".node".
		return len(p) > len(".node") && p[len(p)-len(".node")-1] != '/'
	}
	if !isSharedObject(p) {
		return false
	}
	return strings.Contains(p, "/site-packages/") || strings.Contains(p, "/dist-packages/") || strings.Contains(p, "/node_modules/")
}

// isSharedObject reports whether the base name of p is named like a shared
// object: x.so or x.so.N[.M...], x not empty. The last ".so" of the name
// must be followed by nothing or by a dot and only digits and dots, so it
// ends where the trailing run of digits and dots begins.
func isSharedObject(p string) bool {
	j := len(p)
	for j > 0 && (p[j-1] == '.' || (p[j-1] >= '0' && p[j-1] <= '9')) {
		j--
	}
	if j < len(p) && p[j] != '.' {
		return false
	}
	// p[j-3:j] is ".so" and the name has a byte before it.
	return j >= 4 && p[j-3:j] == ".so" && p[j-4] != '/'
}

// CondensePrefix is the walk's prefix condenser (analyze.Options.CondensePrefix):
// of a captured prefix it keeps what detection reads — of an ELF file the
// headers elfinfo.Parse looks at, of a script its "#!" line, of anything
// else the 4 bytes that tell it is neither.
func CondensePrefix(_ string, b []byte) []byte {
	switch {
	case elfinfo.IsELF(b):
		return elfinfo.Condense(b)
	case bytes.HasPrefix(b, []byte("#!")):
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			return b[:i+1]
		}
		return b
	default:
		return b[:min(len(b), 4)]
	}
}
