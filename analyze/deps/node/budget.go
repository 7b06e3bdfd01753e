package node

import "errors"

// errBudget says a graph computation stopped at its work limit.
var errBudget = errors.New("work limit reached")

// budget bounds the work spent on hostile inputs (huge or cyclic graphs,
// very deep paths). It is a plain counter owned by one computation.
type budget struct{ left int }

// defaultBudget is the number of elementary steps one computation may take.
const defaultBudget = 50_000_000

// spend takes n steps and reports whether the budget still holds.
func (b *budget) spend(n int) bool {
	b.left -= n
	return b.left >= 0
}
