package python

import (
	"context"
	"path"
	"sort"
	"strings"

	"github.com/slimcheck/slimcheck/analyze/deps/model"
)

// Analyze finds every pipenv or poetry project root in files (captured as
// Capture selects, reflecting the final filesystem view) and classifies the
// distributions installed for it.
func Analyze(ctx context.Context, files map[string][]byte) ([]model.Root, []model.Problem) {
	var probs []model.Problem
	var roots []string
	var records []string
	rootSet := map[string]bool{}
	for p := range files {
		if !path.IsAbs(p) || path.Clean(p) != p {
			continue
		}
		if _, ok := Capture(p); !ok {
			continue
		}
		switch path.Base(p) {
		case "Pipfile.lock", "poetry.lock":
			if d := path.Dir(p); !rootSet[d] {
				rootSet[d] = true
				roots = append(roots, d)
			}
		case "RECORD":
			records = append(records, p)
		}
	}
	if len(roots) == 0 {
		return nil, nil
	}
	sort.Strings(roots)
	sort.Strings(records)
	var dists []*dist
	bySP := map[string][]*dist{}
	for i, rp := range records {
		if i%256 == 0 && ctx.Err() != nil {
			return nil, append(probs, model.Problem{Path: rp, Reason: "stopped: " + ctx.Err().Error()})
		}
		infoDir := path.Dir(rp)
		raw, version, ok := parseDistInfoDir(path.Base(infoDir))
		if !ok {
			continue
		}
		sp := path.Dir(infoDir)
		fl, err := parseRecord(sp, files[rp])
		if err != nil {
			probs = append(probs, model.Problem{Path: rp, Reason: err.Error()})
		}
		// The dist-info directory always belongs to its distribution.
		fl = append(fl, infoDir)
		d := &dist{name: normalize(raw), rawName: raw, version: version, sp: sp, record: rp, files: fl}
		dists = append(dists, d)
		bySP[sp] = append(bySP[sp], d)
	}
	own := ownershipOf(dists)
	var out []model.Root
	for _, r := range roots {
		root, ps := analyzeRoot(r, roots, files, bySP, own)
		probs = append(probs, ps...)
		if root != nil {
			out = append(out, *root)
		}
	}
	return out, probs
}

// sitePackagesFor chooses the site-packages directories of a root: those
// inside it, else those outside every root and outside the distribution's
// own /usr/lib/python* trees. local says which case applied.
func sitePackagesFor(root string, roots []string, bySP map[string][]*dist) (sps []string, local bool) {
	for sp := range bySP {
		if under(sp, root) && root != "/" {
			sps = append(sps, sp)
		}
	}
	if len(sps) > 0 {
		sort.Strings(sps)
		return sps, true
	}
outer:
	for sp := range bySP {
		if strings.HasPrefix(sp, "/usr/lib/python") {
			continue
		}
		for _, r := range roots {
			if r != "/" && under(sp, r) {
				continue outer
			}
		}
		sps = append(sps, sp)
	}
	sort.Strings(sps)
	return sps, false
}

// rootClasses reads the root's lockfile: Pipfile.lock first, then
// poetry.lock. A file that does not parse is a Problem and the next is used.
func rootClasses(root string, files map[string][]byte) (lockClasses, string, []model.Problem) {
	var probs []model.Problem
	pip := path.Join(root, "Pipfile.lock")
	if data, ok := files[pip]; ok {
		c, err := parsePipfileLock(data)
		if err == nil {
			return c, pip, probs
		}
		probs = append(probs, model.Problem{Path: pip, Reason: err.Error()})
	}
	poetry := path.Join(root, "poetry.lock")
	if data, ok := files[poetry]; ok {
		l, err := parsePoetryLock(data)
		if err == nil {
			pp := path.Join(root, "pyproject.toml")
			var c lockClasses
			c, err = poetryClasses(l, files[pp], pp)
			if err == nil {
				return c, poetry, probs
			}
		}
		probs = append(probs, model.Problem{Path: poetry, Reason: err.Error()})
	}
	return lockClasses{}, "", probs
}

// analyzeRoot classifies the distributions installed for one root.
func analyzeRoot(root string, roots []string, files map[string][]byte, bySP map[string][]*dist, own ownership) (*model.Root, []model.Problem) {
	c, src, probs := rootClasses(root, files)
	if src == "" {
		return nil, probs
	}
	out := &model.Root{Dir: root, Ecosystem: model.Python, Sources: []string{src}}
	sps, local := sitePackagesFor(root, roots, bySP)
	for _, sp := range sps {
		for _, d := range bySP[sp] {
			pkg := model.Package{Name: d.name, Version: d.version, Paths: own.pathsOf(d)}
			switch {
			case c.prod[d.name]:
				pkg.Evidence = model.Evidence{Source: src, How: c.prodHow}
				out.Prod = append(out.Prod, pkg)
			case c.dev[d.name]:
				pkg.Evidence = model.Evidence{Source: src, How: c.devHow}
				out.Dev = append(out.Dev, pkg)
			case local:
				pkg.Evidence = model.Evidence{Source: src, How: "installed in the project's environment but not in the lockfile"}
				out.Extraneous = append(out.Extraneous, pkg)
			}
		}
	}
	return out, probs
}
