package analyze

import (
	"path"
	"strings"
)

const (
	whiteoutPrefix = ".wh."
	opaqueMarker   = ".wh..wh..opq"
	metaPrefix     = ".wh..wh."
)

// CleanPath turns a tar entry name into an absolute path that cannot escape
// the root: "./a/../../b" becomes "/b". The root itself comes back as "/".
func CleanPath(name string) string {
	return path.Clean("/" + name)
}

// classify splits a cleaned path into its entry type when it is a whiteout
// marker, returning the path the marker acts on.
func classify(p string) (EntryType, string, bool) {
	if strings.HasPrefix(p, "/"+metaPrefix) && p != "/"+opaqueMarker {
		// AUFS bookkeeping (/.wh..wh.aufs, /.wh..wh.plnk/…): docker skips it all.
		return TypeMeta, p, true
	}
	dir, base := path.Split(p)
	if !strings.HasPrefix(base, whiteoutPrefix) {
		return 0, p, false
	}
	switch {
	case base == opaqueMarker:
		return TypeOpaque, path.Clean(dir), true
	case strings.HasPrefix(base, metaPrefix):
		return TypeMeta, p, true
	default:
		name := base[len(whiteoutPrefix):]
		if name == "" || name == "." || name == ".." {
			return TypeMeta, p, true // a hostile marker that would delete its own parent
		}
		return TypeWhiteout, path.Join(dir, name), true
	}
}

// isUnder reports whether p is strictly below dir.
func isUnder(p, dir string) bool {
	if dir == "/" {
		return p != "/"
	}
	return len(p) > len(dir) && p[len(dir)] == '/' && strings.HasPrefix(p, dir)
}
