package recommend

import (
	"path"
	"sort"
	"strings"

	"github.com/slimcheck/slimcheck/report"
)

// node is one path of the final filesystem.
type node struct {
	path     string
	file     *report.File // the visible entry; nil for a directory implied by its children
	parent   *node
	children map[string]*node
	sorted   []*node // children in name order, filled by finish
}

func (n *node) isDir() bool { return n.file == nil || n.file.Type == "dir" }

// fsView is the final filesystem of the analyzed image, built from the
// visible entries of report.Files.
type fsView struct {
	root   *node
	byPath map[string]*node
}

// newView indexes the visible entries of files.
func newView(files []report.File) *fsView {
	v := &fsView{root: &node{path: "/", children: map[string]*node{}}, byPath: map[string]*node{}}
	v.byPath["/"] = v.root
	for i := range files {
		f := &files[i]
		if f.Status != "visible" || f.Type == "whiteout" || f.Type == "opaque" {
			continue
		}
		p := cleanAbs(f.Path)
		if p == "" {
			continue
		}
		n := v.ensure(p)
		n.file = f
	}
	v.finish(v.root)
	return v
}

// cleanAbs cleans p as an absolute path; "" for paths that are unusable.
func cleanAbs(p string) string {
	if p == "" || strings.ContainsRune(p, 0) {
		return ""
	}
	return path.Clean("/" + p)
}

func (v *fsView) ensure(p string) *node {
	if n, ok := v.byPath[p]; ok {
		return n
	}
	parent := v.ensure(path.Dir(p))
	n := &node{path: p, parent: parent, children: map[string]*node{}}
	parent.children[path.Base(p)] = n
	v.byPath[p] = n
	return n
}

func (v *fsView) finish(n *node) {
	n.sorted = make([]*node, 0, len(n.children))
	for _, c := range n.children {
		n.sorted = append(n.sorted, c)
	}
	sort.Slice(n.sorted, func(i, j int) bool { return n.sorted[i].path < n.sorted[j].path })
	for _, c := range n.sorted {
		v.finish(c)
	}
}

// get returns the node at p exactly (no symlink resolution).
func (v *fsView) get(p string) *node {
	if p = cleanAbs(p); p == "" {
		return nil
	}
	return v.byPath[p]
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
		next := cur.children[name]
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
