package recommend

import (
	"path"
	"slices"
	"strings"

	"github.com/slimcheck/slimcheck/report"
)

// node is one path of the final filesystem.
type node struct {
	path   string
	file   *report.File // the visible entry; nil for a directory implied by its children
	parent *node
	sorted []*node // children in path (so name) order
	id     int     // index in fsView.nodes, for per-node tables
	// index has the children by path while newView adds them out of order.
	index map[string]*node
}

func (n *node) isDir() bool { return n.file == nil || n.file.Type == "dir" }

// childAt returns n's child at path p (p's directory is n.path), nil when
// there is none.
func (n *node) childAt(p string) *node {
	if i, ok := slices.BinarySearchFunc(n.sorted, p, nodeAt); ok {
		return n.sorted[i]
	}
	return nil
}

// childNamed returns n's child called name (one path element), nil when
// there is none.
func (n *node) childNamed(name string) *node {
	skip := len(n.path) + 1 // a child's name follows its parent's path and a slash
	if n.path == "/" {
		skip = 1
	}
	i, ok := slices.BinarySearchFunc(n.sorted, name, func(c *node, name string) int {
		return strings.Compare(c.path[skip:], name)
	})
	if ok {
		return n.sorted[i]
	}
	return nil
}

// fsView is the final filesystem of the analyzed image, built from the
// visible entries of report.Files by newView.
type fsView struct {
	root  *node
	nodes []*node // every node, root first, in creation order
}

// get returns the node at p exactly (no symlink resolution).
func (v *fsView) get(p string) *node {
	if p = cleanAbs(p); p == "" {
		return nil
	}
	n := v.root
	for i := 1; i < len(p) && n != nil; i++ {
		if p[i] == '/' {
			n = n.childAt(p[:i]) // each ancestor of p below the root
		}
	}
	if n == nil || p == "/" {
		return n
	}
	return n.childAt(p)
}

// resolve follows symlinks in every component of p, as the kernel would, and
// returns the node reached (nil when it does not exist or loops).
func (v *fsView) resolve(p string) *node {
	n, _ := v.resolvePath(p, 0)
	return n
}

const maxLinkHops = 32

func (v *fsView) resolvePath(p string, hops int) (*node, int) {
	p = cleanAbs(p)
	if p == "" {
		return nil, hops
	}
	cur := v.root
	rest := strings.Split(strings.TrimPrefix(p, "/"), "/")
	for i := 0; i < len(rest); i++ {
		name := rest[i]
		if name == "" {
			continue
		}
		next := cur.childNamed(name)
		if next == nil {
			return nil, hops
		}
		if next.file != nil && next.file.Type == "symlink" {
			hops++
			if hops > maxLinkHops {
				return nil, hops
			}
			target := next.file.Link
			if !strings.HasPrefix(target, "/") {
				target = path.Join(path.Dir(next.path), target)
			}
			remaining := strings.Join(rest[i+1:], "/")
			return v.resolvePath(path.Join(target, remaining), hops)
		}
		cur = next
	}
	return cur, hops
}

// walk calls fn for n and every node below it, in path order. fn returning
// false skips the node's children.
func walk(n *node, fn func(*node) bool) {
	if !fn(n) {
		return
	}
	for _, c := range n.sorted {
		walk(c, fn)
	}
}

// leaves counts the non-directory entries at and below n and their bytes.
func leaves(n *node) (files int, bytes int64) {
	walk(n, func(m *node) bool {
		if !m.isDir() {
			files++
			bytes += m.file.Bytes
		}
		return true
	})
	return files, bytes
}

// under reports whether p is dir or below it.
func under(p, dir string) bool {
	if dir == "/" {
		return strings.HasPrefix(p, "/")
	}
	return p == dir || strings.HasPrefix(p, dir+"/")
}
