package gen

import (
	"path"
	"sort"
	"strings"
)

// fsView is the merged filesystem of the layers applied so far, keyed by
// absolute path. It holds no whiteout markers.
type fsView struct {
	entries map[string]*entry
}

func newFSView() *fsView { return &fsView{entries: map[string]*entry{}} }

// get returns the entry at p, or nil; it is safe on a nil view.
func (v *fsView) get(p string) *entry {
	if v == nil {
		return nil
	}
	return v.entries[path.Clean("/"+p)]
}

// apply merges a layer on top of the view, honouring whiteouts and opaque
// directories the way an overlay mount does.
func (v *fsView) apply(t *layerTree) {
	for _, e := range t.sorted() {
		switch e.kind {
		case kindWhiteout:
			v.removeTree(e.path)
		case kindOpaque:
			v.removeChildren(e.path)
		default:
			if old := v.entries[e.path]; old != nil && old.kind == kindDir && e.kind != kindDir {
				v.removeChildren(e.path)
			}
			v.entries[e.path] = e
		}
	}
}

func (v *fsView) removeTree(p string) {
	delete(v.entries, p)
	v.removeChildren(p)
}

func (v *fsView) removeChildren(dir string) {
	prefix := strings.TrimSuffix(dir, "/") + "/"
	for k := range v.entries {
		if strings.HasPrefix(k, prefix) {
			delete(v.entries, k)
		}
	}
}

// under returns the sorted paths strictly below dir.
func (v *fsView) under(dir string) []string {
	prefix := strings.TrimSuffix(dir, "/") + "/"
	var out []string
	for k := range v.entries {
		if strings.HasPrefix(k, prefix) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}
