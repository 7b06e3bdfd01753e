package python

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// lockClasses is what a lockfile says: normalised names needed in
// production and names needed only in development, with the rule used.
type lockClasses struct {
	prod, dev map[string]bool
	prodHow   string
	devHow    string
}

// parsePipfileLock reads a Pipfile.lock: "default" holds the production
// set and "develop" the development set, each fully resolved, so dev-only
// is develop minus default.
func parsePipfileLock(data []byte) (lockClasses, error) {
	var l struct {
		Default map[string]json.RawMessage `json:"default"`
		Develop map[string]json.RawMessage `json:"develop"`
	}
	if err := json.Unmarshal(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF")), &l); err != nil {
		return lockClasses{}, fmt.Errorf("decoding Pipfile.lock: %w", err)
	}
	if l.Default == nil && l.Develop == nil {
		return lockClasses{}, fmt.Errorf("decoding Pipfile.lock: neither \"default\" nor \"develop\" present")
	}
	c := lockClasses{prod: map[string]bool{}, dev: map[string]bool{},
		prodHow: `in "default"`, devHow: `in "develop" and not in "default"`}
	for n := range l.Default {
		c.prod[normalize(n)] = true
	}
	for n := range l.Develop {
		if k := normalize(n); !c.prod[k] {
			c.dev[k] = true
		}
	}
	return c, nil
}

// poetryPackage is one [[package]] of poetry.lock.
type poetryPackage struct {
	Name         string         `toml:"name"`
	Version      string         `toml:"version"`
	Category     string         `toml:"category"`
	Groups       []string       `toml:"groups"`
	Dependencies map[string]any `toml:"dependencies"`
}

// poetryLock is a parsed poetry.lock.
type poetryLock struct {
	Package  []poetryPackage `toml:"package"`
	Metadata struct {
		LockVersion string `toml:"lock-version"`
	} `toml:"metadata"`
}

// parsePoetryLock decodes a poetry.lock.
func parsePoetryLock(data []byte) (*poetryLock, error) {
	var l poetryLock
	if _, err := toml.Decode(string(data), &l); err != nil {
		return nil, fmt.Errorf("decoding poetry.lock: %w", err)
	}
	return &l, nil
}

// poetryClasses classifies a poetry.lock. Lock 1.x marks dev-only packages
// with category = "dev"; lock 2.1 lists each package's groups, and a
// package outside "main" is dev-only. Lock 2.0 has neither, so production
// is what pyproject.toml's main dependencies reach through the lockfile's
// [package.dependencies] and dev-only what only the other groups reach;
// without a readable pyproject.toml that is an error.
func poetryClasses(l *poetryLock, pyproject []byte, pyprojectPath string) (lockClasses, error) {
	c := lockClasses{prod: map[string]bool{}, dev: map[string]bool{}}
	hasCategory, hasGroups := false, false
	for _, p := range l.Package {
		hasCategory = hasCategory || p.Category != ""
		hasGroups = hasGroups || p.Groups != nil
	}
	switch {
	case hasGroups:
		c.prodHow, c.devHow = `groups include "main"`, `groups do not include "main"`
		for _, p := range l.Package {
			n := normalize(p.Name)
			main := p.Groups == nil
			for _, g := range p.Groups {
				main = main || g == "main"
			}
			if main {
				c.prod[n] = true
			}
		}
		for _, p := range l.Package {
			if n := normalize(p.Name); !c.prod[n] {
				c.dev[n] = true
			}
		}
		return c, nil
	case hasCategory:
		c.prodHow, c.devHow = `category = "main"`, `category = "dev"`
		for _, p := range l.Package {
			if p.Category != "dev" {
				c.prod[normalize(p.Name)] = true
			}
		}
		for _, p := range l.Package {
			if n := normalize(p.Name); p.Category == "dev" && !c.prod[n] {
				c.dev[n] = true
			}
		}
		return c, nil
	}
	if pyproject == nil {
		return c, fmt.Errorf("poetry.lock (lock-version %s) marks no groups and %s was not found", l.Metadata.LockVersion, pyprojectPath)
	}
	mainDeps, otherDeps, err := pyprojectGroups(pyproject)
	if err != nil {
		return c, fmt.Errorf("reading %s: %w", pyprojectPath, err)
	}
	graph := map[string][]string{}
	for _, p := range l.Package {
		n := normalize(p.Name)
		for d := range p.Dependencies {
			graph[n] = append(graph[n], normalize(d))
		}
	}
	for n := range graph {
		sort.Strings(graph[n])
	}
	reach := func(seeds []string) map[string]bool {
		seen := map[string]bool{}
		queue := append([]string(nil), seeds...)
		for _, s := range seeds {
			seen[s] = true
		}
		for len(queue) > 0 {
			n := queue[0]
			queue = queue[1:]
			for _, d := range graph[n] {
				if !seen[d] {
					seen[d] = true
					queue = append(queue, d)
				}
			}
		}
		return seen
	}
	c.prod = reach(mainDeps)
	for n := range reach(otherDeps) {
		if !c.prod[n] {
			c.dev[n] = true
		}
	}
	c.prodHow = "reachable from pyproject.toml main dependencies through poetry.lock"
	c.devHow = "reachable only from pyproject.toml non-main groups through poetry.lock"
	return c, nil
}

// pyprojectGroups returns the normalised names pyproject.toml declares for
// production (tool.poetry.dependencies, project.dependencies,
// project.optional-dependencies) and for other groups
// (tool.poetry.dev-dependencies, tool.poetry.group.*, dependency-groups).
func pyprojectGroups(data []byte) (mainDeps, other []string, err error) {
	var doc map[string]any
	if _, err := toml.Decode(string(data), &doc); err != nil {
		return nil, nil, fmt.Errorf("decoding pyproject.toml: %w", err)
	}
	get := func(v any, keys ...string) any {
		for _, k := range keys {
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		}
		return v
	}
	keys := func(v any) []string {
		m, _ := v.(map[string]any)
		var out []string
		for k := range m {
			if n := normalize(k); n != "" && n != "python" {
				out = append(out, n)
			}
		}
		return out
	}
	reqs := func(v any) []string {
		l, _ := v.([]any)
		var out []string
		for _, x := range l {
			if s, ok := x.(string); ok {
				if n := requirementName(s); n != "" {
					out = append(out, n)
				}
			}
		}
		return out
	}
	mainDeps = append(mainDeps, keys(get(doc, "tool", "poetry", "dependencies"))...)
	mainDeps = append(mainDeps, reqs(get(doc, "project", "dependencies"))...)
	if extras, ok := get(doc, "project", "optional-dependencies").(map[string]any); ok {
		for _, v := range extras {
			mainDeps = append(mainDeps, reqs(v)...)
		}
	}
	other = append(other, keys(get(doc, "tool", "poetry", "dev-dependencies"))...)
	if groups, ok := get(doc, "tool", "poetry", "group").(map[string]any); ok {
		for g, v := range groups {
			if strings.EqualFold(g, "main") {
				mainDeps = append(mainDeps, keys(get(v, "dependencies"))...)
			} else {
				other = append(other, keys(get(v, "dependencies"))...)
			}
		}
	}
	if groups, ok := doc["dependency-groups"].(map[string]any); ok {
		for _, v := range groups {
			other = append(other, reqs(v)...)
		}
	}
	sort.Strings(mainDeps)
	sort.Strings(other)
	return mainDeps, other, nil
}
