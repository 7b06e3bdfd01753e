package summary

import (
	"strings"

	"github.com/slimcheck/slimcheck/report"
)

// maxDirDepth bounds the directory levels aggregated for the largest and
// top-directory lists: a path deeper than that counts toward its
// maxDirDepth shallowest ancestors only. Deeper levels add nothing a reader
// can use, and a hostile path of 100k components stays linear.
const maxDirDepth = 32

// dirTable aggregates bytes by directory without a map operation per
// ancestor: each path adds into its parent only (one lookup, cached across
// siblings), and propagate then carries totals up over the distinct
// directories. A directory's level is its number of ancestors plus one:
// "/usr" is 1, "/usr/lib" is 2. Its ancestors are the prefixes of its path
// that end before a '/' at index 1 or later, so keys are substrings of
// entry paths and never copied.
//
// One table serves two aggregations: the final view's files (bytes and
// file counts for the largest directories) and every layer's entries by
// category (for each category's top directories).
//
// Nodes live in fixed-size chunks, so the table grows without copying.
type dirTable struct {
	index map[string]int32
	n     int32       // nodes
	nodes [][]dirNode // chunks of chunkSize nodes
	cat   [][]int64   // chunks of chunkSize*ncat: bytes of category k at or below a node
	ncat  int         // categories per node

	lastDir  string // cache: the parent directory looked up last...
	lastNode int32  // ...and its node
}

// dirNode is one directory, with totals of what lies below it.
type dirNode struct {
	path       string
	bytes      int64  // bytes of final files below
	files      int    // final files below
	parent     int32  // -1 at level 1
	firstChild int32  // -1 for none
	next       int32  // next sibling, -1 for none
	level      int32  // number of ancestors plus one
	mask       uint64 // categories with an entry below (bit k for category k)
	childMask  uint64 // categories with an entry below some child directory
}

// chunkSize is the number of nodes per chunk (a power of two).
const chunkSize = 512

func newDirTable(ncat int) *dirTable {
	return &dirTable{index: make(map[string]int32), ncat: ncat, lastNode: -1}
}

// at returns node n.
func (t *dirTable) at(n int32) *dirNode { return &t.nodes[n/chunkSize][n%chunkSize] }

// catOf returns node n's bytes by category.
func (t *dirTable) catOf(n int32) []int64 {
	i := int(n%chunkSize) * t.ncat
	return t.cat[n/chunkSize][i : i+t.ncat : i+t.ncat]
}

// parentOf returns the node p's bytes add into: its parent directory or,
// for a path more than maxDirDepth levels deep, its ancestor at that level.
// It returns -1 for a path with no ancestor ("/etc").
func (t *dirTable) parentOf(p string) int32 {
	// Siblings follow one another: first try the last parent (whose
	// node is -1 at first, the answer for "/name").
	if d := t.lastDir; len(p) > len(d) && p[len(d)] == '/' && p[:len(d)] == d && strings.IndexByte(p[len(d)+1:], '/') < 0 {
		return t.lastNode
	}
	j := strings.LastIndexByte(p, '/')
	if j < 1 {
		return -1
	}
	d := p[:j]
	if n, ok := t.ancestorOfLast(d); ok {
		t.lastDir, t.lastNode = d, n
		return n
	}
	key, level := d, 1+strings.Count(d[1:], "/")
	if level > maxDirDepth {
		key, level = d[:nthSlash(d, maxDirDepth)], maxDirDepth
	}
	n := t.node(key, level)
	t.lastDir, t.lastNode = d, n
	return n
}

// ancestorOfLast finds d's node among the ancestors of the last parent
// looked up, without a map lookup: after a subdirectory, the files of its
// parent usually follow.
func (t *dirTable) ancestorOfLast(d string) (int32, bool) {
	last := t.lastDir
	if t.lastNode < 0 || len(d) >= len(last) || last[len(d)] != '/' || last[:len(d)] != d {
		return -1, false
	}
	n := t.lastNode
	if len(t.at(n).path) < len(d) {
		return n, true // both lie below the depth bound: same node
	}
	for n >= 0 && len(t.at(n).path) > len(d) {
		n = t.at(n).parent
	}
	return n, n >= 0
}

// nthSlash returns the index of the nth '/' of p at index 1 or later.
func nthSlash(p string, n int) int {
	for i := 1; i < len(p); i++ {
		if p[i] == '/' {
			if n--; n == 0 {
				return i
			}
		}
	}
	return len(p)
}

// node returns the node of dir, at level, creating it and its missing
// ancestors. A parent is always created before its children, so its index
// is lower.
func (t *dirTable) node(dir string, level int) int32 {
	if n, ok := t.index[dir]; ok {
		return n
	}
	parent := int32(-1)
	if level > 1 {
		parent = t.node(dir[:strings.LastIndexByte(dir, '/')], level-1)
	}
	n := t.n
	if n%chunkSize == 0 {
		t.nodes = append(t.nodes, make([]dirNode, chunkSize))
		t.cat = append(t.cat, make([]int64, chunkSize*t.ncat))
	}
	t.n++
	nd := t.at(n)
	*nd = dirNode{path: dir, parent: parent, firstChild: -1, next: -1, level: int32(level)}
	if parent >= 0 {
		p := t.at(parent)
		nd.next, p.firstChild = p.firstChild, n
	}
	t.index[dir] = n
	return n
}

// addFinal counts one final file of size bytes below node n.
func (t *dirTable) addFinal(n int32, size int64) {
	nd := t.at(n)
	nd.bytes += size
	nd.files++
}

// addCategory counts size bytes of category k below node n.
func (t *dirTable) addCategory(n int32, k int, size int64) {
	t.catOf(n)[k] += size
	t.at(n).mask |= 1 << k
}

// propagate adds every directory's totals into its ancestors. Children
// have higher indexes than their parent, so one backward sweep suffices.
func (t *dirTable) propagate() {
	for n := t.n - 1; n >= 0; n-- {
		nd := t.at(n)
		if nd.parent < 0 {
			continue
		}
		p := t.at(nd.parent)
		p.bytes += nd.bytes
		p.files += nd.files
		p.mask |= nd.mask
		p.childMask |= nd.mask
		if nd.mask != 0 {
			dst := t.catOf(nd.parent)
			for k, b := range t.catOf(n) {
				dst[k] += b
			}
		}
	}
}

// largest returns the top directories by bytes of final files.
func (t *dirTable) largest(top int) []report.PathSize {
	h := newTopN(top, pathBefore)
	for n := range t.n {
		if nd := t.at(n); nd.files > 0 {
			h.offer(report.PathSize{Path: nd.path, Bytes: nd.bytes, Files: nd.files, Layer: -1})
		}
	}
	return topPaths(&h)
}

// topDirs picks the directories that best explain category k: starting
// from the second level (/usr/lib, /var/cache...), or a first-level
// directory with no subdirectory in the category, it descends into a child
// while that child holds at least 80% of its parent's bytes. Paths are
// clean, as analyze.Index guarantees. Each pick lies below a different
// starting directory, so no pick repeats.
func (t *dirTable) topDirs(k, n int) []report.PathSize {
	bit := uint64(1) << k
	h := newTopN(n, pathBefore)
	for n := range t.n {
		nd := t.at(n)
		if nd.mask&bit == 0 || !(nd.level == 2 || nd.level == 1 && nd.childMask&bit == 0) {
			continue
		}
		cur, bytes := n, t.catOf(n)[k]
		for {
			best, bestBytes := int32(-1), int64(0)
			for c := t.at(cur).firstChild; c >= 0; c = t.at(c).next {
				if t.at(c).mask&bit == 0 {
					continue
				}
				if cb := t.catOf(c)[k]; cb*5 >= bytes*4 && (best < 0 || cb > bestBytes) {
					best, bestBytes = c, cb
				}
			}
			if best < 0 {
				break
			}
			cur, bytes = best, bestBytes
		}
		h.offer(report.PathSize{Path: t.at(cur).path, Bytes: bytes, Layer: -1})
	}
	return topPaths(&h)
}
