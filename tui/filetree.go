package tui

import (
	"cmp"
	"path"
	"slices"
	"strings"

	"github.com/slimcheck/slimcheck/report"
)

// treeKey names one file tree: a scope, and whether the tree holds the
// scope's wasted entries (stored, then overwritten or deleted) instead of
// its filesystem.
type treeKey struct {
	scope  scope
	wasted bool
}

// Change marks of a tree node.
const (
	markNone        uint8 = iota
	markAdded             // the scope's layer added it
	markModified          // the scope's layer replaced a lower version
	markRemoved           // the scope's layer deleted it (a whiteout)
	markOpaque            // the scope's layer hid the directory's lower contents
	markOverwritten       // wasted: a later layer replaced it
	markDeleted           // wasted: a later layer deleted it
	markShadowed          // wasted: the same layer wrote it again
)

// treeNode is one node of a built tree. Nodes are stored in preorder with
// every directory's children sorted by size, largest first, so the
// subtree of node i is nodes[i:end].
type treeNode struct {
	name, path string
	lower      string // path in lower case, for case-insensitive filters
	parent     int32
	end        int32 // one past the last node of the subtree
	file       int32 // entry in Report.Files; -1 for a directory no entry describes
	bytes      int64 // the entry's size, or the sum of the subtree
	files      int32 // non-directory nodes in the subtree (1 for a file)
	copies     int32 // entries merged into the node (wasted trees)
	cats       int32 // index into fileTree.dirCats for a directory; -1 for a file
	depth      uint16
	cat        uint8 // catIndex of the file's category, or a directory's largest
	mark       uint8
	dir        bool
}

// fileTree is the file tree of one treeKey. It is immutable once built.
type fileTree struct {
	key     treeKey
	nodes   []treeNode
	dirCats [][numCats]int64 // per directory: bytes by category in its subtree
}

// kids returns the children of node i in display order.
func (t *fileTree) kids(i int32, out []int32) []int32 {
	out = out[:0]
	for j := i + 1; j < t.nodes[i].end; j = t.nodes[j].end {
		out = append(out, j)
	}
	return out
}

// bnode is a node while a tree is being built.
type bnode struct {
	path   string
	kids   []int32
	parent int32
	file   int32
	bytes  int64
	copies int32
	cat    uint8
	mark   uint8
	dir    bool
	dead   bool
}

// builder stacks entries into a tree the way an overlay filesystem does.
type builder struct {
	nodes []bnode
	index map[string]int32
}

func newBuilder(hint int) *builder {
	// Directories no entry names come on top of the entries.
	hint += hint/4 + 16
	b := &builder{nodes: make([]bnode, 1, hint), index: make(map[string]int32, hint)}
	b.nodes[0] = bnode{path: "/", parent: -1, file: -1, dir: true, cat: uint8(numCats - 1)}
	b.index["/"] = 0
	return b
}

// cleanPath makes p absolute and clean; the report's paths already are,
// so this rarely allocates.
func cleanPath(p string) string {
	if p == "" || p[0] != '/' {
		return path.Clean("/" + p)
	}
	return path.Clean(p)
}

// dir returns the node of directory p, creating it and its parents.
func (b *builder) dir(p string) int32 {
	if i, ok := b.index[p]; ok {
		if !b.nodes[i].dir {
			b.nodes[i].dir = true
		}
		return i
	}
	parent := b.dir(path.Dir(p))
	return b.add(p, parent, true)
}

func (b *builder) add(p string, parent int32, dir bool) int32 {
	i := int32(len(b.nodes))
	b.nodes = append(b.nodes, bnode{path: p, parent: parent, file: -1, dir: dir, cat: uint8(numCats - 1)})
	b.nodes[parent].kids = append(b.nodes[parent].kids, i)
	b.index[p] = i
	return i
}

// put places entry fi at p. With merge, an existing non-directory node
// adds the entry's bytes (wasted trees list every stored copy); otherwise
// the entry replaces what was there, and a non-directory replacing a
// directory drops the directory's contents.
func (b *builder) put(p string, fi int32, f *report.File, mark uint8, merge bool) {
	isDir := f.Type == "dir"
	if p == "/" {
		if isDir {
			b.nodes[0].file = fi
		}
		return
	}
	i, ok := b.index[p]
	if !ok {
		i = b.add(p, b.dir(path.Dir(p)), isDir)
	} else if b.nodes[i].dir && !isDir {
		b.clear(i)
		b.nodes[i].dir = false
	} else if isDir {
		b.nodes[i].dir = true
	}
	n := &b.nodes[i]
	if merge && ok && !isDir {
		n.bytes += f.Bytes
		n.copies++
	} else {
		n.bytes = f.Bytes
		n.copies = 1
	}
	n.file = fi
	n.mark = mark
	n.cat = catIndex(f.Category)
}

// remove deletes p and everything under it.
func (b *builder) remove(p string) {
	if i, ok := b.index[p]; ok && i != 0 {
		b.kill(i)
	}
}

// clear deletes everything under directory i.
func (b *builder) clear(i int32) {
	for _, k := range b.nodes[i].kids {
		b.kill(k)
	}
	b.nodes[i].kids = nil
}

// kill marks the subtree of i dead and forgets its paths; dead nodes stay
// in their parent's kids until the tree is finished.
func (b *builder) kill(i int32) {
	stack := []int32{i}
	for len(stack) > 0 {
		k := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		n := &b.nodes[k]
		if n.dead {
			continue
		}
		n.dead = true
		if j, ok := b.index[n.path]; ok && j == k {
			delete(b.index, n.path)
		}
		stack = append(stack, n.kids...)
		n.kids = nil
	}
}

// finish sums, sorts and lays the tree out in preorder.
func (b *builder) finish(key treeKey) *fileTree {
	n := len(b.nodes)
	size := make([]int32, n) // live nodes in each subtree
	cats := make([][numCats]int64, n)
	files := make([]int32, n)
	bytes := make([]int64, n)
	for i := n - 1; i >= 0; i-- {
		bn := &b.nodes[i]
		if bn.dead {
			continue
		}
		size[i]++
		bytes[i] += bn.bytes
		if !bn.dir {
			files[i]++
			cats[i][bn.cat] += bn.bytes
		}
		if p := bn.parent; p >= 0 {
			size[p] += size[i]
			bytes[p] += bytes[i]
			files[p] += files[i]
			for c := range cats[i] {
				cats[p][c] += cats[i][c]
			}
		}
	}
	t := &fileTree{key: key, nodes: make([]treeNode, 0, size[0])}
	type frame struct {
		node   int32
		parent int32
		depth  uint16
	}
	stack := []frame{{node: 0, parent: -1}}
	var kids []int32
	for len(stack) > 0 {
		f := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		bn := &b.nodes[f.node]
		at := int32(len(t.nodes))
		tn := treeNode{
			path: bn.path, lower: strings.ToLower(bn.path), name: path.Base(bn.path), parent: f.parent, end: at + size[f.node],
			file: bn.file, bytes: bytes[f.node], files: files[f.node], copies: bn.copies,
			cats: -1, depth: f.depth, cat: bn.cat, mark: bn.mark, dir: bn.dir,
		}
		if bn.dir {
			tn.cats = int32(len(t.dirCats))
			t.dirCats = append(t.dirCats, cats[f.node])
			tn.cat = largestCat(&cats[f.node])
		}
		t.nodes = append(t.nodes, tn)
		kids = kids[:0]
		for _, k := range bn.kids {
			if !b.nodes[k].dead {
				kids = append(kids, k)
			}
		}
		slices.SortFunc(kids, func(x, y int32) int {
			if c := cmp.Compare(bytes[y], bytes[x]); c != 0 {
				return c
			}
			return cmp.Compare(b.nodes[x].path, b.nodes[y].path)
		})
		for j := len(kids) - 1; j >= 0; j-- {
			stack = append(stack, frame{node: kids[j], parent: at, depth: f.depth + 1})
		}
	}
	return t
}

// largestCat returns the category holding the most bytes, or the unknown
// slot when there are none.
func largestCat(c *[numCats]int64) uint8 {
	best, bi := int64(0), uint8(numCats-1)
	for i, v := range c {
		if v > best {
			best, bi = v, uint8(i)
		}
	}
	return bi
}

// buildTree builds the tree of key from d. It reads d only, so it may run
// in a tea.Cmd.
func buildTree(d *data, key treeKey) *fileTree {
	files := d.rep.Files
	s := key.scope
	last := d.last()
	if s.layer > last {
		s.layer = last
	}
	var layers []int
	if s.mode == layerOnly {
		layers = []int{s.layer}
	} else {
		for l := 0; l <= s.layer; l++ {
			layers = append(layers, l)
		}
	}
	hint := 0
	for _, l := range layers {
		hint += len(d.byLayer[l])
	}
	b := newBuilder(hint)
	switch {
	case key.wasted:
		for _, l := range layers {
			for _, fi := range d.byLayer[l] {
				f := &files[fi]
				if f.Type == "dir" || f.Status == "marker" || !isWasted(f) {
					continue
				}
				b.put(cleanPath(f.Path), fi, f, wastedMark(f), true)
			}
		}
	case s.mode == upToLayer && s.layer == last:
		// The final filesystem is what the report marks visible.
		for _, l := range layers {
			for _, fi := range d.byLayer[l] {
				f := &files[fi]
				if f.Status != "visible" {
					continue
				}
				b.put(cleanPath(f.Path), fi, f, changeMark(f, l == s.layer), false)
			}
		}
	case s.mode == upToLayer:
		return stackLayers(d, s.layer, key)
	default:
		for _, fi := range d.byLayer[s.layer] {
			f := &files[fi]
			p := cleanPath(f.Path)
			switch {
			case f.Type == "whiteout":
				if _, ok := b.index[p]; !ok {
					b.put(p, fi, f, markRemoved, false)
				}
			case f.Type == "opaque":
				b.nodes[b.dir(p)].mark = markOpaque
			case f.Status == "marker":
			default:
				b.put(p, fi, f, changeMark(f, true), false)
			}
		}
	}
	return b.finish(key)
}

// stackLayers lays layers 0..top on each other the way an overlay
// filesystem does: each layer's whiteouts and opaque markers delete from
// the layers below it, then its entries go on top. Only the top layer's
// entries are marked as changes.
func stackLayers(d *data, top int, key treeKey) *fileTree {
	files := d.rep.Files
	hint := 0
	for l := 0; l <= top; l++ {
		hint += len(d.byLayer[l])
	}
	b := newBuilder(hint)
	for l := 0; l <= top; l++ {
		for _, fi := range d.byLayer[l] {
			f := &files[fi]
			switch f.Type {
			case "whiteout":
				b.remove(cleanPath(f.Path))
			case "opaque":
				if i, ok := b.index[cleanPath(f.Path)]; ok {
					b.clear(i)
				}
			}
		}
		for _, fi := range d.byLayer[l] {
			f := &files[fi]
			if f.Status == "marker" || f.Type == "whiteout" || f.Type == "opaque" {
				continue
			}
			b.put(cleanPath(f.Path), fi, f, changeMark(f, l == top), false)
		}
	}
	return b.finish(key)
}

// isWasted reports whether f's bytes are stored but not in the final
// filesystem.
func isWasted(f *report.File) bool {
	switch f.Status {
	case "overwritten", "deleted", "shadowed":
		return true
	}
	return f.Category == report.Wasted
}

func wastedMark(f *report.File) uint8 {
	switch f.Status {
	case "overwritten":
		return markOverwritten
	case "deleted":
		return markDeleted
	case "shadowed":
		return markShadowed
	}
	return markNone
}

func changeMark(f *report.File, marked bool) uint8 {
	if !marked {
		return markNone
	}
	switch f.Change {
	case "added":
		return markAdded
	case "modified":
		return markModified
	case "removal":
		return markRemoved
	}
	return markNone
}
