package attribute

// The capture predicates as they were before they were made cheap, kept
// verbatim (renamed) as oracles: the fast versions must give exactly these
// answers for every string. See capture_test.go.

import (
	"path"
	"strings"

	"github.com/slimcheck/slimcheck/analyze/pkgdb"
)

// oracleCapturePath is the old CapturePath.
func oracleCapturePath(path string) (limit int64, ok bool) {
	for _, c := range [...]func(string) (int64, bool){pkgdb.CapturePath, oracleDepsCapturePath, oracleEcosystemCapturePath} {
		if l, yes := c(path); yes {
			ok = true
			limit = max(limit, l)
		}
	}
	return limit, ok
}

// oracleDepsCapturePath is the old deps.CapturePath.
func oracleDepsCapturePath(p string) (limit int64, ok bool) {
	for _, c := range [...]func(string) (int64, bool){oracleNodeCapture, oracleComposerCapture, oraclePythonCapture} {
		if l, ok := c(p); ok {
			return l, true
		}
	}
	return 0, false
}

// oracleNodeCapture is the old node.Capture.
func oracleNodeCapture(p string) (limit int64, ok bool) {
	inCache := func(p string) bool {
		for _, m := range [...]string{
			"/.npm/", "/_cacache/", "/.cache/", "/.yarn/cache/", "/.yarn/berry/",
			"/.yarn/unplugged/", "/.pnpm-store/", "/pnpm/store/", "/.node-gyp/",
			"/.local/share/pnpm/", "/.bun/install/cache/",
		} {
			if strings.Contains(p, m) {
				return true
			}
		}
		return false
	}
	hasNodeModules := func(p string) bool { return strings.Contains(p+"/", "/node_modules/") }
	if !strings.HasPrefix(p, "/") || inCache(p) {
		return 0, false
	}
	dir, base := path.Split(p)
	dir = path.Clean(dir)
	switch base {
	case "package.json":
		return 1 << 20, true
	case "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml":
		if hasNodeModules(dir) {
			return 0, false
		}
		return 32 << 20, true
	case ".package-lock.json":
		if path.Base(dir) == "node_modules" && !hasNodeModules(path.Dir(dir)) {
			return 32 << 20, true
		}
	case "lock.yaml":
		if path.Base(dir) == ".pnpm" && path.Base(path.Dir(dir)) == "node_modules" && !hasNodeModules(path.Dir(path.Dir(dir))) {
			return 32 << 20, true
		}
	case ".pnp.cjs", ".pnp.js", ".pnp.data.json": // Yarn Plug'n'Play maps, added with their prefix below
		if !hasNodeModules(dir) {
			return 32 << 20, true
		}
	}
	return 0, false
}

// oracleDepsCapturePrefix is deps.CapturePrefix written plainly: the first
// MiB of a Plug'n'Play map the node capture accepts.
func oracleDepsCapturePrefix(p string) (int64, bool) {
	switch path.Base(p) {
	case ".pnp.cjs", ".pnp.js", ".pnp.data.json":
		if _, ok := oracleNodeCapture(p); ok && !strings.HasSuffix(p, "/") {
			return 1 << 20, true
		}
	}
	return 0, false
}

// oracleAttributeCapturePrefix is CapturePrefix: ecosystem's prefix, or
// the map's when larger.
func oracleAttributeCapturePrefix(p string) (int64, bool) {
	n, ok := oracleCapturePrefix(p)
	if d, yes := oracleDepsCapturePrefix(p); yes {
		return max(n, d), true
	}
	return n, ok
}

// oraclePythonCapture is the old python.Capture.
func oraclePythonCapture(p string) (limit int64, ok bool) {
	inSitePackages := func(p string) bool {
		return strings.Contains(p, "/site-packages/") || strings.Contains(p, "/dist-packages/")
	}
	inCache := func(p string) bool {
		for _, m := range [...]string{"/.cache/pip/", "/.cache/pipenv/", "/pypoetry/cache/", "/pypoetry/artifacts/"} {
			if strings.Contains(p, m) {
				return true
			}
		}
		return false
	}
	isSitePackages := func(dir string) bool {
		b := path.Base(dir)
		return b == "site-packages" || b == "dist-packages"
	}
	if !strings.HasPrefix(p, "/") || inCache(p) {
		return 0, false
	}
	dir, base := path.Split(p)
	dir = path.Clean(dir)
	switch base {
	case "Pipfile.lock", "poetry.lock":
		if !inSitePackages(p) {
			return 32 << 20, true
		}
	case "pyproject.toml":
		if !inSitePackages(p) {
			return 1 << 20, true
		}
	case "RECORD":
		if strings.HasSuffix(dir, ".dist-info") && isSitePackages(path.Dir(dir)) {
			return 8 << 20, true
		}
	}
	return 0, false
}

// oracleComposerCapture is the old composer.Capture.
func oracleComposerCapture(p string) (limit int64, ok bool) {
	inCache := func(p string) bool {
		return strings.Contains(p, "/.composer/cache/") || strings.Contains(p, "/.cache/composer/") ||
			strings.Contains(p, "/composer/cache/")
	}
	if !strings.HasPrefix(p, "/") || inCache(p) {
		return 0, false
	}
	dir, base := path.Split(p)
	dir = path.Clean(dir)
	switch base {
	case "composer.json":
		return 1 << 20, true
	case "composer.lock":
		return 32 << 20, true
	case "installed.json":
		if path.Base(dir) == "composer" {
			return 32 << 20, true
		}
	}
	return 0, false
}

// oracleEcosystemCapturePath is the old ecosystem.CapturePath.
func oracleEcosystemCapturePath(p string) (limit int64, ok bool) {
	switch p {
	case "/etc/os-release", "/usr/lib/os-release", "/etc/alpine-release", "/etc/debian_version",
		"/etc/redhat-release", "/etc/passwd":
		return 1 << 20, true
	}
	isJDKRoot := func(dir string) bool {
		parent := path.Dir(dir)
		return parent == "/usr/lib/jvm" || parent == "/usr/java" || dir == "/opt/java/openjdk" ||
			strings.HasPrefix(dir, "/usr/local/openjdk") || strings.HasPrefix(dir, "/opt/jdk") ||
			strings.HasPrefix(dir, "/opt/java/")
	}
	base := path.Base(p)
	switch base {
	case "pyvenv.cfg":
		return 1 << 20, true
	case "release":
		if isJDKRoot(path.Dir(p)) {
			return 1 << 20, true
		}
	case "node_version.h":
		return 1 << 20, strings.HasSuffix(p, "/include/node/node_version.h")
	}
	return 0, false
}

// oracleCapturePrefix is the old CapturePrefix (ecosystem.CapturePrefix).
func oracleCapturePrefix(p string) (n int64, ok bool) {
	const execPrefix, addonPrefix = 4 << 10, 256 << 10
	systemTop := func(dir string) bool {
		switch dir {
		case "/etc", "/usr", "/var", "/proc", "/sys", "/dev", "/lib", "/lib32", "/lib64", "/libx32", "/boot",
			"/run", "/tmp", "/root", "/home", "/mnt", "/media", "/opt":
			return true
		}
		return false
	}
	hasExtension := func(base string) bool {
		i := strings.LastIndexByte(base, '.')
		return i > 0 && i < len(base)-1
	}
	dir, base := path.Split(p)
	if oracleIsAddonPath(p) {
		return addonPrefix, true
	}
	dir = strings.TrimSuffix(dir, "/")
	if dir == "" {
		return execPrefix, base != ""
	}
	parent := path.Base(dir)
	if parent == "bin" || parent == "sbin" {
		return execPrefix, true
	}
	if strings.Count(dir, "/") == 1 && !systemTop(dir) && !hasExtension(base) {
		return execPrefix, true
	}
	return 0, false
}

// oracleIsAddonPath is the old ecosystem.IsAddonPath.
func oracleIsAddonPath(p string) bool {
	isSharedObject := func(base string) bool {
		i := strings.LastIndex(base, ".so")
		if i <= 0 {
			return false
		}
		rest := base[i+3:]
		if rest == "" {
			return true
		}
		if rest[0] != '.' {
			return false
		}
		for _, c := range rest[1:] {
			if (c < '0' || c > '9') && c != '.' {
				return false
			}
		}
		return true
	}
	base := p[strings.LastIndexByte(p, '/')+1:]
	if strings.HasSuffix(base, ".node") && len(base) > len(".node") {
		return true
	}
	if !strings.Contains(base, ".so") || !isSharedObject(base) {
		return false
	}
	return strings.Contains(p, "/site-packages/") || strings.Contains(p, "/dist-packages/") || strings.Contains(p, "/node_modules/")
}
