package analyze

// dive's metrics as they were computed before they ran over the shared path
// trie: a trie of their own, built while visiting the layers. Kept as the
// oracle the shared-trie version is checked against.

import (
	"hash/maphash"
	"slices"
	"sort"
	"strings"
)

// oracleDnode is a path dive's trees can hold, interned once for all layers.
// Dive needs, per layer, the layer's own tree (dive's FileTree of the layer's
// tar entries) and the tree stacked from the layers below; both are subsets
// of the interned paths, so they are kept as per-node fields rather than as
// trees of maps, and a node's efficiency data lives beside them.
type oracleDnode struct {
	key    string // path without the leading slash, components joined by "/"; "" is the root
	hash   uint64 // maphash of key with the trie's seed
	parent int32  // trie links; -1 for none
	child  int32
	next   int32

	layer int32 // the layer stamp while the node is in the current layer's tree
	size  int64 // its payload in the layer's tree
	ssize int64 // its payload in the stacked tree

	cum, min int64 // dive's efficiency data for the path
	count    int32
	flags    uint8
}

// oracleDnode flags.
const (
	odDir      = 1 << iota // the payload in the layer's tree is a directory
	odStacked              // the node is in the stacked tree
	odStackDir             // the payload in the stacked tree is a directory
	odRecorded             // dive has efficiency data for the path
)

// oracleDiveTrie interns paths. Keys are the canonical form of a component
// sequence (strings.Split(strings.Trim(p, "/"), "/") joined again), and are
// substrings of the paths they came from, so interning allocates nothing for
// the index's own paths. Keys are found through an open-addressing table of
// node ids: 4 bytes a slot where a map[string]int32 spends about 50 a key.
type oracleDiveTrie struct {
	nodes      []oracleDnode
	slots      []int32 // node id, 0 for an empty slot (the root is never in the table)
	seed       maphash.Seed
	lastParent int32   // the parent addLayerPath looked up last, or -1
	chain      []int32 // scratch for prefixes
}

func newOracleDiveTrie(sizeHint int) *oracleDiveTrie {
	t := &oracleDiveTrie{nodes: make([]oracleDnode, 1, sizeHint+1), seed: maphash.MakeSeed(), lastParent: -1}
	t.nodes[0] = oracleDnode{parent: -1, child: -1, next: -1, flags: odStacked}
	n := 1024
	for n < 2*sizeHint {
		n *= 2
	}
	t.slots = make([]int32, n)
	return t
}

// find returns the slot of key, whose hash is h: where its node is, or
// where it would go.
func (t *oracleDiveTrie) find(key string, h uint64) int {
	mask := len(t.slots) - 1
	for i := int(h) & mask; ; i = (i + 1) & mask {
		if id := t.slots[i]; id == 0 || t.nodes[id].hash == h && t.nodes[id].key == key {
			return i
		}
	}
}

func (t *oracleDiveTrie) hash(key string) uint64 { return maphash.String(t.seed, key) }

// grow doubles the table once it is half full.
func (t *oracleDiveTrie) grow() {
	if 2*len(t.nodes) < len(t.slots) {
		return
	}
	t.slots = make([]int32, 2*len(t.slots))
	for id := 1; id < len(t.nodes); id++ {
		t.slots[t.find(t.nodes[id].key, t.nodes[id].hash)] = int32(id)
	}
}

// name is the last component of node n.
func (t *oracleDiveTrie) name(n int32) string {
	k := t.nodes[n].key
	return k[strings.LastIndexByte(k, '/')+1:]
}

// child returns the node of key (hash h), creating it below parent if needed.
func (t *oracleDiveTrie) child(parent int32, key string, h uint64) int32 {
	if id := t.slots[t.find(key, h)]; id != 0 {
		return id
	}
	t.grow()
	id := int32(len(t.nodes))
	t.nodes = append(t.nodes, oracleDnode{key: key, hash: h, parent: parent, child: -1, next: t.nodes[parent].child})
	t.nodes[parent].child = id
	t.slots[t.find(key, h)] = id
	return id
}

// node returns the node of key, creating it (and its ancestors) if needed.
func (t *oracleDiveTrie) node(key string) int32 {
	if key == "" {
		return 0
	}
	if id := t.slots[t.find(key, t.hash(key))]; id != 0 {
		return id
	}
	t.chain = t.prefixes(key, t.chain)
	return t.chain[len(t.chain)-1]
}

// prefixes appends the nodes of every component prefix of key ("a", "a/b",
// "a/b/c"), creating missing ones. The prefixes' hashes are computed in one
// pass over key, so a path of many components costs time linear in its
// length, not in its length times its depth.
func (t *oracleDiveTrie) prefixes(key string, ids []int32) []int32 {
	ids = ids[:0]
	var h maphash.Hash
	h.SetSeed(t.seed)
	parent, written := int32(0), 0
	for i := 0; ; {
		end := len(key)
		if j := strings.IndexByte(key[i:], '/'); j >= 0 {
			end = i + j
		}
		h.WriteString(key[written:end])
		written = end
		parent = t.child(parent, key[:end], h.Sum64())
		ids = append(ids, parent)
		if end == len(key) {
			return ids
		}
		i = end + 1
	}
}

// lookup returns the node of key, or -1 if it was never interned.
func (t *oracleDiveTrie) lookup(key string) int32 {
	if key == "" {
		return 0
	}
	if id := t.slots[t.find(key, t.hash(key))]; id != 0 {
		return id
	}
	return -1
}

// addLayerPath mirrors dive's FileTree.AddPath on the layer's tree (stamp
// st): missing parents are added with an empty payload and the final
// node's payload is replaced; a missing component named ".wh..wh..*" makes
// it give up silently. New nodes are appended to added.
func (t *oracleDiveTrie) addLayerPath(p string, size int64, isDir bool, st int32, added []int32) []int32 {
	key := canonicalKey(p)
	if key == "" {
		return added // dive never sets a payload on the root
	}
	cur, fast := int32(0), false
	// Fast path: when the parent is already in the layer's tree (tar writers
	// put a directory before its contents), so are all its ancestors, and
	// only the last component needs a look. Entries of a directory come
	// together, so the parent is usually the previous entry's.
	if j := strings.LastIndexByte(key, '/'); j >= 0 {
		parent := t.lastParent
		if parent <= 0 || t.nodes[parent].key != key[:j] {
			parent = t.lookup(key[:j])
			t.lastParent = parent
		}
		if parent >= 0 && t.nodes[parent].layer == st {
			cur, fast = parent, true
		}
	}
	var chain []int32
	if fast {
		chain = append(t.chain[:0], t.child(cur, key, t.hash(key)))
	} else {
		chain = t.prefixes(key, t.chain)
	}
	t.chain = chain
	for _, c := range chain {
		if n := &t.nodes[c]; n.layer != st {
			if strings.HasPrefix(t.name(c), diveHiddenPrefix) {
				return added
			}
			n.layer, n.size, n.flags = st, 0, n.flags&^odDir
			added = append(added, c)
		}
		cur = c
	}
	n := &t.nodes[cur]
	n.size = size
	if isDir {
		n.flags |= odDir
	} else {
		n.flags &^= odDir
	}
	return added
}

// stackPath mirrors FileTree.AddPath on the stacked tree for node n of the
// layer's tree: its ancestors are walked from the root down.
func (t *oracleDiveTrie) stackPath(n int32, chain []int32) []int32 {
	chain = chain[:0]
	for a := n; a > 0; a = t.nodes[a].parent {
		chain = append(chain, a)
		if t.nodes[a].flags&odStacked != 0 {
			break // the stacked tree is a tree: a stacked node's ancestors are stacked
		}
	}
	for k := len(chain) - 1; k >= 0; k-- {
		a := &t.nodes[chain[k]]
		if a.flags&odStacked == 0 {
			if strings.HasPrefix(t.name(chain[k]), diveHiddenPrefix) {
				return chain
			}
			a.flags = a.flags&^odStackDir | odStacked
			a.ssize = 0
		}
	}
	src := &t.nodes[n]
	src.ssize = src.size
	src.flags = src.flags&^odStackDir | odStacked
	if src.flags&odDir != 0 {
		src.flags |= odStackDir
	}
	return chain
}

// stacked returns the node at key in the stacked tree, or -1.
func (t *oracleDiveTrie) stacked(key string) int32 {
	if id := t.lookup(key); id >= 0 && t.nodes[id].flags&odStacked != 0 {
		return id
	}
	return -1
}

// unstack removes n and everything below it from the stacked tree.
func (t *oracleDiveTrie) unstack(n int32, stack []int32) []int32 {
	stack = append(stack[:0], n)
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		t.nodes[c].flags &^= odStacked | odStackDir
		for k := t.nodes[c].child; k >= 0; k = t.nodes[k].next {
			if t.nodes[k].flags&odStacked != 0 {
				stack = append(stack, k)
			}
		}
	}
	return stack
}

// stackedSize sums the stacked payloads at and below n.
func (t *oracleDiveTrie) stackedSize(n int32, stack []int32) (int64, []int32) {
	var s int64
	stack = append(stack[:0], n)
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		s += t.nodes[c].ssize
		for k := t.nodes[c].child; k >= 0; k = t.nodes[k].next {
			if t.nodes[k].flags&odStacked != 0 {
				stack = append(stack, k)
			}
		}
	}
	return s, stack
}

// oracleDive computes dive's efficiency, wasted bytes and user wasted percent.
func oracleDive(ix *Index) DiveMetrics {
	var m DiveMetrics
	entries := 0
	for li := range ix.Layers {
		entries += len(ix.Layers[li].Entries)
	}
	t := newOracleDiveTrie(entries + entries/8)
	record := func(n *oracleDnode, size int64) {
		if n.flags&odRecorded == 0 {
			n.flags |= odRecorded
			n.min = -1
		}
		n.cum += size
		if n.min < 0 || size < n.min {
			n.min = size
		}
		n.count++
	}
	var added, scratch []int32
	for li := range ix.Layers {
		l := &ix.Layers[li]
		m.SizeBytes += l.Size
		if li > 0 {
			m.UserSizeBytes += l.Size
		}
		st := int32(li + 1)
		added = added[:0]
		for ei := range l.Entries {
			e := &l.Entries[ei]
			added = t.addLayerPath(diveName(e), e.Size, e.Mode.IsDir(), st, added)
		}
		if li == 0 {
			// The stacked tree starts as a copy of the first layer's tree.
			for _, n := range added {
				d := &t.nodes[n]
				d.ssize = d.size
				d.flags = d.flags&^odStackDir | odStacked
				if d.flags&odDir != 0 {
					d.flags |= odStackDir
				}
			}
		}
		added, scratch = t.postOrder(added, scratch)
		// Visit the layer's leaves in name order; a whiteout of a missing
		// path ends the visit of this layer.
		for k, n := range added {
			if k > 0 && t.nodes[added[k-1]].parent == n {
				continue // dive only visits leaves; in post-order a parent follows its last child
			}
			name := t.name(n)
			if !strings.HasPrefix(name, whiteoutPrefix) {
				record(&t.nodes[n], t.nodes[n].size)
				continue
			}
			path, target := whiteoutTarget(t.nodes[n].key, name)
			// dive records the path before it looks the whiteout up, so an
			// abandoned lookup still leaves a minimum of -1 behind. dive keys
			// its data by the path string, which for a bare ".wh." name ends
			// in a slash: the node of that string (an empty last component)
			// keeps it apart from the directory's own data.
			dn := t.node(path[1:])
			prev := t.stacked(target)
			d := &t.nodes[dn]
			if prev < 0 {
				if d.flags&odRecorded == 0 {
					d.flags |= odRecorded
					d.min = -1
				}
				break // dive's visitor errors and abandons the layer
			}
			var size int64
			if t.nodes[prev].flags&odStackDir != 0 {
				size, scratch = t.stackedSize(prev, scratch)
			}
			record(d, size)
		}
		// Graft the layer onto the stacked tree, in the same order.
		for _, n := range added {
			name := t.name(n)
			if !strings.HasPrefix(name, whiteoutPrefix) {
				scratch = t.stackPath(n, scratch)
				continue
			}
			_, target := whiteoutTarget(t.nodes[n].key, name)
			if target == "" {
				continue // dive's RemovePath of the root does nothing
			}
			if prev := t.stacked(target); prev >= 0 {
				scratch = t.unstack(prev, scratch)
			}
		}
	}
	var minSum, cumSum int64
	for i := range t.nodes {
		d := &t.nodes[i]
		if d.flags&odRecorded == 0 {
			continue
		}
		minSum += d.min
		cumSum += d.cum
		if d.count >= 2 {
			m.WastedBytes += d.cum
			m.Inefficient = append(m.Inefficient, Inefficiency{Path: "/" + d.key, Count: int(d.count), CumulativeSize: d.cum})
		}
	}
	m.Efficiency = 1
	if cumSum != 0 {
		m.Efficiency = float64(minSum) / float64(cumSum)
	}
	if m.UserSizeBytes != 0 {
		m.UserWastedPercent = float64(m.WastedBytes) / float64(m.UserSizeBytes)
	}
	sort.SliceStable(m.Inefficient, func(i, j int) bool {
		a, b := m.Inefficient[i], m.Inefficient[j]
		if a.CumulativeSize != b.CumulativeSize {
			return a.CumulativeSize > b.CumulativeSize
		}
		return a.Path < b.Path
	})
	return m
}

// postOrder sorts a layer's nodes into dive's visiting order. Tar writers
// (docker, BuildKit) emit a layer in lexical walk order, so the nodes
// usually arrive sorted parents-first; that order is turned inside out with
// a stack in one pass, and anything else is sorted.
func (t *oracleDiveTrie) postOrder(nodes, stack []int32) ([]int32, []int32) {
	for k := 1; k < len(nodes); k++ {
		if t.nodes[nodes[k]].parent == nodes[k-1] {
			continue // a parent before its child: in order, and cheap to tell for deep paths
		}
		if ComparePaths(t.nodes[nodes[k-1]].key, t.nodes[nodes[k]].key) >= 0 {
			slices.SortFunc(nodes, func(a, b int32) int { return postOrderCompare(t.nodes[a].key, t.nodes[b].key) })
			return nodes, stack
		}
	}
	// Parents-first (pre-order) input: a node is emitted once the walk has
	// left its subtree. The output never overtakes the input, so it reuses it.
	out := nodes[:0]
	stack = stack[:0]
	for k := 0; k < len(nodes); k++ {
		n := nodes[k]
		for len(stack) > 0 && !isAncestor(t.nodes[stack[len(stack)-1]].key, t.nodes[n].key) {
			out = append(out, stack[len(stack)-1])
			stack = stack[:len(stack)-1]
		}
		stack = append(stack, n)
	}
	for len(stack) > 0 {
		out = append(out, stack[len(stack)-1])
		stack = stack[:len(stack)-1]
	}
	return out, stack
}

// postOrderCompare orders keys the way dive's VisitDepthChildFirst visits
// them: siblings by name, children before their parent.
func postOrderCompare(a, b string) int {
	if c := compareBytes(a, b); c != 0 {
		return c
	}
	switch {
	case len(a) == len(b):
		return 0
	case len(a) < len(b):
		if b[len(a)] == '/' {
			return 1 // a is an ancestor of b
		}
		return -1
	default:
		if a[len(b)] == '/' {
			return -1
		}
		return 1
	}
}

// whiteoutTarget is the path a whiteout node's name deletes, as dive
// computes it from the node's path: the data key (a path string) and the
// key of the node it resolves to.
func whiteoutTarget(key, name string) (path, target string) {
	path = "/" + key[:len(key)-len(name)] + name[len(whiteoutPrefix):]
	return path, canonicalKey(path)
}
