package node

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/slimcheck/slimcheck/analyze/deps/model"
)

// maxLockDepth bounds the nesting of a lockfileVersion 1 dependency tree.
const maxLockDepth = 128

// npmLock is an npm package-lock.json, npm-shrinkwrap.json or hidden
// lockfile (node_modules/.package-lock.json).
type npmLock struct {
	LockfileVersion int                     `json:"lockfileVersion"`
	Packages        map[string]npmLockEntry `json:"packages"`
	Dependencies    map[string]npmLockV1Dep `json:"dependencies"`
}

// npmLockEntry is one "packages" entry (lockfileVersion 2 and 3), keyed by
// install path relative to the project root.
type npmLockEntry struct {
	Name        string `json:"name"`
	Version     string `json:"version"`
	Dev         bool   `json:"dev"`
	Optional    bool   `json:"optional"`
	DevOptional bool   `json:"devOptional"`
	Link        bool   `json:"link"`
}

// npmLockV1Dep is one "dependencies" entry (lockfileVersion 1); nested
// "dependencies" are installed in the entry's own node_modules.
type npmLockV1Dep struct {
	Version      string                  `json:"version"`
	Dev          bool                    `json:"dev"`
	Optional     bool                    `json:"optional"`
	Dependencies map[string]npmLockV1Dep `json:"dependencies"`
}

// npmInstall is one install path a lockfile describes, relative to the
// project root, with its flags.
type npmInstall struct {
	rel     string
	version string
	class   model.Class
	how     string
}

// parseNpmLock decodes an npm lockfile into the install paths it describes.
// lockfileVersion 2 and 3 use "packages"; 1 (or a file without "packages")
// uses the nested "dependencies" tree.
func parseNpmLock(data []byte) ([]npmInstall, int, error) {
	var l npmLock
	if err := json.Unmarshal(bytes.TrimPrefix(data, []byte(utf8BOM)), &l); err != nil {
		return nil, 0, fmt.Errorf("decoding lockfile: %w", err)
	}
	if l.Packages == nil && l.Dependencies == nil {
		return nil, l.LockfileVersion, fmt.Errorf("decoding lockfile: neither \"packages\" nor \"dependencies\" present")
	}
	var out []npmInstall
	if l.Packages != nil {
		for key, e := range l.Packages {
			if e.Link || !hasNodeModules("/"+key) {
				continue // the root, workspace folders and symlinks hold no installed copy
			}
			in := npmInstall{rel: key, version: e.Version, class: model.Prod}
			switch {
			case e.Dev:
				in.class, in.how = model.Dev, fmt.Sprintf(`lockfileVersion %d "dev": true`, l.LockfileVersion)
			case e.DevOptional:
				in.how = fmt.Sprintf(`lockfileVersion %d "devOptional": true (also needed by an optional production dependency)`, l.LockfileVersion)
			case e.Optional:
				in.how = fmt.Sprintf(`lockfileVersion %d "optional": true, not "dev"`, l.LockfileVersion)
			default:
				in.how = fmt.Sprintf(`lockfileVersion %d: no "dev" flag`, l.LockfileVersion)
			}
			out = append(out, in)
		}
		return out, l.LockfileVersion, nil
	}
	var rec func(prefix string, deps map[string]npmLockV1Dep, depth int) error
	rec = func(prefix string, deps map[string]npmLockV1Dep, depth int) error {
		if depth > maxLockDepth {
			return fmt.Errorf("decoding lockfile: dependencies nested deeper than %d", maxLockDepth)
		}
		for name, d := range deps {
			if !validName(name) {
				continue
			}
			rel := prefix + "node_modules/" + name
			in := npmInstall{rel: rel, version: d.Version, class: model.Prod, how: `lockfileVersion 1: no "dev" flag`}
			if d.Dev {
				in.class, in.how = model.Dev, `lockfileVersion 1 "dev": true`
			}
			out = append(out, in)
			if err := rec(rel+"/", d.Dependencies, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := rec("", l.Dependencies, 0); err != nil {
		return nil, l.LockfileVersion, err
	}
	return out, l.LockfileVersion, nil
}

// npmOpinions turns an npm lockfile at src, describing the project at root,
// into opinions on the directories that are really installed. An entry for
// a directory that is not installed is ignored; so is one whose version
// differs from the installed package.json (the lockfile is stale there).
func npmOpinions(t *tree, root, src string, hidden bool) (opinions, error) {
	ins, _, err := parseNpmLock(t.files[src])
	if err != nil {
		return nil, err
	}
	out := opinions{}
	for _, in := range ins {
		dir, ok := joinUnder(root, in.rel)
		if !ok {
			continue
		}
		p, ok := t.installed[dir]
		if !ok {
			continue
		}
		if in.version != "" && p.man.Version != "" && in.version != p.man.Version && !strings.Contains(in.version, ":") {
			continue
		}
		how := in.how
		if hidden {
			how = "hidden lockfile " + how
		}
		out[dir] = opinion{in.class, model.Evidence{Source: src, How: how}}
	}
	return out, nil
}
