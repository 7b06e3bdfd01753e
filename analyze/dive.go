package analyze

import (
	"cmp"
	"slices"
	"sort"
	"strings"
)

// DiveMetrics are the efficiency figures dive v0.13.1 reports, computed the
// way dive computes them, quirks included (see docs/metrics.md):
//   - every leaf of every layer's tree counts, so a path written twice counts
//     both copies, the kept one too (dive issue #684);
//   - a whiteout counts the size of what it deletes only when the deleted
//     path was, in the stacked tree below, a directory whose latest payload
//     came from an explicit directory entry; deleting a file counts 0;
//   - opaque-directory markers are ignored, but other ".wh..wh.*" names
//     (AUFS bookkeeping) are whiteouts to dive, of a path usually missing;
//   - a whiteout whose target does not exist below ends dive's visit of that
//     layer: the layer's remaining leaves (in name order) are not counted,
//     and the path is left with a minimum size of -1 in the score.
type DiveMetrics struct {
	Efficiency        float64        // sum of minimum sizes / sum of cumulative sizes
	SizeBytes         int64          // sum of layer sizes
	UserSizeBytes     int64          // sum of layer sizes except the first
	WastedBytes       int64          // cumulative size of paths seen more than once
	UserWastedPercent float64        // WastedBytes / UserSizeBytes (0 when there are no user bytes)
	Inefficient       []Inefficiency // paths seen more than once, largest first
}

// Inefficiency is one path dive counts as inefficient.
type Inefficiency struct {
	Path           string // the path
	Count          int    // how many layer leaves referenced it
	CumulativeSize int64  // bytes summed over those references
}

// diveName returns the cleaned tar name of e, undoing the marker
// classification of readLayer.
func diveName(e *Entry) string {
	switch e.Type {
	case TypeWhiteout:
		dir, base := splitDirBase(e.Path)
		return dir + "/" + whiteoutPrefix + base
	case TypeOpaque:
		return strings.TrimSuffix(e.Path, "/") + "/" + opaqueMarker
	default:
		return e.Path
	}
}

// splitDirBase splits p at its last slash; a path without one (only a
// hand-built Index has those) is all base.
func splitDirBase(p string) (string, string) {
	i := strings.LastIndexByte(p, '/')
	if i < 0 {
		return "", p
	}
	return p[:i], p[i+1:]
}

// diveHiddenPrefix is the name prefix dive's AddPath refuses to create.
const diveHiddenPrefix = ".wh..wh.."

// dnode is dive's state for one node of the path trie. Dive needs, per
// layer, the layer's own tree (dive's FileTree of the layer's tar entries)
// and the tree stacked from the layers below; both are subsets of the
// interned paths, so they are kept as per-node fields rather than as trees
// of maps, and a node's efficiency data lives beside them.
type dnode struct {
	layer int32 // the layer stamp while the node is in the current layer's tree
	count int32
	size  int64 // its payload in the layer's tree
	ssize int64 // its payload in the stacked tree

	cum, min int64 // dive's efficiency data for the path
}

// Dive's node flags (diveTrie.f).
const (
	dDir      = 1 << iota // the payload in the layer's tree is a directory
	dStacked              // the node is in the stacked tree
	dStackDir             // the payload in the stacked tree is a directory
	dRecorded             // dive has efficiency data for the path
)

// diveTrie is dive's state over a path trie it only reads, so it can run
// beside the merge.
type diveTrie struct {
	*pathTrie
	d     []dnode
	f     []uint8 // flags, parallel to d
	chain []int32 // scratch for addLayerNode

	// Data for paths dive records that no entry named, so no node has them
	// (see whiteoutRecord): indexes of d past the nodes, and their keys.
	extra     map[string]int32
	extraKeys []string
}

// extraRecord returns the index in d of dive's data for key, a path that
// was never interned: an entry of its own past the nodes.
func (t *diveTrie) extraRecord(key string) int32 {
	if i, ok := t.extra[key]; ok {
		return i
	}
	if t.extra == nil {
		t.extra = map[string]int32{}
	}
	i := int32(len(t.d))
	t.extra[key] = i
	t.extraKeys = append(t.extraKeys, key)
	t.d = append(t.d, dnode{})
	t.f = append(t.f, 0)
	return i
}

// key is the path of d's entry i, without the leading slash.
func (t *diveTrie) key(i int) string {
	if i < len(t.nodes) {
		return t.nodes[i].key
	}
	return t.extraKeys[i-len(t.nodes)]
}

func newDiveTrie(t *pathTrie) *diveTrie {
	d := &diveTrie{pathTrie: t, d: make([]dnode, len(t.nodes)), f: make([]uint8, len(t.nodes))}
	d.f[0] = dStacked
	return d
}

// addLayerNode mirrors dive's FileTree.AddPath on the layer's tree (stamp
// st) for node n: missing parents are added with an empty payload and the
// final node's payload is replaced; a missing component named ".wh..wh..*"
// makes it give up silently. New nodes are appended to added.
func (t *diveTrie) addLayerNode(n int32, size int64, isDir bool, st int32, added []int32) []int32 {
	if n == 0 {
		return added // dive never sets a payload on the root
	}
	// The layer's tree is a tree: once an ancestor is in it, so are all of
	// its own ancestors. Tar writers put a directory before its contents,
	// so the parent usually is.
	chain := t.chain[:0]
	for a := n; a > 0 && t.d[a].layer != st; a = t.nodes[a].parent {
		chain = append(chain, a)
	}
	t.chain = chain
	for k := len(chain) - 1; k >= 0; k-- {
		c := chain[k]
		if strings.HasPrefix(t.name(c), diveHiddenPrefix) {
			return added
		}
		t.d[c].layer, t.d[c].size = st, 0
		t.f[c] &^= dDir
		added = append(added, c)
	}
	t.d[n].size = size
	if isDir {
		t.f[n] |= dDir
	} else {
		t.f[n] &^= dDir
	}
	return added
}

// stackPath mirrors FileTree.AddPath on the stacked tree for node n of the
// layer's tree: its ancestors are walked from the root down.
func (t *diveTrie) stackPath(n int32, chain []int32) []int32 {
	chain = chain[:0]
	for a := n; a > 0; a = t.nodes[a].parent {
		chain = append(chain, a)
		if t.f[a]&dStacked != 0 {
			break // the stacked tree is a tree: a stacked node's ancestors are stacked
		}
	}
	for k := len(chain) - 1; k >= 0; k-- {
		if a := chain[k]; t.f[a]&dStacked == 0 {
			if strings.HasPrefix(t.name(a), diveHiddenPrefix) {
				return chain
			}
			t.f[a] = t.f[a]&^dStackDir | dStacked
			t.d[a].ssize = 0
		}
	}
	t.stack(n)
	return chain
}

// stack puts node n's payload in the layer's tree into the stacked tree.
func (t *diveTrie) stack(n int32) {
	t.d[n].ssize = t.d[n].size
	t.f[n] = t.f[n]&^dStackDir | dStacked
	if t.f[n]&dDir != 0 {
		t.f[n] |= dStackDir
	}
}

// whiteoutTarget returns the node a whiteout-named node n deletes, as dive
// resolves the path it builds from n's ("/" + the parent's key + "/" + the
// name less ".wh.", trimmed of slashes), or -1 when that path was never
// interned. It walks the trie, not the path: a path of whiteout-named
// directories is resolved in time linear in its length, not its square.
func (t *diveTrie) whiteoutTarget(n int32) int32 {
	p := t.nodes[n].parent
	if rest := t.name(n)[len(whiteoutPrefix):]; rest != "" {
		return t.childNamed(p, rest)
	}
	// A bare ".wh." names the parent itself once the trailing slashes are
	// trimmed: the nearest ancestor whose key does not end in one.
	for p > 0 && t.name(p) == "" {
		p = t.nodes[p].parent
	}
	return p
}

// whiteoutRecord returns where dive records the data of whiteout-named leaf
// n: under the path it builds, untrimmed ("/" + the parent's key + "/" +
// the name less ".wh."), whose node is n's sibling of that name.
func (t *diveTrie) whiteoutRecord(n int32) int32 {
	rest := t.name(n)[len(whiteoutPrefix):]
	if s := t.childNamed(t.nodes[n].parent, rest); s >= 0 {
		return s
	}
	k := t.nodes[n].key
	return t.extraRecord(k[:len(k)-len(t.name(n))] + rest)
}

// stacked returns n if it is in the stacked tree, else -1.
func (t *diveTrie) stacked(n int32) int32 {
	if n >= 0 && t.f[n]&dStacked != 0 {
		return n
	}
	return -1
}

// unstack removes n and everything below it from the stacked tree.
func (t *diveTrie) unstack(n int32, stack []int32) []int32 {
	stack = append(stack[:0], n)
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		t.f[c] &^= dStacked | dStackDir
		for k := t.nodes[c].child; k >= 0; k = t.nodes[k].next {
			if t.f[k]&dStacked != 0 {
				stack = append(stack, k)
			}
		}
	}
	return stack
}

// stackedSize sums the stacked payloads at and below n.
func (t *diveTrie) stackedSize(n int32, stack []int32) (int64, []int32) {
	var s int64
	stack = append(stack[:0], n)
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		s += t.d[c].ssize
		for k := t.nodes[c].child; k >= 0; k = t.nodes[k].next {
			if t.f[k]&dStacked != 0 {
				stack = append(stack, k)
			}
		}
	}
	return s, stack
}

// postOrder sorts a layer's nodes into dive's visiting order. Tar writers
// (docker, BuildKit) emit a layer in lexical walk order, so the nodes
// usually arrive sorted parents-first; that order is turned inside out with
// a stack in one pass, and anything else is walked as a tree.
func (t *diveTrie) postOrder(nodes, stack []int32) ([]int32, []int32) {
	for k := 1; k < len(nodes); k++ {
		if t.nodes[nodes[k]].parent == nodes[k-1] {
			continue // a parent before its child: in order, and cheap to tell for deep paths
		}
		if ComparePaths(t.nodes[nodes[k-1]].key, t.nodes[nodes[k]].key) >= 0 {
			return t.postOrderTree(nodes, stack)
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

// postOrderTree puts a layer's nodes (a tree: a node's parent is among
// them or is the root) in dive's visiting order by walking them as a tree:
// siblings by name, children before their parent. Sorting whole keys
// instead costs their length per comparison, which a deep path makes
// quadratic.
func (t *diveTrie) postOrderTree(nodes, sorted []int32) ([]int32, []int32) {
	sorted = append(sorted[:0], nodes...)
	slices.SortFunc(sorted, func(a, b int32) int {
		if c := cmp.Compare(t.nodes[a].parent, t.nodes[b].parent); c != 0 {
			return c
		}
		return strings.Compare(t.name(a), t.name(b))
	})
	children := func(p int32) []int32 {
		lo, _ := slices.BinarySearchFunc(sorted, p, func(n, p int32) int { return cmp.Compare(t.nodes[n].parent, p) })
		hi := lo
		for hi < len(sorted) && t.nodes[sorted[hi]].parent == p {
			hi++
		}
		return sorted[lo:hi]
	}
	type frame struct {
		node int32
		kids []int32
	}
	out := nodes[:0]
	stack := []frame{{node: -1, kids: children(0)}}
	for len(stack) > 0 {
		top := &stack[len(stack)-1]
		if len(top.kids) == 0 {
			if top.node >= 0 {
				out = append(out, top.node)
			}
			stack = stack[:len(stack)-1]
			continue
		}
		n := top.kids[0]
		top.kids = top.kids[1:]
		stack = append(stack, frame{node: n, kids: children(n)})
	}
	return out, sorted
}

// ComparePaths orders paths parents first, siblings by name — the lexical
// walk order docker and BuildKit write layer tars in: bytes compared with
// the separator below every other byte.
func ComparePaths(a, b string) int {
	if c := compareBytes(a, b); c != 0 {
		return c
	}
	return len(a) - len(b)
}

// compareBytes compares the common prefix of a and b with the separator
// below every other byte; 0 means one is a prefix of the other.
func compareBytes(a, b string) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		ca, cb := a[i], b[i]
		switch {
		case ca == cb:
			continue
		case ca == '/':
			return -1
		case cb == '/':
			return 1
		case ca < cb:
			return -1
		default:
			return 1
		}
	}
	return 0
}

// isAncestor reports whether key a is a proper ancestor of key b.
func isAncestor(a, b string) bool {
	if a == "" {
		return b != ""
	}
	return len(b) > len(a) && b[len(a)] == '/' && b[:len(a)] == a
}

// Dive computes dive's efficiency, wasted bytes and user wasted percent.
// Walk computes them too (Index.Dive); Dive is for indexes built otherwise.
func Dive(ix *Index) DiveMetrics {
	t, nodes := internIndex(ix)
	return dive(ix, t, nodes)
}

// dive computes dive's metrics over the interned paths of ix. It only reads
// pt, ix's entries' paths, types, sizes and modes, so it can run beside the
// merge.
func dive(ix *Index, pt *pathTrie, nodes []entryNodes) DiveMetrics {
	var m DiveMetrics
	t := newDiveTrie(pt)
	record := func(n int32, size int64) {
		d := &t.d[n]
		if t.f[n]&dRecorded == 0 {
			t.f[n] |= dRecorded
			d.min = -1
		}
		d.cum += size
		if d.min < 0 || size < d.min {
			d.min = size
		}
		d.count++
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
		en := &nodes[li]
		for ei, mk := 0, 0; ei < len(l.Entries); ei++ {
			e := &l.Entries[ei]
			n := en.path[ei]
			if mk < len(en.dive) && int(en.dive[mk].entry) == ei {
				n = en.dive[mk].node // dive's name for a marker (diveName)
				mk++
			}
			added = t.addLayerNode(n, e.Size, e.Mode.IsDir(), st, added)
		}
		if li == 0 {
			// The stacked tree starts as a copy of the first layer's tree.
			for _, n := range added {
				t.stack(n)
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
				record(n, t.d[n].size)
				continue
			}
			// dive records the path before it looks the whiteout up, so an
			// abandoned lookup still leaves a minimum of -1 behind. dive keys
			// its data by the path string, which for a bare ".wh." name ends
			// in a slash: the node of that string (an empty last component)
			// keeps it apart from the directory's own data.
			dn := t.whiteoutRecord(n)
			prev := t.stacked(t.whiteoutTarget(n))
			if prev < 0 {
				if t.f[dn]&dRecorded == 0 {
					t.f[dn] |= dRecorded
					t.d[dn].min = -1
				}
				break // dive's visitor errors and abandons the layer
			}
			var size int64
			if t.f[prev]&dStackDir != 0 {
				size, scratch = t.stackedSize(prev, scratch)
			}
			record(dn, size)
		}
		// Graft the layer onto the stacked tree, in the same order.
		for _, n := range added {
			name := t.name(n)
			if !strings.HasPrefix(name, whiteoutPrefix) {
				scratch = t.stackPath(n, scratch)
				continue
			}
			target := t.whiteoutTarget(n)
			if target == 0 {
				continue // dive's RemovePath of the root does nothing
			}
			if prev := t.stacked(target); prev >= 0 {
				scratch = t.unstack(prev, scratch)
			}
		}
	}
	var minSum, cumSum int64
	for i := range t.d {
		d := &t.d[i]
		if t.f[i]&dRecorded == 0 {
			continue
		}
		minSum += d.min
		cumSum += d.cum
		if d.count >= 2 {
			m.WastedBytes += d.cum
			m.Inefficient = append(m.Inefficient, Inefficiency{Path: "/" + t.key(i), Count: int(d.count), CumulativeSize: d.cum})
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
