package python

import (
	"path"
	"strings"
)

// Size caps for captured files.
const (
	// LockfileLimit caps Pipfile.lock and poetry.lock.
	LockfileLimit = 32 << 20
	// PyprojectLimit caps pyproject.toml.
	PyprojectLimit = 1 << 20
	// RecordLimit caps a dist-info RECORD file.
	RecordLimit = 8 << 20
)

// inSitePackages reports whether p is inside a site-packages or
// dist-packages directory.
func inSitePackages(p string) bool {
	return strings.Contains(p, "/site-packages/") || strings.Contains(p, "/dist-packages/")
}

// inCache reports whether p is inside a pip, pipenv or poetry download
// cache. Poetry's virtualenvs (~/.cache/pypoetry/virtualenvs) are installs,
// not caches, and are kept.
func inCache(p string) bool {
	for _, m := range [...]string{"/.cache/pip/", "/.cache/pipenv/", "/pypoetry/cache/", "/pypoetry/artifacts/"} {
		if strings.Contains(p, m) {
			return true
		}
	}
	return false
}

// Capture reports whether the file at p (absolute, cleaned) is one the
// python analysis reads, and the most bytes worth capturing.
//
// The base name is looked at first, as the walk asks this for every file.
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
	case "Pipfile.lock", "poetry.lock":
		if !inSitePackages(p) {
			return LockfileLimit, true
		}
	case "pyproject.toml":
		if !inSitePackages(p) {
			return PyprojectLimit, true
		}
	case "RECORD":
		if strings.HasSuffix(dir, ".dist-info") && isSitePackages(path.Dir(dir)) {
			return RecordLimit, true
		}
	}
	return 0, false
}

// isSitePackages reports whether dir is a site-packages or dist-packages
// directory.
func isSitePackages(dir string) bool {
	b := path.Base(dir)
	return b == "site-packages" || b == "dist-packages"
}

// CapturesName reports whether a file named name (a base name) can be one
// Capture accepts; Capture turns down every other name at once.
func CapturesName(name string) bool {
	switch name {
	case "Pipfile.lock", "poetry.lock", "pyproject.toml", "RECORD":
		return true
	}
	return false
}
