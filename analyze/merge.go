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

// vnode is a node of the filesystem view used while merging.
type vnode struct {
	children map[string]*vnode
	ref      Ref
	set      bool // ref points at a real entry (false for implied parents)
}

// merge stacks the layers with OCI semantics (whiteouts and opaque dirs
// apply to lower layers only), sets each entry's Status and Change, and
// derives per-layer stats, the final view and metadata-only rewrites.
func merge(ix *Index) {
	root := &vnode{}
	ix.Stats = make([]LayerStats, len(ix.Layers))
	ix.Rewrites = nil
	for li := range ix.Layers {
		l := &ix.Layers[li]
		st := &ix.Stats[li]
		st.Entries = len(l.Entries)
		remove := func(n *vnode) {
			walkNodes(n, func(r Ref) {
				e := ix.entry(r)
				e.Status = Deleted
				if e.Type != TypeDir {
					st.FilesRemoved++
					st.BytesRemoved += e.Size
				}
			})
		}
		for _, e := range l.Entries {
			switch e.Type {
			case TypeOpaque:
				if n := lookup(root, e.Path); n != nil {
					for name, c := range n.children {
						remove(c)
						delete(n.children, name)
					}
				}
			case TypeWhiteout:
				if parent, name, n := lookupParent(root, e.Path); n != nil {
					remove(n)
					delete(parent.children, name)
				}
			}
		}
		var pc parentCache
		for ei := range l.Entries {
			e := &l.Entries[ei]
			if e.Status == Marker {
				continue
			}
			n := ix.insert(root, e.Path, int32(li), &pc)
			e.Change = Added
			if n.set {
				prev := ix.entry(n.ref)
				if int(n.ref.Layer) == li {
					prev.Status = Shadowed
					e.Change = prev.Change
				} else {
					prev.Status = Overwritten
					e.Change = Modified
					ix.noteRewrite(li, int(n.ref.Layer), prev, e)
				}
			}
			if e.Type != TypeDir && len(n.children) > 0 {
				// A non-directory replaces a directory, explicit or implied:
				// everything below it goes.
				for name, c := range n.children {
					remove(c)
					delete(n.children, name)
				}
			}
			n.ref, n.set = Ref{Layer: int32(li), Entry: int32(ei)}, true
		}
		for _, e := range l.Entries {
			if e.Status == Marker || e.Status == Shadowed || e.Type == TypeDir {
				continue // a shadowed copy is no path of its own; its bytes are hidden
			}
			if e.Change == Modified {
				st.FilesModified++
				st.BytesModified += e.Size
			} else {
				st.FilesAdded++
				st.BytesAdded += e.Size
			}
		}
	}
	ix.Final = ix.Final[:0]
	if root.set {
		ix.Final = append(ix.Final, root.ref)
	}
	ix.appendSorted(root, nil)
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

// insert finds or creates the node for p. A non-directory met on the way
// down is replaced by an implied directory: its entry is overwritten.
// Entries of a directory usually follow one another, so c remembers the
// last parent walked to and insert starts there when p shares it.
func (ix *Index) insert(root *vnode, p string, layer int32, c *parentCache) *vnode {
	key := strings.Trim(p, "/")
	n, i, more := root, 0, key != ""
	dir := ""
	if j := strings.LastIndexByte(key, '/'); j >= 0 {
		dir = key[:j]
		if c.node != nil && c.dir == dir {
			// The walk to c.node already replaced non-directories on the way.
			n, i = c.node, j+1
		}
	}
	parent := n
	for more {
		var name string
		name, i, more = nextName(key, i)
		if n.set && ix.entry(n.ref).Type != TypeDir {
			prev := ix.entry(n.ref)
			prev.Status = Overwritten
			if n.ref.Layer == layer {
				prev.Status = Shadowed
			}
			n.set = false
		}
		child := n.children[name]
		if child == nil {
			if n.children == nil {
				n.children = make(map[string]*vnode)
			}
			child = &vnode{}
			n.children[name] = child
		}
		parent, n = n, child
	}
	c.dir, c.node = dir, parent
	if key == "" {
		c.node = nil
	}
	return n
}

// parentCache is the directory insert walked to last and its node.
type parentCache struct {
	dir  string
	node *vnode
}

// nextName returns the component of key starting at i, where the next one
// starts, and whether there is one: the components strings.Split(key, "/")
// returns, without allocating them. key is a path trimmed of slashes.
func nextName(key string, i int) (name string, next int, more bool) {
	if j := strings.IndexByte(key[i:], '/'); j >= 0 {
		return key[i : i+j], i + j + 1, true
	}
	return key[i:], len(key), false
}

// lookupKey finds the node of a key (a path trimmed of slashes).
func lookupKey(root *vnode, key string) *vnode {
	n := root
	for i, more := 0, key != ""; more && n != nil; {
		var name string
		name, i, more = nextName(key, i)
		n = n.children[name]
	}
	return n
}

func lookup(root *vnode, p string) *vnode { return lookupKey(root, strings.Trim(p, "/")) }

func lookupParent(root *vnode, p string) (*vnode, string, *vnode) {
	key := strings.Trim(p, "/")
	if key == "" {
		return nil, "", nil
	}
	parent, name := root, key
	if i := strings.LastIndexByte(key, '/'); i >= 0 {
		name = key[i+1:]
		if parent = lookupKey(root, key[:i]); parent == nil {
			return nil, "", nil
		}
	}
	return parent, name, parent.children[name]
}

// childKey stands, among the children of one directory, either for a child
// itself or for everything below it.
type childKey struct {
	name string
	n    *vnode
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
func (ix *Index) appendSorted(n *vnode, keys []childKey) []childKey {
	start := len(keys)
	for name, c := range n.children {
		if c.set {
			keys = append(keys, childKey{name: name, n: c})
		}
		if len(c.children) > 0 {
			keys = append(keys, childKey{name: name, n: c, sub: true})
		}
	}
	end := len(keys)
	slices.SortFunc(keys[start:end], compareChildKeys)
	for i := start; i < end; i++ {
		if k := keys[i]; k.sub {
			keys = ix.appendSorted(k.n, keys)
		} else {
			ix.Final = append(ix.Final, k.n.ref)
		}
	}
	return keys[:start]
}

// walkNodes visits every real entry at or below n.
func walkNodes(n *vnode, fn func(Ref)) {
	if n.set {
		fn(n.ref)
	}
	for _, c := range n.children {
		walkNodes(c, fn)
	}
}
