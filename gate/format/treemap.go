package format

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/slimcheck/slimcheck/report"
)

// Tile is one rectangle of the treemap, in SVG user units.
type Tile struct {
	X, Y, W, H float64
	Path       string
	Bytes      int64
	Files      int
	Category   report.Category // the category with the most bytes below
	Dir        bool            // a directory drawn as a frame around its children
	Label      string          // shown inside when there is room
	Depth      int
}

// tnode is a directory tree of the final filesystem.
type tnode struct {
	name     string
	path     string
	bytes    int64
	files    int
	cats     map[report.Category]int64
	children map[string]*tnode
}

func (n *tnode) child(name string) *tnode {
	c := n.children[name]
	if c == nil {
		if n.children == nil {
			n.children = map[string]*tnode{}
		}
		p := n.path + "/" + name
		if n.path == "/" {
			p = "/" + name
		}
		c = &tnode{name: name, path: p, cats: map[report.Category]int64{}}
		n.children[name] = c
	}
	return c
}

func (n *tnode) dominant() report.Category {
	best, bb := report.OSBase, int64(-1)
	for _, c := range report.Categories() {
		if b, ok := n.cats[c]; ok && b > bb {
			best, bb = c, b
		}
	}
	return best
}

func (n *tnode) sortedChildren() []*tnode {
	out := make([]*tnode, 0, len(n.children))
	for _, c := range n.children {
		if c.bytes > 0 {
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].bytes != out[j].bytes {
			return out[i].bytes > out[j].bytes
		}
		return out[i].name < out[j].name
	})
	return out
}

// finalTree builds the tree of the visible files of r (its Files, or the
// largest files when the report has no file list).
func finalTree(r *report.Report) *tnode {
	root := &tnode{name: "/", path: "/", cats: map[report.Category]int64{}}
	add := func(p string, bytes int64, c report.Category) {
		if bytes <= 0 {
			return
		}
		n := root
		n.bytes += bytes
		n.files++
		n.cats[c] += bytes
		for _, name := range strings.FieldsFunc(p, func(r rune) bool { return r == '/' }) {
			n = n.child(name)
			n.bytes += bytes
			n.files++
			n.cats[c] += bytes
		}
	}
	if len(r.Files) > 0 {
		for _, f := range r.Files {
			if f.Status == "visible" && f.Type != "dir" {
				add(f.Path, f.Bytes, f.Category)
			}
		}
	} else {
		for _, f := range r.Largest.Files {
			add(f.Path, f.Bytes, f.Category)
		}
	}
	return root
}

// treemapLimits bound the drawing: tiles smaller than minArea square
// units are merged into their parent, and at most maxTiles are drawn.
const (
	minArea  = 36.0
	maxTiles = 2500
	header   = 14.0
)

// Treemap lays out the final filesystem of r in a w×h rectangle with the
// squarified algorithm (Bruls, Huizing, van Wijk): a tile's area is
// proportional to its bytes. Directories large enough get a frame with a
// label; the rest are drawn as one tile coloured by their main category.
func Treemap(r *report.Report, w, h float64) []Tile {
	root := finalTree(r)
	if root.bytes == 0 {
		return nil
	}
	var tiles []Tile
	var place func(n *tnode, x, y, w, h float64, depth int)
	place = func(n *tnode, x, y, w, h float64, depth int) {
		t := Tile{X: x, Y: y, W: w, H: h, Path: n.path, Bytes: n.bytes, Files: n.files, Category: n.dominant(), Depth: depth}
		kids := n.sortedChildren()
		framed := len(kids) > 0 && w*h >= 40*minArea && len(tiles) < maxTiles && depth < 12
		if !framed {
			if w >= 40 && h >= 12 {
				t.Label = n.name
			}
			tiles = append(tiles, t)
			return
		}
		t.Dir = true
		inX, inY, inW, inH := x+0.5, y+0.5, w-1, h-1
		if depth <= 2 && h >= 6*header && w >= 80 {
			t.Label = n.name
			inY, inH = y+header, h-header-0.5
		}
		tiles = append(tiles, t)
		if inW <= 0 || inH <= 0 {
			return
		}
		// Children too small to draw are summed into one "other" tile.
		scale := inW * inH / float64(n.bytes)
		var drawn []*tnode
		var rest tnode
		rest.cats = map[report.Category]int64{}
		for _, c := range kids {
			if float64(c.bytes)*scale < minArea || len(tiles)+len(drawn) >= maxTiles {
				rest.bytes += c.bytes
				rest.files += c.files
				for k, v := range c.cats {
					rest.cats[k] += v
				}
				continue
			}
			drawn = append(drawn, c)
		}
		if n.bytes > sumBytes(kids) { // bytes of the directory's own entries
			rest.bytes += n.bytes - sumBytes(kids)
		}
		if rest.bytes > 0 {
			rest.name = fmt.Sprintf("%d more", rest.files)
			rest.path = n.path + "/…"
			if n.path == "/" {
				rest.path = "/…"
			}
			drawn = append(drawn, &rest)
		}
		sort.SliceStable(drawn, func(i, j int) bool { return drawn[i].bytes > drawn[j].bytes })
		sizes := make([]float64, len(drawn))
		for i, c := range drawn {
			sizes[i] = float64(c.bytes)
		}
		for i, rect := range squarify(sizes, inX, inY, inW, inH) {
			place(drawn[i], rect[0], rect[1], rect[2], rect[3], depth+1)
		}
	}
	place(root, 0, 0, w, h, 0)
	return tiles
}

func sumBytes(ns []*tnode) int64 {
	var s int64
	for _, n := range ns {
		s += n.bytes
	}
	return s
}

// squarify splits the rectangle among sizes (sorted largest first) so that
// each rectangle's area is proportional to its size and the rectangles are
// as square as the algorithm manages. It returns [x, y, w, h] per size.
func squarify(sizes []float64, x, y, w, h float64) [][4]float64 {
	out := make([][4]float64, 0, len(sizes))
	var total float64
	for _, s := range sizes {
		total += s
	}
	if total <= 0 || w <= 0 || h <= 0 {
		for range sizes {
			out = append(out, [4]float64{x, y, 0, 0})
		}
		return out
	}
	scale := w * h / total
	areas := make([]float64, len(sizes))
	for i, s := range sizes {
		areas[i] = s * scale
	}
	worst := func(row []float64, side float64) float64 {
		var sum, hi, lo float64
		lo = math.Inf(1)
		for _, a := range row {
			sum += a
			hi = math.Max(hi, a)
			lo = math.Min(lo, a)
		}
		if sum == 0 || lo == 0 {
			return math.Inf(1)
		}
		s2, sum2 := side*side, sum*sum
		return math.Max(s2*hi/sum2, sum2/(s2*lo))
	}
	for i := 0; i < len(areas); {
		side := math.Min(w, h)
		j := i + 1
		for j < len(areas) && worst(areas[i:j+1], side) <= worst(areas[i:j], side) {
			j++
		}
		row := areas[i:j]
		var sum float64
		for _, a := range row {
			sum += a
		}
		if w >= h {
			cw := sum / h
			if j == len(areas) {
				cw = w
			}
			yy := y
			for _, a := range row {
				rh := a / cw
				out = append(out, [4]float64{x, yy, cw, rh})
				yy += rh
			}
			x, w = x+cw, w-cw
		} else {
			rh := sum / w
			if j == len(areas) {
				rh = h
			}
			xx := x
			for _, a := range row {
				cw := a / rh
				out = append(out, [4]float64{xx, y, cw, rh})
				xx += cw
			}
			y, h = y+rh, h-rh
		}
		i = j
	}
	return out
}
