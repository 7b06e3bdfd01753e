package attribute

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/slimcheck/slimcheck/analyze"
	"github.com/slimcheck/slimcheck/analyze/deps"
	"github.com/slimcheck/slimcheck/analyze/deps/model"
	"github.com/slimcheck/slimcheck/analyze/ecosystem"
	"github.com/slimcheck/slimcheck/report"
)

// Evidence kinds, as report.Evidence.Kind carries them.
const (
	KindPackage  = "package"  // an OS package owns the file
	KindRule     = "rule"     // a path rule placed it
	KindLockfile = "lockfile" // a lockfile or manifest classified the dependency holding it
	KindHidden   = "hidden"   // it is stored but not visible in the final filesystem
)

// UnmatchedRule is the rule id of the evidence for files that no package
// owns and no rule matches: they are os-base.
const UnmatchedRule = "unmatched"

// Attribute gives every entry of every layer of ix one category with its
// evidence, lists the OS packages and databases found, and detects the
// application's ecosystem. Unusable evidence (a corrupt database, a
// lockfile that does not parse) becomes a Problem and attribution goes on
// with what remains; it fails only on invalid options or when ctx ends.
func Attribute(ctx context.Context, ix *analyze.Index, opts Options) (*Result, error) {
	if err := opts.Validate(); err != nil {
		return nil, fmt.Errorf("validating attribution options: %w", err)
	}
	v := &fsView{ix: ix}
	captured := ix.CapturedFiles()
	st := loadPackages(ctx, ix, v, captured)
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	epkgs := make([]ecosystem.Package, 0, len(st.pkgs))
	for _, p := range st.pkgs {
		epkgs = append(epkgs, ecosystem.Package{Name: p.pkg.Name, Version: p.pkg.Version, Manager: string(p.pkg.Manager)})
	}
	owned := func(p string) bool {
		r, ok := ix.Lookup(p)
		return ok && st.ownerOf(int(r.Layer), int(r.Entry)) >= 0
	}
	eco := ecosystem.Detect(ctx, ix, epkgs, ecosystem.Options{AppDir: opts.AppDir, Owned: owned})
	st.assignRoles(newRoleTable(append(append([]Role{}, opts.Roles...), DefaultRoles()...), eco.Ecosystem.Name))

	a := &attributor{ix: ix, st: st, evIndex: map[evKey]int32{}}
	a.res.Ecosystem = eco.Ecosystem
	a.res.OS, a.res.ImageLibc = eco.OS, eco.ImageLibc
	a.res.Problems = append(a.res.Problems, st.probs...)
	a.res.Problems = append(a.res.Problems, eco.Problems...)
	if !opts.NoLockfiles {
		files := map[string][]byte{}
		for p, b := range captured {
			if _, ok := deps.CapturePath(p); ok {
				files[p] = b
			}
		}
		if len(files) > 0 {
			res, probs := deps.DevOnly(ctx, files)
			a.deps = newDepIndex(res)
			for _, p := range probs {
				a.res.Problems = append(a.res.Problems, report.Problem{Path: p.Path, Layer: v.layerOf(p.Path), Reason: oneLine(p.Reason)})
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	a.rules = append(append(append([]Rule{}, opts.Rules...), DefaultRules()...),
		dynamicRules(eco.Homes, eco.Env, eco.Ecosystem.AppDir, eco.Venvs, eco.EntryFile)...)
	a.m = newMatcher(a.rules)
	if err := a.run(ctx); err != nil {
		return nil, err
	}
	a.packages()
	sort.SliceStable(a.res.Problems, func(i, j int) bool {
		pi, pj := a.res.Problems[i], a.res.Problems[j]
		if pi.Layer != pj.Layer {
			return pi.Layer < pj.Layer
		}
		return pi.Path < pj.Path
	})
	return &a.res, nil
}

// attributor carries one Attribute call.
type attributor struct {
	ix    *analyze.Index
	st    *packageState
	deps  *depIndex
	rules []Rule
	m     *matcher
	res   Result

	evIndex map[evKey]int32
}

// evKey identifies a piece of evidence cheaply, so the table is
// deduplicated without hashing strings per entry.
type evKey struct {
	kind uint8
	a, b int32
}

const (
	evPackage uint8 = iota
	evRule
	evDep
	evHidden
	evUnmatched
)

// evidence returns the table index for key, building the entry once. The
// build function is only called (and callers only allocate its closure's
// captures) on a miss; see the lookup-first call sites.
func (a *attributor) evidence(k evKey, build func() report.Evidence) int32 {
	if i, ok := a.evIndex[k]; ok {
		return i
	}
	i := int32(len(a.res.Table))
	a.res.Table = append(a.res.Table, build())
	a.evIndex[k] = i
	return i
}

// known returns the table index of k when it is already there.
func (a *attributor) known(k evKey) (int32, bool) {
	i, ok := a.evIndex[k]
	return i, ok
}

// run categorises every entry of every layer.
func (a *attributor) run(ctx context.Context) error {
	a.res.Category = make([][]report.Category, len(a.ix.Layers))
	a.res.Evidence = make([][]int32, len(a.ix.Layers))
	for li := range a.ix.Layers {
		if err := ctx.Err(); err != nil {
			return err
		}
		entries := a.ix.Layers[li].Entries
		cats := make([]report.Category, len(entries))
		evs := make([]int32, len(entries))
		links := visibleLinks(entries)
		for ei := range entries {
			e := &entries[ei]
			switch e.Status {
			case analyze.Visible:
				cats[ei], evs[ei] = a.visible(e.Path, a.st.ownerOf(li, ei), e.Type == analyze.TypeDir, e.Size)
			case analyze.Marker:
				cats[ei], evs[ei] = a.unowned(e.Path)
			default:
				if link, ok := links[e.Path]; ok && e.Type == analyze.TypeFile {
					// Kept alive by a visible hard link: the bytes are the
					// link's, so they take its path and owner.
					cats[ei], evs[ei] = a.visible(entries[link].Path, a.st.ownerOf(li, link), false, e.Size)
					continue
				}
				cats[ei], evs[ei] = report.Wasted, a.hidden(e)
			}
		}
		a.res.Category[li], a.res.Evidence[li] = cats, evs
	}
	return nil
}

// visibleLinks maps the target of each visible hard link of one layer to
// the link's entry index.
func visibleLinks(entries []analyze.Entry) map[string]int {
	var m map[string]int
	for i, e := range entries {
		if e.Type == analyze.TypeHardlink && e.Status == analyze.Visible {
			if m == nil {
				m = map[string]int{}
			}
			if _, ok := m[e.Link]; !ok {
				m[e.Link] = i
			}
		}
	}
	return m
}

func (st *packageState) ownerOf(li, ei int) int32 {
	if li < len(st.owner) && ei < len(st.owner[li]) {
		return st.owner[li][ei]
	}
	return -1
}

// visible categorises an entry of the final filesystem.
func (a *attributor) visible(p string, owner int32, isDir bool, size int64) (report.Category, int32) {
	if owner < 0 || isDir {
		return a.unowned(p)
	}
	pk := &a.st.pkgs[owner]
	pk.bytes += size
	pk.files++
	cat, rule := pk.role, int32(-1)
	if t, ok := a.m.match(p, true); ok {
		mt := &a.m.terms[t]
		if mt.rank < categoryRank(cat) {
			cat, rule = a.rules[mt.rule].Category, t
		}
	}
	k := evKey{evPackage, owner, rule}
	if i, ok := a.known(k); ok {
		return cat, i
	}
	return cat, a.evidence(k, func() report.Evidence {
		pi := a.st.pkgs[owner]
		ev := report.Evidence{Kind: KindPackage, Package: pi.pkg.Name, Version: pi.pkg.Version, Manager: string(pi.pkg.Manager),
			Source: a.st.dbs[pi.db].db.Path, Detail: pi.why}
		if rule >= 0 {
			mt := a.m.terms[rule]
			ev.Rule, ev.Pattern = a.rules[mt.rule].ID, a.rules[mt.rule].Patterns[mt.pattern]
		}
		return ev
	})
}

// unowned categorises a path no package owns: the best of the path rules
// and the dependency classification, by category precedence.
func (a *attributor) unowned(p string) (report.Category, int32) {
	t, ruled := a.m.match(p, false)
	var dm *depMatch
	if a.deps != nil {
		dm = a.deps.lookup(p)
	}
	if dm != nil && (!ruled || categoryRank(dm.category) <= a.m.terms[t].rank) {
		k := evKey{evDep, dm.id, 0}
		if i, ok := a.known(k); ok {
			return dm.category, i
		}
		return dm.category, a.evidence(k, func() report.Evidence {
			return report.Evidence{Kind: KindLockfile, Package: dm.pkg.Name, Version: dm.pkg.Version,
				Source: dm.pkg.Evidence.Source, Detail: dm.detail}
		})
	}
	if ruled {
		return a.rules[a.m.terms[t].rule].Category, a.ruleEvidence(t)
	}
	k := evKey{evUnmatched, 0, 0}
	if i, ok := a.known(k); ok {
		return report.OSBase, i
	}
	return report.OSBase, a.evidence(k, func() report.Evidence {
		return report.Evidence{Kind: KindRule, Rule: UnmatchedRule, Pattern: "/", Detail: "no OS package owns it and no rule matches"}
	})
}

func (a *attributor) ruleEvidence(t int32) int32 {
	k := evKey{evRule, t, 0}
	if i, ok := a.known(k); ok {
		return i
	}
	return a.evidence(k, func() report.Evidence {
		mt := a.m.terms[t]
		r := a.rules[mt.rule]
		return report.Evidence{Kind: KindRule, Rule: r.ID, Pattern: r.Patterns[mt.pattern]}
	})
}

// hidden builds the evidence of a wasted entry: why it is hidden and which
// rule would have placed it.
func (a *attributor) hidden(e *analyze.Entry) int32 {
	t, ok := a.m.match(e.Path, false)
	if !ok {
		t = -1
	}
	k := evKey{evHidden, int32(e.Status), t}
	if i, ok := a.known(k); ok {
		return i
	}
	status := e.Status
	return a.evidence(k, func() report.Evidence {
		ev := report.Evidence{Kind: KindHidden, Detail: hiddenReason(status)}
		if t >= 0 {
			mt := a.m.terms[t]
			ev.Rule, ev.Pattern = a.rules[mt.rule].ID, a.rules[mt.rule].Patterns[mt.pattern]
		}
		return ev
	})
}

func hiddenReason(s analyze.Status) string {
	switch s {
	case analyze.Overwritten:
		return "overwritten by a later layer"
	case analyze.Deleted:
		return "deleted by a later layer"
	case analyze.Shadowed:
		return "written again later in the same layer"
	}
	return s.String()
}

// packages fills Result.Packages and Result.Databases.
func (a *attributor) packages() {
	for _, d := range a.st.dbs {
		a.res.Databases = append(a.res.Databases, report.Database{Manager: string(d.db.Manager), Path: d.db.Path, Layer: d.layer, Packages: len(d.db.Packages)})
	}
	for _, p := range a.st.pkgs {
		a.res.Packages = append(a.res.Packages, report.Package{
			Name: p.pkg.Name, Version: p.pkg.Version, Arch: p.pkg.Arch, Manager: string(p.pkg.Manager),
			Layer: p.layer, Category: p.role, Bytes: p.bytes, Files: p.files, Missing: p.missing,
		})
	}
}

// depMatch is a classified language package owning a path.
type depMatch struct {
	id       int32
	class    deps.Class
	category report.Category
	pkg      deps.Package
	detail   string
}

// depIndex finds the classified language package owning a path by walking
// up its directories (no allocation per lookup).
type depIndex struct {
	byPath map[string]*depMatch
}

func newDepIndex(r deps.Result) *depIndex {
	x := &depIndex{byPath: map[string]*depMatch{}}
	var id int32
	add := func(root deps.Root, class deps.Class, pkgs []deps.Package) {
		for _, p := range pkgs {
			m := &depMatch{id: id, class: class, pkg: p, category: report.App}
			id++
			switch class {
			case model.Dev:
				m.category = report.DevDependencies
				m.detail = "dev-only dependency of " + root.Dir + ": " + p.Evidence.How
			case model.Extraneous:
				m.detail = "extraneous (reached by no declared dependency) in " + root.Dir + ": " + p.Evidence.How + "; kept as app"
			default:
				m.detail = "production dependency of " + root.Dir + ": " + p.Evidence.How
			}
			for _, q := range p.Paths {
				q = cleanAbs(q)
				// As model.NewIndex: the first claim keeps a path, except that
				// production wins over dev and extraneous, so a doubtful path is
				// never called dev-only.
				if old, ok := x.byPath[q]; ok && (old.class == model.Prod || class != model.Prod) {
					continue
				}
				x.byPath[q] = m
			}
		}
	}
	for _, root := range r.Roots {
		add(root, model.Prod, root.Prod)
	}
	for _, root := range r.Roots {
		add(root, model.Dev, root.Dev)
		add(root, model.Extraneous, root.Extraneous)
	}
	if len(x.byPath) == 0 {
		return nil
	}
	return x
}

func cleanAbs(p string) string {
	if p == "" || p[0] != '/' {
		p = "/" + p
	}
	for len(p) > 1 && p[len(p)-1] == '/' {
		p = p[:len(p)-1]
	}
	return p
}

// lookup returns the package owning p itself or its nearest directory.
func (x *depIndex) lookup(p string) *depMatch {
	for {
		if m, ok := x.byPath[p]; ok {
			return m
		}
		i := strings.LastIndexByte(p, '/')
		if i <= 0 {
			return nil
		}
		p = p[:i]
	}
}
