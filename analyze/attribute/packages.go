package attribute

import (
	"context"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/slimcheck/slimcheck/analyze"
	"github.com/slimcheck/slimcheck/analyze/pkgdb"
	"github.com/slimcheck/slimcheck/report"
)

// pkgInfo is one installed package and what attribution learned about it.
type pkgInfo struct {
	db      int             // index into the database list
	pkg     *pkgdb.Package  // as parsed from the final database
	role    report.Category // category of its files
	why     string          // the role pattern or derivation that set role
	layer   int             // first layer whose database lists it
	bytes   int64           // bytes of its files in the image
	files   int             // its non-directory entries in the image
	missing int             // listed paths absent from the image
}

// dbInfo is one package database in the final filesystem.
type dbInfo struct {
	db    pkgdb.Database
	layer int // layer holding its (newest) file
}

// packageState is everything attribution knows about OS packages.
type packageState struct {
	dbs   []dbInfo
	pkgs  []pkgInfo
	owner [][]int32 // [layer][entry] → index into pkgs, -1 for none (final-view entries only)
	probs []report.Problem
}

// isDBPath reports whether p is a package database file pkgdb reads.
func isDBPath(p string) bool {
	_, ok := pkgdb.CapturePath(p)
	return ok
}

// isListPath reports whether p is a per-package file list (dpkg info/*.list
// or a distroless md5sums), which dates no package.
func isListPath(p string) bool {
	return strings.HasPrefix(p, "/var/lib/dpkg/info/") || strings.HasSuffix(p, ".md5sums")
}

// loadPackages parses the package databases of the final filesystem
// (among captured, the captured files visible there), dates each package by
// the first layer whose database lists it, and works out which entry each
// package owns.
func loadPackages(ctx context.Context, ix *analyze.Index, v *fsView, captured map[string][]byte) *packageState {
	st := &packageState{}
	final := map[string][]byte{}
	for p, b := range captured {
		if isDBPath(p) {
			final[p] = b
		}
	}
	if len(final) == 0 {
		return st
	}
	dbs, probs := pkgdb.Parse(ctx, final)
	for _, db := range dbs {
		st.dbs = append(st.dbs, dbInfo{db: db, layer: v.dbLayer(db.Path)})
	}
	for _, pr := range probs {
		reason := "unknown problem"
		if pr.Err != nil {
			reason = oneLine(pr.Err.Error())
		}
		st.probs = append(st.probs, report.Problem{Path: pr.Path, Layer: v.problemLayer(pr.Path, st.dbs), Reason: reason})
	}
	first := firstListings(ctx, ix)
	for di := range st.dbs {
		d := &st.dbs[di]
		for pi := range d.db.Packages {
			p := &d.db.Packages[pi]
			layer, ok := first[listingKey(d.db.Path, p)]
			if !ok || layer > d.layer {
				layer = d.layer
			}
			st.pkgs = append(st.pkgs, pkgInfo{db: di, pkg: p, layer: layer})
		}
	}
	st.own(ix, v)
	return st
}

func oneLine(s string) string { return strings.ReplaceAll(s, "\n", "; ") }

// listingKey identifies a package version in one database.
func listingKey(dbPath string, p *pkgdb.Package) string {
	return dbPath + "\x00" + p.Name + "\x00" + p.Arch + "\x00" + p.Version
}

// firstListings parses the package databases as each layer left them and
// returns, per package version, the first layer whose database lists it.
// Only layers that change a database file are parsed; file lists are left
// out, since they date nothing.
func firstListings(ctx context.Context, ix *analyze.Index) map[string]int {
	var changed []int
	for li, l := range ix.Layers {
		for p := range l.Captured {
			if isDBPath(p) && !isListPath(p) {
				changed = append(changed, li)
				break
			}
		}
	}
	first := map[string]int{}
	if len(changed) < 2 {
		return first // one layer: every package is dated by the database's layer
	}
	snap := map[string][]byte{}
	next := 0
	for li := range ix.Layers {
		if ctx.Err() != nil {
			return first
		}
		for _, e := range ix.Layers[li].Entries {
			switch e.Type {
			case analyze.TypeWhiteout:
				delete(snap, e.Path)
			case analyze.TypeOpaque:
				for p := range snap {
					if strings.HasPrefix(p, e.Path+"/") {
						delete(snap, p)
					}
				}
			}
		}
		for p, b := range ix.Layers[li].Captured {
			if isDBPath(p) && !isListPath(p) {
				snap[p] = b
			}
		}
		if next >= len(changed) || changed[next] != li {
			continue
		}
		next++
		dbs, _ := pkgdb.Parse(ctx, snap)
		for _, db := range dbs {
			for i := range db.Packages {
				k := listingKey(db.Path, &db.Packages[i])
				if _, ok := first[k]; !ok {
					first[k] = li
				}
			}
		}
	}
	return first
}

// own maps every path each package lists to the entry visible there
// (following directory symlinks, as /bin → /usr/bin in merged-/usr
// images), counts what is missing, and sums each package's bytes.
func (st *packageState) own(ix *analyze.Index, v *fsView) {
	st.owner = make([][]int32, len(ix.Layers))
	for li := range ix.Layers {
		o := make([]int32, len(ix.Layers[li].Entries))
		for i := range o {
			o[i] = -1
		}
		st.owner[li] = o
	}
	for di := range st.dbs {
		var missing, withMissing int
		var example string
		for pi := range st.pkgs {
			p := &st.pkgs[pi]
			if p.db != di {
				continue
			}
			ghosts := p.pkg.Ghosts // sorted, as Files
			for _, f := range p.pkg.Files {
				r, ok, present := v.find(f)
				for len(ghosts) > 0 && ghosts[0] < f {
					ghosts = ghosts[1:]
				}
				if !present && len(ghosts) > 0 && ghosts[0] == f {
					continue // a %ghost is not installed; its absence is no gap
				}
				if !present {
					p.missing++
					if example == "" || f < example {
						example = f
					}
					continue
				}
				if !ok {
					continue
				}
				if o := &st.owner[r.Layer][r.Entry]; *o < 0 {
					*o = int32(pi)
				}
			}
			if p.missing > 0 {
				missing += p.missing
				withMissing++
			}
		}
		if missing > 0 {
			d := st.dbs[di]
			st.probs = append(st.probs, report.Problem{Path: d.db.Path, Layer: d.layer, Reason: fmt.Sprintf(
				"%d listed files of %d packages are absent from the image (e.g. %s); those packages are counted by the files present", missing, withMissing, example)})
		}
	}
}

// fsView answers path questions about the final filesystem of an Index.
type fsView struct {
	ix *analyze.Index
}

// layerOf returns the layer of the entry visible at p, or -1.
func (v *fsView) layerOf(p string) int {
	if r, ok := v.ix.Lookup(p); ok {
		return int(r.Layer)
	}
	return -1
}

// dbLayer returns the layer holding a database: its file's layer, or for a
// directory database (dpkg status.d) the newest layer among its files.
func (v *fsView) dbLayer(p string) int {
	if r, ok := v.ix.Lookup(p); ok && v.ix.Entry(r).Type != analyze.TypeDir {
		return int(r.Layer)
	}
	best := -1
	prefix := p + "/"
	f := v.ix.Final
	i := sort.Search(len(f), func(i int) bool { return v.ix.Entry(f[i]).Path >= prefix })
	for ; i < len(f) && strings.HasPrefix(v.ix.Entry(f[i]).Path, prefix); i++ {
		best = max(best, int(f[i].Layer))
	}
	return best
}

// find returns the final entry at p, resolving symlinked parent directories
// when p itself is not there. present is also true for a directory that
// has no entry of its own but entries below it (tar streams may leave
// parents out); ok then is false.
func (v *fsView) find(p string) (r analyze.Ref, ok, present bool) {
	if r, ok := v.ix.Lookup(p); ok {
		return r, true, true
	}
	if v.impliedDir(p) {
		return r, false, true
	}
	rp, resolved := v.resolveParents(p)
	if !resolved || rp == p {
		return r, false, false
	}
	if r, ok := v.ix.Lookup(rp); ok {
		return r, true, true
	}
	return r, false, v.impliedDir(rp)
}

// impliedDir reports whether entries exist below p.
func (v *fsView) impliedDir(p string) bool {
	prefix := strings.TrimSuffix(p, "/") + "/"
	f := v.ix.Final
	i := sort.Search(len(f), func(i int) bool { return v.ix.Entry(f[i]).Path >= prefix })
	return i < len(f) && strings.HasPrefix(v.ix.Entry(f[i]).Path, prefix)
}

// problemLayer returns the layer a problem about p belongs to: the entry's
// layer, else the newest layer below p, else the layer of the database
// whose directory p is in.
func (v *fsView) problemLayer(p string, dbs []dbInfo) int {
	if l := v.dbLayer(p); l >= 0 {
		return l
	}
	for _, d := range dbs {
		if path.Dir(d.db.Path) == path.Dir(p) || strings.HasPrefix(p, path.Dir(d.db.Path)+"/") {
			return d.layer
		}
	}
	return -1
}

// resolveParents follows symlinks among the directories of p (not p
// itself).
func (v *fsView) resolveParents(p string) (string, bool) {
	dir, base := path.Split(p)
	dir = path.Clean(dir)
	for hops := 0; hops < 40; hops++ {
		cur := "/"
		changed := false
		for _, name := range strings.Split(strings.Trim(dir, "/"), "/") {
			if name == "" {
				continue
			}
			next := path.Join(cur, name)
			if r, ok := v.ix.Lookup(next); ok {
				if e := v.ix.Entry(r); e.Type == analyze.TypeSymlink {
					target := e.Link
					if !path.IsAbs(target) {
						target = path.Join(cur, target)
					}
					rest := strings.TrimPrefix(strings.TrimPrefix(dir, next), "/")
					dir = path.Clean(path.Join(target, rest))
					changed = true
					break
				}
			}
			cur = next
		}
		if !changed {
			return path.Join(dir, base), true
		}
	}
	return p, false
}

// assignRoles gives every package its category: the first matching role,
// else a category derived from the packages that depend on it (see
// derive), else os-base.
func (st *packageState) assignRoles(t *roleTable) {
	for i := range st.pkgs {
		p := &st.pkgs[i]
		if r, ok := t.lookup(p.pkg.Name); ok {
			p.role, p.why = r.Category, "role "+r.Pattern
		}
	}
	st.derive()
	for i := range st.pkgs {
		if st.pkgs[i].role == "" {
			st.pkgs[i].role = report.OSBase
		}
	}
}

// derive settles packages no role matched by who depends on them. A
// package is build-toolchain when every installed package depending on it
// is build-toolchain (directly, or derived so in turn) and at least one
// chain leads to a package with a build-toolchain role: perl pulled in only
// by git. Cycles (perl and perl-modules depend on each other) are handled
// by computing the largest consistent set first. Then, the same way, a
// package is runtime when everything depending on it is runtime or
// build-toolchain and a chain leads to a runtime package: libuv pulled in
// by nodejs. C runtime and other commonly loaded libraries are never made
// build-toolchain (see derivationBlocked): a binary no package owns may
// need them.
func (st *packageState) derive() {
	type key struct {
		db   int
		name string
	}
	byName := map[key][]int{}
	for i := range st.pkgs {
		k := key{st.pkgs[i].db, st.pkgs[i].pkg.Name}
		byName[k] = append(byName[k], i)
	}
	rdeps := make([][]int, len(st.pkgs))
	for i := range st.pkgs {
		for _, d := range st.pkgs[i].pkg.Depends {
			for _, j := range byName[key{st.pkgs[i].db, d}] {
				if j != i {
					rdeps[j] = append(rdeps[j], i)
				}
			}
		}
	}
	st.deriveRole(rdeps, report.BuildToolchain, func(i int) bool { return !derivationBlocked(st.pkgs[i].pkg.Name) },
		func(c report.Category) bool { return c == report.BuildToolchain })
	st.deriveRole(rdeps, report.Runtime, func(int) bool { return true },
		func(c report.Category) bool { return c == report.BuildToolchain || c == report.Runtime })
}

// deriveRole gives role to the unassigned packages allowed by may whose
// dependents all have an accepted category or are such packages
// themselves, and from which a chain of dependents reaches a package whose
// category is role.
func (st *packageState) deriveRole(rdeps [][]int, role report.Category, may func(int) bool, accepted func(report.Category) bool) {
	cand := make([]bool, len(st.pkgs))
	for i := range st.pkgs {
		cand[i] = st.pkgs[i].role == "" && len(rdeps[i]) > 0 && may(i)
	}
	for changed := true; changed; {
		changed = false
		for i := range st.pkgs {
			if !cand[i] {
				continue
			}
			for _, j := range rdeps[i] {
				if !cand[j] && !accepted(st.pkgs[j].role) {
					cand[i], changed = false, true
					break
				}
			}
		}
	}
	kept := make([]bool, len(st.pkgs))
	via := make([]int, len(st.pkgs))
	for changed := true; changed; {
		changed = false
		for i := range st.pkgs {
			if !cand[i] || kept[i] {
				continue
			}
			for _, j := range rdeps[i] {
				if st.pkgs[j].role == role || kept[j] {
					kept[i], via[i], changed = true, j, true
					break
				}
			}
		}
	}
	why := make([]string, len(st.pkgs))
	for i := range st.pkgs {
		if kept[i] {
			j := via[i]
			for kept[j] {
				j = via[j]
			}
			why[i] = fmt.Sprintf("needed only by %s packages such as %s", role, st.pkgs[j].pkg.Name)
		}
	}
	for i := range st.pkgs {
		if kept[i] {
			st.pkgs[i].role, st.pkgs[i].why = role, why[i]
		}
	}
}
