package node

import (
	"fmt"
	"strconv"
	"strings"
)

// yarnEntry is one resolved package of a yarn.lock: every descriptor
// (name@range) that resolves to it, and its own dependencies.
type yarnEntry struct {
	descriptors []string // as written in the key, e.g. "lodash@^4.17.11" or "lodash@npm:^4.17.11"
	version     string
	resolution  string // berry only, e.g. "lodash@npm:4.17.21"
	linkType    string // berry only: "hard" or "soft" (workspaces, links, portals)
	deps        []dep  // dependencies and optionalDependencies
}

// names returns the distinct package names the entry is known by: the names
// of its descriptors and of its resolution.
func (e *yarnEntry) names() []string {
	var out []string
	seen := map[string]bool{}
	add := func(d string) {
		if n, _ := splitDescriptor(d); n != "" && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	for _, d := range e.descriptors {
		add(d)
	}
	if e.resolution != "" {
		add(e.resolution)
	}
	return out
}

// yarnLockfile is a parsed yarn.lock.
type yarnLockfile struct {
	berry           bool   // has a __metadata block (yarn 2+)
	metadataVersion string // __metadata.version for berry
	entries         []*yarnEntry
}

// splitDescriptor splits "name@range" at the first "@" after a leading
// scope "@".
func splitDescriptor(d string) (name, rng string) {
	if len(d) < 2 {
		return d, ""
	}
	i := strings.IndexByte(d[1:], '@')
	if i < 0 {
		return d, ""
	}
	return d[:i+1], d[i+2:]
}

// parseYarnLock parses both yarn classic ("# yarn lockfile v1") and berry
// (YAML with __metadata) lockfiles with one indentation-based reader: the
// two formats share their shape (an unindented key listing descriptors,
// indented fields, and doubly indented dependency maps) and differ in the
// key/value separator (space or ": ").
func parseYarnLock(data []byte) (*yarnLockfile, error) {
	lf := &yarnLockfile{}
	var cur *yarnEntry
	inMeta := false
	section := ""
	lines := strings.Split(string(data), "\n")
	for n, line := range lines {
		line = strings.TrimRight(line, "\r \t")
		trimmed := strings.TrimLeft(line, " ")
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		indent := len(line) - len(trimmed)
		if strings.HasPrefix(trimmed, "\t") {
			return nil, fmt.Errorf("parsing yarn.lock line %d: tab indentation", n+1)
		}
		if indent == 0 {
			if !strings.HasSuffix(trimmed, ":") {
				return nil, fmt.Errorf("parsing yarn.lock line %d: top-level line without a trailing colon", n+1)
			}
			key := strings.TrimSuffix(trimmed, ":")
			section, cur, inMeta = "", nil, false
			if key == "__metadata" {
				lf.berry, inMeta = true, true
				continue
			}
			descs, err := splitDescriptors(key)
			if err != nil {
				return nil, fmt.Errorf("parsing yarn.lock line %d: %w", n+1, err)
			}
			cur = &yarnEntry{descriptors: descs}
			lf.entries = append(lf.entries, cur)
			continue
		}
		key, val, block, err := splitKeyValue(trimmed)
		if err != nil {
			return nil, fmt.Errorf("parsing yarn.lock line %d: %w", n+1, err)
		}
		if indent < 4 {
			section = ""
			if block {
				section = key
				continue
			}
			switch {
			case inMeta && key == "version":
				lf.metadataVersion = val
			case cur == nil:
			case key == "version":
				cur.version = val
			case key == "resolution":
				cur.resolution = val
			case key == "linkType":
				cur.linkType = val
			}
			continue
		}
		if cur != nil && (section == "dependencies" || section == "optionalDependencies") && !block {
			if validName(key) {
				cur.deps = append(cur.deps, dep{Name: key, Range: val})
			}
		}
	}
	return lf, nil
}

// splitDescriptors splits a top-level key such as
// `"@a/b@^1", "@a/b@^1.2"` (classic) or `"x@npm:1, x@npm:^1"` (berry) into
// its descriptors.
func splitDescriptors(key string) ([]string, error) {
	var out []string
	for s := strings.TrimSpace(key); s != ""; {
		var part string
		if s[0] == '"' {
			q, rest, err := readQuoted(s)
			if err != nil {
				return nil, err
			}
			part, s = q, rest
		} else if i := strings.IndexByte(s, ','); i >= 0 {
			part, s = s[:i], s[i:]
		} else {
			part, s = s, ""
		}
		for _, d := range strings.Split(part, ",") {
			if d = strings.TrimSpace(d); d != "" {
				out = append(out, d)
			}
		}
		s = strings.TrimSpace(s)
		if s != "" {
			if s[0] != ',' {
				return nil, fmt.Errorf("unexpected %q after a descriptor", s[:1])
			}
			s = strings.TrimSpace(s[1:])
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("empty descriptor list")
	}
	return out, nil
}

// readQuoted reads a double-quoted string at the start of s and returns it
// unquoted with the rest of s.
func readQuoted(s string) (string, string, error) {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			q, err := strconv.Unquote(s[:i+1])
			if err != nil {
				// Not a Go-compatible escape: keep the raw text.
				q = s[1:i]
			}
			return q, s[i+1:], nil
		}
	}
	return "", "", fmt.Errorf("unterminated quoted string")
}

// splitKeyValue splits an indented line: `key value`, `key "value"`,
// `key: value`, `"key": value` or a block opener `key:`.
func splitKeyValue(s string) (key, val string, block bool, err error) {
	var rest string
	if s[0] == '"' {
		key, rest, err = readQuoted(s)
		if err != nil {
			return "", "", false, err
		}
	} else {
		end := len(s)
		for i := 0; i < len(s); i++ {
			if s[i] == ' ' || (s[i] == ':' && (i+1 == len(s) || s[i+1] == ' ')) {
				end = i
				break
			}
		}
		key, rest = s[:end], s[end:]
	}
	rest = strings.TrimPrefix(rest, ":")
	rest = strings.TrimSpace(rest)
	if rest == "" {
		return key, "", true, nil
	}
	if rest[0] == '"' {
		if v, tail, qerr := readQuoted(rest); qerr == nil && strings.TrimSpace(tail) == "" {
			return key, v, false, nil
		}
	}
	return key, rest, false, nil
}
