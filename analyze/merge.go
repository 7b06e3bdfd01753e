package analyze

import (
	"slices"
	"strings"
)

// Ref points at one entry of one layer.
type Ref struct {
	Layer int32 // layer index
	Entry int32 // entry index within the layer
}

// LayerStats summarises how a layer changed the filesystem below it. Files
// are non-directory entries; bytes are entry sizes.
type LayerStats struct {
	Entries       int   // tar entries, markers included (dive's file count)
	FilesAdded    int   // paths that did not exist below
	BytesAdded    int64 // bytes of added files
	FilesModified int   // paths that replaced a lower version
	BytesModified int64 // bytes of the replacing versions
	FilesRemoved  int   // lower files deleted by this layer's whiteouts, opaque dirs or dir→file replacements
	BytesRemoved  int64 // bytes of those lower files
	HiddenBytes   int64 // bytes of this layer's entries not visible in the final image
	HiddenFiles   int   // entries of this layer not visible in the final image
}

// Rewrite is a file re-added by a later layer with identical contents: only
// its mode, owner or times changed (the `RUN chmod`/`chown -R` trap).
type Rewrite struct {
	Path         string // the rewritten path
	Layer        int    // layer holding the copy
	Lower        int    // layer holding the previous version
	Bytes        int64  // bytes the copy costs
	ModeChanged  bool   // permission bits differ
	OwnerChanged bool   // uid or gid differ
}

// mnode is the merge's state for one node of the path trie: whether the
// path is in the filesystem view being stacked, and the entry it shows.
type mnode struct {
	ref   Ref
	flags uint8
}

// mnode flags.
const (
	mPresent = 1 << iota // the path is in the view (as an entry or an implied parent)
	mSet                 // ref points at a real entry (false for implied parents)
)

// merger stacks layers over a path trie it only reads, so it can run beside
// dive's metrics. The view is a tree: a present node's ancestors are
// present, and a set non-directory has no present children.
type merger struct {
	ix    *Index
	t     *pathTrie
	m     []mnode
	stack []int32 // scratch
	st    *LayerStats
}

// finish interns the paths of ix once, then merges the layers and computes
// dive's metrics from them at the same time.
func finish(ix *Index) {
	t, nodes := internIndex(ix)
	type result struct {
		m     DiveMetrics
		panic any
	}
	done := make(chan result, 1) // buffered: a panicking merge leaves no goroutine behind
	go func() {
		var r result
		defer func() {
			r.panic = recover()
			done <- r
		}()
		r.m = dive(ix, t, nodes)
	}()
	mergeNodes(ix, t, nodes)
	r := <-done
	if r.panic != nil {
		panic(r.panic) // in the caller's goroutine, where a recover can see it
	}
	ix.Dive = r.m
}

// mergeNodes stacks the layers with OCI semantics (whiteouts and opaque
// dirs apply to lower layers only), sets each entry's Status and Change,
// and derives per-layer stats, the final view and metadata-only rewrites.
func mergeNodes(ix *Index, t *pathTrie, nodes []entryNodes) {
	g := &merger{ix: ix, t: t, m: make([]mnode, len(t.nodes))}
	g.m[0].flags = mPresent
	ix.Stats = make([]LayerStats, len(ix.Layers))
	ix.Rewrites = nil
	for li := range ix.Layers {
		l := &ix.Layers[li]
		ids := nodes[li].path
		g.st = &ix.Stats[li]
		g.st.Entries = len(l.Entries)
		for ei := range l.Entries {
			n := ids[ei]
			switch l.Entries[ei].Type {
			case TypeOpaque:
				if g.m[n].flags&mPresent != 0 {
					g.removeChildren(n)
				}
			case TypeWhiteout:
				if n != 0 && g.m[n].flags&mPresent != 0 {
					g.remove(n)
				}
			}
		}
		for ei := range l.Entries {
			e := &l.Entries[ei]
			if e.Status == Marker {
				continue
			}
			n := ids[ei]
			g.insert(n, int32(li))
			m := &g.m[n]
			e.Change = Added
			if m.flags&mSet != 0 {
				prev := ix.entry(m.ref)
				if int(m.ref.Layer) == li {
					prev.Status = Shadowed
					e.Change = prev.Change
				} else {
					prev.Status = Overwritten
					e.Change = Modified
					ix.noteRewrite(li, int(m.ref.Layer), prev, e)
				}
			}
			if e.Type != TypeDir {
				// A non-directory replaces a directory, explicit or implied:
				// everything below it goes.
				g.removeChildren(n)
			}
			m.ref, m.flags = Ref{Layer: int32(li), Entry: int32(ei)}, mPresent|mSet
		}
		for _, e := range l.Entries {
			if e.Status == Marker || e.Status == Shadowed || e.Type == TypeDir {
				continue // a shadowed copy is no path of its own; its bytes are hidden
			}
			if e.Change == Modified {
				g.st.FilesModified++
				g.st.BytesModified += e.Size
			} else {
				g.st.FilesAdded++
				g.st.BytesAdded += e.Size
			}
		}
	}
	visible := 0
	for _, m := range g.m {
		if m.flags&mSet != 0 {
			visible++
		}
	}
	ix.Final = make([]Ref, 0, visible) // grown by append, it was 40 ms of copies and page faults at 236k entries
	if g.m[0].flags&mSet != 0 {
		ix.Final = append(ix.Final, g.m[0].ref)
	}
	g.appendSorted(0, nil)
	for i := 1; i < len(ix.Final); i++ {
		if ix.entry(ix.Final[i-1]).Path >= ix.entry(ix.Final[i]).Path {
			// Only paths that are not clean (never from readLayer) get here.
			slices.SortFunc(ix.Final, func(a, b Ref) int { return strings.Compare(ix.entry(a).Path, ix.entry(b).Path) })
			break
		}
	}
	for li := range ix.Layers {
		alive := linkTargets(ix.Layers[li].Entries)
		for _, e := range ix.Layers[li].Entries {
			if e.Status == Visible || e.Status == Marker {
				continue
			}
			if e.Type == TypeFile && alive[e.Path] {
				continue // its bytes live on through a visible hard link
			}
			ix.Stats[li].HiddenFiles++
			ix.Stats[li].HiddenBytes += e.Size
		}
	}
}

// linkTargets lists the targets of the visible hard links of one layer.
func linkTargets(entries []Entry) map[string]bool {
	var m map[string]bool
	for _, e := range entries {
		if e.Type == TypeHardlink && e.Status == Visible {
			if m == nil {
				m = make(map[string]bool)
			}
			m[e.Link] = true
		}
	}
	return m
}

func (ix *Index) noteRewrite(layer, lower int, prev, e *Entry) {
	if e.Type != TypeFile || prev.Type != TypeFile || e.Size == 0 || e.Size != prev.Size || e.Hash != prev.Hash || e.Hash == 0 {
		return
	}
	ix.Rewrites = append(ix.Rewrites, Rewrite{
		Path: e.Path, Layer: layer, Lower: lower, Bytes: e.Size,
		ModeChanged:  e.Mode != prev.Mode,
		OwnerChanged: e.UID != prev.UID || e.GID != prev.GID,
	})
}

func (ix *Index) entry(r Ref) *Entry { return &ix.Layers[r.Layer].Entries[r.Entry] }

// Entry returns the entry a Ref points at.
func (ix *Index) Entry(r Ref) *Entry { return ix.entry(r) }

// insert puts node n of layer layer into the view with its missing
// ancestors. A non-directory met on the way down is replaced by an implied
// directory: its entry is overwritten. Only the nearest present ancestor can
// be one, since a set non-directory has no present children.
func (g *merger) insert(n, layer int32) {
	a := n
	for a != 0 && g.m[a].flags&mPresent == 0 {
		a = g.t.nodes[a].parent
	}
	if a != n {
		if m := &g.m[a]; m.flags&mSet != 0 && g.ix.entry(m.ref).Type != TypeDir {
			prev := g.ix.entry(m.ref)
			prev.Status = Overwritten
			if m.ref.Layer == layer {
				prev.Status = Shadowed
			}
			m.flags &^= mSet
		}
	}
	for c := n; c != a; c = g.t.nodes[c].parent {
		g.m[c].flags |= mPresent
	}
}

// removeChildren deletes everything below n from the view.
func (g *merger) removeChildren(n int32) {
	for c := g.t.nodes[n].child; c >= 0; c = g.t.nodes[c].next {
		if g.m[c].flags&mPresent != 0 {
			g.remove(c)
		}
	}
}

// remove deletes n and everything below it from the view: their entries
// are Deleted and counted as removed by the current layer.
func (g *merger) remove(n int32) {
	stack := append(g.stack[:0], n)
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		m := &g.m[c]
		if m.flags&mSet != 0 {
			e := g.ix.entry(m.ref)
			e.Status = Deleted
			if e.Type != TypeDir {
				g.st.FilesRemoved++
				g.st.BytesRemoved += e.Size
			}
		}
		m.flags = 0
		for k := g.t.nodes[c].child; k >= 0; k = g.t.nodes[k].next {
			if g.m[k].flags&mPresent != 0 {
				stack = append(stack, k)
			}
		}
	}
	g.stack = stack
}

// hasPresentChild reports whether a node below n is in the view.
func (g *merger) hasPresentChild(n int32) bool {
	for c := g.t.nodes[n].child; c >= 0; c = g.t.nodes[c].next {
		if g.m[c].flags&mPresent != 0 {
			return true
		}
	}
	return false
}

// childKey stands, among the children of one directory, either for a child
// itself or for everything below it.
type childKey struct {
	name string
	n    int32
	sub  bool // the child's descendants, whose paths continue with "/"
}

// compareChildKeys orders child keys as the full paths they stand for
// compare: a child's own path ends where its name does, its descendants'
// continue with a slash, so "a" < "a-b" < "a/x" < "a0".
func compareChildKeys(a, b childKey) int {
	n := min(len(a.name), len(b.name))
	if c := strings.Compare(a.name[:n], b.name[:n]); c != 0 {
		return c
	}
	next := func(k childKey) int { // the byte after the common prefix; -1 for the end
		switch {
		case len(k.name) > n:
			return int(k.name[n])
		case k.sub:
			return '/'
		}
		return -1
	}
	return next(a) - next(b)
}

// appendSorted appends the real entries below n to ix.Final in path order,
// sorting each directory's children rather than all paths at the end. keys
// is scratch space shared down the recursion.
func (g *merger) appendSorted(n int32, keys []childKey) []childKey {
	start := len(keys)
	for c := g.t.nodes[n].child; c >= 0; c = g.t.nodes[c].next {
		m := g.m[c]
		if m.flags&mPresent == 0 {
			continue
		}
		name := g.t.name(c)
		if m.flags&mSet != 0 {
			keys = append(keys, childKey{name: name, n: c})
		}
		if g.hasPresentChild(c) {
			keys = append(keys, childKey{name: name, n: c, sub: true})
		}
	}
	end := len(keys)
	slices.SortFunc(keys[start:end], compareChildKeys)
	for i := start; i < end; i++ {
		if k := keys[i]; k.sub {
			keys = g.appendSorted(k.n, keys)
		} else {
			g.ix.Final = append(g.ix.Final, g.m[k.n].ref)
		}
	}
	return keys[:start]
}
