package node

import (
	"context"
	"path"
)

// reach is the result of walking the installed dependency graph with Node's
// module resolution. For every install directory reached it records the
// package.json of the project whose declaration reached it first.
type reach struct {
	complete bool              // false if the walk stopped early
	prod     map[string]string // reached from dependencies/optional/peer
	dev      map[string]string // reached from devDependencies
}

// walk computes which install directories are reachable from the
// production declarations (dependencies, optionalDependencies,
// peerDependencies) of every project package.json, and which from their
// devDependencies. Edges of installed packages are their own production
// declarations. The walk is bounded by b and by ctx.
func (t *tree) walk(ctx context.Context, b *budget) reach {
	r := reach{complete: true, prod: map[string]string{}, dev: map[string]string{}}
	run := func(seen map[string]string, seeds func(*manifest) []dep) bool {
		var queue []*pkgDir
		for _, pd := range t.projDirs {
			src := path.Join(pd, packageJSON)
			for _, d := range seeds(t.projects[pd]) {
				p, ok := t.resolve(pd, d.Name, b)
				if b.left < 0 {
					return false
				}
				if ok {
					if _, dup := seen[p.dir]; !dup {
						seen[p.dir] = src
						queue = append(queue, p)
					}
				}
			}
		}
		for n := 0; len(queue) > 0; n++ {
			if n%1024 == 0 && ctx.Err() != nil {
				return false
			}
			cur := queue[0]
			queue = queue[1:]
			for _, d := range cur.man.prodDeps() {
				p, ok := t.resolve(cur.dir, d.Name, b)
				if b.left < 0 {
					return false
				}
				if ok {
					if _, dup := seen[p.dir]; !dup {
						seen[p.dir] = seen[cur.dir]
						queue = append(queue, p)
					}
				}
			}
		}
		return true
	}
	if !run(r.prod, (*manifest).prodDeps) || !run(r.dev, func(m *manifest) []dep { return m.DevDeps }) {
		r.complete = false
	}
	return r
}
