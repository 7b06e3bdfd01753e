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
// A node's key is the canonical form of its component sequence
// (strings.Split(strings.Trim(p, "/"), "/") joined again), a substring of
// the path it came from, so interning allocates nothing for the index's own
// paths. Nodes are found by (parent, last component) through an
// open-addressing table of node ids tagged with half of that pair's hash:
// 8 bytes a slot where a map[string]int32 spends about 50 a key, a probe
// rarely leaves the table, and every operation on a path costs time linear
// in its length, however deep it is (a hostile tar name may be 1 MiB long).
type pathTrie struct {
	nodes      []pnode
	slots      []uint64 // the high half of the node's hash | node id; 0 for an empty slot (the root is never in the table)
	seed       maphash.Seed
	lastParent int32 // the parent of the node intern returned last, or -1
	lastNode   int32 // the node intern returned last, or -1
}

// pnode is one interned path.
type pnode struct {
	key    string // path without the leading slash, components joined by "/"; "" is the root
	name   int32  // where the last component starts in key
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
	return t, nodes
}

// hashTag is the part of a slot that holds the high half of a node's hash;
// the low half picks the slot.
const hashTag uint64 = 0xffffffff_00000000

// hash mixes the parent's id into the hash of the last component.
func (t *pathTrie) hash(parent int32, name string) uint64 {
	h := maphash.String(t.seed, name) ^ uint64(uint32(parent))*0x9e3779b97f4a7c15
	h ^= h >> 31
	h *= 0xbf58476d1ce4e5b9
	return h ^ h>>29
}

// find returns the slot of the child of parent named name, whose hash is
// h: where its node is, or where it would go.
func (t *pathTrie) find(parent int32, name string, h uint64) int {
	mask := len(t.slots) - 1
	for i := int(h) & mask; ; i = (i + 1) & mask {
		s := t.slots[i]
		if s == 0 {
			return i
		}
		if s&hashTag == h&hashTag {
			if n := &t.nodes[uint32(s)]; n.parent == parent && n.key[n.name:] == name {
				return i
			}
		}
	}
}

// grow doubles the table once it is five eighths full.
func (t *pathTrie) grow() {
	if len(t.nodes) <= len(t.slots)*5/8 {
		return
	}
	t.slots = make([]uint64, 2*len(t.slots))
	for id := 1; id < len(t.nodes); id++ {
		n := &t.nodes[id]
		h := t.hash(n.parent, n.key[n.name:])
		t.slots[t.find(n.parent, n.key[n.name:], h)] = h&hashTag | uint64(id)
	}
}

// name is the last component of node n.
func (t *pathTrie) name(n int32) string { return t.nodes[n].key[t.nodes[n].name:] }

// child returns the node of key below parent, whose last component starts
// at key[name:], creating it if needed.
func (t *pathTrie) child(parent int32, key string, name int) int32 {
	h := t.hash(parent, key[name:])
	i := t.find(parent, key[name:], h)
	if s := t.slots[i]; s != 0 {
		return int32(uint32(s))
	}
	id := int32(len(t.nodes))
	t.nodes = append(t.nodes, pnode{key: key, name: int32(name), parent: parent, child: -1, next: t.nodes[parent].child})
	t.nodes[parent].child = id
	t.slots[i] = h&hashTag | uint64(id)
	t.grow()
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
		return t.child(0, key, 0)
	}
	dir := key[:j]
	for _, p := range [2]int32{t.lastParent, t.lastNode} {
		if p > 0 && t.nodes[p].key == dir {
			return t.child(p, key, j+1)
		}
	}
	// Walk down from the root, one component at a time.
	parent := int32(0)
	for i := 0; ; {
		end := len(key)
		if k := strings.IndexByte(key[i:], '/'); k >= 0 {
			end = i + k
		}
		parent = t.child(parent, key[:end], i)
		if end == len(key) {
			return parent
		}
		i = end + 1
	}
}

// childNamed returns the child of parent named name, or -1 if it was never
// interned.
func (t *pathTrie) childNamed(parent int32, name string) int32 {
	if s := t.slots[t.find(parent, name, t.hash(parent, name))]; s != 0 {
		return int32(uint32(s))
	}
	return -1
}

// canonicalKey turns a path into its key: the components
// strings.Split(strings.Trim(p, "/"), "/") gives, joined again.
func canonicalKey(p string) string { return strings.Trim(p, "/") }
