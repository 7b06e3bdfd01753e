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
	exactLens, foldLens   lenSet  // lengths of the exact and fold keys, likewise
	extAfter              byteSet // the bytes after the dot of the ext keys
	extLens               lenSet  // lengths of the ext keys
	extBare               bool    // "." is an ext key ("*." pattern)
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

// lenSet is a set of string lengths; lengths of 63 and more share one
// member.
type lenSet uint64

func (s *lenSet) add(n int)     { *s |= 1 << min(n, 63) }
func (s lenSet) has(n int) bool { return s&(1<<min(n, 63)) != 0 }

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
			n.foldLens.add(len(c))
		}
		return n.fold[c]
	case !isGlob(c):
		if n.exact == nil {
			n.exact = map[string]*mnode{}
		}
		if n.exact[c] == nil {
			n.exact[c] = &mnode{}
			n.exactFirst.add(c[0])
			n.exactLens.add(len(c))
		}
		return n.exact[c]
	case strings.HasPrefix(c, "*.") && !isGlob(c[1:]):
		if n.ext == nil {
			n.ext = map[string]*mnode{}
		}
		if n.ext[c[1:]] == nil {
			n.ext[c[1:]] = &mnode{}
			n.extLens.add(len(c) - 1)
			if len(c) > 2 {
				n.extAfter.add(c[2])
			} else {
				n.extBare = true
			}
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
	var s matchState
	var tmp stateSet
	m.start(&s)
	m.advance(&s, &tmp, p, owned)
	m.finish(&s.set, owned, &s.best)
	return s.best, s.best >= 0
}

// matchState is a match in progress: the active nodes after the
// components read so far, and the best term met on the way.
type matchState struct {
	set  stateSet
	best int32
}

// start sets s to the state before the first component.
func (m *matcher) start(s *matchState) {
	s.set.n = 0
	s.set.add(m.root)
	s.best = -1
}

// advance reads the components of rest ('/'-separated, empty ones
// skipped) into s, with tmp as scratch space. It stops when no node is
// active: no later component can change the answer then.
func (m *matcher) advance(s *matchState, tmp *stateSet, rest string, owned bool) {
	cur, next := &s.set, tmp
	for rest != "" && cur.n > 0 {
		c := rest
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			c, rest = rest[:i], rest[i+1:]
		} else {
			rest = ""
		}
		if c == "" {
			continue
		}
		m.step(cur, next, c, owned, &s.best)
		cur, next = next, cur
	}
	if cur != &s.set {
		s.set.n = cur.n
		copy(s.set.nodes[:cur.n], cur.nodes[:cur.n])
	}
}

// finish considers the terms of a path ending at the active nodes of cur.
func (m *matcher) finish(cur *stateSet, owned bool, best *int32) {
	for i := 0; i < cur.n; i++ {
		m.consider(cur.nodes[i].subtree, "", owned, best)
		m.consider(cur.nodes[i].leaf, "", owned, best)
	}
}

// consider makes the best term among *best and the terms of ts that apply
// (to owned files only, when owned is set; to a path whose component below
// the pattern's directory is nextName, when that is not empty) *best.
func (m *matcher) consider(ts []int32, nextName string, owned bool, best *int32) {
	for _, t := range ts {
		mt := &m.terms[t]
		if owned && !mt.owned {
			continue
		}
		if *best >= 0 && !better(mt, &m.terms[*best]) {
			continue
		}
		if nextName != "" && excluded(mt.except, nextName) {
			continue
		}
		*best = t
	}
}

// step reads component c (not empty): it considers the subtree terms of the
// active nodes of cur and puts the nodes c leads to into next (emptied
// first).
func (m *matcher) step(cur, next *stateSet, c string, owned bool, best *int32) {
	next.n = 0
	for i := 0; i < cur.n; i++ {
		s := cur.nodes[i]
		if len(s.subtree) > 0 {
			m.consider(s.subtree, c, owned, best)
		}
		if s.exact != nil && s.exactFirst.has(c[0]) && s.exactLens.has(len(c)) {
			if n := s.exact[c]; n != nil {
				next.add(n)
			}
		}
		if s.fold != nil && len(c) <= maxFoldLen && s.foldFirst.has(lowerByte(c[0])) && s.foldLens.has(len(c)) {
			if n := foldLookup(s.fold, c); n != nil {
				next.add(n)
			}
		}
		if s.ext != nil {
			for k := 0; k < len(c); k++ {
				if c[k] != '.' || !s.extLens.has(len(c)-k) {
					continue
				}
				if k+1 < len(c) && !s.extAfter.has(c[k+1]) || k+1 == len(c) && !s.extBare {
					continue
				}
				if n := s.ext[c[k:]]; n != nil {
					next.add(n)
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
}

// maxFoldLen is the longest component matched without case; longer ones
// never match a FoldCase literal.
const maxFoldLen = 256

// foldLookup looks c up in fold (lower-case keys) without ASCII case.
func foldLookup(fold map[string]*mnode, c string) *mnode {
	k := 0
	for k < len(c) && (c[k] < 'A' || c[k] > 'Z') {
		k++
	}
	if k == len(c) {
		return fold[c] // already lower-case
	}
	var lower [maxFoldLen]byte
	b := lower[:len(c)]
	for k := 0; k < len(c); k++ {
		b[k] = lowerByte(c[k])
	}
	return fold[string(b)]
}

// pathMatcher matches paths one after another, reusing the states reached
// at each directory level of the previous path: a layer's entries come in
// tree order, so most paths share all their directories with the path
// before and cost only their last component. It gives exactly
// matcher.match's answers. Not safe for concurrent use.
type pathMatcher struct {
	m       *matcher
	dirs    [2]dirStack // by owned
	scratch stateSet
}

// maxStackedDir is the longest directory a pathMatcher keeps the states
// of (at most about one state per two bytes: 4 kB of path, ~2k levels).
const maxStackedDir = 4 << 10

// dirStack holds the match states along one directory path: levels[k] is
// the state after its first k '/'-separated segments (empty ones included,
// which change nothing), and ends[k] is where segment k ends in dir.
type dirStack struct {
	dir    string
	ends   []int
	levels []matchState
}

func newPathMatcher(m *matcher) *pathMatcher {
	pm := &pathMatcher{m: m}
	for i := range pm.dirs {
		d := &pm.dirs[i]
		d.levels = make([]matchState, 1, 16)
		m.start(&d.levels[0])
	}
	return pm
}

// match is matcher.match.
func (pm *pathMatcher) match(p string, owned bool) (int32, bool) {
	dir, base := "", p
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		dir, base = p[:i], p[i+1:]
	}
	if len(dir) > maxStackedDir {
		// A state per level costs kilobytes: a hostile path of 100k
		// components would take gigabytes. Deep paths are matched afresh.
		return pm.m.match(p, owned)
	}
	d := &pm.dirs[0]
	if owned {
		d = &pm.dirs[1]
	}
	st := pm.descend(d, dir, owned)
	best := st.best
	if st.set.n == 0 {
		return best, best >= 0
	}
	cur := &st.set
	if base != "" {
		pm.m.step(cur, &pm.scratch, base, owned, &best)
		cur = &pm.scratch
	}
	pm.m.finish(cur, owned, &best)
	return best, best >= 0
}

// descend makes d describe dir, keeping the levels its old directory shares
// with dir, and returns the state at the end of dir.
func (pm *pathMatcher) descend(d *dirStack, dir string, owned bool) *matchState {
	if dir == d.dir {
		return &d.levels[len(d.levels)-1]
	}
	if dir == "" {
		d.dir, d.ends, d.levels = "", d.ends[:0], d.levels[:1]
		return &d.levels[0]
	}
	common := 0
	for common < len(dir) && common < len(d.dir) && dir[common] == d.dir[common] {
		common++
	}
	keep := 0
	for keep < len(d.ends) {
		e := d.ends[keep]
		if e > common || (e < len(dir) && dir[e] != '/') {
			break
		}
		keep++
	}
	d.dir, d.ends, d.levels = dir, d.ends[:keep], d.levels[:keep+1]
	from := 0
	if keep > 0 {
		from = d.ends[keep-1] + 1
		if from > len(dir) {
			return &d.levels[keep]
		}
	}
	for {
		end := len(dir)
		if i := strings.IndexByte(dir[from:], '/'); i >= 0 {
			end = from + i
		}
		if len(d.levels) < cap(d.levels) {
			d.levels = d.levels[:len(d.levels)+1] // next is overwritten below
		} else {
			d.levels = append(d.levels, matchState{})
		}
		prev, next := &d.levels[len(d.levels)-2], &d.levels[len(d.levels)-1]
		next.best = prev.best
		if c := dir[from:end]; c != "" && prev.set.n > 0 {
			pm.m.step(&prev.set, &next.set, c, owned, &next.best)
		} else {
			next.set.n = prev.set.n
			copy(next.set.nodes[:prev.set.n], prev.set.nodes[:prev.set.n])
		}
		d.ends = append(d.ends, end)
		if end == len(dir) {
			return next
		}
		from = end + 1
	}
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
