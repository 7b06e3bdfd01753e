package node

import (
	"context"
	"path"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/slimcheck/slimcheck/analyze/deps/model"
)

// pkgDir is one installed package: a directory under node_modules that has a
// package.json.
type pkgDir struct {
	dir     string // absolute install directory
	name    string // name from the path (the alias for aliased installs)
	owner   string // project directory before the first node_modules
	pnpmDir string // <owner>/node_modules/.pnpm/<key> for pnpm's layout
	man     manifest
}

// names returns the names the package may be known by in a lockfile: the
// directory name and, when different, the name in its package.json.
func (p *pkgDir) names() []string {
	if p.man.Name != "" && p.man.Name != p.name {
		return []string{p.name, p.man.Name}
	}
	return []string{p.name}
}

// reportPath is the path that holds every byte of the package: pnpm's store
// directory (which also holds the package's dependency links) or the
// install directory.
func (p *pkgDir) reportPath() string {
	if p.pnpmDir != "" {
		return p.pnpmDir
	}
	return p.dir
}

// tree is what the captured files say about node projects on the image.
type tree struct {
	files     map[string][]byte
	installed map[string]*pkgDir // by install directory
	dirs      []string           // install directories, sorted
	projects  map[string]*manifest
	projDirs  []string // directories of package.json outside node_modules, sorted
}

// buildTree indexes the captured package.json files. An installed package
// whose package.json does not parse is still installed (with no known
// dependencies) and reported as a Problem.
func buildTree(ctx context.Context, files map[string][]byte) (*tree, []model.Problem) {
	t := &tree{files: files, installed: map[string]*pkgDir{}, projects: map[string]*manifest{}}
	var probs []model.Problem
	paths := make([]string, 0, len(files))
	for p := range files {
		if path.Base(p) == packageJSON && path.IsAbs(p) && path.Clean(p) == p && !inCache(p) {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	parsed := parseManifests(ctx, files, paths)
	for i, p := range paths {
		if i >= len(parsed) {
			probs = append(probs, model.Problem{Path: p, Reason: "stopped: " + ctx.Err().Error()})
			break
		}
		dir := path.Dir(p)
		m, err := parsed[i].m, parsed[i].err
		if err != nil {
			probs = append(probs, model.Problem{Path: p, Reason: err.Error()})
		}
		if !hasNodeModules(dir) {
			if err == nil {
				t.projects[dir] = &m
				t.projDirs = append(t.projDirs, dir)
			}
			continue
		}
		name, owner, pnpmDir, ok := installInfo(dir)
		if !ok {
			continue // a package.json inside a package, e.g. dist/esm/package.json
		}
		t.installed[dir] = &pkgDir{dir: dir, name: name, owner: owner, pnpmDir: pnpmDir, man: m}
		t.dirs = append(t.dirs, dir)
	}
	return t, probs
}

// parsedManifest is one package.json as parseManifest read it.
type parsedManifest struct {
	m   manifest
	err error
}

// parseManifests parses the package.json files at paths on every core (an
// image's node_modules can hold tens of thousands). It returns one result
// per path, in order, or fewer when ctx ends first.
func parseManifests(ctx context.Context, files map[string][]byte, paths []string) []parsedManifest {
	out := make([]parsedManifest, len(paths))
	const chunk = 256
	var next atomic.Int64
	var stopped atomic.Bool
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), (len(paths)+chunk-1)/chunk) {
		wg.Go(func() {
			for {
				lo := int(next.Add(chunk)) - chunk
				if lo >= len(paths) {
					return
				}
				if ctx.Err() != nil {
					stopped.Store(true)
					return
				}
				for i := lo; i < min(lo+chunk, len(paths)); i++ {
					out[i].m, out[i].err = parseManifest(files[paths[i]])
				}
			}
		})
	}
	wg.Wait()
	if stopped.Load() {
		return nil // which chunks finished depends on timing: report the stop from the first path
	}
	return out
}

// resolve finds the install directory Node's require(name) would load from
// a file in dir: dir/node_modules/name, then the same in each parent,
// skipping directories that are themselves named node_modules.
func (t *tree) resolve(dir, name string, b *budget) (*pkgDir, bool) {
	for d := dir; ; d = path.Dir(d) {
		if !b.spend(1) {
			return nil, false
		}
		if path.Base(d) != nodeModules {
			if p, ok := t.installed[path.Join(d, nodeModules, name)]; ok {
				return p, true
			}
		}
		if d == "/" || d == "." {
			return nil, false
		}
	}
}
