package composer

import (
	"path"
	"strings"
)

// Size caps for captured files.
const (
	// LockfileLimit caps composer.lock and vendor/composer/installed.json.
	LockfileLimit = 32 << 20
	// ManifestLimit caps composer.json files.
	ManifestLimit = 1 << 20
)

// inCache reports whether p is inside composer's download cache.
func inCache(p string) bool {
	return strings.Contains(p, "/.composer/cache/") || strings.Contains(p, "/.cache/composer/") ||
		strings.Contains(p, "/composer/cache/")
}

// Capture reports whether the file at p (absolute, cleaned) is one the
// composer analysis reads, and the most bytes worth capturing.
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
	case "composer.json":
		return ManifestLimit, true
	case "composer.lock":
		return LockfileLimit, true
	case "installed.json":
		if path.Base(dir) == "composer" {
			return LockfileLimit, true
		}
	}
	return 0, false
}

// CapturesName reports whether a file named name (a base name) can be one
// Capture accepts; Capture turns down every other name at once.
func CapturesName(name string) bool {
	switch name {
	case "composer.json", "composer.lock", "installed.json":
		return true
	}
	return false
}
