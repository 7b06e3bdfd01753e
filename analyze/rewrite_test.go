package analyze

import (
	"slices"
	"testing"
)

func TestRewrites(t *testing.T) {
	run := func(mode int64, uid, gid int, size int64, fill byte) spec {
		e := withOwner(file("app/run", size), mode, uid, gid)
		e.Fill = fill
		return e
	}
	ix := walkSpec(t, Options{},
		[]spec{dir("app"), run(0o644, 0, 0, 4096, 'a'), file("app/empty", 0)},
		[]spec{run(0o755, 0, 0, 4096, 'a'), file("app/empty", 0)},             // chmod: mode only
		[]spec{run(0o755, 1000, 0, 4096, 'a')},                                // chown: owner only
		[]spec{run(0o755, 1000, 1000, 4096, 'a')},                             // chgrp: owner (gid) only
		[]spec{run(0o755, 1000, 1000, 4096, 'a')},                             // identical re-add (times only)
		[]spec{run(0o755, 1000, 1000, 4096, 'b')},                             // same size, new contents
		[]spec{withOwner(symlink("app/run", "elsewhere"), 0o777, 1000, 1000)}, // type change
	)
	want := []Rewrite{
		{Path: "/app/run", Layer: 1, Lower: 0, Bytes: 4096, ModeChanged: true},
		{Path: "/app/run", Layer: 2, Lower: 1, Bytes: 4096, OwnerChanged: true},
		{Path: "/app/run", Layer: 3, Lower: 2, Bytes: 4096, OwnerChanged: true},
		{Path: "/app/run", Layer: 4, Lower: 3, Bytes: 4096},
	}
	if !slices.Equal(ix.Rewrites, want) {
		t.Errorf("rewrites:\n got %+v\nwant %+v", ix.Rewrites, want)
	}
	checkInvariants(t, ix)

	// Without hashes, rewrites cannot be told from new contents.
	ix = walkSpec(t, Options{NoHash: true},
		[]spec{run(0o644, 0, 0, 4096, 'a')},
		[]spec{run(0o755, 0, 0, 4096, 'a')},
	)
	if len(ix.Rewrites) != 0 {
		t.Errorf("NoHash: rewrites %+v, want none", ix.Rewrites)
	}
	for _, l := range ix.Layers {
		for _, e := range l.Entries {
			if e.Hash != 0 {
				t.Errorf("NoHash: %s has hash %x", e.Path, e.Hash)
			}
		}
	}
}
