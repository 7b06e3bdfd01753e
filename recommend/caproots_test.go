package recommend

import (
	"fmt"
	"testing"
)

// TestCapRootsDeterministic checks that when two nested directories both
// hold more roots than allowed, the one collapsed first — and so the
// result's reason — does not depend on map order: the shallower path goes
// first, every time.
func TestCapRootsDeterministic(t *testing.T) {
	x := &node{path: "/srv/x"}
	y := &node{path: "/srv/x/y", parent: x}
	var roots []root
	for i := range 4 {
		roots = append(roots, root{n: &node{path: fmt.Sprintf("/srv/x/a%d", i), parent: x}})
		roots = append(roots, root{n: &node{path: fmt.Sprintf("/srv/x/y/b%d", i), parent: y}})
	}
	for range 50 {
		got := capRoots(append([]root(nil), roots...), 3)
		if len(got) != 1 || got[0].n != x || got[0].reason != "directory shared by 4 application entries, copied whole" {
			t.Fatalf("capRoots = %+v, want /srv/x alone, shared by its 4 entries", got)
		}
	}
}
