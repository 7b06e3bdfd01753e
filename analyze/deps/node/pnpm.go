package node

import (
	"fmt"
	"path"
	"sort"

	"github.com/slimcheck/slimcheck/analyze/deps/model"
)

// pnpmGraph is the package graph of a pnpm lockfile, keyed by dep path.
type pnpmGraph struct {
	major int
	l     *pnpmLockFile
}

// edges returns the keys a package depends on (dependencies and
// optionalDependencies), from snapshots (lockfile 9) or packages.
func (g pnpmGraph) edges(key string) []string {
	d, ok := g.l.Snapshots[key]
	if !ok {
		d = g.l.Packages[key].pnpmDeps
	}
	return g.refs(d.Dependencies, d.OptionalDependencies)
}

// refs converts dependency maps to package keys, sorted for determinism.
func (g pnpmGraph) refs(maps ...map[string]pnpmRef) []string {
	var out []string
	for _, m := range maps {
		for name, ref := range m {
			if k := pnpmRefToKey(name, string(ref), g.major); k != "" {
				out = append(out, k)
			}
		}
	}
	sort.Strings(out)
	return out
}

// importers returns every importer: the "importers" map or, for older
// single-project lockfiles, the top-level maps.
func (g pnpmGraph) importers() []pnpmDeps {
	if len(g.l.Importers) == 0 {
		return []pnpmDeps{g.l.pnpmDeps}
	}
	names := make([]string, 0, len(g.l.Importers))
	for n := range g.l.Importers {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]pnpmDeps, 0, len(names))
	for _, n := range names {
		out = append(out, g.l.Importers[n])
	}
	return out
}

// reach returns every key reachable from seeds.
func (g pnpmGraph) reach(seeds []string, b *budget) (map[string]bool, error) {
	seen := map[string]bool{}
	queue := append([]string(nil), seeds...)
	for _, s := range seeds {
		seen[s] = true
	}
	for len(queue) > 0 {
		k := queue[0]
		queue = queue[1:]
		es := g.edges(k)
		if !b.spend(1 + len(es)) {
			return nil, errBudget
		}
		for _, e := range es {
			if !seen[e] {
				seen[e] = true
				queue = append(queue, e)
			}
		}
	}
	return seen, nil
}

// keyClasses says for every package key whether it is needed in production
// or only in development. Lockfiles before 9 carry "dev": true/false (no
// flag: needed by both); lockfile 9 dropped the flag, so it is computed from
// the importers' dependencies/optionalDependencies versus devDependencies.
func (g pnpmGraph) keyClasses() (map[string]pairClass, string, error) {
	out := map[string]pairClass{}
	if g.major < 9 {
		flagged := false
		for k, p := range g.l.Packages {
			switch {
			case p.Dev == nil:
				out[k] = pairClass{prod: true}
			case *p.Dev:
				out[k], flagged = pairClass{dev: true}, true
			default:
				out[k], flagged = pairClass{prod: true}, true
			}
		}
		if flagged || len(g.l.Packages) == 0 {
			return out, `"dev": true`, nil
		}
	}
	var prodSeeds, devSeeds []string
	for _, imp := range g.importers() {
		prodSeeds = append(prodSeeds, g.refs(imp.Dependencies, imp.OptionalDependencies)...)
		devSeeds = append(devSeeds, g.refs(imp.DevDependencies)...)
	}
	b := &budget{left: defaultBudget}
	prod, err := g.reach(prodSeeds, b)
	if err != nil {
		return nil, "", err
	}
	dev, err := g.reach(devSeeds, b)
	if err != nil {
		return nil, "", err
	}
	keys := g.l.Snapshots
	if len(keys) == 0 {
		keys = map[string]pnpmDeps{}
		for k := range g.l.Packages {
			keys[k] = pnpmDeps{}
		}
	}
	for k := range keys {
		out[k] = pairClass{prod: prod[k], dev: dev[k] && !prod[k]}
	}
	return out, "reachable only from importers' devDependencies", nil
}

// pnpmOpinions reads a pnpm lockfile at src for the project at root. A
// package in pnpm's store layout (node_modules/.pnpm/<dir>/node_modules/<name>)
// is matched by its store directory name; any other installed package
// (node-linker=hoisted, or a store name pnpm shortened with a hash) by name
// and installed version.
func pnpmOpinions(t *tree, root, src string, hidden bool) (opinions, error) {
	l, err := parsePnpmLock(t.files[src])
	if err != nil {
		return nil, err
	}
	major, ver := l.major()
	g := pnpmGraph{major: major, l: l}
	classes, rule, err := g.keyClasses()
	if err != nil {
		return nil, fmt.Errorf("resolving pnpm lockfile dependencies: %w", err)
	}
	byDir := map[string]pairClass{}
	pairs := map[pairKey]pairClass{}
	for k, c := range classes {
		name, version := pnpmSplitKey(k, major)
		if p, ok := l.Packages[pnpmBaseKey(k)]; ok {
			if p.Name != "" {
				name = p.Name
			}
			if p.Version != "" {
				version = p.Version
			}
		}
		merge := func(m pairClass) pairClass { return pairClass{prod: m.prod || c.prod, dev: m.dev || c.dev} }
		dn := pnpmDirName(k, major)
		byDir[dn] = merge(byDir[dn])
		if name != "" && version != "" {
			pk := pairKey{name, version}
			pairs[pk] = merge(pairs[pk])
		}
	}
	kind := "pnpm-lock.yaml"
	if hidden {
		kind = "pnpm hidden lockfile"
	}
	kind += " lockfileVersion " + ver
	prodEv := model.Evidence{Source: src, How: kind + ": needed by production dependencies"}
	devEv := model.Evidence{Source: src, How: kind + ": " + rule}
	out := classifyByPair(t, root, pairs, src, prodEv.How, devEv.How)
	for _, d := range t.dirs {
		p := t.installed[d]
		if p.pnpmDir == "" || !under(d, root) {
			continue
		}
		c, ok := byDir[path.Base(p.pnpmDir)]
		if !ok {
			continue
		}
		switch {
		case c.prod:
			out[d] = opinion{model.Prod, prodEv}
		case c.dev:
			out[d] = opinion{model.Dev, devEv}
		default:
			delete(out, d)
		}
	}
	return out, nil
}
