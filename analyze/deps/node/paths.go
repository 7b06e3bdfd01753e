package node

import (
	"path"
	"strings"
)

const nodeModules = "node_modules"

// hasNodeModules reports whether p has a node_modules path component.
func hasNodeModules(p string) bool {
	return strings.Contains(p+"/", "/node_modules/")
}

// under reports whether p is dir or below it. Both are clean absolute paths.
func under(p, dir string) bool {
	if dir == "/" {
		return strings.HasPrefix(p, "/")
	}
	return p == dir || strings.HasPrefix(p, dir+"/")
}

// joinUnder joins rel to root and reports whether the result stays at or
// below root (lockfile keys are hostile and may hold "..").
func joinUnder(root, rel string) (string, bool) {
	p := path.Join(root, rel)
	return p, under(p, root)
}

// validName reports whether name is a usable npm package name for path
// resolution: "name" or "@scope/name", with no empty, dot-leading or
// traversal components.
func validName(name string) bool {
	if name == "" || len(name) > 214 || strings.ContainsAny(name, "\\\x00") {
		return false
	}
	parts := strings.Split(name, "/")
	switch {
	case len(parts) == 1:
	case len(parts) == 2 && strings.HasPrefix(parts[0], "@") && len(parts[0]) > 1:
	default:
		return false
	}
	last := parts[len(parts)-1]
	return last != "" && !strings.HasPrefix(last, ".") && last != nodeModules
}

// installInfo splits an install directory of the form
// <owner>/node_modules/.../node_modules/<name>. It returns the package name
// (from the path, so an alias name for aliased installs), the owner project
// directory (the part before the first node_modules) and, for pnpm's layout
// <owner>/node_modules/.pnpm/<key>/node_modules/<name>, the store directory
// <owner>/node_modules/.pnpm/<key>.
func installInfo(dir string) (name, owner, pnpmDir string, ok bool) {
	i := strings.LastIndex(dir, "/node_modules/")
	if i < 0 {
		return "", "", "", false
	}
	name = dir[i+len("/node_modules/"):]
	if !validName(name) {
		return "", "", "", false
	}
	j := strings.Index(dir, "/node_modules/")
	owner = dir[:j]
	if owner == "" {
		owner = "/"
	}
	store := path.Join(owner, nodeModules, ".pnpm") + "/"
	if strings.HasPrefix(dir, store) {
		rest := dir[len(store):] // <key>/node_modules/<name>
		if k := strings.Index(rest, "/"); k > 0 && rest[k:] == "/node_modules/"+name {
			pnpmDir = store + rest[:k]
		}
	}
	return name, owner, pnpmDir, true
}
