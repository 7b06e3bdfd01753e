package attribute

import (
	"path"
	"strings"
	"testing"

	"github.com/slimcheck/slimcheck/report"
)

// refMatch is the obvious, slow matcher the trie must agree with: every
// pattern of every rule tried by recursive component matching.
func refMatch(rules []Rule, p string, owned bool) (rule, pattern int, ok bool) {
	comps := splitComps(p)
	bestRank, rule, pattern := int8(127), -1, -1
	for ri, r := range rules {
		if owned && !r.Owned {
			continue
		}
		rank := categoryRank(r.Category)
		for pi, pat := range r.Patterns {
			if !refPattern(splitComps(pat), comps, strings.HasSuffix(pat, "/"), r.Except, r.FoldCase) {
				continue
			}
			// Rules and patterns are tried in order, so on equal rank the
			// first found wins.
			if rule < 0 || rank < bestRank {
				bestRank, rule, pattern = rank, ri, pi
			}
		}
	}
	return rule, pattern, rule >= 0
}

func splitComps(p string) []string {
	var out []string
	for _, c := range strings.Split(p, "/") {
		if c != "" {
			out = append(out, c)
		}
	}
	return out
}

// refPattern matches pattern components against path components.
func refPattern(pat, comps []string, subtree bool, except []string, fold bool) bool {
	if len(pat) == 0 {
		if len(comps) == 0 {
			return true
		}
		if !subtree {
			return false
		}
		for _, e := range except {
			if ok, _ := path.Match(e, comps[0]); ok {
				return false
			}
		}
		return true
	}
	if pat[0] == "**" {
		for i := 0; i <= len(comps); i++ {
			if refPattern(pat[1:], comps[i:], subtree, except, fold) {
				return true
			}
		}
		return false
	}
	if len(comps) == 0 {
		return false
	}
	c := comps[0]
	var ok bool
	if fold && !isGlob(pat[0]) {
		ok = len(c) <= 256 && strings.ToLower(pat[0]) == asciiLower(c)
	} else {
		ok, _ = path.Match(pat[0], c)
	}
	return ok && refPattern(pat[1:], comps[1:], subtree, except, fold)
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

var refTestRules = []Rule{
	{ID: "a", Category: report.App, Patterns: []string{"/app/"}},
	{ID: "git", Category: report.Temp, Patterns: []string{"/app/**/.git/"}},
	{ID: "log", Category: report.Temp, Patterns: []string{"/**/*.log", "/var/log/"}},
	{ID: "site", Category: report.App, Patterns: []string{"/usr/lib/python*/site-packages/"}, Except: []string{"pip", "pip-*"}},
	{ID: "py", Category: report.Runtime, Patterns: []string{"/usr/lib/python*/"}},
	{ID: "cl", Category: report.Docs, Patterns: []string{"/**/changelog", "/**/changes.md"}, FoldCase: true, Owned: true},
	{ID: "a-lib", Category: report.BuildToolchain, Patterns: []string{"/**/*.a", "/**/lib/**/*.tar.gz"}, Owned: true},
	{ID: "exact", Category: report.BuildToolchain, Patterns: []string{"/usr/bin/gcc", "/usr/bin/gcc-*", "/usr/bin/x?y", "/usr/bin/[abc]z"}},
	{ID: "deep", Category: report.PackageCache, Patterns: []string{"/**/node_modules/**/cache/", "/root/.npm/"}},
}

var refTestPaths = []string{
	"/", "/app", "/app/x.js", "/app/.git/HEAD", "/app/sub/.git/objects/x", "/app/x.log", "/var/log/x", "/var/log",
	"/usr/lib/python3.11/site-packages/flask/x.py", "/usr/lib/python3.11/site-packages/pip/x.py", "/usr/lib/python3.11/site-packages/pip-23.dist-info",
	"/usr/lib/python3.11/site-packages", "/usr/lib/python3.11/os.py", "/usr/share/doc/x/ChangeLog", "/a/CHANGELOG", "/a/changes.MD",
	"/usr/lib/libc.a", "/usr/lib/x.a.b", "/a/lib/b/c/x.tar.gz", "/usr/bin/gcc", "/usr/bin/gcc-12", "/usr/bin/xzy", "/usr/bin/bz", "/usr/bin/dz",
	"/app/node_modules/a/node_modules/b/cache/x", "/root/.npm/_cacache/y", "/app/node_modules/cache", "/a.log", "/app/a.a",
}

func TestMatcherAgainstReference(t *testing.T) {
	for _, rules := range [][]Rule{refTestRules, append(DefaultRules(), dynamicRules([]string{"/root", "/"}, nil, "/app", []string{"/venv"}, "/srv/bin/x")...)} {
		m := newMatcher(rules)
		paths := append([]string{}, refTestPaths...)
		for _, r := range rules {
			for _, p := range r.Patterns {
				// Each pattern with its globs instantiated is a path worth trying.
				q := strings.NewReplacer("**/", "", "*", "x", "?", "q", "[", "", "]", "").Replace(p)
				paths = append(paths, q, q+"/child", q+"/pip/x")
			}
		}
		for _, p := range paths {
			for _, owned := range []bool{false, true} {
				wr, wp, wok := refMatch(rules, p, owned)
				t0, ok := m.match(p, owned)
				if ok != wok || (ok && (int(m.terms[t0].rule) != wr || int(m.terms[t0].pattern) != wp)) {
					got := "none"
					if ok {
						got = rules[m.terms[t0].rule].ID + " " + rules[m.terms[t0].rule].Patterns[m.terms[t0].pattern]
					}
					want := "none"
					if wok {
						want = rules[wr].ID + " " + rules[wr].Patterns[wp]
					}
					t.Errorf("match(%q, owned=%v) = %s, reference %s", p, owned, got, want)
				}
			}
		}
	}
}

// FuzzMatcher checks the trie against the reference matcher on arbitrary
// paths (and one arbitrary extra pattern).
func FuzzMatcher(f *testing.F) {
	for _, p := range refTestPaths {
		f.Add(p, "/**/x*/")
	}
	f.Add("/a/b/c", "/a/**/c")
	f.Add("/x/[", "/x/[")
	f.Fuzz(func(t *testing.T, p, extra string) {
		if !strings.HasPrefix(p, "/") || len(p) > 512 || len(extra) > 128 {
			return
		}
		p = path.Clean(p)
		rules := append([]Rule{}, refTestRules...)
		if r := (Rule{ID: "extra", Category: report.Docs, Patterns: []string{extra}}); r.Validate() == nil {
			rules = append(rules, r)
		}
		m := newMatcher(rules)
		for _, owned := range []bool{false, true} {
			wr, wp, wok := refMatch(rules, p, owned)
			t0, ok := m.match(p, owned)
			if ok != wok || (ok && (int(m.terms[t0].rule) != wr || int(m.terms[t0].pattern) != wp)) {
				t.Fatalf("match(%q, owned=%v) disagrees with the reference (got %v %v, want %d/%d %v)", p, owned, t0, ok, wr, wp, wok)
			}
		}
	})
}

// checkPathMatcher matches paths in order with one pathMatcher (owned as
// given by ownedAt) and checks every answer against matcher.match.
func checkPathMatcher(t testing.TB, m *matcher, paths []string, ownedAt func(i int) bool) {
	t.Helper()
	pm := newPathMatcher(m)
	for i, p := range paths {
		owned := ownedAt(i)
		wt, wok := m.match(p, owned)
		gt, gok := pm.match(p, owned)
		if gt != wt || gok != wok {
			prev := ""
			if i > 0 {
				prev = paths[i-1]
			}
			t.Fatalf("pathMatcher.match(%q, owned=%v) after %q = %d %v, matcher.match says %d %v", p, owned, prev, gt, gok, wt, wok)
		}
	}
}

// TestPathMatcherAgainstMatcher checks that the directory-reusing matcher
// answers exactly as matcher.match over long path sequences in tree order,
// in reverse and shuffled, with owned fixed and alternating.
func TestPathMatcherAgainstMatcher(t *testing.T) {
	paths := append([]string{}, refTestPaths...)
	paths = append(paths, "", "/", "//", "x", "a/b", "/usr//lib/", "/usr/lib//x.a", "/usr/share/locale/de//LC_MESSAGES/x.mo", "/app/")
	for _, r := range append(DefaultRules(), refTestRules...) {
		for _, p := range r.Patterns {
			q := strings.NewReplacer("**/", "", "*", "x", "?", "q", "[", "", "]", "").Replace(p)
			paths = append(paths, q, q+"/child", q+"/pip/x", q+"/C/x", q+"/de/LC_MESSAGES/y.mo", strings.ToUpper(q)+"/ChangeLog")
		}
	}
	for _, l := range bigImage(20_000).layers {
		for _, e := range l {
			paths = append(paths, e.Path)
		}
	}
	paths = append(paths, fixturePaths(t)...)
	// Around maxStackedDir, where the path matcher stops keeping states.
	for _, depth := range []int{maxStackedDir/2 - 1, maxStackedDir / 2, maxStackedDir/2 + 1, 50_000} {
		deep := strings.Repeat("d/", depth)
		paths = append(paths, "/usr/share/doc/"+deep+"f", "/usr/share/doc/"+deep+"g", "/"+deep+"x.pyc", "/"+deep+"node_modules/.cache/x")
	}
	sorted, reversed, shuffled := pathOrders(paths, 1)
	for _, rs := range []struct {
		name  string
		rules []Rule
	}{
		{"reference", refTestRules},
		{"default", append(DefaultRules(), dynamicRules([]string{"/root", "/"}, nil, "/app", []string{"/venv"}, "/srv/bin/x")...)},
	} {
		m := newMatcher(rs.rules)
		for _, order := range []struct {
			name  string
			paths []string
		}{{"given", paths}, {"sorted", sorted}, {"reversed", reversed}, {"shuffled", shuffled}} {
			t.Run(rs.name+"/"+order.name, func(t *testing.T) {
				checkPathMatcher(t, m, order.paths, func(int) bool { return false })
				checkPathMatcher(t, m, order.paths, func(int) bool { return true })
				checkPathMatcher(t, m, order.paths, func(i int) bool { return i%3 == 1 })
			})
		}
	}
}

// FuzzPathMatcher checks the directory-reusing matcher against
// matcher.match on arbitrary sequences of three paths.
func FuzzPathMatcher(f *testing.F) {
	f.Add("/usr/share/locale/de/LC_MESSAGES/a.mo", "/usr/share/locale/C/x", "/usr/share/doc/x/changelog.gz")
	f.Add("/app/node_modules/a/node_modules/b/cache/x", "/app/node_modules/a", "/app/node_modules/a/b/cache/y")
	f.Add("/usr/lib/python3.11/site-packages/pip/x.py", "/usr/lib/python3.11/site-packages/flask/x.py", "/usr/lib/python3.11/os.py")
	f.Add("", "/", "a//b/")
	m := newMatcher(append(append([]Rule{}, refTestRules...), DefaultRules()...))
	f.Fuzz(func(t *testing.T, a, b, c string) {
		if len(a)+len(b)+len(c) > 2048 {
			return
		}
		paths := []string{a, b, c, a, c, b}
		checkPathMatcher(t, m, paths, func(i int) bool { return i%2 == 0 })
		checkPathMatcher(t, m, paths, func(i int) bool { return i >= 3 })
	})
}
