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
		for _, c := range cacheDirs {
			if rel == c || strings.HasPrefix(rel, c+"/") || strings.Contains("/"+rel, "/"+c+"/") && strings.HasSuffix(c, "cache") {
				return verdict{strong, report.PackageCache, "package-manager cache (" + c + ")"}
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
	for _, s := range strings.Split(rel, "/") {
		if s == seg {
			return true
		}
	}
	return false
}

// inDepDir reports whether rel lies inside an installed package: below a
// node_modules, site-packages, vendor… directory, not the directory itself.
func inDepDir(rel string) bool {
	segs := strings.Split(rel, "/")
	for i, s := range segs[:max(len(segs)-1, 0)] {
		if depDirs[s] && i+2 < len(segs) {
			return true
		}
	}
	return false
}

// exclusionsUnder finds the smallest set of paths under root covering
// exactly the files decide leaves out: a directory whose every file is left
// out is one exclusion; a weakly excluded file stands only with its
// directory. It returns the exclusions in path order.
func (x *excluder) exclusionsUnder(root *node) []Exclusion {
	var out []Exclusion
	var visit func(n *node) (all bool, v verdict, files int, bytes int64, cats map[report.Category]int64)
	// visit returns whether every file at or below n is left out, and the
	// dominant verdict and totals when it is.
	visit = func(n *node) (bool, verdict, int, int64, map[report.Category]int64) {
		if !n.isDir() {
			v := x.decide(root.path, n)
			if v.s == keep {
				return false, v, 0, 0, nil
			}
			return true, v, 1, n.file.Bytes, map[report.Category]int64{v.category: n.file.Bytes + 1}
		}
		type childRes struct {
			n     *node
			all   bool
			v     verdict
			files int
			bytes int64
		}
		var kids []childRes
		all, leaves := true, 0 // leaves: files below n that are left out
		cats := map[report.Category]int64{}
		reasons := map[report.Category]verdict{}
		var files int
		var bytes int64
		for _, c := range n.sorted {
			a, v, f, b, cs := visit(c)
			kids = append(kids, childRes{c, a, v, f, b})
			if !a {
				all = false
				continue
			}
			leaves += f
			files += f
			bytes += b
			for k, w := range cs {
				cats[k] += w
				if _, ok := reasons[k]; !ok {
					reasons[k] = v
				}
			}
		}
		if all && leaves == 0 {
			return true, verdict{}, 0, 0, nil // empty directories never block
		}
		if all && n != root {
			best := dominant(cats)
			v := reasons[best]
			v.s = strong
			return true, v, files, bytes, cats
		}
		// Not wholly excluded: emit the children that are.
		for _, k := range kids {
			if !k.all || k.files == 0 {
				continue
			}
			if !k.n.isDir() && k.v.s == weak {
				continue
			}
			out = append(out, Exclusion{Path: k.n.path, Category: k.v.category, Reason: k.v.reason, Files: k.files, Bytes: k.bytes})
		}
		return false, verdict{}, 0, 0, nil
	}
	if root.isDir() {
		visit(root)
	}
	sortExclusions(out)
	return out
}

// dominant returns the category with the most weight (bytes+files), ties
// broken by precedence order.
func dominant(m map[report.Category]int64) report.Category {
	var best report.Category
	var bw int64 = -1
	for _, c := range report.Categories() {
		if w, ok := m[c]; ok && w > bw {
			best, bw = c, w
		}
	}
	return best
}

func sortExclusions(es []Exclusion) {
	sortBy(es, func(a, b Exclusion) bool { return a.Path < b.Path })
}
