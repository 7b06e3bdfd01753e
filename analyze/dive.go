package analyze

import (
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

// dnode is a node of a dive-style file tree.
type dnode struct {
	children map[string]*dnode
	size     int64
	isDir    bool
}

func (n *dnode) child(name string) *dnode {
	c := n.children[name]
	if c == nil {
		if n.children == nil {
			n.children = make(map[string]*dnode)
		}
		c = &dnode{}
		n.children[name] = c
	}
	return c
}

// addPath mirrors dive's FileTree.AddPath: intermediate nodes are created
// with an empty payload and the final node's payload is replaced. Like dive,
// it gives up silently at a missing component named ".wh..wh..*" (the
// opaque marker), while any other ".wh."-prefixed name becomes a node that
// later passes read as a whiteout.
func (n *dnode) addPath(p string, size int64, isDir bool) {
	names := splitPath(p)
	if len(names) == 0 {
		return // dive never sets a payload on the root
	}
	cur := n
	for _, name := range names {
		c := cur.children[name]
		if c == nil {
			if strings.HasPrefix(name, diveHiddenPrefix) {
				return
			}
			c = cur.child(name)
		}
		cur = c
	}
	cur.size, cur.isDir = size, isDir
}

// diveHiddenPrefix is the name prefix dive's AddPath refuses to create.
const diveHiddenPrefix = ".wh..wh.."

func (n *dnode) get(p string) *dnode {
	cur := n
	for _, name := range splitPath(p) {
		if cur = cur.children[name]; cur == nil {
			return nil
		}
	}
	return cur
}

func (n *dnode) remove(p string) {
	parts := splitPath(p)
	if len(parts) == 0 {
		return
	}
	parent := n.get(strings.Join(parts[:len(parts)-1], "/"))
	if parent != nil {
		delete(parent.children, parts[len(parts)-1])
	}
}

func (n *dnode) subtreeSize() int64 {
	s := n.size
	for _, c := range n.children {
		s += c.subtreeSize()
	}
	return s
}

func (n *dnode) sortedNames() []string {
	names := make([]string, 0, len(n.children))
	for name := range n.children {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// visit walks the tree depth-first, children before parents, in name order
// (dive's VisitDepthChildFirst), stopping at the first error.
func (n *dnode) visit(prefix string, fn func(path, name string, node *dnode) bool) bool {
	for _, name := range n.sortedNames() {
		c := n.children[name]
		p := prefix + "/" + name
		if !c.visit(p, fn) {
			return false
		}
		if !fn(p, name, c) {
			return false
		}
	}
	return true
}

// diveTree builds the tree dive builds for one layer: dive adds every tar
// entry under its own (cleaned) name, so markers are turned back into the
// names they had in the tar.
func diveTree(entries []Entry) *dnode {
	root := &dnode{}
	for _, e := range entries {
		root.addPath(diveName(e), e.Size, e.Mode.IsDir())
	}
	return root
}

// diveName returns the cleaned tar name of e, undoing the marker
// classification of readLayer.
func diveName(e Entry) string {
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

func splitDirBase(p string) (string, string) {
	i := strings.LastIndexByte(p, '/')
	return p[:i], p[i+1:]
}

// stack grafts upper onto lower the way dive's FileTree.Stack does.
func stack(lower, upper *dnode) {
	upper.visit("", func(p, name string, n *dnode) bool {
		if strings.HasPrefix(name, whiteoutPrefix) {
			lower.remove(strings.TrimSuffix(p, name) + name[len(whiteoutPrefix):])
		} else {
			lower.addPath(p, n.size, n.isDir)
		}
		return true
	})
}

func copyTree(n *dnode) *dnode {
	c := &dnode{size: n.size, isDir: n.isDir}
	for name, ch := range n.children {
		if c.children == nil {
			c.children = make(map[string]*dnode, len(n.children))
		}
		c.children[name] = copyTree(ch)
	}
	return c
}

type effData struct {
	cumulative, min int64
	count           int
}

// Dive computes dive's efficiency, wasted bytes and user wasted percent.
func Dive(ix *Index) DiveMetrics {
	var m DiveMetrics
	data := make(map[string]*effData)
	var order []string
	var stacked *dnode
	for li := range ix.Layers {
		l := &ix.Layers[li]
		m.SizeBytes += l.Size
		if li > 0 {
			m.UserSizeBytes += l.Size
		}
		tree := diveTree(l.Entries)
		if li == 0 {
			stacked = copyTree(tree)
		}
		tree.visit("", func(p, name string, n *dnode) bool {
			if len(n.children) > 0 {
				return true // dive only visits leaves
			}
			whiteout := strings.HasPrefix(name, whiteoutPrefix)
			if whiteout {
				p = strings.TrimSuffix(p, name) + name[len(whiteoutPrefix):]
			}
			// dive records the path before it looks the whiteout up, so an
			// abandoned lookup still leaves a minimum of -1 behind.
			d := data[p]
			if d == nil {
				d = &effData{min: -1}
				data[p] = d
				order = append(order, p)
			}
			var size int64
			if whiteout {
				prev := stacked.get(p)
				if prev == nil {
					return false // dive's visitor errors and abandons the layer
				}
				if prev.isDir {
					size = prev.subtreeSize()
				}
			} else {
				size = n.size
			}
			d.cumulative += size
			if d.min < 0 || size < d.min {
				d.min = size
			}
			d.count++
			return true
		})
		stack(stacked, tree)
	}
	var minSum, cumSum int64
	for _, p := range order {
		d := data[p]
		minSum += d.min
		cumSum += d.cumulative
		if d.count >= 2 {
			m.WastedBytes += d.cumulative
			m.Inefficient = append(m.Inefficient, Inefficiency{Path: p, Count: d.count, CumulativeSize: d.cumulative})
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
