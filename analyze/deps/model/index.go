package model

import "path"

// Match is the answer of Index.Lookup: the package owning a path and its
// class.
type Match struct {
	// Root is the project directory the package belongs to.
	Root string
	// Ecosystem is the root's ecosystem.
	Ecosystem Ecosystem
	// Class is the package's class.
	Class Class
	// Package is the owning package.
	Package Package
}

// Index answers which classified package owns a file path, by longest
// path-prefix match over every package path in a Result.
type Index struct {
	byPath map[string]Match
}

// NewIndex builds an Index over all packages of r. When two packages claim
// the same path, the one listed first in r keeps it, with production winning
// over dev and extraneous, so a doubtful path is never reported as dev.
func NewIndex(r Result) *Index {
	idx := &Index{byPath: make(map[string]Match)}
	add := func(root Root, c Class, pkgs []Package) {
		for _, p := range pkgs {
			for _, q := range p.Paths {
				q = path.Clean(q)
				if old, ok := idx.byPath[q]; ok && (old.Class == Prod || c != Prod) {
					continue
				}
				idx.byPath[q] = Match{Root: root.Dir, Ecosystem: root.Ecosystem, Class: c, Package: p}
			}
		}
	}
	for _, root := range r.Roots {
		add(root, Prod, root.Prod)
	}
	for _, root := range r.Roots {
		add(root, Dev, root.Dev)
		add(root, Extraneous, root.Extraneous)
	}
	return idx
}

// Lookup returns the package whose path is p itself or the nearest
// directory above p. Paths are absolute; p is cleaned first.
func (x *Index) Lookup(p string) (Match, bool) {
	if x == nil || len(x.byPath) == 0 {
		return Match{}, false
	}
	p = path.Clean("/" + p)
	for {
		if m, ok := x.byPath[p]; ok {
			return m, true
		}
		if p == "/" {
			return Match{}, false
		}
		p = path.Dir(p)
	}
}

// Len reports how many paths the index holds.
func (x *Index) Len() int {
	if x == nil {
		return 0
	}
	return len(x.byPath)
}
