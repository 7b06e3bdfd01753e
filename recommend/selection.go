package recommend

import (
	"fmt"
	"sort"

	"github.com/slimcheck/slimcheck/report"
)

// selector chooses what the runtime stage copies.
type selector struct {
	v *fsView
	x *excluder
}

// copySet turns roots into the plan's CopySet: per root, the exclusions
// under it and the exact files and bytes copied.
func (s *selector) copySet(roots []root) CopySet {
	cs := CopySet{Include: []CopyPath{}, Exclude: []Exclusion{}}
	sortBy(roots, func(a, b root) bool { return a.n.path < b.n.path })
	for _, r := range roots {
		cp := CopyPath{Path: r.n.path, Reason: r.reason}
		switch {
		case r.n.file != nil && r.n.file.Type == "symlink":
			cp.Type = "symlink"
		case r.n.isDir():
			cp.Type = "dir"
		default:
			cp.Type = "file"
		}
		if r.src != r.n {
			cp.Resolved = r.src.path
		}
		owners := map[string]int{}
		var excl []Exclusion
		if r.src.isDir() {
			excl = s.x.exclusionsUnder(r.src)
			skip := map[string]bool{}
			for _, e := range excl {
				skip[e.Path] = true
			}
			walk(r.src, func(n *node) bool {
				if skip[n.path] {
					return false
				}
				if !n.isDir() {
					cp.Files++
					cp.Bytes += n.file.Bytes
					owners[fmt.Sprintf("%d:%d", n.file.UID, n.file.GID)]++
				}
				return true
			})
		} else {
			cp.Files, cp.Bytes = 1, r.src.file.Bytes
			owners[fmt.Sprintf("%d:%d", r.src.file.UID, r.src.file.GID)]++
		}
		if o := topOwner(owners); o != "0:0" {
			cp.Chown = o
		}
		cs.Include = append(cs.Include, cp)
		cs.Exclude = append(cs.Exclude, excl...)
		cs.Files += cp.Files
		cs.Bytes += cp.Bytes
	}
	sortExclusions(cs.Exclude)
	return cs
}

// topOwner returns the most common owner, ties broken by the smaller string.
func topOwner(m map[string]int) string {
	best, bc := "0:0", -1
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if m[k] > bc {
			best, bc = k, m[k]
		}
	}
	return best
}

// Selected is one entry of the layer the runtime stage adds: Path is where it
// lands, From where the builder has it (they differ only for a symlink that
// COPY follows), File the source image's entry.
type Selected struct {
	Path string      `json:"path"`
	From string      `json:"from"`
	File report.File `json:"file"`
}

// Select resolves the copy set over the source image's entries (a report's
// Files): the visible entries under each Include, minus everything under an
// Exclude, with symlinked includes replaced by what they point to. The
// non-directory entries it returns number exactly c.Files and sum to
// c.Bytes when files is the report the plan was made from; an assembler
// that writes exactly these entries measures exactly the estimate.
func (c CopySet) Select(files []report.File) []Selected {
	v := newView(files)
	skip := map[string]bool{}
	for _, e := range c.Exclude {
		skip[e.Path] = true
	}
	var out []Selected
	for _, in := range c.Include {
		from := in.Path
		if in.Resolved != "" {
			from = in.Resolved
		}
		src := v.get(from)
		if src == nil {
			continue
		}
		if !src.isDir() {
			out = append(out, Selected{Path: in.Path, From: src.path, File: *src.file})
			continue
		}
		walk(src, func(n *node) bool {
			if skip[n.path] {
				return false
			}
			dest := in.Path + n.path[len(src.path):]
			if src.path == "/" {
				dest = in.Path + n.path
			}
			f := report.File{Path: n.path, Type: "dir", Status: "visible", Evidence: -1}
			if n.file != nil {
				f = *n.file
			}
			out = append(out, Selected{Path: dest, From: n.path, File: f})
			return true
		})
	}
	return out
}
