package gate

import (
	"io/fs"
	"sort"
	"strings"

	"github.com/slimcheck/slimcheck/report"
)

// diveMetrics recomputes dive v0.13.1's efficiency, wasted bytes and user
// wasted percent from the report's file list, the way analyze.Dive does
// from the index (see docs/metrics.md for dive's quirks, all kept): each
// layer is a tree of its tar entries, every leaf of every layer counts,
// whiteouts count the directory they delete, opaque markers never enter a
// tree, and a whiteout of a missing path ends dive's visit of its layer.
// layers gives each layer's entries in tar order; sizes[i] is layer i's size.
func diveMetrics(layers [][]report.File, sizes []int64) report.Dive {
	d := report.Dive{InefficientFiles: []report.Inefficiency{}}
	type eff struct {
		cumulative, min int64
		count           int
	}
	data := map[string]*eff{}
	var order []string
	var stacked *dnode
	for li, entries := range layers {
		d.SizeBytes += sizes[li]
		if li > 0 {
			d.UserSizeBytes += sizes[li]
		}
		tree := &dnode{}
		for _, f := range entries {
			tree.addPath(diveName(f), f.Bytes, fs.FileMode(f.Mode).IsDir())
		}
		if li == 0 {
			stacked = tree.copy()
		}
		tree.visit("", func(p, name string, n *dnode) bool {
			if len(n.children) > 0 {
				return true
			}
			whiteout := strings.HasPrefix(name, ".wh.")
			if whiteout {
				p = strings.TrimSuffix(p, name) + name[len(".wh."):]
			}
			x := data[p]
			if x == nil {
				x = &eff{min: -1}
				data[p] = x
				order = append(order, p)
			}
			var size int64
			if whiteout {
				prev := stacked.get(p)
				if prev == nil {
					return false
				}
				if prev.isDir {
					size = prev.subtreeSize()
				}
			} else {
				size = n.size
			}
			x.cumulative += size
			if x.min < 0 || size < x.min {
				x.min = size
			}
			x.count++
			return true
		})
		stacked.stack(tree)
	}
	var minSum, cumSum int64
	for _, p := range order {
		x := data[p]
		minSum += x.min
		cumSum += x.cumulative
		if x.count >= 2 {
			d.WastedBytes += x.cumulative
			d.InefficientFiles = append(d.InefficientFiles, report.Inefficiency{Path: p, Count: x.count, CumulativeSize: x.cumulative})
		}
	}
	d.Efficiency = 1
	if cumSum != 0 {
		d.Efficiency = float64(minSum) / float64(cumSum)
	}
	if d.UserSizeBytes != 0 {
		d.UserWastedPercent = float64(d.WastedBytes) / float64(d.UserSizeBytes)
	}
	sort.SliceStable(d.InefficientFiles, func(i, j int) bool {
		a, b := d.InefficientFiles[i], d.InefficientFiles[j]
		if a.CumulativeSize != b.CumulativeSize {
			return a.CumulativeSize > b.CumulativeSize
		}
		return a.Path < b.Path
	})
	return d
}

// diveName is the tar name dive saw for a report entry: whiteouts and
// opaque markers back to their ".wh." names.
func diveName(f report.File) string {
	switch f.Type {
	case "whiteout":
		i := strings.LastIndexByte(f.Path, '/')
		return f.Path[:i] + "/.wh." + f.Path[i+1:]
	case "opaque":
		return strings.TrimSuffix(f.Path, "/") + "/.wh..wh..opq"
	}
	return f.Path
}

// dnode is a node of a dive-style file tree.
type dnode struct {
	children map[string]*dnode
	size     int64
	isDir    bool
}

func splitNames(p string) []string {
	return strings.FieldsFunc(p, func(r rune) bool { return r == '/' })
}

// addPath mirrors dive's FileTree.AddPath: missing parents get an empty
// payload, and a missing ".wh..wh.*" component ends the insertion.
func (n *dnode) addPath(p string, size int64, isDir bool) {
	names := splitNames(p)
	if len(names) == 0 {
		return
	}
	cur := n
	for _, name := range names {
		c := cur.children[name]
		if c == nil {
			if strings.HasPrefix(name, ".wh..wh..") {
				return
			}
			if cur.children == nil {
				cur.children = map[string]*dnode{}
			}
			c = &dnode{}
			cur.children[name] = c
		}
		cur = c
	}
	cur.size, cur.isDir = size, isDir
}

func (n *dnode) get(p string) *dnode {
	cur := n
	for _, name := range splitNames(p) {
		if cur = cur.children[name]; cur == nil {
			return nil
		}
	}
	return cur
}

func (n *dnode) remove(p string) {
	names := splitNames(p)
	if len(names) == 0 {
		return
	}
	parent := n.get(strings.Join(names[:len(names)-1], "/"))
	if parent != nil {
		delete(parent.children, names[len(names)-1])
	}
}

func (n *dnode) subtreeSize() int64 {
	s := n.size
	for _, c := range n.children {
		s += c.subtreeSize()
	}
	return s
}

// visit walks children before parents, in name order, until fn says stop.
func (n *dnode) visit(prefix string, fn func(path, name string, node *dnode) bool) bool {
	names := make([]string, 0, len(n.children))
	for name := range n.children {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		c := n.children[name]
		p := prefix + "/" + name
		if !c.visit(p, fn) || !fn(p, name, c) {
			return false
		}
	}
	return true
}

// stack grafts upper onto n the way dive's FileTree.Stack does.
func (n *dnode) stack(upper *dnode) {
	upper.visit("", func(p, name string, u *dnode) bool {
		if strings.HasPrefix(name, ".wh.") {
			n.remove(strings.TrimSuffix(p, name) + name[len(".wh."):])
		} else {
			n.addPath(p, u.size, u.isDir)
		}
		return true
	})
}

func (n *dnode) copy() *dnode {
	c := &dnode{size: n.size, isDir: n.isDir}
	for name, ch := range n.children {
		if c.children == nil {
			c.children = make(map[string]*dnode, len(n.children))
		}
		c.children[name] = ch.copy()
	}
	return c
}
