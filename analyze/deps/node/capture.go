package node

import (
	"path"
	"strings"

	"github.com/slimcheck/slimcheck/analyze/deps/node/pnp"
)

// Size caps for captured files.
const (
	// LockfileLimit caps lockfiles (package-lock.json, yarn.lock, ...).
	LockfileLimit = 32 << 20
	// PackageJSONLimit caps package.json files.
	PackageJSONLimit = 1 << 20
	// PnPLimit caps Yarn's Plug'n'Play maps (.pnp.cjs, .pnp.js,
	// .pnp.data.json): about 430 kB of loader code plus roughly 1 kB per
	// package instance, so a few MB for large monorepos.
	PnPLimit = 32 << 20
	// PnPPrefix is how much of a Plug'n'Play map larger than PnPLimit is
	// read (see CapturePrefix).
	PnPPrefix = 1 << 20
)

// inCache reports whether p is inside a package-manager cache or store,
// whose package.json files describe no installed package.
func inCache(p string) bool {
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

// Lockfile base names a project root may hold.
const (
	packageJSON     = "package.json"
	packageLockJSON = "package-lock.json"
	shrinkwrapJSON  = "npm-shrinkwrap.json"
	hiddenNpmLock   = ".package-lock.json"
	yarnLock        = "yarn.lock"
	pnpmLock        = "pnpm-lock.yaml"
	hiddenPnpmLock  = "lock.yaml"
	pnpScript       = pnp.ScriptName
	pnpLegacy       = pnp.LegacyScriptName
	pnpData         = pnp.DataName
)

// Capture reports whether the file at p (absolute, cleaned) is one the node
// analysis reads, and the most bytes worth capturing.
//
// The walk asks this for every file, so the base name is looked at first:
// only the few files named like a manifest or lockfile go on to the
// directory checks.
func Capture(p string) (limit int64, ok bool) {
	if !CapturesName(p[strings.LastIndexByte(p, '/')+1:]) {
		return 0, false
	}
	if !strings.HasPrefix(p, "/") || inCache(p) {
		return 0, false
	}
	dir, base := path.Split(p)
	dir = path.Clean(dir)
	switch base {
	case packageJSON:
		return PackageJSONLimit, true
	case packageLockJSON, shrinkwrapJSON, yarnLock, pnpmLock:
		// Lockfiles shipped inside installed packages describe nothing
		// that is installed here.
		if hasNodeModules(dir) {
			return 0, false
		}
		return LockfileLimit, true
	case pnpScript, pnpLegacy, pnpData:
		if hasNodeModules(dir) {
			return 0, false
		}
		return PnPLimit, true
	case hiddenNpmLock:
		if path.Base(dir) == nodeModules && !hasNodeModules(path.Dir(dir)) {
			return LockfileLimit, true
		}
	case hiddenPnpmLock:
		if path.Base(dir) == ".pnpm" && path.Base(path.Dir(dir)) == nodeModules && !hasNodeModules(path.Dir(path.Dir(dir))) {
			return LockfileLimit, true
		}
	}
	return 0, false
}

// CapturesName reports whether a file named name (a base name) can be one
// Capture accepts; Capture turns down every other name at once.
func CapturesName(name string) bool {
	switch name {
	case packageJSON, packageLockJSON, shrinkwrapJSON, yarnLock, pnpmLock, hiddenNpmLock, hiddenPnpmLock,
		pnpScript, pnpLegacy, pnpData:
		return true
	}
	return false
}

// CapturePrefix reports whether the leading bytes of the file at p are
// worth keeping when the file is larger than Capture's limit, and how many:
// the first PnPPrefix bytes of a Plug'n'Play map still name the
// directories its packages live in, which the analysis then keeps whole
// (a map it cannot read must not turn installed packages into cache).
func CapturePrefix(p string) (n int64, ok bool) {
	switch p[strings.LastIndexByte(p, '/')+1:] {
	case pnpScript, pnpLegacy, pnpData:
		if _, ok := Capture(p); ok {
			return PnPPrefix, true
		}
	}
	return 0, false
}
