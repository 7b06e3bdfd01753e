package attribute

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/slimcheck/slimcheck/analyze"
	"github.com/slimcheck/slimcheck/analyze/deps"
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
//
// The dependency analysis runs beside package loading, and the entries of
// a large image are shared out over up to GOMAXPROCS goroutines; the
// result is the same whatever the number of CPUs.
func Attribute(ctx context.Context, ix *analyze.Index, opts Options) (*Result, error) {
	return attribute(ctx, ix, opts, defaultSpread())
}

// attribute is Attribute with the work of categorising entries spread as
// sp says (which changes nothing in the result).
func attribute(ctx context.Context, ix *analyze.Index, opts Options, sp spread) (*Result, error) {
	if err := opts.Validate(); err != nil {
		return nil, fmt.Errorf("validating attribution options: %w", err)
	}
	v := &fsView{ix: ix}
	captured := ix.CapturedFiles()
	// The dependency analysis reads only captured manifests and lockfiles:
	// it runs beside package loading and ecosystem detection.
	var (
		wg        sync.WaitGroup
		depIdx    *depIndex
		depProbs  []deps.Problem
		depsFound bool
	)
	if !opts.NoLockfiles {
		files := map[string][]byte{}
		for p, b := range captured {
			if _, ok := deps.CapturePath(p); ok {
				files[p] = b
			}
		}
		// A Plug'n'Play map over the capture limit is read from its prefix:
		// it does not parse, but still names where its packages live.
		for li := range ix.Layers {
			for p, b := range ix.Layers[li].Prefixes {
				if _, ok := deps.CapturePrefix(p); !ok {
					continue
				}
				if r, ok := ix.Lookup(p); ok && int(r.Layer) == li && files[p] == nil {
					files[p] = b
				}
			}
		}
		if len(files) > 0 {
			depsFound = true
			wg.Go(func() {
				var res deps.Result
				res, depProbs = deps.DevOnly(ctx, files)
				depIdx = newDepIndex(res)
			})
		}
	}
	defer wg.Wait()
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

	a := &attributor{ix: ix, st: st}
	a.res.Ecosystem = eco.Ecosystem
	a.res.OS, a.res.ImageLibc = eco.OS, eco.ImageLibc
	a.res.Problems = append(a.res.Problems, st.probs...)
	a.res.Problems = append(a.res.Problems, eco.Problems...)
	wg.Wait()
	if depsFound {
		a.deps = depIdx
		for _, p := range depProbs {
			a.res.Problems = append(a.res.Problems, report.Problem{Path: p.Path, Layer: v.layerOf(p.Path), Reason: oneLine(p.Reason)})
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	a.rules = append(append(append([]Rule{}, opts.Rules...), DefaultRules()...),
		dynamicRules(eco.Homes, eco.Env, eco.Ecosystem.AppDir, eco.Venvs, eco.EntryFile)...)
	a.m = newMatcher(a.rules)
	a.roleRank = make([]int8, len(st.pkgs))
	for i := range st.pkgs {
		a.roleRank[i] = categoryRank(st.pkgs[i].role)
	}
	if err := a.run(ctx, sp); err != nil {
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

	roleRank []int8 // categoryRank of each package's role
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
