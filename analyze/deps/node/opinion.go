package node

import "github.com/slimcheck/slimcheck/analyze/deps/model"

// opinion is what one source says about one install directory.
type opinion struct {
	class model.Class // model.Dev or model.Prod
	ev    model.Evidence
}

// opinions maps install directories to what a source says about them.
type opinions map[string]opinion

// pairKey identifies a package by name and version, which is all a lockfile
// without install paths (yarn, pnpm) can say about an install directory.
type pairKey struct{ name, version string }

// pairClass says, for one name@version, whether any lockfile entry with it
// is needed in production and whether any is reached only from
// devDependencies.
type pairClass struct{ prod, dev bool }

// classifyByPair gives an opinion for every install directory below root
// whose name (directory or package.json name) and installed version match a
// lockfile package: production if any matching entry is needed in
// production, dev if matching entries are reached only from dev. A
// directory matching nothing gets no opinion.
func classifyByPair(t *tree, root string, pairs map[pairKey]pairClass, src, prodHow, devHow string) opinions {
	out := opinions{}
	for _, d := range t.dirs {
		p := t.installed[d]
		if !under(d, root) || p.man.Version == "" {
			continue
		}
		var c pairClass
		for _, n := range p.names() {
			pc := pairs[pairKey{n, p.man.Version}]
			c.prod = c.prod || pc.prod
			c.dev = c.dev || pc.dev
		}
		switch {
		case c.prod:
			out[d] = opinion{model.Prod, model.Evidence{Source: src, How: prodHow}}
		case c.dev:
			out[d] = opinion{model.Dev, model.Evidence{Source: src, How: devHow}}
		}
	}
	return out
}
