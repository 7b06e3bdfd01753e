package analyze

// The merge as it was before it ran over the shared path trie: a tree of
// maps, one per directory. Kept as the oracle the trie merge is checked
// against (oracle_test.go's TestMergeAndDiveMatchOracle, FuzzMerge).

import (
	"slices"
	"strings"
)

// oracleNode is a node of the filesystem view used while merging.
type oracleNode struct {
	children map[string]*oracleNode
	ref      Ref
	set      bool // ref points at a real entry (false for implied parents)
}

// merge stacks the layers with OCI semantics (whiteouts and opaque dirs
// apply to lower layers only), sets each entry's Status and Change, and
// derives per-layer stats, the final view and metadata-only rewrites.
func oracleMerge(ix *Index) {
	root := &oracleNode{}
	ix.Stats = make([]LayerStats, len(ix.Layers))
	ix.Rewrites = nil
	for li := range ix.Layers {
		l := &ix.Layers[li]
		st := &ix.Stats[li]
		st.Entries = len(l.Entries)
		remove := func(n *oracleNode) {
			oracleWalkNodes(n, func(r Ref) {
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
				if n := oracleLookup(root, e.Path); n != nil {
					for name, c := range n.children {
						remove(c)
						delete(n.children, name)
					}
				}
			case TypeWhiteout:
				if parent, name, n := oracleLookupParent(root, e.Path); n != nil {
					remove(n)
					delete(parent.children, name)
				}
			}
		}
		var pc oracleParentCache
		for ei := range l.Entries {
			e := &l.Entries[ei]
			if e.Status == Marker {
				continue
			}
			n := ix.oracleInsert(root, e.Path, int32(li), &pc)
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
	ix.oracleAppendSorted(root, nil)
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

// insert finds or creates the node for p. A non-directory met on the way
// down is replaced by an implied directory: its entry is overwritten.
// Entries of a directory usually follow one another, so c remembers the
// last parent walked to and insert starts there when p shares it.
func (ix *Index) oracleInsert(root *oracleNode, p string, layer int32, c *oracleParentCache) *oracleNode {
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
		name, i, more = oracleNextName(key, i)
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
				n.children = make(map[string]*oracleNode)
			}
			child = &oracleNode{}
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

// oracleParentCache is the directory insert walked to last and its node.
type oracleParentCache struct {
	dir  string
	node *oracleNode
}

// nextName returns the component of key starting at i, where the next one
// starts, and whether there is one: the components strings.Split(key, "/")
// returns, without allocating them. key is a path trimmed of slashes.
func oracleNextName(key string, i int) (name string, next int, more bool) {
	if j := strings.IndexByte(key[i:], '/'); j >= 0 {
		return key[i : i+j], i + j + 1, true
	}
	return key[i:], len(key), false
}

// lookupKey finds the node of a key (a path trimmed of slashes).
func oracleLookupKey(root *oracleNode, key string) *oracleNode {
	n := root
	for i, more := 0, key != ""; more && n != nil; {
		var name string
		name, i, more = oracleNextName(key, i)
		n = n.children[name]
	}
	return n
}

func oracleLookup(root *oracleNode, p string) *oracleNode {
	return oracleLookupKey(root, strings.Trim(p, "/"))
}

func oracleLookupParent(root *oracleNode, p string) (*oracleNode, string, *oracleNode) {
	key := strings.Trim(p, "/")
	if key == "" {
		return nil, "", nil
	}
	parent, name := root, key
	if i := strings.LastIndexByte(key, '/'); i >= 0 {
		name = key[i+1:]
		if parent = oracleLookupKey(root, key[:i]); parent == nil {
			return nil, "", nil
		}
	}
	return parent, name, parent.children[name]
}

// appendSorted appends the real entries below n to ix.Final in path order,
// sorting each directory's children rather than all paths at the end. keys
// is scratch space shared down the recursion.
func (ix *Index) oracleAppendSorted(n *oracleNode, keys []oracleChildKey) []oracleChildKey {
	start := len(keys)
	for name, c := range n.children {
		if c.set {
			keys = append(keys, oracleChildKey{name: name, n: c})
		}
		if len(c.children) > 0 {
			keys = append(keys, oracleChildKey{name: name, n: c, sub: true})
		}
	}
	end := len(keys)
	slices.SortFunc(keys[start:end], compareOracleChildKeys)
	for i := start; i < end; i++ {
		if k := keys[i]; k.sub {
			keys = ix.oracleAppendSorted(k.n, keys)
		} else {
			ix.Final = append(ix.Final, k.n.ref)
		}
	}
	return keys[:start]
}

// walkNodes visits every real entry at or below n.
func oracleWalkNodes(n *oracleNode, fn func(Ref)) {
	if n.set {
		fn(n.ref)
	}
	for _, c := range n.children {
		oracleWalkNodes(c, fn)
	}
}

type oracleChildKey struct {
	name string
	n    *oracleNode
	sub  bool
}

func compareOracleChildKeys(a, b oracleChildKey) int {
	return compareChildKeys(childKey{name: a.name, sub: a.sub}, childKey{name: b.name, sub: b.sub})
}
