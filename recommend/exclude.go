package recommend

import (
	"strings"
	"unicode/utf8"

	"github.com/slimcheck/slimcheck/report"
)

// strength of an exclusion: strong ones stand on their own; weak ones
// (docs of dependencies) only when their whole directory goes.
type strength uint8

const (
	keep strength = iota
	weak
	strong
)

// verdict is why a file under a copy root is or is not left out.
type verdict struct {
	s        strength
	category report.Category
	reason   string
}

// cacheDirs are package-manager caches relative to a copy root (often the
// app directory doubles as HOME, as in s2i images). They are left out
// whatever the attribution says.
var cacheDirs = []string{
	".npm", ".cache/pip", ".cache/yarn", ".cache/go-build", ".cache/node-gyp",
	".m2/repository", ".gradle/caches", ".pnpm-store", ".yarn/berry/cache",
	"node_modules/.cache", ".composer/cache", ".cache/composer", ".bundle/cache",
}

// cacheDir is an entry of cacheDirs with the forms decide matches.
type cacheDir struct {
	dir      string // as listed: .npm, .cache/pip…
	asPrefix string // dir + "/": the root's own cache
	inside   string // "/" + dir + "/", matched anywhere for a *cache directory
}

// cacheDirForms are cacheDirs in the forms decide matches, built once.
var cacheDirForms = func() []cacheDir {
	out := make([]cacheDir, len(cacheDirs))
	for i, c := range cacheDirs {
		out[i] = cacheDir{dir: c, asPrefix: c + "/"}
		if strings.HasSuffix(c, "cache") {
			out[i].inside = "/" + c + "/"
		}
	}
	return out
}()

// in reports whether rel (relative to a copy root) lies in the cache: it
// is the directory, below it, or, for a *cache directory, below a directory
// of that name anywhere.
func (c cacheDir) in(rel string) bool {
	// "/"+rel holds "/"+dir+"/" when rel starts with dir+"/" or holds it.
	return rel == c.dir || strings.HasPrefix(rel, c.asPrefix) || c.inside != "" && strings.Contains(rel, c.inside)
}

// depDirs are directory names that hold installed third-party packages.
var depDirs = map[string]bool{
	"node_modules": true, "site-packages": true, "dist-packages": true,
	"vendor": true, "gems": true, "bower_components": true,
}

// excluder decides, file by file, what a copy root leaves out.
type excluder struct {
	protected map[string]bool   // never excluded: native addons, the entry file, the binary
	disabled  bool              // the builder cannot delete anything: exclude nothing
	evidence  []report.Evidence // the report's evidence table, which File.Evidence indexes
}

// decide judges the visible non-directory file n found under root.
func (x *excluder) decide(root string, n *node) verdict {
	if x.disabled || x.protected[n.path] || !representable(n.path) {
		return verdict{}
	}
	rel := strings.TrimPrefix(strings.TrimPrefix(n.path, root), "/")
	if hasSegment(rel, ".git") {
		return verdict{strong, report.Temp, "version-control metadata (.git)"}
	}
	// Files a dependency source placed are installed packages even inside
	// a cache directory (Yarn Plug'n'Play runs its zips from there): their
	// category decides.
	if !installedDep(n.file, x.evidence) {
		for _, c := range cacheDirForms {
			if c.in(rel) {
				return verdict{strong, report.PackageCache, "package-manager cache (" + c.dir + ")"}
			}
		}
	}
	c := n.file.Category
	switch c {
	case report.DevDependencies:
		return verdict{strong, c, "development dependency"}
	case report.PackageCache:
		return verdict{strong, c, "package cache"}
	case report.BuildToolchain:
		return verdict{strong, c, "build toolchain"}
	case report.Temp:
		return verdict{strong, c, "temporary file"}
	case report.Wasted:
		return verdict{strong, c, "wasted"}
	case report.Docs:
		if inDepDir(rel) {
			return verdict{weak, c, "documentation of a dependency"}
		}
	}
	return verdict{}
}

// representable reports whether p can be written in a generated file and
// read back exactly: valid UTF-8 without NUL.
func representable(p string) bool {
	return utf8.ValidString(p) && !strings.ContainsRune(p, 0)
}

// hasSegment reports whether rel has a path segment equal to seg.
func hasSegment(rel, seg string) bool {
	for {
		s, rest, more := strings.Cut(rel, "/")
		if s == seg {
			return true
		}
		if !more {
			return false
		}
		rel = rest
	}
}

// inDepDir reports whether rel lies inside an installed package: below a
// node_modules, site-packages, vendor… directory, not the directory itself.
// That takes at least two more segments after the directory's.
func inDepDir(rel string) bool {
	for {
		s, rest, more := strings.Cut(rel, "/")
		if !more || strings.IndexByte(rest, '/') < 0 {
			return false
		}
		if depDirs[s] {
			return true
		}
		rel = rest
	}
}

func sortExclusions(es []Exclusion) {
	sortBy(es, func(a, b Exclusion) bool { return a.Path < b.Path })
}
