package recommend

import "github.com/slimcheck/slimcheck/report"

// catWeight is one category's weight (bytes+files) among the files left
// out below a directory, and the verdict of the first child bringing it.
type catWeight struct {
	cat    report.Category
	weight int64
	reason verdict
}

// catWeights are the categories of a wholly excluded directory, in the
// order they were first seen.
type catWeights []catWeight

// add adds w to cat's weight, recording reason when cat is new.
func (cs *catWeights) add(cat report.Category, w int64, reason verdict) {
	for i := range *cs {
		if (*cs)[i].cat == cat {
			(*cs)[i].weight += w
			return
		}
	}
	*cs = append(*cs, catWeight{cat, w, reason})
}

// dominant returns the reason recorded for the category with the most
// weight, ties broken by precedence order; with no listed category, the
// one recorded for the empty category, if any.
func (cs catWeights) dominant() verdict {
	best := report.Category("")
	var bw int64 = -1
	for _, c := range report.Categories() {
		if w, ok := cs.weight(c); ok && w > bw {
			best, bw = c, w
		}
	}
	for _, w := range cs {
		if w.cat == best {
			return w.reason
		}
	}
	return verdict{}
}

// weight returns cat's weight and whether cat is present.
func (cs catWeights) weight(cat report.Category) (int64, bool) {
	for _, w := range cs {
		if w.cat == cat {
			return w.weight, true
		}
	}
	return 0, false
}

// subtree is what exclusionsUnder learns about a node: whether every file
// at or below it is left out and, when so, its verdict, totals and, for a
// directory, its categories.
type subtree struct {
	all   bool
	v     verdict
	files int
	bytes int64
	cats  catWeights
}

// excludedChild is a child whose every file is left out.
type excludedChild struct {
	n *node
	subtree
}

// exclusionsUnder finds the smallest set of paths under root covering
// exactly the files decide leaves out: a directory whose every file is left
// out is one exclusion; a weakly excluded file stands only with its
// directory. It returns the exclusions in path order.
func (x *excluder) exclusionsUnder(root *node) []Exclusion {
	var out []Exclusion
	if root.isDir() {
		x.visit(root, root, &out)
	}
	sortExclusions(out)
	return out
}

// visit judges n below root, appending to out the exclusions of the
// children of directories that are not wholly left out.
func (x *excluder) visit(root, n *node, out *[]Exclusion) subtree {
	if !n.isDir() {
		v := x.decide(root.path, n)
		if v.s == keep {
			return subtree{v: v}
		}
		return subtree{all: true, v: v, files: 1, bytes: n.file.Bytes}
	}
	var kids []excludedChild
	all := true
	var sum subtree
	for _, c := range n.sorted {
		t := x.visit(root, c, out)
		if !t.all {
			all = false
			continue
		}
		kids = append(kids, excludedChild{c, t})
		sum.files += t.files
		sum.bytes += t.bytes
		if !c.isDir() {
			sum.cats.add(t.v.category, t.bytes+1, t.v)
			continue
		}
		for _, w := range t.cats {
			sum.cats.add(w.cat, w.weight, t.v)
		}
	}
	if all && sum.files == 0 {
		return subtree{all: true} // empty directories never block
	}
	if all && n != root {
		sum.all = true
		sum.v = sum.cats.dominant()
		sum.v.s = strong
		return sum
	}
	// Not wholly excluded: emit the children that are.
	for _, k := range kids {
		if k.files == 0 || !k.n.isDir() && k.v.s == weak {
			continue
		}
		*out = append(*out, Exclusion{Path: k.n.path, Category: k.v.category, Reason: k.v.reason, Files: k.files, Bytes: k.bytes})
	}
	return subtree{}
}
