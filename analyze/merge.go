package analyze

import (
	"sort"
	"strings"
)

// Ref points at one entry of one layer.
type Ref struct {
	Layer int32 // layer index
	Entry int32 // entry index within the layer
}

// LayerStats summarises how a layer changed the filesystem below it. Files
// are non-directory entries; bytes are entry sizes.
type LayerStats struct {
	Entries       int   // tar entries, markers included (dive's file count)
	FilesAdded    int   // paths that did not exist below
	BytesAdded    int64 // bytes of added files
	FilesModified int   // paths that replaced a lower version
	BytesModified int64 // bytes of the replacing versions
	FilesRemoved  int   // lower files deleted by this layer's whiteouts, opaque dirs or dir→file replacements
	BytesRemoved  int64 // bytes of those lower files
	HiddenBytes   int64 // bytes of this layer's entries not visible in the final image
	HiddenFiles   int   // entries of this layer not visible in the final image
}

// Rewrite is a file re-added by a later layer with identical contents: only
// its mode, owner or times changed (the `RUN chmod`/`chown -R` trap).
type Rewrite struct {
	Path         string // the rewritten path
	Layer        int    // layer holding the copy
	Lower        int    // layer holding the previous version
	Bytes        int64  // bytes the copy costs
	ModeChanged  bool   // permission bits differ
	OwnerChanged bool   // uid or gid differ
}

// vnode is a node of the filesystem view used while merging.
type vnode struct {
	children map[string]*vnode
	ref      Ref
	set      bool // ref points at a real entry (false for implied parents)
}

// merge stacks the layers with OCI semantics (whiteouts and opaque dirs
// apply to lower layers only), sets each entry's Status and Change, and
// derives per-layer stats, the final view and metadata-only rewrites.
func merge(ix *Index) {
	root := &vnode{}
	ix.Stats = make([]LayerStats, len(ix.Layers))
	ix.Rewrites = nil
	for li := range ix.Layers {
		l := &ix.Layers[li]
		st := &ix.Stats[li]
		st.Entries = len(l.Entries)
		remove := func(n *vnode) {
			walkNodes(n, func(r Ref) {
				e := ix.entry(r)
				e.Status = Deleted
				if e.Type != TypeDir {
					st.FilesRemoved++
					st.BytesRemoved += e.Size
				}
			})
		}
		for _, e := range l.Entries {
			switch e.Type {
			case TypeOpaque:
				if n := lookup(root, e.Path); n != nil {
					for name, c := range n.children {
						remove(c)
						delete(n.children, name)
					}
				}
			case TypeWhiteout:
				if parent, name, n := lookupParent(root, e.Path); n != nil {
					remove(n)
					delete(parent.children, name)
				}
			}
		}
		for ei := range l.Entries {
			e := &l.Entries[ei]
			if e.Status == Marker {
				continue
			}
			n := ix.insert(root, e.Path, int32(li))
			e.Change = Added
			if n.set {
				prev := ix.entry(n.ref)
				if int(n.ref.Layer) == li {
					prev.Status = Shadowed
					e.Change = prev.Change
				} else {
					prev.Status = Overwritten
					e.Change = Modified
					ix.noteRewrite(li, int(n.ref.Layer), prev, e)
				}
			}
			if e.Type != TypeDir && len(n.children) > 0 {
				// A non-directory replaces a directory, explicit or implied:
				// everything below it goes.
				for name, c := range n.children {
					remove(c)
					delete(n.children, name)
				}
			}
			n.ref, n.set = Ref{Layer: int32(li), Entry: int32(ei)}, true
		}
		for _, e := range l.Entries {
			if e.Status == Marker || e.Status == Shadowed || e.Type == TypeDir {
				continue // a shadowed copy is no path of its own; its bytes are hidden
			}
			if e.Change == Modified {
				st.FilesModified++
				st.BytesModified += e.Size
			} else {
				st.FilesAdded++
				st.BytesAdded += e.Size
			}
		}
	}
	ix.Final = ix.Final[:0]
	walkNodes(root, func(r Ref) { ix.Final = append(ix.Final, r) })
	sort.Slice(ix.Final, func(i, j int) bool { return ix.entry(ix.Final[i]).Path < ix.entry(ix.Final[j]).Path })
	for li := range ix.Layers {
		alive := linkTargets(ix.Layers[li].Entries)
		for _, e := range ix.Layers[li].Entries {
			if e.Status == Visible || e.Status == Marker {
				continue
			}
			if e.Type == TypeFile && alive[e.Path] {
				continue // its bytes live on through a visible hard link
			}
			ix.Stats[li].HiddenFiles++
			ix.Stats[li].HiddenBytes += e.Size
		}
	}
}

// linkTargets lists the targets of the visible hard links of one layer.
func linkTargets(entries []Entry) map[string]bool {
	var m map[string]bool
	for _, e := range entries {
		if e.Type == TypeHardlink && e.Status == Visible {
			if m == nil {
				m = make(map[string]bool)
			}
			m[e.Link] = true
		}
	}
	return m
}

func (ix *Index) noteRewrite(layer, lower int, prev, e *Entry) {
	if e.Type != TypeFile || prev.Type != TypeFile || e.Size == 0 || e.Size != prev.Size || e.Hash != prev.Hash || e.Hash == 0 {
		return
	}
	ix.Rewrites = append(ix.Rewrites, Rewrite{
		Path: e.Path, Layer: layer, Lower: lower, Bytes: e.Size,
		ModeChanged:  e.Mode != prev.Mode,
		OwnerChanged: e.UID != prev.UID || e.GID != prev.GID,
	})
}

func (ix *Index) entry(r Ref) *Entry { return &ix.Layers[r.Layer].Entries[r.Entry] }

// Entry returns the entry a Ref points at.
func (ix *Index) Entry(r Ref) *Entry { return ix.entry(r) }

// insert finds or creates the node for p. A non-directory met on the way
// down is replaced by an implied directory: its entry is overwritten.
func (ix *Index) insert(root *vnode, p string, layer int32) *vnode {
	n := root
	for _, name := range splitPath(p) {
		if n.set && ix.entry(n.ref).Type != TypeDir {
			prev := ix.entry(n.ref)
			prev.Status = Overwritten
			if n.ref.Layer == layer {
				prev.Status = Shadowed
			}
			n.set = false
		}
		c := n.children[name]
		if c == nil {
			if n.children == nil {
				n.children = make(map[string]*vnode)
			}
			c = &vnode{}
			n.children[name] = c
		}
		n = c
	}
	return n
}

func lookup(root *vnode, p string) *vnode {
	n := root
	for _, name := range splitPath(p) {
		if n = n.children[name]; n == nil {
			return nil
		}
	}
	return n
}

func lookupParent(root *vnode, p string) (*vnode, string, *vnode) {
	parts := splitPath(p)
	if len(parts) == 0 {
		return nil, "", nil
	}
	parent := root
	for _, name := range parts[:len(parts)-1] {
		if parent = parent.children[name]; parent == nil {
			return nil, "", nil
		}
	}
	name := parts[len(parts)-1]
	return parent, name, parent.children[name]
}

// walkNodes visits every real entry at or below n.
func walkNodes(n *vnode, fn func(Ref)) {
	if n.set {
		fn(n.ref)
	}
	for _, c := range n.children {
		walkNodes(c, fn)
	}
}

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}
