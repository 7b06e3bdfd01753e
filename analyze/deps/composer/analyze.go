package composer

import (
	"context"
	"path"
	"sort"
	"strings"

	"github.com/slimcheck/slimcheck/analyze/deps/model"
)

// installedPkg is one package found under a vendor directory.
type installedPkg struct {
	name string // vendor/name from the path, lower-cased
	dir  string // absolute install directory
	man  manifest
}

// project is one composer project root and what is installed for it.
type project struct {
	dir       string
	vendor    string
	man       manifest // the root composer.json (zero if absent)
	installed map[string]*installedPkg
	names     []string // installed names, sorted
}

// hasVendorComponent reports whether p has a path component named vendor.
func hasVendorComponent(p string) bool {
	return strings.Contains(p+"/", "/vendor/")
}

// Analyze finds every composer project root in files (captured as Capture
// selects, reflecting the final filesystem view) and classifies each package
// installed in its vendor directory as dev-only, production or extraneous.
func Analyze(ctx context.Context, files map[string][]byte) ([]model.Root, []model.Problem) {
	var probs []model.Problem
	manifests := map[string]manifest{} // composer.json path → parsed
	var manifestPaths []string
	cand := map[string]bool{}
	for p := range files {
		if !path.IsAbs(p) || path.Clean(p) != p || inCache(p) {
			continue
		}
		dir, base := path.Split(p)
		dir = path.Clean(dir)
		switch base {
		case "composer.json":
			manifestPaths = append(manifestPaths, p)
			if !hasVendorComponent(dir) {
				cand[dir] = true
			}
		case "composer.lock":
			if !hasVendorComponent(dir) {
				cand[dir] = true
			}
		case "installed.json":
			if path.Base(dir) == "composer" {
				cand[path.Dir(path.Dir(dir))] = true
			}
		}
	}
	sort.Strings(manifestPaths)
	for i, p := range manifestPaths {
		if i%1024 == 0 && ctx.Err() != nil {
			return nil, append(probs, model.Problem{Path: p, Reason: "stopped: " + ctx.Err().Error()})
		}
		m, err := parseManifest(files[p])
		if err != nil {
			probs = append(probs, model.Problem{Path: p, Reason: err.Error()})
			continue
		}
		manifests[p] = m
	}
	dirs := make([]string, 0, len(cand))
	for d := range cand {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	var out []model.Root
	for _, d := range dirs {
		pr, ok := newProject(d, files, manifests)
		if !ok {
			continue
		}
		root, ps := pr.analyze(files)
		probs = append(probs, ps...)
		out = append(out, root)
	}
	return out, probs
}

// newProject collects a root's installed packages. A directory is a root
// when it has a composer.json or composer.lock and either a lockfile, an
// installed.json, or installed packages.
func newProject(dir string, files map[string][]byte, manifests map[string]manifest) (*project, bool) {
	rootManifest := path.Join(dir, "composer.json")
	_, hasManifest := files[rootManifest]
	_, hasLock := files[path.Join(dir, "composer.lock")]
	if !hasManifest && !hasLock {
		return nil, false
	}
	pr := &project{dir: dir, man: manifests[rootManifest], installed: map[string]*installedPkg{}}
	vd := pr.man.VendorDir
	if vd == "" {
		vd = "vendor"
	}
	v := path.Join(dir, vd)
	if !strings.HasPrefix(v, dir+"/") && !(dir == "/" && v != "/") {
		v = path.Join(dir, "vendor")
	}
	pr.vendor = v
	for p, m := range manifests {
		rel, ok := strings.CutPrefix(p, v+"/")
		if !ok {
			continue
		}
		name := strings.ToLower(strings.TrimSuffix(rel, "/composer.json"))
		if name == rel || !validName(name) {
			continue
		}
		pr.installed[name] = &installedPkg{name: name, dir: path.Dir(p), man: m}
		pr.names = append(pr.names, name)
	}
	sort.Strings(pr.names)
	_, hasInstalled := files[path.Join(v, "composer", "installed.json")]
	if !hasLock && !hasInstalled && len(pr.names) == 0 {
		return nil, false
	}
	return pr, true
}
