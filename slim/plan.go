package slim

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/slimcheck/slimcheck/analyze"
	"github.com/slimcheck/slimcheck/recommend"
)

// Entry is one entry of the new layer.
type Entry struct {
	Path string      `json:"path"`           // where it lands
	Type string      `json:"type"`           // dir, file, symlink, hardlink, other
	Size int64       `json:"size"`           // tar header size (what the analyzer counts)
	Mode fs.FileMode `json:"mode"`           // permission and type bits
	UID  uint32      `json:"uid"`            // owner
	GID  uint32      `json:"gid"`            // group
	Link string      `json:"link,omitempty"` // symlink target, or the hardlink's target in the new layer
	From string      `json:"from,omitempty"` // the source image path it was copied from; "" for a created parent
}

// Moved is a path that lands elsewhere than planned because the runtime
// base has a symlink in its directories (COPY follows them too).
type Moved struct {
	Path string `json:"path"`
	To   string `json:"to"`
}

// Skipped is a selected entry that could not be copied.
type Skipped struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

// LayerSummary describes the new layer.
type LayerSummary struct {
	Entries      []Entry   `json:"-"`                      // every entry, in tar order
	Files        int       `json:"files"`                  // regular files
	Dirs         int       `json:"dirs"`                   // directories (created parents included)
	Symlinks     int       `json:"symlinks"`               // symbolic links
	Hardlinks    int       `json:"hardlinks"`              // hard links
	Others       int       `json:"others,omitempty"`       // devices, fifos
	Bytes        int64     `json:"bytes"`                  // sum of entry sizes, as the analyzer measures
	Created      []string  `json:"createdDirs,omitempty"`  // parent directories the base lacked, created 0755 root:root
	Materialized []string  `json:"materialized,omitempty"` // hardlinks written as files: their target is not copied
	Moved        []Moved   `json:"moved,omitempty"`        // paths placed through the base's symlinks
	Skipped      []Skipped `json:"skipped,omitempty"`      // selected entries not copied
	SourceLayers []int     `json:"sourceLayers"`           // layers of the source image read for contents
	Digest       string    `json:"digest,omitempty"`       // compressed blob digest
	DiffID       string    `json:"diffID,omitempty"`       // uncompressed tar digest
	StoredBytes  int64     `json:"storedBytes,omitempty"`  // compressed size
}

// op writes one entry of the new layer from one source entry.
type op struct {
	dest string // where it lands
	link string // "" writes the source entry itself; else a hardlink to this path of the new layer
}

// stream is one source layer to re-read and what to take from it.
type stream struct {
	layer int
	ops   map[int][]op   // by entry index
	paths map[int]string // entry index → the path the index recorded
	types map[int]analyze.EntryType
}

// layerPlan is the new layer, decided before any content is read.
type layerPlan struct {
	dirs    []Entry // written first, sorted by path
	streams []stream
	summary LayerSummary
}

// maxLinkChain bounds hardlink-to-hardlink chains.
const maxLinkChain = 16

// planLayer decides every entry of the new layer: the selection of the plan
// over the source index, placed on the base.
func planLayer(sel []recommend.Selected, src *analyze.Index, base baseFS) (*layerPlan, error) {
	p := &layerPlan{}
	s := &p.summary
	dirs := map[string]Entry{}
	taken := map[string]bool{}
	type key struct{ layer, entry int32 }
	holders := map[key][]string{} // entries copied directly: their dests
	type linker struct {
		dest  string
		entry int32
	}
	linkers := map[key][]linker{} // hardlinks whose contents come from the key entry
	ours := func(p string) bool { _, ok := dirs[p]; return ok }
	place := func(dest string, dir bool) (string, bool, error) {
		d := path.Clean("/" + dest)
		var at string
		var err error
		if dir {
			at, err = base.place(d, true, ours)
		} else {
			var parent string
			parent, err = base.place(path.Dir(d), true, ours)
			at = path.Join(parent, path.Base(d))
		}
		if err != nil {
			return "", false, err
		}
		if at == "/" {
			return "", false, nil
		}
		if at != d {
			s.Moved = append(s.Moved, Moved{Path: d, To: at})
		}
		if taken[at] {
			if dir {
				return at, false, nil // the same directory twice: keep the first
			}
			s.Skipped = append(s.Skipped, Skipped{Path: d, Reason: "another selected entry lands at " + at})
			return "", false, nil
		}
		taken[at] = true
		return at, true, nil
	}
	for _, x := range sel {
		if x.File.Type == "dir" {
			at, ok, err := place(x.Path, true)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
			e := Entry{Path: at, Type: "dir", Mode: fs.ModeDir | fs.FileMode(x.File.Mode)&(fs.ModePerm|fs.ModeSetgid|fs.ModeSticky),
				UID: x.File.UID, GID: x.File.GID, From: x.From}
			if x.File.Mode == 0 { // a directory the source only implies
				e.Mode, e.UID, e.GID = fs.ModeDir|0o755, 0, 0
			}
			dirs[at] = e
			continue
		}
		ref, ok := src.Lookup(x.From)
		if !ok {
			s.Skipped = append(s.Skipped, Skipped{Path: x.Path, Reason: x.From + " is not in the source image's final filesystem"})
			continue
		}
		e := &src.Layers[ref.Layer].Entries[ref.Entry]
		if e.Type.String() != x.File.Type {
			return nil, fmt.Errorf("selecting %s: the plan has a %s, the source index a %s (plan and index come from different analyses)", x.From, x.File.Type, e.Type)
		}
		at, ok, err := place(x.Path, false)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		switch e.Type {
		case analyze.TypeFile, analyze.TypeSymlink, analyze.TypeOther:
			k := key{ref.Layer, ref.Entry}
			holders[k] = append(holders[k], at)
		case analyze.TypeHardlink:
			j, ok := contentOf(src, int(ref.Layer), int(ref.Entry))
			if !ok {
				s.Skipped = append(s.Skipped, Skipped{Path: x.Path, Reason: "hard link to " + e.Link + ", which is not earlier in its layer"})
				delete(taken, at)
				continue
			}
			k := key{ref.Layer, int32(j)}
			linkers[k] = append(linkers[k], linker{dest: at, entry: ref.Entry})
		default:
			s.Skipped = append(s.Skipped, Skipped{Path: x.Path, Reason: "a " + e.Type.String() + " entry cannot be copied"})
			delete(taken, at)
		}
	}
	// Source entries, grouped by layer, each written where its contents are.
	keys := map[key]bool{}
	for k := range holders {
		keys[k] = true
	}
	for k := range linkers {
		keys[k] = true
	}
	sorted := make([]key, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Slice(sorted, func(i, j int) bool {
		if sorted[i].layer != sorted[j].layer {
			return sorted[i].layer < sorted[j].layer
		}
		return sorted[i].entry < sorted[j].entry
	})
	var files []Entry
	for _, k := range sorted {
		if len(p.streams) == 0 || p.streams[len(p.streams)-1].layer != int(k.layer) {
			p.streams = append(p.streams, stream{layer: int(k.layer), ops: map[int][]op{}, paths: map[int]string{}, types: map[int]analyze.EntryType{}})
			s.SourceLayers = append(s.SourceLayers, int(k.layer))
		}
		st := &p.streams[len(p.streams)-1]
		e := &src.Layers[k.layer].Entries[k.entry]
		ls := linkers[k]
		sort.Slice(ls, func(i, j int) bool {
			if ls[i].entry != ls[j].entry {
				return ls[i].entry < ls[j].entry
			}
			return ls[i].dest < ls[j].dest
		})
		dests := append([]string{}, holders[k]...)
		if len(dests) == 0 && len(ls) > 0 {
			s.Materialized = append(s.Materialized, ls[0].dest)
		}
		for _, l := range ls {
			dests = append(dests, l.dest)
		}
		st.paths[int(k.entry)] = e.Path
		st.types[int(k.entry)] = e.Type
		for i, d := range dests {
			o := op{dest: d}
			entry := Entry{Path: d, Type: e.Type.String(), Size: e.Size, Mode: e.Mode, UID: e.UID, GID: e.GID, Link: e.Link, From: e.Path}
			if i > 0 && e.Type == analyze.TypeFile {
				o.link = dests[0]
				entry.Type, entry.Size, entry.Link = "hardlink", 0, dests[0]
			}
			if e.Type != analyze.TypeSymlink && entry.Type != "hardlink" {
				entry.Link = ""
			}
			st.ops[int(k.entry)] = append(st.ops[int(k.entry)], o)
			files = append(files, entry)
		}
	}
	// Parents the base lacks.
	for d := range taken {
		for a := path.Dir(d); a != "/"; a = path.Dir(a) {
			if _, ok := dirs[a]; ok || base.isDir(a) {
				continue
			}
			dirs[a] = Entry{Path: a, Type: "dir", Mode: fs.ModeDir | 0o755}
			s.Created = append(s.Created, a)
		}
	}
	sort.Strings(s.Created)
	for _, d := range dirs {
		p.dirs = append(p.dirs, d)
	}
	sort.Slice(p.dirs, func(i, j int) bool { return p.dirs[i].Path < p.dirs[j].Path })
	s.Entries = append(append([]Entry{}, p.dirs...), files...)
	for _, e := range s.Entries {
		s.Bytes += e.Size
		switch e.Type {
		case "dir":
			s.Dirs++
		case "file":
			s.Files++
		case "symlink":
			s.Symlinks++
		case "hardlink":
			s.Hardlinks++
		default:
			s.Others++
		}
	}
	return p, nil
}

// contentOf follows a hardlink entry of layer li to the entry that holds
// its contents: the latest earlier entry of the same layer at its target.
func contentOf(ix *analyze.Index, li, ei int) (int, bool) {
	es := ix.Layers[li].Entries
	for hop := 0; hop < maxLinkChain; hop++ {
		target := es[ei].Link
		j := -1
		for k := ei - 1; k >= 0; k-- {
			if es[k].Path == target && es[k].Status != analyze.Marker {
				j = k
				break
			}
		}
		if j < 0 {
			return 0, false
		}
		if es[j].Type != analyze.TypeHardlink {
			return j, true
		}
		ei = j
	}
	return 0, false
}

// tarName is an entry name as layers write it: relative, dirs with a slash.
func tarName(p string, dir bool) string {
	n := strings.TrimPrefix(p, "/")
	if dir {
		n += "/"
	}
	return n
}
