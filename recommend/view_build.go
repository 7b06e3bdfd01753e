package recommend

import (
	"path"
	"slices"
	"strings"

	"github.com/slimcheck/slimcheck/report"
)

// Building the view needs no index of every path: entries mostly come in
// path order, so a new entry's directory is usually an ancestor of the
// previous entry and its name sorts after its siblings'. Only directories
// whose children arrive out of order get a map, and only while building.

// viewBuilder carries the state of one newView call.
type viewBuilder struct {
	v         *fsView
	free      []node  // preallocated nodes not yet handed out
	last      *node   // the node placed last
	unordered []*node // directories whose children came out of order
}

// newView indexes the visible entries of files.
func newView(files []report.File) *fsView {
	visible := 0
	for i := range files {
		if inView(&files[i]) {
			visible++
		}
	}
	b := &viewBuilder{v: &fsView{nodes: make([]*node, 0, visible+1)}, free: make([]node, visible+1)}
	b.v.root = b.add("/", nil)
	for i := range files {
		f := &files[i]
		if !inView(f) {
			continue
		}
		p := cleanAbs(f.Path)
		if p == "" {
			continue
		}
		n := b.place(p)
		n.file = f
		b.last = n
	}
	for _, dir := range b.unordered {
		slices.SortFunc(dir.sorted, byNodePath)
		dir.index = nil
	}
	return b.v
}

// inView reports whether f belongs to the final filesystem.
func inView(f *report.File) bool {
	return f.Status == "visible" && f.Type != "whiteout" && f.Type != "opaque"
}

// cleanAbs cleans p as an absolute path; "" for paths that are unusable.
func cleanAbs(p string) string {
	if p == "" || strings.IndexByte(p, 0) >= 0 {
		return ""
	}
	if isCleanAbs(p) {
		return p
	}
	return path.Clean("/" + p)
}

// isCleanAbs reports whether path.Clean("/"+p) is p: "/" or slash-led
// elements, none of them empty, "." or "..".
func isCleanAbs(p string) bool {
	if p == "/" {
		return true
	}
	if len(p) < 2 || p[0] != '/' || p[len(p)-1] == '/' {
		return false
	}
	for rest := p[1:]; ; {
		elem, tail, more := strings.Cut(rest, "/")
		if elem == "" || elem == "." || elem == ".." {
			return false
		}
		if !more {
			return true
		}
		rest = tail
	}
}

// cleanDir is path.Dir for a clean absolute path other than "/".
func cleanDir(p string) string {
	if i := strings.LastIndexByte(p, '/'); i > 0 {
		return p[:i]
	}
	return "/"
}

// place returns the node at the clean absolute path p, creating it and its
// missing ancestors.
func (b *viewBuilder) place(p string) *node {
	if p == "/" {
		return b.v.root
	}
	parent := b.dir(cleanDir(p))
	if n := b.child(parent, p); n != nil {
		return n
	}
	return b.add(p, parent)
}

// dir returns the node at the clean absolute path d, looked up among the
// ancestors of the last node placed before anywhere else.
func (b *viewBuilder) dir(d string) *node {
	for a := b.last; a != nil && len(a.path) >= len(d); a = a.parent {
		if a.path == d {
			return a
		}
	}
	return b.place(d)
}

// child returns parent's child at path p, nil when there is none yet.
func (b *viewBuilder) child(parent *node, p string) *node {
	kids := parent.sorted
	if len(kids) == 0 {
		return nil
	}
	if parent.index != nil {
		return parent.index[p]
	}
	if p > kids[len(kids)-1].path {
		return nil // the usual case: names come in order
	}
	if i, ok := slices.BinarySearchFunc(kids, p, nodeAt); ok {
		return kids[i]
	}
	return nil
}

// add creates the node at p as parent's last child.
func (b *viewBuilder) add(p string, parent *node) *node {
	if len(b.free) == 0 {
		b.free = make([]node, 256)
	}
	n := &b.free[0]
	b.free = b.free[1:]
	*n = node{path: p, parent: parent, id: len(b.v.nodes)}
	b.v.nodes = append(b.v.nodes, n)
	if parent != nil {
		b.adopt(parent, n)
	}
	return n
}

// adopt appends n to parent's children, indexing them by path once they
// stop coming in order.
func (b *viewBuilder) adopt(parent, n *node) {
	kids := parent.sorted
	if parent.index == nil && len(kids) > 0 && n.path < kids[len(kids)-1].path {
		parent.index = make(map[string]*node, len(kids)+1)
		for _, k := range kids {
			parent.index[k.path] = k
		}
		b.unordered = append(b.unordered, parent)
	}
	if parent.index != nil {
		parent.index[n.path] = n
	}
	parent.sorted = append(kids, n)
}

// byNodePath orders nodes by path; siblings' paths are distinct.
func byNodePath(a, b *node) int { return strings.Compare(a.path, b.path) }

// nodeAt compares a node's path with p, for binary searches.
func nodeAt(n *node, p string) int { return strings.Compare(n.path, p) }
