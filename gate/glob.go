package gate

import (
	"fmt"
	"path"
	"strings"
)

// validateGlob checks an ignore-paths pattern.
func validateGlob(g string) error {
	if strings.TrimSpace(g) == "" {
		return fmt.Errorf("empty pattern")
	}
	for _, seg := range globSegments(g) {
		if seg == "**" {
			continue
		}
		if _, err := path.Match(seg, ""); err != nil {
			return fmt.Errorf("pattern %q: %w", g, err)
		}
	}
	return nil
}

func globSegments(g string) []string {
	return strings.FieldsFunc(g, func(r rune) bool { return r == '/' })
}

// Matcher decides which paths ignore-paths excludes.
//
// A pattern without a slash ("*.onnx", "node_modules") is matched against
// every name in a path, so it excludes matching files and everything below
// matching directories, at any depth. A pattern with a slash is anchored at
// the root ("/models/*.bin"; the leading slash is optional); "**" stands
// for any number of directories, and a match excludes everything below it
// too ("/opt/models" excludes the directory and its contents). Otherwise
// the syntax is path.Match's: *, ?, [a-z], \ escapes.
type Matcher struct {
	anchored [][]string
	names    []string
}

// NewMatcher compiles patterns; see Matcher.
func NewMatcher(patterns []string) (*Matcher, error) {
	m := &Matcher{}
	for _, g := range patterns {
		if err := validateGlob(g); err != nil {
			return nil, err
		}
		if !strings.Contains(strings.Trim(g, "/"), "/") && !strings.HasPrefix(g, "/") {
			m.names = append(m.names, strings.Trim(g, "/"))
			continue
		}
		var segs []string
		for _, s := range globSegments(g) {
			if s == "**" && len(segs) > 0 && segs[len(segs)-1] == "**" {
				continue // a/**/**/b is a/**/b, and cheaper to match
			}
			segs = append(segs, s)
		}
		m.anchored = append(m.anchored, segs)
	}
	return m, nil
}

// Empty reports whether the matcher excludes nothing.
func (m *Matcher) Empty() bool { return m == nil || len(m.anchored)+len(m.names) == 0 }

// Match reports whether p (absolute, cleaned) is excluded.
func (m *Matcher) Match(p string) bool {
	if m.Empty() {
		return false
	}
	segs := globSegments(p)
	for _, name := range m.names {
		for _, s := range segs {
			if ok, _ := path.Match(name, s); ok {
				return true
			}
		}
	}
	for _, pat := range m.anchored {
		if matchPrefix(pat, segs) {
			return true
		}
	}
	return false
}

// matchPrefix reports whether pat matches segs or a leading part of it (a
// directory whose contents are then excluded too).
func matchPrefix(pat, segs []string) bool {
	if len(pat) == 0 {
		return true // the pattern is used up: segs is at or below the match
	}
	if pat[0] == "**" {
		// ** matches zero or more segments.
		for i := 0; i <= len(segs); i++ {
			if matchPrefix(pat[1:], segs[i:]) {
				return true
			}
		}
		return false
	}
	if len(segs) == 0 {
		return false
	}
	if ok, _ := path.Match(pat[0], segs[0]); !ok {
		return false
	}
	return matchPrefix(pat[1:], segs[1:])
}
