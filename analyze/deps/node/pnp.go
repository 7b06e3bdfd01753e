package node

import (
	"context"
	"errors"
	"path"
	"strings"

	"github.com/slimcheck/slimcheck/analyze/deps/model"
	"github.com/slimcheck/slimcheck/analyze/deps/node/pnp"
)

// Evidence phrases of Plug'n'Play classifications.
const (
	pnpProdHow  = "Plug'n'Play map: reachable from the workspaces' dependencies/optionalDependencies/peerDependencies"
	pnpDevHow   = "Plug'n'Play map: reachable only from devDependencies"
	pnpExtraHow = "Plug'n'Play map: listed, but no workspace's dependencies reach it"
)

// addPnP classifies the packages the Plug'n'Play map in r's directory
// places (zips in a cache, unplugged directories) and adds them to r. A
// map that cannot be read is a Problem, and every cache directory it still
// names is kept as production.
func (t *tree) addPnP(ctx context.Context, r *model.Root) []model.Problem {
	var probs []model.Problem
	var tried []string // maps that did not parse, for the fallback
	for _, name := range []string{pnpScript, pnpLegacy, pnpData} {
		src := path.Join(r.Dir, name)
		data, ok := t.files[src]
		if !ok {
			continue
		}
		st, err := pnp.Parse(name, data)
		switch {
		case err == nil:
			prod, dev, extra, ps := t.classifyPnP(ctx, r.Dir, src, st)
			r.Prod = append(r.Prod, prod...)
			r.Dev = append(r.Dev, dev...)
			r.Extraneous = append(r.Extraneous, extra...)
			return append(probs, ps...)
		case errors.Is(err, pnp.ErrNoInlineState):
			if _, ok := t.files[path.Join(r.Dir, pnpData)]; !ok {
				probs = append(probs, model.Problem{Path: src, Reason: "the Plug'n'Play loader reads " + pnpData + ", which is not in the image"})
			}
			continue
		case errors.Is(err, pnp.ErrClassic):
			return append(probs, model.Problem{Path: src, Reason: err.Error()})
		}
		probs = append(probs, model.Problem{Path: src, Reason: err.Error()})
		tried = append(tried, src)
	}
	if len(tried) > 0 || len(probs) > 0 {
		src := path.Join(r.Dir, pnpScript)
		if len(tried) > 0 {
			src = tried[0]
		}
		r.Prod = append(r.Prod, t.pnpFallback(r.Dir, src, tried)...)
	}
	return probs
}

// pnpFallback keeps, for a map that could not be read, every directory
// holding a package it names (the caches its zips are in, unplugged
// directories) and the project's own .yarn/cache and .yarn/unplugged, as
// production: without the map nothing can be called dev-only or unused.
func (t *tree) pnpFallback(root, src string, maps []string) []model.Package {
	seen := map[string]bool{}
	var out []model.Package
	claim := func(p string) {
		if seen[p] || p == "/" || under(root, p) {
			return
		}
		seen[p] = true
		out = append(out, model.Package{Name: path.Base(p), Paths: []string{p}, Evidence: model.Evidence{Source: src,
			How: "the Plug'n'Play map could not be read, so every package in a directory it names is kept"}})
	}
	claim(path.Join(root, ".yarn/cache"))
	claim(path.Join(root, ".yarn/unplugged"))
	for _, m := range maps {
		for _, loc := range pnp.ScanLocations(t.files[m]) {
			abs := pnp.Resolve(root, loc)
			if zip, ok := pnp.ZipPath(abs); ok {
				claim(path.Dir(zip))
			} else if i := strings.Index(abs, "/node_modules/"); i > 0 {
				claim(abs[:i])
			}
		}
	}
	return out
}

// declKind says how a workspace's package.json declares a dependency.
type declKind uint8

const (
	undeclared declKind = iota // not at all: counts as production
	prodDecl                   // dependencies, optionalDependencies, peerDependencies
	devDecl                    // devDependencies only
)

// pnpGraph is a parsed map with its locators indexed.
type pnpGraph struct {
	st    *pnp.State
	index map[pnp.Locator]int         // into st.Packages
	decl  map[int]map[string]declKind // workspace → its declarations; nil without a package.json
}

// declarations indexes m's declarations by name, production first.
func declarations(m *manifest) map[string]declKind {
	if m == nil {
		return nil
	}
	out := make(map[string]declKind, len(m.DevDeps)+len(m.Deps))
	for _, d := range m.DevDeps {
		out[d.Name] = devDecl
	}
	for _, d := range m.prodDeps() {
		out[d.Name] = prodDecl
	}
	return out
}

// edges returns the packages p's dependencies resolve to. For a workspace
// only the production declarations of its package.json are followed
// (dependencies, optionalDependencies, peerDependencies, and anything it
// does not declare, since a doubt counts as production), or only its
// devDependencies when dev is set; other packages need all theirs.
func (g *pnpGraph) edges(i int, dev bool) []int {
	p := &g.st.Packages[i]
	decl, ws := g.decl[i]
	var out []int
	for _, d := range p.Dependencies {
		if d.Missing {
			continue
		}
		j, ok := g.index[d.Target]
		if !ok || j == i {
			continue
		}
		// Without a package.json everything counts as production.
		if ws && (decl[d.Name] == devDecl) != dev {
			continue
		}
		out = append(out, j)
	}
	return out
}

// reach marks every package reachable from the workspaces: their
// production declarations when dev is false, their devDependencies when
// true; below the seeds every dependency counts (a workspace reached in
// the graph contributes its production declarations). It reports false
// when ctx ends first.
func (g *pnpGraph) reach(ctx context.Context, dev bool) ([]bool, bool) {
	seen := make([]bool, len(g.st.Packages))
	var queue []int
	for i := range g.decl {
		for _, j := range g.edges(i, dev) {
			if !seen[j] {
				seen[j] = true
				queue = append(queue, j)
			}
		}
	}
	for n := 0; len(queue) > 0; n++ {
		if n%1024 == 0 && ctx.Err() != nil {
			return nil, false
		}
		i := queue[0]
		queue = queue[1:]
		for _, j := range g.edges(i, false) {
			if !seen[j] {
				seen[j] = true
				queue = append(queue, j)
			}
		}
	}
	return seen, true
}

// classifyPnP classifies the packages of the map st read from src, for
// the project at root: production when reachable from a workspace's
// production declarations, dev when only from devDependencies, extraneous
// when from neither. Packages sharing a path (a virtual instance and its
// base share their zip) take the strongest class, production first.
func (t *tree) classifyPnP(ctx context.Context, root, src string, st *pnp.State) (prod, dev, extra []model.Package, probs []model.Problem) {
	g := &pnpGraph{st: st, index: make(map[pnp.Locator]int, len(st.Packages)), decl: map[int]map[string]declKind{}}
	// covered holds the project, every workspace and all their ancestors:
	// no package path may be one of them.
	covered := map[string]bool{}
	cover := func(d string) {
		for ; !covered[d]; d = path.Dir(d) {
			covered[d] = true
			if d == "/" {
				break
			}
		}
	}
	cover(root)
	for i, p := range st.Packages {
		if _, dup := g.index[p.Locator]; !dup {
			g.index[p.Locator] = i
		}
		if !p.Workspace() {
			continue
		}
		dir := pnp.Resolve(root, p.Location)
		m := t.projects[dir]
		if m == nil && dir != "" && !covered[dir] {
			probs = append(probs, model.Problem{Path: path.Join(dir, packageJSON),
				Reason: "a workspace of " + src + " has no readable package.json in the image: all its dependencies count as production"})
		}
		g.decl[i] = declarations(m)
		if dir != "" {
			cover(dir)
		}
	}
	prodSeen, ok1 := g.reach(ctx, false)
	devSeen, ok2 := g.reach(ctx, true)
	if !ok1 || !ok2 {
		return nil, nil, nil, append(probs, model.Problem{Path: src, Reason: "Plug'n'Play classification stopped: " + ctx.Err().Error()})
	}
	type claim struct {
		class model.Class
		pkg   model.Package
	}
	rank := map[model.Class]int{model.Prod: 0, model.Dev: 1, model.Extraneous: 2}
	claims := map[string]*claim{}
	var order []string
	for i, p := range st.Packages {
		if p.Workspace() {
			continue
		}
		q := pnpPath(root, p, covered)
		if q == "" {
			continue
		}
		c := claim{class: model.Extraneous, pkg: model.Package{Name: p.Name, Version: p.Version(), Paths: []string{q},
			Evidence: model.Evidence{Source: src, How: pnpExtraHow}}}
		switch {
		case prodSeen[i]:
			c.class, c.pkg.Evidence.How = model.Prod, pnpProdHow
		case devSeen[i]:
			c.class, c.pkg.Evidence.How = model.Dev, pnpDevHow
		}
		old, ok := claims[q]
		if !ok {
			order = append(order, q)
		}
		if !ok || rank[c.class] < rank[old.class] {
			claims[q] = &c
		}
	}
	for _, q := range order {
		c := claims[q]
		switch c.class {
		case model.Prod:
			prod = append(prod, c.pkg)
		case model.Dev:
			dev = append(dev, c.pkg)
		default:
			extra = append(extra, c.pkg)
		}
	}
	return prod, dev, extra, probs
}

// pnpPath is the image path holding a package's bytes: the zip its
// location lies in, or for an unpacked ("HARD", unplugged) package the
// directory above <…>/node_modules/<name> (else the location itself).
// Links to directories (SOFT without a zip: portals, links) hold no package
// bytes, and no path may be one in covered (the project, its workspaces
// and their ancestors).
func pnpPath(root string, p pnp.Package, covered map[string]bool) string {
	loc := pnp.Resolve(root, p.Location)
	if loc == "" {
		return ""
	}
	var cands []string
	if zip, ok := pnp.ZipPath(loc); ok {
		cands = []string{zip}
	} else if p.LinkType == "HARD" {
		if d, ok := strings.CutSuffix(loc, "/node_modules/"+p.Name); ok && !hasNodeModules(d) {
			cands = append(cands, d)
		}
		cands = append(cands, loc)
	}
	for _, q := range cands {
		if q != "" && !covered[q] {
			return q
		}
	}
	return ""
}
