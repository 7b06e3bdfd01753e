package node

import (
	"fmt"
	"strings"
)

// hasProtocol reports whether a berry range names its protocol ("npm:",
// "workspace:", "patch:", "https:", ...). Berry stores plain semver ranges
// as "npm:<range>".
func hasProtocol(rng string) bool {
	for i := 0; i < len(rng); i++ {
		c := rng[i]
		switch {
		case c == ':':
			return i > 0
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return false
}

// yarnGraph resolves declared dependencies to lockfile entries.
type yarnGraph struct {
	lf      *yarnLockfile
	byDesc  map[string]*yarnEntry
	byName  map[string][]*yarnEntry
	indexOf map[*yarnEntry]int
}

func newYarnGraph(lf *yarnLockfile) *yarnGraph {
	g := &yarnGraph{lf: lf, byDesc: map[string]*yarnEntry{}, byName: map[string][]*yarnEntry{}, indexOf: map[*yarnEntry]int{}}
	for i, e := range lf.entries {
		g.indexOf[e] = i
		for _, d := range e.descriptors {
			g.byDesc[d] = e
		}
		for _, n := range e.names() {
			g.byName[n] = append(g.byName[n], e)
		}
	}
	return g
}

// lookup returns the entries a dependency name@range resolves to: the
// entry whose descriptor matches exactly (with berry's implicit "npm:"),
// else every entry of that name. Over-matching is the safe direction: it can
// only make more packages count as production.
func (g *yarnGraph) lookup(d dep) []*yarnEntry {
	cands := []string{d.Name + "@" + d.Range}
	if !hasProtocol(d.Range) {
		cands = append(cands, d.Name+"@npm:"+d.Range)
	}
	for _, c := range cands {
		if e, ok := g.byDesc[c]; ok {
			return []*yarnEntry{e}
		}
	}
	return g.byName[d.Name]
}

// reach marks every entry reachable from seeds.
func (g *yarnGraph) reach(seeds []dep, b *budget) ([]bool, error) {
	seen := make([]bool, len(g.lf.entries))
	var queue []*yarnEntry
	push := func(d dep) bool {
		es := g.lookup(d)
		if !b.spend(1 + len(es)) {
			return false
		}
		for _, e := range es {
			if i := g.indexOf[e]; !seen[i] {
				seen[i] = true
				queue = append(queue, e)
			}
		}
		return true
	}
	for _, d := range seeds {
		if !push(d) {
			return nil, errBudget
		}
	}
	for len(queue) > 0 {
		e := queue[0]
		queue = queue[1:]
		for _, d := range e.deps {
			if !push(d) {
				return nil, errBudget
			}
		}
	}
	return seen, nil
}

// projectSeeds returns the production and development declarations of every
// project package.json at or below root. Taking every one (workspaces,
// examples, tools) over-approximates production, which is the safe
// direction.
func projectSeeds(t *tree, root string) (prod, dev []dep) {
	for _, pd := range t.projDirs {
		if under(pd, root) {
			m := t.projects[pd]
			prod = append(prod, m.prodDeps()...)
			dev = append(dev, m.DevDeps...)
		}
	}
	return prod, dev
}

// yarnOpinions reads the yarn.lock at src for the project at root. Yarn
// entries carry no dev flag, so production is what the projects'
// dependencies, optionalDependencies and peerDependencies reach through the
// lockfile, and dev-only is what only devDependencies reach. Entries are
// mapped to install directories by name and installed version.
func yarnOpinions(t *tree, root, src string) (opinions, error) {
	lf, err := parseYarnLock(t.files[src])
	if err != nil {
		return nil, err
	}
	if len(lf.entries) == 0 && !lf.berry && !strings.Contains(string(t.files[src]), "yarn lockfile v1") {
		return nil, fmt.Errorf("parsing yarn.lock: no entries and no yarn lockfile header")
	}
	g := newYarnGraph(lf)
	prodSeeds, devSeeds := projectSeeds(t, root)
	b := &budget{left: defaultBudget}
	prod, err := g.reach(prodSeeds, b)
	if err != nil {
		return nil, fmt.Errorf("resolving yarn.lock dependencies: %w", err)
	}
	dev, err := g.reach(devSeeds, b)
	if err != nil {
		return nil, fmt.Errorf("resolving yarn.lock dependencies: %w", err)
	}
	pairs := map[pairKey]pairClass{}
	for i, e := range lf.entries {
		if e.version == "" || e.linkType == "soft" {
			continue
		}
		for _, n := range e.names() {
			k := pairKey{n, e.version}
			pc := pairs[k]
			pc.prod = pc.prod || prod[i]
			pc.dev = pc.dev || (dev[i] && !prod[i])
			pairs[k] = pc
		}
	}
	kind := "yarn.lock v1"
	if lf.berry {
		kind = "yarn.lock (berry, __metadata version " + lf.metadataVersion + ")"
	}
	return classifyByPair(t, root, pairs, src,
		kind+": reachable from dependencies/optionalDependencies/peerDependencies",
		kind+": reachable only from devDependencies"), nil
}
