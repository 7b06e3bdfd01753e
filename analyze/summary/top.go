package summary

import (
	"slices"

	"github.com/slimcheck/slimcheck/report"
)

// topN keeps the n items that rank first under before, without holding
// the rest: a heap whose root is the kept item that ranks last, so an
// offer that cannot make the list costs one comparison.
type topN[T any] struct {
	n      int
	before func(a, b T) bool // a strict order: a ranks before b
	items  []T
}

func newTopN[T any](n int, before func(a, b T) bool) topN[T] {
	return topN[T]{n: n, before: before}
}

// offer considers x for the list.
func (t *topN[T]) offer(x T) {
	if len(t.items) < t.n {
		t.items = append(t.items, x)
		t.up(len(t.items) - 1)
		return
	}
	if t.n <= 0 || !t.before(x, t.items[0]) {
		return
	}
	t.items[0] = x
	t.down(0)
}

// sorted returns the kept items, first-ranked first (nil when none were
// kept). The list must not be offered more items afterwards.
func (t *topN[T]) sorted() []T {
	slices.SortFunc(t.items, func(a, b T) int {
		switch {
		case t.before(a, b):
			return -1
		case t.before(b, a):
			return 1
		}
		return 0
	})
	return t.items
}

func (t *topN[T]) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !t.before(t.items[p], t.items[i]) {
			return
		}
		t.items[p], t.items[i] = t.items[i], t.items[p]
		i = p
	}
}

func (t *topN[T]) down(i int) {
	for {
		last := i
		for _, c := range [2]int{2*i + 1, 2*i + 2} {
			if c < len(t.items) && t.before(t.items[last], t.items[c]) {
				last = c
			}
		}
		if last == i {
			return
		}
		t.items[i], t.items[last] = t.items[last], t.items[i]
		i = last
	}
}

// pathBefore ranks paths by bytes, largest first, then by path.
func pathBefore(a, b report.PathSize) bool {
	if a.Bytes != b.Bytes {
		return a.Bytes > b.Bytes
	}
	return a.Path < b.Path
}

// topPaths returns the n paths that rank first under pathBefore, never nil.
func topPaths(t *topN[report.PathSize]) []report.PathSize {
	out := t.sorted()
	if out == nil {
		out = []report.PathSize{}
	}
	return out
}

// packageBefore ranks packages by bytes, largest first, then by name (and,
// for two managers' packages of one name, by manager and version, which
// the unordered map this replaced left to chance).
func packageBefore(a, b report.PackageBytes) bool {
	switch {
	case a.Bytes != b.Bytes:
		return a.Bytes > b.Bytes
	case a.Name != b.Name:
		return a.Name < b.Name
	case a.Manager != b.Manager:
		return a.Manager < b.Manager
	}
	return a.Version < b.Version
}

// ruleBefore ranks path rules by bytes, largest first, then by rule id.
func ruleBefore(a, b report.RuleBytes) bool {
	if a.Bytes != b.Bytes {
		return a.Bytes > b.Bytes
	}
	return a.Rule < b.Rule
}
