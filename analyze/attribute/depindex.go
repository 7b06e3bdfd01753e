package attribute

import (
	"strings"

	"github.com/slimcheck/slimcheck/analyze/deps"
	"github.com/slimcheck/slimcheck/analyze/deps/model"
	"github.com/slimcheck/slimcheck/report"
)

// depMatch is a classified language package owning a path.
type depMatch struct {
	id       int32
	class    deps.Class
	category report.Category
	rank     int8 // categoryRank(category)
	pkg      deps.Package
	detail   string
}

// depIndex finds the classified language package owning a path by walking
// up its directories (no allocation per lookup); see depCursor.
type depIndex struct {
	byPath map[string]*depMatch
	byID   []*depMatch // by depMatch.id
	keys   keyFilter   // every key of byPath
}

// depCursor looks paths up in x one after another. Entries come in tree
// order, so it keeps the answer for the last directory it walked up from
// and stops walking at a directory above which that answer holds. Not
// safe for concurrent use.
type depCursor struct {
	x       *depIndex
	lastDir string    // the last directory walked up from
	lastSet bool      // lastDir is set
	last    *depMatch // the answer for lastDir
	lastKey int       // the length of last's key, -1 when last is nil
}

// keyFilter is a Bloom filter with one hash over a string's length and
// last two bytes: a string that misses is not among those added.
type keyFilter [1024]uint64

// slot returns the word and bit of s; ok is false for "" (never added).
func (f *keyFilter) slot(s string) (word, bit uint32, ok bool) {
	if s == "" {
		return 0, 0, false
	}
	h := uint32(len(s))*0x9e3779b1 ^ uint32(s[len(s)-1])*0x85ebca6b
	if len(s) > 1 {
		h ^= uint32(s[len(s)-2]) * 0xc2b2ae35
	}
	h ^= h >> 15
	h *= 0x2c1b3c6d
	h ^= h >> 12
	h &= 1<<16 - 1
	return h >> 6, h & 63, true
}

func (f *keyFilter) add(s string) {
	if w, b, ok := f.slot(s); ok {
		f[w] |= 1 << b
	}
}

// mayHave reports whether s may be one of the strings added.
func (f *keyFilter) mayHave(s string) bool {
	w, b, ok := f.slot(s)
	return ok && f[w]&(1<<b) != 0
}

func newDepIndex(r deps.Result) *depIndex {
	x := &depIndex{byPath: map[string]*depMatch{}}
	var id int32
	add := func(root deps.Root, class deps.Class, pkgs []deps.Package) {
		for _, p := range pkgs {
			m := &depMatch{id: id, class: class, pkg: p, category: report.App}
			id++
			switch class {
			case model.Dev:
				m.category = report.DevDependencies
				m.detail = "dev-only dependency of " + root.Dir + ": " + p.Evidence.How
			case model.Extraneous:
				m.detail = "extraneous (reached by no declared dependency) in " + root.Dir + ": " + p.Evidence.How + "; kept as app"
			default:
				m.detail = "production dependency of " + root.Dir + ": " + p.Evidence.How
			}
			m.rank = categoryRank(m.category)
			x.byID = append(x.byID, m)
			for _, q := range p.Paths {
				q = cleanAbs(q)
				// As model.NewIndex: the first claim keeps a path, except that
				// production wins over dev and extraneous, so a doubtful path is
				// never called dev-only.
				if old, ok := x.byPath[q]; ok && (old.class == model.Prod || class != model.Prod) {
					continue
				}
				x.byPath[q] = m
				x.keys.add(q)
			}
		}
	}
	for _, root := range r.Roots {
		add(root, model.Prod, root.Prod)
	}
	for _, root := range r.Roots {
		add(root, model.Dev, root.Dev)
		add(root, model.Extraneous, root.Extraneous)
	}
	if len(x.byPath) == 0 {
		return nil
	}
	return x
}

func cleanAbs(p string) string {
	if p == "" || p[0] != '/' {
		p = "/" + p
	}
	for len(p) > 1 && p[len(p)-1] == '/' {
		p = p[:len(p)-1]
	}
	return p
}

// lookup returns the package owning p itself or its nearest directory
// (checking the directories up to the one right below the root).
func (x *depCursor) lookup(p string) *depMatch {
	if x.x.keys.mayHave(p) {
		if m, ok := x.x.byPath[p]; ok {
			return m
		}
	}
	i := strings.LastIndexByte(p, '/')
	if i <= 0 {
		return nil
	}
	dir := p[:i]
	if !x.lastSet || x.lastDir != dir {
		x.last, x.lastKey = x.walkUp(dir)
		x.lastDir, x.lastSet = dir, true
	}
	return x.last
}

// walkUp returns lookup's answer for directory d and the length of its
// key (-1 for none). Once d is lastDir or above it, but not above last's
// key, the answer is last: every directory from lastDir up to that key was
// already looked up.
func (x *depCursor) walkUp(d string) (*depMatch, int) {
	for {
		if x.lastSet && x.lastKey <= len(d) && ancestorOrSelf(d, x.lastDir) {
			return x.last, x.lastKey
		}
		if x.x.keys.mayHave(d) {
			if m, ok := x.x.byPath[d]; ok {
				return m, len(d)
			}
		}
		i := strings.LastIndexByte(d, '/')
		if i <= 0 {
			return nil, -1
		}
		d = d[:i]
	}
}

// ancestorOrSelf reports whether directory d is p or one of its ancestors.
func ancestorOrSelf(d, p string) bool {
	return len(p) >= len(d) && p[:len(d)] == d && (len(p) == len(d) || p[len(d)] == '/')
}
