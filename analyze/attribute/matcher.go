package attribute

import (
	"path"
	"sort"
	"strings"

	"github.com/slimcheck/slimcheck/report"
)

// matcher finds the winning rule for a path with one walk down a trie of
// pattern components: literal components are map lookups, "*.ext"
// components a map lookup per dot of the name, and only other globs are
// tried one by one. "**" components keep their node active, so matching is
// linear in the number of path components.
type matcher struct {
	root  *mnode
	terms []mterm
}

// mnode is one trie node.
type mnode struct {
	exact map[string]*mnode // literal components
	fold  map[string]*mnode // literal components matched without ASCII case (keys lower-case)
	ext   map[string]*mnode // "*.ext" components, keyed ".ext"
	star  *mnode            // a "*" child: any one component
	globs []mglob           // other glob components

	exactFirst, foldFirst byteSet // first bytes of the exact and fold keys, to skip hopeless lookups
	dstar                 *mnode  // a "**" child
	isDstar               bool    // this node is a "**" node: it matches any further component
	leaf                  []int32 // terms matching a path ending here
	subtree               []int32 // terms matching this directory and everything below
}

type mglob struct {
	pat    string
	prefix string // set when pat is literal text followed by one "*"
	need   string // the longest literal run of pat: a name without it cannot match
	next   *mnode
}

// byteSet is a set of bytes.
type byteSet [4]uint64

func (s *byteSet) add(b byte)      { s[b>>6] |= 1 << (b & 63) }
func (s *byteSet) has(b byte) bool { return s[b>>6]&(1<<(b&63)) != 0 }
func lowerByte(b byte) byte {
	if b >= 'A' && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

// mterm is one compiled pattern of one rule.
type mterm struct {
	rule    int32    // index into the rule list
	pattern int32    // index into the rule's Patterns
	rank    int8     // category precedence (lower wins)
	owned   bool     // applies to package-owned files too
	except  []string // name globs excluded right below a subtree pattern
}

// categoryRank is a category's position in report.Categories().
func categoryRank(c report.Category) int8 {
	for i, k := range report.Categories() {
		if k == c {
			return int8(i)
		}
	}
	return int8(len(report.Categories()))
}

func isGlob(s string) bool { return strings.ContainsAny(s, "*?[\\") }

// newMatcher compiles rules (already validated).
func newMatcher(rules []Rule) *matcher {
	m := &matcher{root: &mnode{}}
	for ri, r := range rules {
		for pi, p := range r.Patterns {
			t := int32(len(m.terms))
			m.terms = append(m.terms, mterm{rule: int32(ri), pattern: int32(pi), rank: categoryRank(r.Category), owned: r.Owned, except: r.Except})
			subtree := strings.HasSuffix(p, "/")
			n := m.root
			for _, c := range strings.Split(strings.Trim(p, "/"), "/") {
				if c == "" {
					continue
				}
				n = n.child(c, r.FoldCase)
			}
			if subtree {
				n.subtree = append(n.subtree, t)
			} else {
				n.leaf = append(n.leaf, t)
			}
		}
	}
	return m
}

// child returns (creating it) the node for pattern component c.
func (n *mnode) child(c string, fold bool) *mnode {
	switch {
	case c == "**":
		if n.dstar == nil {
			n.dstar = &mnode{isDstar: true}
		}
		return n.dstar
	case !isGlob(c) && fold:
		c = strings.ToLower(c)
		if n.fold == nil {
			n.fold = map[string]*mnode{}
		}
		if n.fold[c] == nil {
			n.fold[c] = &mnode{}
			n.foldFirst.add(c[0])
		}
		return n.fold[c]
	case !isGlob(c):
		if n.exact == nil {
			n.exact = map[string]*mnode{}
		}
		if n.exact[c] == nil {
			n.exact[c] = &mnode{}
			n.exactFirst.add(c[0])
		}
		return n.exact[c]
	case strings.HasPrefix(c, "*.") && !isGlob(c[1:]):
		if n.ext == nil {
			n.ext = map[string]*mnode{}
		}
		if n.ext[c[1:]] == nil {
			n.ext[c[1:]] = &mnode{}
		}
		return n.ext[c[1:]]
	case c == "*":
		if n.star == nil {
			n.star = &mnode{}
		}
		return n.star
	}
	for _, g := range n.globs {
		if g.pat == c {
			return g.next
		}
	}
	g := mglob{pat: c, next: &mnode{}}
	if strings.HasSuffix(c, "*") && !isGlob(c[:len(c)-1]) {
		g.prefix = c[:len(c)-1]
	}
	if !strings.ContainsAny(c, "[\\") {
		for _, run := range strings.FieldsFunc(c, func(r rune) bool { return r == '*' || r == '?' }) {
			if len(run) > len(g.need) {
				g.need = run
			}
		}
	}
	n.globs = append(n.globs, g)
	return g.next
}

// maxStates bounds the active trie nodes while matching one path.
const maxStates = 64

// stateSet is a small set of active nodes.
type stateSet struct {
	n     int
	nodes [maxStates]*mnode
}

func (s *stateSet) add(n *mnode) {
	for n != nil {
		for i := 0; i < s.n; i++ {
			if s.nodes[i] == n {
				return
			}
		}
		if s.n == maxStates {
			return
		}
		s.nodes[s.n] = n
		s.n++
		n = n.dstar // "**" may match no component at all
	}
}

// match returns the winning term for p (absolute, cleaned) among the terms
// that apply (all, or only Owned ones when owned is set).
func (m *matcher) match(p string, owned bool) (int32, bool) {
	var sets [2]stateSet
	cur, next := &sets[0], &sets[1]
	cur.add(m.root)
	best := int32(-1)
	consider := func(ts []int32, nextName string) {
		for _, t := range ts {
			mt := &m.terms[t]
			if owned && !mt.owned {
				continue
			}
			if nextName != "" && excluded(mt.except, nextName) {
				continue
			}
			if best < 0 || better(mt, &m.terms[best]) {
				best = t
			}
		}
	}
	var lower [256]byte
	rest := p
	for len(rest) > 0 && rest[0] == '/' {
		rest = rest[1:]
	}
	for rest != "" {
		c := rest
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			c, rest = rest[:i], rest[i+1:]
		} else {
			rest = ""
		}
		if c == "" {
			continue
		}
		next.n = 0
		for i := 0; i < cur.n; i++ {
			s := cur.nodes[i]
			if len(s.subtree) > 0 {
				consider(s.subtree, c)
			}
			if s.exact != nil && s.exactFirst.has(c[0]) {
				if n := s.exact[c]; n != nil {
					next.add(n)
				}
			}
			if s.fold != nil && len(c) <= len(lower) && s.foldFirst.has(lowerByte(c[0])) {
				b := lower[:len(c)]
				for k := 0; k < len(c); k++ {
					ch := c[k]
					if ch >= 'A' && ch <= 'Z' {
						ch += 'a' - 'A'
					}
					b[k] = ch
				}
				if n := s.fold[string(b)]; n != nil {
					next.add(n)
				}
			}
			if s.ext != nil {
				for k := 0; k < len(c); k++ {
					if c[k] == '.' {
						if n := s.ext[c[k:]]; n != nil {
							next.add(n)
						}
					}
				}
			}
			if s.star != nil {
				next.add(s.star)
			}
			for i := range s.globs {
				g := &s.globs[i]
				if g.prefix != "" || g.pat == "*" {
					if strings.HasPrefix(c, g.prefix) {
						next.add(g.next)
					}
				} else if g.need == "" || strings.Contains(c, g.need) {
					if ok, _ := path.Match(g.pat, c); ok {
						next.add(g.next)
					}
				}
			}
			if s.isDstar {
				next.add(s)
			}
		}
		cur, next = next, cur
		if cur.n == 0 {
			return best, best >= 0
		}
	}
	for i := 0; i < cur.n; i++ {
		consider(cur.nodes[i].subtree, "")
		consider(cur.nodes[i].leaf, "")
	}
	return best, best >= 0
}

// better reports whether a beats b: earlier category, then earlier rule,
// then earlier pattern.
func better(a, b *mterm) bool {
	if a.rank != b.rank {
		return a.rank < b.rank
	}
	if a.rule != b.rule {
		return a.rule < b.rule
	}
	return a.pattern < b.pattern
}

func excluded(except []string, name string) bool {
	for _, e := range except {
		if ok, _ := path.Match(e, name); ok {
			return true
		}
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
