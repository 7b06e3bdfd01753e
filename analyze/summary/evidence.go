package summary

import (
	"github.com/slimcheck/slimcheck/analyze/attribute"
	"github.com/slimcheck/slimcheck/report"
)

// Evidence kinds the report aggregates.
const (
	kindOther uint8 = iota
	kindPackage
	kindRule
)

// evidence groups the attribution's evidence table once, so per-entry
// aggregation indexes slices instead of building map keys: entries whose
// evidence names the same package (manager and name) or the same rule
// share a group.
type evidence struct {
	table []report.Evidence
	kind  []uint8 // per table index
	group []int32 // per table index: package or rule group
	npkg  int     // package groups
	nrule int     // rule groups
}

func newEvidence(attr *attribute.Result) evidence {
	if attr == nil {
		return evidence{}
	}
	ev := evidence{table: attr.Table, kind: make([]uint8, len(attr.Table)), group: make([]int32, len(attr.Table))}
	pkgs := map[string]int32{}
	rules := map[string]int32{}
	var key []byte
	for i := range attr.Table {
		t := &attr.Table[i]
		switch t.Kind {
		case "package":
			// The key the report has always grouped packages by.
			key = append(append(append(key[:0], t.Manager...), '/'), t.Package...)
			g, ok := pkgs[string(key)]
			if !ok {
				g = int32(len(pkgs))
				pkgs[string(key)] = g
			}
			ev.kind[i], ev.group[i] = kindPackage, g
		case "rule":
			g, ok := rules[t.Rule]
			if !ok {
				g = int32(len(rules))
				rules[t.Rule] = g
			}
			ev.kind[i], ev.group[i] = kindRule, g
		}
	}
	ev.npkg, ev.nrule = len(pkgs), len(rules)
	return ev
}

// of returns the kind and group of evidence index ev (kindOther for none).
func (e *evidence) of(ev int) (uint8, int32) {
	if ev < 0 || ev >= len(e.kind) {
		return kindOther, 0
	}
	return e.kind[ev], e.group[ev]
}

// groupBytes sums bytes and entries per group. The evidence that first
// reached a group names it, as the first map entry used to.
type groupBytes struct {
	acc     []groupAcc // by group, allocated on first use
	touched []int32    // groups with entries, in first-use order
}

type groupAcc struct {
	bytes int64
	files int
	ev1   int32 // first evidence index plus one; 0 while untouched
}

// add counts one entry of size bytes with evidence ev in group g of n.
func (g *groupBytes) add(n int, grp int32, ev int, size int64) {
	if g.acc == nil {
		g.acc = make([]groupAcc, n)
	}
	a := &g.acc[grp]
	if a.ev1 == 0 {
		a.ev1 = int32(ev) + 1
		g.touched = append(g.touched, grp)
	}
	a.bytes += size
	a.files++
}

// reset empties g for reuse, keeping its memory.
func (g *groupBytes) reset() {
	for _, grp := range g.touched {
		g.acc[grp] = groupAcc{}
	}
	g.touched = g.touched[:0]
}

// topPackages returns the n packages with most bytes (those with none left
// out), nil when there are none.
func (g *groupBytes) topPackages(table []report.Evidence, n int) []report.PackageBytes {
	h := newTopN(n, packageBefore)
	for _, grp := range g.touched {
		if a := g.acc[grp]; a.bytes > 0 {
			t := &table[a.ev1-1]
			h.offer(report.PackageBytes{Name: t.Package, Version: t.Version, Manager: t.Manager, Bytes: a.bytes, Files: a.files})
		}
	}
	return h.sorted()
}

// topRules returns the n rules with most bytes, nil when there are none.
func (g *groupBytes) topRules(table []report.Evidence, n int) []report.RuleBytes {
	h := newTopN(n, ruleBefore)
	for _, grp := range g.touched {
		a := g.acc[grp]
		t := &table[a.ev1-1]
		h.offer(report.RuleBytes{Rule: t.Rule, Pattern: t.Pattern, Bytes: a.bytes, Files: a.files})
	}
	return h.sorted()
}
