package analyze

import (
	"hash/maphash"
	"strings"
)

// pathTrie interns every path of an index once, as a tree of nodes, for the
// stages that need the paths as a tree: the merge and dive's metrics. Both
// read it at the same time and keep their own per-node state in slices
// parallel to nodes, so the paths are hashed and linked once, not once per
// stage.
//
// Keys are the canonical form of a component sequence
// (strings.Split(strings.Trim(p, "/"), "/") joined again) and are
// substrings of the paths they came from, so interning allocates nothing for
// the index's own paths. Keys are found through an open-addressing table of
// node ids tagged with half of their key's hash, so a probe rarely leaves
// the table: 8 bytes a slot where a map[string]int32 spends about 50 a key.
type pathTrie struct {
	nodes      []pnode
	slots      []uint64 // the high half of the key's hash | node id; 0 for an empty slot (the root is never in the table)
	seed       maphash.Seed
	lastParent int32   // the parent of the node intern returned last, or -1
	lastNode   int32   // the node intern returned last, or -1
	wh         []int32 // nodes named ".wh.*", for internWhiteoutPaths
}

// pnode is one interned path.
type pnode struct {
	key    string // path without the leading slash, components joined by "/"; "" is the root
	parent int32  // trie links; -1 for none
	child  int32
	next   int32
}

// entryNodes are the nodes of one layer's entries.
type entryNodes struct {
	path []int32      // node of each entry's Path, parallel to the entries
	dive []markerNode // for whiteout and opaque markers: the node of dive's name for them, in entry order
}

// markerNode is the node of dive's name for the marker at entry index entry.
type markerNode struct{ entry, node int32 }

func newPathTrie(sizeHint int) *pathTrie {
	t := &pathTrie{nodes: make([]pnode, 1, sizeHint+1), seed: maphash.MakeSeed(), lastParent: -1, lastNode: -1}
	t.nodes[0] = pnode{parent: -1, child: -1, next: -1}
	n := 1024
	for n*5/8 < sizeHint {
		n *= 2
	}
	t.slots = make([]uint64, n)
	return t
}

// internIndex interns the path of every entry of ix and, for markers, the
// name dive gives them (see diveName), and returns the nodes per layer.
func internIndex(ix *Index) (*pathTrie, []entryNodes) {
	entries := 0
	for li := range ix.Layers {
		entries += len(ix.Layers[li].Entries)
	}
	t := newPathTrie(entries + entries/8)
	nodes := make([]entryNodes, len(ix.Layers))
	ids := make([]int32, entries)
	for li := range ix.Layers {
		es := ix.Layers[li].Entries
		en := &nodes[li]
		en.path, ids = ids[:len(es):len(es)], ids[len(es):]
		for ei := range es {
			e := &es[ei]
			en.path[ei] = t.intern(canonicalKey(e.Path))
			if e.Type == TypeWhiteout || e.Type == TypeOpaque {
				en.dive = append(en.dive, markerNode{entry: int32(ei), node: t.intern(canonicalKey(diveName(e)))})
			}
		}
	}
	t.internWhiteoutPaths()
	return t, nodes
}

// hashTag is the part of a slot that holds the high half of a key's hash;
// the low half picks the slot.
const hashTag uint64 = 0xffffffff_00000000

// find returns the slot of key, whose hash is h: where its node is, or
// where it would go.
func (t *pathTrie) find(key string, h uint64) int {
	mask := len(t.slots) - 1
	for i := int(h) & mask; ; i = (i + 1) & mask {
		if s := t.slots[i]; s == 0 || s&hashTag == h&hashTag && t.nodes[uint32(s)].key == key {
			return i
		}
	}
}

func (t *pathTrie) hash(key string) uint64 { return maphash.String(t.seed, key) }

// grow doubles the table once it is five eighths full.
func (t *pathTrie) grow() {
	if len(t.nodes) <= len(t.slots)*5/8 {
		return
	}
	t.slots = make([]uint64, 2*len(t.slots))
	for id := 1; id < len(t.nodes); id++ {
		key := t.nodes[id].key
		h := t.hash(key)
		t.slots[t.find(key, h)] = h&hashTag | uint64(id)
	}
}

// name is the last component of node n.
func (t *pathTrie) name(n int32) string {
	k := t.nodes[n].key
	return k[strings.LastIndexByte(k, '/')+1:]
}

// child returns the node of key (hash h), creating it below parent if needed.
func (t *pathTrie) child(parent int32, key string, h uint64) int32 {
	i := t.find(key, h)
	if s := t.slots[i]; s != 0 {
		return int32(uint32(s))
	}
	id := int32(len(t.nodes))
	t.nodes = append(t.nodes, pnode{key: key, parent: parent, child: -1, next: t.nodes[parent].child})
	t.nodes[parent].child = id
	t.slots[i] = h&hashTag | uint64(id)
	t.grow()
	if strings.HasPrefix(key[strings.LastIndexByte(key, '/')+1:], whiteoutPrefix) {
		t.wh = append(t.wh, id)
	}
	return id
}

// intern returns the node of key, creating it and its ancestors if needed.
// Tar writers put a directory before its contents and keep the entries of
// a directory together, so the parent of the path interned last, or that
// path itself, is usually the parent: those are tried first.
func (t *pathTrie) intern(key string) int32 {
	if key == "" {
		return 0
	}
	id := t.internAfter(key)
	t.lastParent, t.lastNode = t.nodes[id].parent, id
	return id
}

func (t *pathTrie) internAfter(key string) int32 {
	j := strings.LastIndexByte(key, '/')
	if j < 0 {
		return t.child(0, key, t.hash(key))
	}
	dir := key[:j]
	for _, p := range [2]int32{t.lastParent, t.lastNode} {
		if p > 0 && t.nodes[p].key == dir {
			return t.child(p, key, t.hash(key))
		}
	}
	h := t.hash(key)
	if s := t.slots[t.find(key, h)]; s != 0 {
		return int32(uint32(s))
	}
	return t.prefixes(key)
}

// prefixes creates the nodes of every component prefix of key ("a",
// "a/b", "a/b/c") that is missing and returns the last. The prefixes'
// hashes are computed in one pass over key, so a path of many components
// costs time linear in its length, not in its length times its depth.
func (t *pathTrie) prefixes(key string) int32 {
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
		if end == len(key) {
			return parent
		}
		i = end + 1
	}
}

// internWhiteoutPaths interns, for every node named ".wh.NAME", the path
// dive's efficiency visitor records for it (whiteoutTarget), so that dive's
// metrics never add nodes and can run beside the merge.
func (t *pathTrie) internWhiteoutPaths() {
	for k := 0; k < len(t.wh); k++ { // interning may add more ".wh." nodes
		n := t.wh[k]
		path, _ := whiteoutTarget(t.nodes[n].key, t.name(n))
		t.intern(path[1:])
	}
	t.wh = nil
}

// lookup returns the node of key, or -1 if it was never interned.
func (t *pathTrie) lookup(key string) int32 {
	if key == "" {
		return 0
	}
	if s := t.slots[t.find(key, t.hash(key))]; s != 0 {
		return int32(uint32(s))
	}
	return -1
}

// canonicalKey turns a path into its key: the components
// strings.Split(strings.Trim(p, "/"), "/") gives, joined again.
func canonicalKey(p string) string { return strings.Trim(p, "/") }
