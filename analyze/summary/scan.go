package summary

import (
	"github.com/slimcheck/slimcheck/analyze"
	"github.com/slimcheck/slimcheck/analyze/attribute"
	"github.com/slimcheck/slimcheck/report"
)

// scan aggregates everything the report needs from the index in two
// passes: one over every entry of every layer (layers, categories, hidden
// bytes) and one over the final view (largest files and directories).
type scan struct {
	ix   *analyze.Index
	attr *attribute.Result
	ev   evidence
	cats []report.Category // report.Categories(), indexed by k
	dirs *dirTable

	lastCat report.Category // cache for catIndex
	lastK   int

	byCat     []catAgg   // by category index
	layerPkgs groupBytes // one layer's packages, reused
	sums      []int64    // one layer's bytes by category, reused
	hidden    topN[hiddenRef]
}

// catAgg is one category's totals.
type catAgg struct {
	seen  bool
	bytes int64
	files int
	pkgs  groupBytes
	rules groupBytes
}

// hiddenRef is a hidden entry competing for the hidden top list.
type hiddenRef struct {
	bytes        int64
	layer, entry int32
}

// hiddenBefore ranks by bytes, largest first; ties keep layer and tar order.
func hiddenBefore(a, b hiddenRef) bool {
	switch {
	case a.bytes != b.bytes:
		return a.bytes > b.bytes
	case a.layer != b.layer:
		return a.layer < b.layer
	}
	return a.entry < b.entry
}

func newScan(ix *analyze.Index, attr *attribute.Result, top int) *scan {
	cats := report.Categories()
	if len(cats) > 64 {
		cats = cats[:64] // one bit each in dirNode.mask
	}
	return &scan{
		ix: ix, attr: attr, ev: newEvidence(attr), cats: cats,
		dirs:   newDirTable(len(cats)),
		lastK:  -1,
		byCat:  make([]catAgg, len(cats)),
		hidden: newTopN(top, hiddenBefore),
		sums:   make([]int64, len(cats)),
	}
}

// catIndex returns the index of c in report.Categories(), -1 if unknown.
// Neighbouring entries mostly share a category, so the last answer is kept.
func (s *scan) catIndex(c report.Category) int {
	if c == s.lastCat {
		return s.lastK
	}
	k := -1
	for i, x := range s.cats {
		if x == c {
			k = i
			break
		}
	}
	s.lastCat, s.lastK = c, k
	return k
}

// layerClass holds one layer's attribution, either slice possibly short.
type layerClass struct {
	cats []report.Category
	evs  []int32
}

func classOf(attr *attribute.Result, li int) layerClass {
	var lc layerClass
	if attr != nil && li < len(attr.Category) {
		lc.cats = attr.Category[li]
	}
	if attr != nil && li < len(attr.Evidence) {
		lc.evs = attr.Evidence[li]
	}
	return lc
}

// of returns entry ei's category and evidence index (-1 for none). Without
// attribution every visible byte is os-base and every hidden byte wasted.
func (lc layerClass) of(ei int, e *analyze.Entry) (report.Category, int) {
	if ei < len(lc.cats) {
		ev := -1
		if ei < len(lc.evs) {
			ev = int(lc.evs[ei])
		}
		return lc.cats[ei], ev
	}
	if e.Status != analyze.Visible && e.Status != analyze.Marker {
		return report.Wasted, -1
	}
	return report.OSBase, -1
}

// layer aggregates the entries of layer li into its report row and into
// the category, directory and hidden totals.
func (s *scan) layer(li int, rl *report.Layer) {
	lc := classOf(s.attr, li)
	sums := s.sums
	clear(sums)
	var other map[report.Category]int64
	for ei := range s.ix.Layers[li].Entries {
		e := &s.ix.Layers[li].Entries[ei]
		c, ev := lc.of(ei, e)
		kind, grp := s.ev.of(ev)
		if kind == kindPackage {
			s.layerPkgs.add(s.ev.npkg, grp, ev, e.Size)
		}
		if e.Status != analyze.Visible && e.Status != analyze.Marker && e.Size != 0 {
			s.hidden.offer(hiddenRef{bytes: e.Size, layer: int32(li), entry: int32(ei)})
		}
		k := s.catIndex(c)
		if k < 0 {
			if other == nil {
				other = map[report.Category]int64{}
			}
			other[c] += e.Size
			continue // in no category total
		}
		sums[k] += e.Size
		a := &s.byCat[k]
		a.seen = true
		a.bytes += e.Size
		if e.Type != analyze.TypeDir && e.Status != analyze.Marker {
			a.files++
		}
		if e.Size == 0 {
			continue
		}
		if n := s.dirs.parentOf(e.Path); n >= 0 {
			s.dirs.addCategory(n, k, e.Size)
		}
		switch kind {
		case kindPackage:
			a.pkgs.add(s.ev.npkg, grp, ev, e.Size)
		case kindRule:
			a.rules.add(s.ev.nrule, grp, ev, e.Size)
		}
	}
	rl.Categories = make(map[report.Category]int64, len(sums))
	for k, b := range sums {
		if b != 0 {
			rl.Categories[s.cats[k]] = b
		}
	}
	for c, b := range other {
		if b != 0 {
			rl.Categories[c] = b
		}
	}
	rl.TopPackages = s.layerPkgs.topPackages(s.ev.table, 5)
	s.layerPkgs.reset()
}

// hiddenTop returns the largest hidden entries.
func (s *scan) hiddenTop() []report.HiddenPath {
	out := []report.HiddenPath{}
	for _, h := range s.hidden.sorted() {
		e := &s.ix.Layers[h.layer].Entries[h.entry]
		out = append(out, report.HiddenPath{Path: e.Path, Layer: int(h.layer), Bytes: h.bytes, Reason: e.Status.String()})
	}
	return out
}

// fileRef is a final file competing for the largest-files list.
type fileRef struct {
	bytes int64
	path  string
	ref   analyze.Ref
}

func fileBefore(a, b fileRef) bool {
	if a.bytes != b.bytes {
		return a.bytes > b.bytes
	}
	return a.path < b.path
}

// final walks the final view: its file count and bytes, the largest files,
// and each file's bytes into its directory.
func (s *scan) final(top int, img *report.Image) []report.PathSize {
	h := newTopN(top, fileBefore)
	for _, ref := range s.ix.Final {
		e := s.ix.Entry(ref)
		if e.Type == analyze.TypeDir {
			continue
		}
		img.FinalFiles++
		img.FinalBytes += e.Size
		h.offer(fileRef{bytes: e.Size, path: e.Path, ref: ref})
		if n := s.dirs.parentOf(e.Path); n >= 0 {
			s.dirs.addFinal(n, e.Size)
		}
	}
	out := []report.PathSize{}
	for _, f := range h.sorted() {
		li, ei := int(f.ref.Layer), int(f.ref.Entry)
		c, _ := classOf(s.attr, li).of(ei, s.ix.Entry(f.ref))
		out = append(out, report.PathSize{Path: f.path, Bytes: f.bytes, Layer: li, Category: c})
	}
	return out
}

// categories returns the category totals, in report.Categories() order,
// for the categories any entry has. Call after dirs.propagate.
func (s *scan) categories(total int64) []report.CategoryTotal {
	var out []report.CategoryTotal
	for k, c := range s.cats {
		a := &s.byCat[k]
		if !a.seen {
			continue
		}
		t := report.CategoryTotal{Category: c, Bytes: a.bytes, Files: a.files}
		if total > 0 {
			t.Percent = 100 * float64(a.bytes) / float64(total)
		}
		t.TopPackages = a.pkgs.topPackages(s.ev.table, 5)
		t.TopDirs = s.dirs.topDirs(k, 5)
		t.TopRules = a.rules.topRules(s.ev.table, 5)
		out = append(out, t)
	}
	return out
}
