package node

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"sigs.k8s.io/yaml"
)

// pnpmRef is a dependency reference in pnpm-lock.yaml: a bare version
// string (lockfile 5, snapshots) or an object with "version" (importers in
// lockfile 6 and 9). Numbers are accepted as written.
type pnpmRef string

// UnmarshalJSON accepts a string, a number, or an object with "version".
func (r *pnpmRef) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		*r = pnpmRef(s)
		return nil
	}
	var n json.Number
	if json.Unmarshal(b, &n) == nil {
		*r = pnpmRef(n.String())
		return nil
	}
	var o struct {
		Version json.RawMessage `json:"version"`
	}
	if json.Unmarshal(b, &o) == nil {
		var v pnpmRef
		if len(o.Version) > 0 && v.UnmarshalJSON(o.Version) == nil {
			*r = v
		}
		return nil
	}
	*r = ""
	return nil
}

// pnpmDeps are the dependency maps an importer or a package carries.
type pnpmDeps struct {
	Dependencies         map[string]pnpmRef `json:"dependencies"`
	DevDependencies      map[string]pnpmRef `json:"devDependencies"`
	OptionalDependencies map[string]pnpmRef `json:"optionalDependencies"`
}

// pnpmPackage is a "packages" entry: metadata, plus (before lockfile 9) the
// dependency maps and the dev flag.
type pnpmPackage struct {
	pnpmDeps
	Name    string `json:"name"`
	Version string `json:"version"`
	Dev     *bool  `json:"dev"`
}

// pnpmLockFile is a pnpm-lock.yaml or pnpm's hidden node_modules/.pnpm/lock.yaml.
type pnpmLockFile struct {
	pnpmDeps                               // single-project lockfiles before 9 keep the root importer here
	LockfileVersion json.RawMessage        `json:"lockfileVersion"`
	Importers       map[string]pnpmDeps    `json:"importers"`
	Packages        map[string]pnpmPackage `json:"packages"`
	Snapshots       map[string]pnpmDeps    `json:"snapshots"`
}

// major returns the lockfile's major version (5 for 5.4, 6 for '6.0', 9
// for '9.0'), or 0 when absent or unreadable.
func (l *pnpmLockFile) major() (int, string) {
	var s string
	if json.Unmarshal(l.LockfileVersion, &s) != nil {
		s = string(l.LockfileVersion)
	}
	s = strings.TrimSpace(s)
	m, _, _ := strings.Cut(s, ".")
	n, err := strconv.Atoi(m)
	if err != nil || n < 0 {
		return 0, s
	}
	return n, s
}

// parsePnpmLock decodes a pnpm lockfile.
func parsePnpmLock(data []byte) (*pnpmLockFile, error) {
	var l pnpmLockFile
	if err := yaml.Unmarshal(data, &l); err != nil {
		return nil, fmt.Errorf("decoding pnpm lockfile: %w", err)
	}
	if n, s := l.major(); n == 0 {
		return nil, fmt.Errorf("decoding pnpm lockfile: unsupported lockfileVersion %q", s)
	}
	return &l, nil
}

// pnpmSplitKey splits a package key ("dep path") into name and version.
// Lockfile 9 keys are name@version(peers); 6 adds a leading "/"; 5 uses
// /name/version_peers.
func pnpmSplitKey(key string, major int) (name, version string) {
	k := strings.TrimPrefix(key, "/")
	if major < 6 {
		i := strings.LastIndexByte(k, '/')
		if i <= 0 {
			return "", ""
		}
		name, version = k[:i], k[i+1:]
		if j := strings.IndexByte(version, '_'); j >= 0 {
			version = version[:j]
		}
		return name, version
	}
	name, version = splitDescriptor(pnpmBaseKey(k))
	return name, version
}

// pnpmBaseKey strips the peer suffix "(peer@1)(other@2)" from a key.
func pnpmBaseKey(key string) string {
	if i := strings.IndexByte(key, '('); i > 0 {
		return key[:i]
	}
	return key
}

// pnpmDirName mirrors pnpm's depPathToFilename: the directory name under
// node_modules/.pnpm for a package key. Names pnpm shortens with a hash
// (too long, or with upper case) come out different; those are matched by
// name and version instead.
func pnpmDirName(key string, major int) string {
	k := key
	if strings.HasPrefix(k, "file:") {
		k = strings.Replace(k, ":", "+", 1)
	} else {
		k = strings.TrimPrefix(k, "/")
		if major < 6 {
			lim := len(k)
			if i := strings.IndexByte(k, '('); i >= 0 {
				lim = i
			}
			if j := strings.LastIndexByte(k[:lim], '/'); j >= 0 {
				k = k[:j] + "@" + k[j+1:]
			}
		}
	}
	k = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`\/:*?"<>|`, r) {
			return '+'
		}
		return r
	}, k)
	if strings.Contains(k, "(") {
		k = strings.TrimSuffix(k, ")")
		k = strings.ReplaceAll(k, ")(", "_")
		k = strings.ReplaceAll(k, "(", "_")
		k = strings.ReplaceAll(k, ")", "_")
	}
	return k
}

// pnpmRefToKey turns a dependency reference into a package key, following
// pnpm's refToRelative: "link:" references point at workspace folders and
// have no key; a reference that already is a dep path is kept; otherwise it
// is a version of the named package.
func pnpmRefToKey(name, ref string, major int) string {
	switch {
	case ref == "" || strings.HasPrefix(ref, "link:"):
		return ""
	case major < 6:
		if strings.HasPrefix(ref, "/") || strings.Contains(ref, ".") && strings.Contains(ref, "/") {
			return ref
		}
		return "/" + name + "/" + ref
	}
	prefix := ""
	if major < 9 {
		prefix = "/"
		if strings.HasPrefix(ref, "/") {
			return ref
		}
	}
	if strings.HasPrefix(ref, "@") {
		return prefix + ref
	}
	at := strings.IndexByte(ref, '@')
	if at < 0 {
		return prefix + name + "@" + ref
	}
	colon := strings.IndexByte(ref, ':')
	paren := strings.IndexByte(ref, '(')
	if (colon < 0 || at < colon) && (paren < 0 || at < paren) {
		return prefix + ref
	}
	return prefix + name + "@" + ref
}
