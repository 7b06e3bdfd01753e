package node

import (
	"context"
	"path"
	"sort"
	"strings"

	"github.com/slimcheck/slimcheck/analyze/deps/model"
)

// Analyze finds every node project root in files (absolute, cleaned paths
// of captured files, as selected by Capture, reflecting the image's final
// filesystem view) and classifies each package installed under it as
// dev-only, production or extraneous, with evidence. Problems name inputs
// that could not be used; analysis goes on without them.
func Analyze(ctx context.Context, files map[string][]byte) ([]model.Root, []model.Problem) {
	t, probs := buildTree(ctx, files)
	roots := t.roots()
	if len(roots) == 0 {
		return nil, probs
	}
	w := t.walk(ctx, &budget{left: defaultBudget})
	if !w.complete {
		reason := "dependency walk over installed package.json files stopped at its work limit"
		if ctx.Err() != nil {
			reason = "dependency walk stopped: " + ctx.Err().Error()
		}
		probs = append(probs, model.Problem{Path: path.Join(roots[0], packageJSON), Reason: reason})
	}
	ops := opinions{}
	for _, r := range roots { // shallow first: a nested project's own source wins
		o, ps := t.sourceOpinions(r)
		probs = append(probs, ps...)
		for d, op := range o {
			ops[d] = op
		}
	}
	out := t.classify(roots, ops, w)
	for i := range out {
		probs = append(probs, t.addPnP(ctx, &out[i])...)
		out[i].Sources = sourcesOf(&out[i])
	}
	return out, probs
}

// roots returns the project roots, shallowest first: directories outside
// node_modules that hold a package.json or a lockfile and either have
// installed packages or a lockfile. Global installs such as
// /usr/local/lib/node_modules/npm have no project root and are left out.
func (t *tree) roots() []string {
	cand := map[string]bool{}
	for _, d := range t.dirs {
		cand[t.installed[d].owner] = true
	}
	for p := range t.files {
		if _, ok := Capture(p); !ok {
			continue
		}
		dir, base := path.Split(p)
		dir = path.Clean(dir)
		switch base {
		case packageLockJSON, shrinkwrapJSON, yarnLock, pnpmLock, pnpScript, pnpLegacy, pnpData:
			cand[dir] = true
		case hiddenNpmLock:
			cand[path.Dir(dir)] = true
		case hiddenPnpmLock:
			cand[path.Dir(path.Dir(dir))] = true
		}
	}
	var out []string
	for d := range cand {
		if hasNodeModules(d) {
			continue
		}
		has := func(rel string) bool { _, ok := t.files[path.Join(d, rel)]; return ok }
		if has(packageJSON) || has(packageLockJSON) || has(shrinkwrapJSON) || has(yarnLock) ||
			has(pnpmLock) || has("node_modules/"+hiddenNpmLock) || has("node_modules/.pnpm/"+hiddenPnpmLock) ||
			has(pnpScript) || has(pnpLegacy) || has(pnpData) {
			out = append(out, d)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		di, dj := strings.Count(out[i], "/"), strings.Count(out[j], "/")
		if di != dj {
			return di < dj
		}
		return out[i] < out[j]
	})
	return out
}

// lockKind says how to read a lockfile.
type lockKind int

const (
	npmHidden lockKind = iota
	npmLockKind
	pnpmHidden
	pnpmLockKind
	yarnLockKind
)

// sourceOpinions tries the root's lockfiles in preference order and returns
// the opinions of the first one that parses, with a Problem for each one
// that did not.
func (t *tree) sourceOpinions(root string) (opinions, []model.Problem) {
	pnpmLayout := false
	for _, d := range t.dirs {
		if p := t.installed[d]; p.pnpmDir != "" && p.owner == root {
			pnpmLayout = true
			break
		}
	}
	type cand struct {
		rel  string
		kind lockKind
	}
	cands := []cand{{"node_modules/" + hiddenNpmLock, npmHidden}, {"node_modules/.pnpm/" + hiddenPnpmLock, pnpmHidden}}
	if pnpmLayout {
		cands = append(cands, cand{pnpmLock, pnpmLockKind})
	}
	cands = append(cands, cand{shrinkwrapJSON, npmLockKind}, cand{packageLockJSON, npmLockKind})
	if !pnpmLayout {
		cands = append(cands, cand{pnpmLock, pnpmLockKind})
	}
	cands = append(cands, cand{yarnLock, yarnLockKind})
	var probs []model.Problem
	for _, c := range cands {
		src := path.Join(root, c.rel)
		if _, ok := t.files[src]; !ok {
			continue
		}
		var o opinions
		var err error
		switch c.kind {
		case npmHidden, npmLockKind:
			o, err = npmOpinions(t, root, src, c.kind == npmHidden)
		case pnpmHidden, pnpmLockKind:
			o, err = pnpmOpinions(t, root, src, c.kind == pnpmHidden)
		case yarnLockKind:
			o, err = yarnOpinions(t, root, src)
		}
		if err != nil {
			probs = append(probs, model.Problem{Path: src, Reason: err.Error()})
			continue
		}
		return o, probs
	}
	return nil, probs
}

// classify decides every installed package of every root: the source's
// opinion, checked against Node's resolution, else the resolution walk
// alone; then packages nested in a dev-only package become dev-only.
func (t *tree) classify(roots []string, ops opinions, w reach) []model.Root {
	isRoot := map[string]bool{}
	for _, r := range roots {
		isRoot[r] = true
	}
	final := map[string]opinion{}
	var dirs []string
	for _, d := range t.dirs {
		p := t.installed[d]
		if !isRoot[p.owner] {
			continue
		}
		dirs = append(dirs, d)
		final[d] = decide(p, ops, w)
	}
	// Parents sort before their nested packages.
	sort.Slice(dirs, func(i, j int) bool {
		return len(dirs[i]) < len(dirs[j]) || len(dirs[i]) == len(dirs[j]) && dirs[i] < dirs[j]
	})
	for _, d := range dirs {
		if final[d].class == model.Dev || w.prod[d] != "" {
			continue
		}
		i := strings.LastIndex(d, "/node_modules/")
		parent := d[:i]
		if pf, ok := final[parent]; ok && pf.class == model.Dev {
			final[d] = opinion{model.Dev, model.Evidence{Source: pf.ev.Source, How: "nested in the node_modules of dev-only " + parent}}
		}
	}
	sort.Strings(dirs)
	byRoot := map[string]*model.Root{}
	var out []model.Root
	for _, r := range roots {
		byRoot[r] = &model.Root{Dir: r, Ecosystem: model.Node}
	}
	seenPath := map[string]bool{}
	for _, d := range dirs {
		p := t.installed[d]
		rp := p.reportPath()
		if seenPath[rp] {
			continue
		}
		seenPath[rp] = true
		name := p.man.Name
		if name == "" {
			name = p.name
		}
		f := final[d]
		pkg := model.Package{Name: name, Version: p.man.Version, Paths: []string{rp}, Evidence: f.ev}
		root := byRoot[p.owner]
		switch f.class {
		case model.Dev:
			root.Dev = append(root.Dev, pkg)
		case model.Prod:
			root.Prod = append(root.Prod, pkg)
		default:
			root.Extraneous = append(root.Extraneous, pkg)
		}
	}
	for _, r := range roots {
		root := byRoot[r]
		root.Sources = sourcesOf(root)
		out = append(out, *root)
	}
	return out
}

// decide classifies one installed package.
func decide(p *pkgDir, ops opinions, w reach) opinion {
	op, has := ops[p.dir]
	seed := w.prod[p.dir]
	switch {
	case has && op.class == model.Dev && seed != "":
		return opinion{model.Prod, model.Evidence{Source: seed,
			How: "reachable from production dependencies through installed package.json files, although " + op.ev.Source + " says " + op.ev.How}}
	case has:
		return op
	case !w.complete:
		return opinion{model.Prod, model.Evidence{Source: path.Join(p.owner, packageJSON),
			How: "not in a lockfile and not classified (dependency walk stopped); assumed needed"}}
	case seed != "":
		return opinion{model.Prod, model.Evidence{Source: seed,
			How: "reachable from dependencies/optionalDependencies/peerDependencies through installed package.json files"}}
	case w.dev[p.dir] != "":
		return opinion{model.Dev, model.Evidence{Source: w.dev[p.dir],
			How: "reachable only from devDependencies through installed package.json files"}}
	default:
		return opinion{model.Extraneous, model.Evidence{Source: path.Join(p.owner, packageJSON),
			How: "not reachable from any declared dependency"}}
	}
}

// sourcesOf lists the distinct evidence files of a root's packages,
// lockfiles before package.json files.
func sourcesOf(r *model.Root) []string {
	seen := map[string]bool{}
	var out []string
	for _, list := range [][]model.Package{r.Dev, r.Prod, r.Extraneous} {
		for _, p := range list {
			if s := p.Evidence.Source; s != "" && !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		pi, pj := path.Base(out[i]) == packageJSON, path.Base(out[j]) == packageJSON
		if pi != pj {
			return !pi
		}
		return out[i] < out[j]
	})
	return out
}
