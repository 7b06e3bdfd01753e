// Package reporttest builds report.Report values with their Files for the
// recommender's tests: layers of entries are merged the way the analyzer
// merges them (later layers replace, whiteouts and opaque markers delete),
// and the totals a real report carries are computed from the entries.
package reporttest

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/slimcheck/slimcheck/report"
)

// Entry is one tar entry of a layer.
type Entry struct {
	Path     string
	Bytes    int64
	Type     string // file (default), dir, symlink, hardlink, whiteout, opaque
	Category report.Category
	UID, GID uint32
	Mode     uint32
	Link     string
	Evidence int // index into Spec.Evidence; -1 (the default from the helpers) for none
}

// File is a regular file.
func File(p string, n int64, c report.Category) Entry {
	return Entry{Path: p, Bytes: n, Type: "file", Category: c, Mode: 0o644, Evidence: -1}
}

// Exec is an executable file.
func Exec(p string, n int64, c report.Category) Entry {
	e := File(p, n, c)
	e.Mode = 0o755
	return e
}

// Dir is a directory.
func Dir(p string) Entry {
	return Entry{Path: p, Type: "dir", Category: report.OSBase, Mode: 0o755, Evidence: -1}
}

// Symlink is a symbolic link.
func Symlink(p, target string, c report.Category) Entry {
	return Entry{Path: p, Type: "symlink", Link: target, Category: c, Mode: 0o777, Evidence: -1}
}

// Whiteout deletes p from lower layers.
func Whiteout(p string) Entry {
	return Entry{Path: p, Type: "whiteout", Category: report.Wasted, Evidence: -1}
}

// Own sets the owner.
func (e Entry) Own(uid, gid uint32) Entry { e.UID, e.GID = uid, gid; return e }

// Ev sets the evidence index.
func (e Entry) Ev(i int) Entry { e.Evidence = i; return e }

// Tree is n files under dir, named name000.ext…, sizes summing to total.
func Tree(dir, name string, n int, total int64, c report.Category) []Entry {
	var out []Entry
	if n <= 0 {
		return nil
	}
	each := total / int64(n)
	for i := 0; i < n; i++ {
		size := each
		if i == n-1 {
			size = total - each*int64(n-1)
		}
		out = append(out, File(fmt.Sprintf("%s/%s%03d", dir, name, i), size, c))
	}
	return out
}

// WithEvidence sets the evidence of every entry.
func WithEvidence(es []Entry, ev int) []Entry {
	for i := range es {
		es[i].Evidence = ev
	}
	return es
}

// Owned sets the owner of every entry.
func Owned(es []Entry, uid, gid uint32) []Entry {
	for i := range es {
		es[i].UID, es[i].GID = uid, gid
	}
	return es
}

// Layer is one layer: its history command and entries.
type Layer struct {
	CreatedBy string
	Entries   []Entry
}

// Spec describes an image.
type Spec struct {
	Reference string
	Source    string // registry (default)
	Platform  string // linux/amd64 (default)
	Config    report.Config
	Layers    []Layer
	Ecosystem report.Ecosystem
	Packages  []report.Package
	Databases []report.Database
	Evidence  []report.Evidence
	Rewrites  []report.Rewrite
}

// Build merges the layers and returns the report.
func Build(s Spec) *report.Report {
	r := &report.Report{
		SchemaVersion: report.SchemaVersion,
		Tool:          report.Tool{Name: "slimcheck", Version: "test"},
		Image: report.Image{Reference: s.Reference, Source: s.Source, Name: s.Reference, Platform: s.Platform,
			Config: s.Config},
		Rewrites:  s.Rewrites,
		Packages:  s.Packages,
		Databases: s.Databases,
		Ecosystem: s.Ecosystem,
		Evidence:  s.Evidence,
		Problems:  []report.Problem{},
	}
	if r.Image.Source == "" {
		r.Image.Source = "registry"
	}
	if r.Image.Platform == "" {
		r.Image.Platform = "linux/amd64"
	}
	if r.Rewrites == nil {
		r.Rewrites = []report.Rewrite{}
	}
	// Entries per layer, parents added the way tar writers add them.
	for li, l := range s.Layers {
		seen := map[string]bool{}
		var entries []Entry
		add := func(e Entry) {
			if !seen[e.Path] {
				seen[e.Path] = true
				entries = append(entries, e)
			}
		}
		for _, e := range l.Entries {
			e.Path = path.Clean("/" + e.Path)
			if e.Type == "" {
				e.Type = "file"
			}
			for d := path.Dir(e.Path); d != "/"; d = path.Dir(d) {
				if !seen[d] {
					dir := Dir(d)
					dir.UID, dir.GID = e.UID, e.GID
					add(dir)
				}
			}
			add(e)
		}
		sort.SliceStable(entries, func(i, j int) bool { return entries[i].Path < entries[j].Path })
		for _, e := range entries {
			change := "added"
			if e.Type == "whiteout" || e.Type == "opaque" {
				change = "removal"
			}
			r.Files = append(r.Files, report.File{Path: e.Path, Layer: li, Type: e.Type, Status: "visible", Change: change,
				Bytes: e.Bytes, Mode: e.Mode, UID: e.UID, GID: e.GID, Link: e.Link, Category: e.Category, Evidence: e.Evidence})
		}
		r.Layers = append(r.Layers, report.Layer{Index: li, CreatedBy: l.CreatedBy, Digest: fmt.Sprintf("sha256:%064x", li+1),
			DiffID: fmt.Sprintf("sha256:%064x", li+1000), Categories: map[report.Category]int64{}})
	}
	merge(r)
	totals(r)
	return r
}

// merge sets every entry's status: visible unless a later layer replaces
// it (overwritten) or a later whiteout or opaque marker removes it (deleted).
func merge(r *report.Report) {
	byPath := map[string][]int{}
	for i, f := range r.Files {
		byPath[f.Path] = append(byPath[f.Path], i)
	}
	for i := range r.Files {
		f := &r.Files[i]
		if f.Type == "whiteout" || f.Type == "opaque" {
			f.Status = "marker"
			continue
		}
		f.Status = "visible"
		next := -1
		for _, j := range byPath[f.Path] {
			if g := r.Files[j]; g.Layer > f.Layer && (next < 0 || g.Layer < r.Files[next].Layer) {
				next = j
			}
		}
		if next >= 0 {
			f.Status = "overwritten"
			if r.Files[next].Type == "whiteout" {
				f.Status = "deleted"
			}
		}
		for d := path.Dir(f.Path); f.Status == "visible"; d = path.Dir(d) {
			for _, j := range byPath[d] {
				if g := r.Files[j]; g.Layer > f.Layer && (g.Type == "whiteout" || g.Type == "opaque") {
					f.Status = "deleted"
				}
			}
			if d == "/" {
				break
			}
		}
		if f.Status != "visible" {
			f.Category = report.Wasted
		}
		for _, j := range byPath[f.Path] {
			if r.Files[j].Layer < f.Layer && f.Change == "added" {
				f.Change = "modified"
			}
		}
	}
}

// totals fills the sizes and category totals from the entries.
func totals(r *report.Report) {
	cats := map[report.Category]*report.CategoryTotal{}
	for _, f := range r.Files {
		l := &r.Layers[f.Layer]
		l.SizeBytes += f.Bytes
		l.Entries++
		l.Categories[f.Category] += f.Bytes
		if f.Status == "overwritten" || f.Status == "deleted" {
			l.HiddenFiles++
			l.HiddenBytes += f.Bytes
			r.Hidden.Bytes += f.Bytes
			r.Hidden.Files++
		}
		r.Image.SizeBytes += f.Bytes
		if f.Status == "visible" && f.Type != "dir" {
			r.Image.FinalBytes += f.Bytes
			r.Image.FinalFiles++
		}
		c := cats[f.Category]
		if c == nil {
			c = &report.CategoryTotal{Category: f.Category}
			cats[f.Category] = c
		}
		c.Bytes += f.Bytes
		if f.Type != "dir" && f.Status != "marker" {
			c.Files++
		}
	}
	for i := range r.Layers {
		l := &r.Layers[i]
		l.TarBytes = l.SizeBytes + int64(l.Entries)*512
		l.CompressedBytes = l.SizeBytes * 2 / 5
		r.Image.TarBytes += l.TarBytes
		r.Image.CompressedBytes += l.CompressedBytes
		for c, b := range l.Categories {
			if b == 0 {
				delete(l.Categories, c)
			}
		}
	}
	for _, c := range report.Categories() {
		if t := cats[c]; t != nil {
			if r.Image.SizeBytes > 0 {
				t.Percent = 100 * float64(t.Bytes) / float64(r.Image.SizeBytes)
			}
			r.Categories = append(r.Categories, *t)
			if c.NotNeededAtRuntime() {
				r.NotNeeded += t.Bytes
			}
		}
	}
}

// MB is a megabyte (SI), for readable specs.
const MB = 1_000_000

// Join concatenates entry lists.
func Join(lists ...[]Entry) []Entry {
	var out []Entry
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// Env builds KEY=value pairs.
func Env(kv ...string) []string {
	var out []string
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, kv[i]+"="+kv[i+1])
	}
	return out
}

// Labels builds a label map.
func Labels(kv ...string) map[string]string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

// Short trims a string for messages.
func Short(s string) string { return strings.TrimSpace(s) }
