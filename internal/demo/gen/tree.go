package gen

import (
	"fmt"
	"path"
	"sort"
	"strings"
)

// entryKind is the type of one entry in a layer.
type entryKind uint8

const (
	kindDir entryKind = iota
	kindFile
	kindSymlink
	kindHardlink
	kindWhiteout // removes the named path from lower layers
	kindOpaque   // hides the lower layers' contents of the named directory
)

// entry is one member of a layer tar. Regular files carry their size; their
// bytes are content followed by zeros up to size (content may be shorter than
// size, never longer).
type entry struct {
	path    string // absolute and clean, e.g. /usr/bin/gcc
	kind    entryKind
	mode    int64 // permission bits including setuid/setgid/sticky
	uid     int
	gid     int
	size    int64
	link    string // symlink target, or the absolute path a hard link points at
	content []byte
	// implicit marks a parent directory the layer gained only because a
	// deeper path was added; a package's own directory entry replaces it.
	implicit bool
}

// layerTree collects the entries of one layer, keyed by tar member name so
// that a directory and its opaque marker can coexist.
type layerTree struct {
	entries map[string]*entry
	// dirMode, dirUID and dirGID are used for parent directories added
	// implicitly when a deeper path is added.
	dirMode        int64
	dirUID, dirGID int
	// lower is the merged view of the layers below, or nil. Implicit parent
	// directories copy their metadata from it, and paths are resolved through
	// its directory symlinks (/lib -> usr/lib) as rpm and tar would.
	lower *fsView
}

// newLayerTree returns an empty layer over lower (nil for the first layer).
// Implicit parent directories are 0755 root:root unless lower has them.
func newLayerTree(lower *fsView) *layerTree {
	return &layerTree{entries: map[string]*entry{}, dirMode: 0o755, lower: lower}
}

// add puts e in the layer, creating missing parent directories and resolving
// symlinked ancestors. A later add of the same path replaces the earlier one,
// except that a directory with contents cannot become a non-directory and
// nothing can be added beneath a file.
func (t *layerTree) add(e entry) error {
	p := path.Clean("/" + e.path)
	if p == "/" {
		return nil
	}
	if e.kind == kindFile && int64(len(e.content)) > e.size {
		return fmt.Errorf("adding %s: %d content bytes exceed size %d", p, len(e.content), e.size)
	}
	if e.kind != kindFile && (e.size != 0 || e.content != nil) {
		return fmt.Errorf("adding %s: only regular files carry data", p)
	}
	p, err := t.resolveParents(p)
	if err != nil {
		return err
	}
	e.path = p
	if e.kind == kindHardlink {
		if e.link, err = t.resolveParents(path.Clean("/" + e.link)); err != nil {
			return err
		}
	}
	if err := t.ensureParents(p); err != nil {
		return err
	}
	if e.kind != kindWhiteout && e.kind != kindOpaque {
		rel := strings.TrimPrefix(p, "/")
		if _, isDir := t.entries[rel+"/"]; isDir && e.kind != kindDir {
			for k := range t.entries {
				if strings.HasPrefix(k, rel+"/") && k != rel+"/" {
					return fmt.Errorf("adding %s: would replace a directory that has contents (%s)", p, k)
				}
			}
		}
		// drop a previous entry of another type at the same path
		delete(t.entries, rel)
		delete(t.entries, rel+"/")
	}
	t.entries[tarName(&e)] = &e
	return nil
}

// ensureParents adds implicit directories for every missing ancestor of p.
func (t *layerTree) ensureParents(p string) error {
	for dir := path.Dir(p); dir != "/"; dir = path.Dir(dir) {
		rel := strings.TrimPrefix(dir, "/")
		if _, ok := t.entries[rel+"/"]; ok {
			return nil // an existing directory already has its ancestors
		}
		if _, ok := t.entries[rel]; ok {
			return fmt.Errorf("adding %s: %s is not a directory", p, dir)
		}
		e := &entry{path: dir, kind: kindDir, mode: t.dirMode, uid: t.dirUID, gid: t.dirGID, implicit: true}
		if l := t.lower.get(dir); l != nil && l.kind == kindDir {
			e.mode, e.uid, e.gid = l.mode, l.uid, l.gid
		}
		t.entries[rel+"/"] = e
	}
	return nil
}

// lookup returns the entry at p in this layer, else in the lower view.
func (t *layerTree) lookup(p string) *entry {
	if e := t.get(p); e != nil {
		return e
	}
	return t.lower.get(p)
}

// resolveParents rewrites p so that no ancestor is a symlink, following links
// found in this layer or below (at most 40, like the kernel's limit).
func (t *layerTree) resolveParents(p string) (string, error) {
	hops := 0
	for {
		changed := false
		parts := strings.Split(strings.TrimPrefix(p, "/"), "/")
		cur := "/"
		for i := 0; i < len(parts)-1; i++ {
			next := path.Join(cur, parts[i])
			if e := t.lookup(next); e != nil && e.kind == kindSymlink {
				if hops++; hops > 40 {
					return "", fmt.Errorf("resolving %s: too many symlinks", p)
				}
				target := e.link
				if !path.IsAbs(target) {
					target = path.Join(cur, target)
				}
				p = path.Join(append([]string{path.Clean(target)}, parts[i+1:]...)...)
				changed = true
				break
			}
			cur = next
		}
		if !changed {
			return p, nil
		}
	}
}

// get returns the directory, file, symlink or hard link at p, or nil.
func (t *layerTree) get(p string) *entry {
	rel := strings.TrimPrefix(path.Clean("/"+p), "/")
	if e, ok := t.entries[rel]; ok {
		return e
	}
	return t.entries[rel+"/"]
}

// sorted returns the entries in tar order: by member name, byte-wise, so that
// every directory precedes its contents.
func (t *layerTree) sorted() []*entry {
	keys := make([]string, 0, len(t.entries))
	for k := range t.entries {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]*entry, len(keys))
	for i, k := range keys {
		out[i] = t.entries[k]
	}
	return out
}

// tarName is the member name an entry gets in the layer tar.
func tarName(e *entry) string {
	rel := strings.TrimPrefix(e.path, "/")
	switch e.kind {
	case kindDir:
		return rel + "/"
	case kindWhiteout:
		return path.Join(path.Dir(rel), ".wh."+path.Base(rel))
	case kindOpaque:
		return rel + "/.wh..wh..opq"
	default:
		return rel
	}
}
