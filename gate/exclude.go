package gate

import (
	"errors"
	"fmt"
	"strings"

	"github.com/slimcheck/slimcheck/report"
)

// Excluded says what ignore-paths took out of a report.
type Excluded struct {
	Patterns []string `json:"patterns"`
	Entries  int      `json:"entries"` // layer entries removed
	Bytes    int64    `json:"bytes"`   // their sizes, over all layers
}

// ErrNoFiles is returned by Exclude for a report made without Files.
var ErrNoFiles = errors.New("the report has no file list (analyze with Files)")

// Exclude returns a copy of r with every entry matching patterns removed
// (see Matcher) and every figure a rule reads recomputed without them: the
// image and layer sizes, categories and their percentages, hidden bytes,
// final-filesystem totals, the largest files, and dive's metrics, which are
// recomputed as if the entries had never been in the layers' tars. The
// compressed size cannot be split per file and is left as it is. Entries
// keep their analyzed status, except that a file kept alive only by an
// excluded hard link becomes hidden (wasted); an excluded entry below a
// path that is a file elsewhere (which the analyzer turns into an implied
// directory) is the one case where this differs from analyzing the image
// without the paths. r needs its Files; r itself is not modified. With no
// patterns r is returned.
func Exclude(r *report.Report, patterns []string) (*report.Report, Excluded, error) {
	ex := Excluded{Patterns: append([]string{}, patterns...)}
	m, err := NewMatcher(patterns)
	if err != nil {
		return nil, ex, fmt.Errorf("compiling ignore-paths: %w", err)
	}
	if m.Empty() {
		return r, ex, nil
	}
	if len(r.Files) == 0 && r.Image.SizeBytes > 0 {
		return nil, ex, ErrNoFiles
	}
	out := *r
	keep := make([]report.File, 0, len(r.Files))
	var gone []report.File
	for _, f := range r.Files {
		if m.Match(f.Path) {
			ex.Entries++
			ex.Bytes += f.Bytes
			gone = append(gone, f)
			continue
		}
		keep = append(keep, f)
	}
	out.Files = keep
	recompute(&out, func(p string) bool { return m.Match(p) })
	subtractDirs(&out, gone)
	return &out, ex, nil
}

// recompute derives the figures of r from r.Files. excluded tells which
// paths are gone from the top-N lists.
func recompute(r *report.Report, excluded func(string) bool) {
	n := len(r.Layers)
	perLayer := make([][]report.File, n)
	for _, f := range r.Files {
		if f.Layer >= 0 && f.Layer < n {
			perLayer[f.Layer] = append(perLayer[f.Layer], f)
		}
	}
	layers := make([]report.Layer, n)
	sizes := make([]int64, n)
	cats := map[report.Category]*report.CategoryTotal{}
	var total, hidden int64
	var hiddenFiles, finalFiles int
	var finalBytes int64
	for li, entries := range perLayer {
		l := r.Layers[li]
		l.SizeBytes, l.HiddenBytes, l.HiddenFiles, l.Entries = 0, 0, 0, len(entries)
		l.Categories = map[report.Category]int64{}
		alive := linkTargets(entries)
		for i := range entries {
			f := &entries[i]
			hidden := false
			switch f.Status {
			case "overwritten", "deleted", "shadowed":
				// Hidden unless a visible hard link keeps its bytes alive. A
				// file whose link was excluded becomes wasted, as it would
				// be analyzed without the link.
				hidden = !(f.Type == "file" && alive[f.Path])
				if hidden {
					f.Category = report.Wasted
				}
			}
			l.SizeBytes += f.Bytes
			l.Categories[f.Category] += f.Bytes
			c := cats[f.Category]
			if c == nil {
				c = &report.CategoryTotal{Category: f.Category}
				cats[f.Category] = c
			}
			c.Bytes += f.Bytes
			if f.Type != "dir" && f.Status != "marker" {
				c.Files++
			}
			if hidden {
				l.HiddenBytes += f.Bytes
				l.HiddenFiles++
			}
			if f.Status == "visible" && f.Type != "dir" {
				finalFiles++
				finalBytes += f.Bytes
			}
		}
		for c, b := range l.Categories {
			if b == 0 {
				delete(l.Categories, c)
			}
		}
		l.TopPackages = nil
		layers[li] = l
		sizes[li] = l.SizeBytes
		total += l.SizeBytes
		hidden += l.HiddenBytes
		hiddenFiles += l.HiddenFiles
	}
	files := r.Files[:0:0]
	for _, entries := range perLayer {
		files = append(files, entries...)
	}
	r.Files = files
	r.Layers = layers
	r.Image.SizeBytes = total
	r.Image.FinalBytes, r.Image.FinalFiles = finalBytes, finalFiles
	r.Hidden.Bytes, r.Hidden.Files = hidden, hiddenFiles
	r.Hidden.Top = filterHidden(r.Hidden.Top, excluded)
	r.Largest.Files = filterPaths(r.Largest.Files, excluded)
	r.Largest.Dirs = filterPaths(r.Largest.Dirs, excluded)
	old := map[report.Category]report.CategoryTotal{}
	for _, c := range r.Categories {
		old[c.Category] = c
	}
	r.Categories = nil
	r.NotNeeded = 0
	for _, c := range report.Categories() {
		t := cats[c]
		if t == nil {
			continue
		}
		if total > 0 {
			t.Percent = 100 * float64(t.Bytes) / float64(total)
		}
		o := old[c]
		t.TopPackages = o.TopPackages
		t.TopRules = o.TopRules
		t.TopDirs = filterPaths(o.TopDirs, excluded)
		r.Categories = append(r.Categories, *t)
		if c.NotNeededAtRuntime() {
			r.NotNeeded += t.Bytes
		}
	}
	r.Dive = diveMetrics(perLayer, sizes)
}

// linkTargets lists the targets of one layer's visible hard links, as the
// analyzer does: a hidden file they point at is not hidden bytes.
func linkTargets(entries []report.File) map[string]bool {
	m := map[string]bool{}
	for _, f := range entries {
		if f.Type == "hardlink" && f.Status == "visible" {
			m[f.Link] = true
		}
	}
	return m
}

func filterPaths(ps []report.PathSize, excluded func(string) bool) []report.PathSize {
	out := []report.PathSize{}
	for _, p := range ps {
		if !excluded(p.Path) {
			out = append(out, p)
		}
	}
	return out
}

func filterHidden(hs []report.HiddenPath, excluded func(string) bool) []report.HiddenPath {
	out := []report.HiddenPath{}
	for _, h := range hs {
		if !excluded(h.Path) {
			out = append(out, h)
		}
	}
	return out
}

// subtractDirs takes the excluded entries' bytes out of the directory
// totals that contain them: the largest directories (visible files) and
// each category's top directories (entries of that category).
func subtractDirs(r *report.Report, gone []report.File) {
	if len(gone) == 0 {
		return
	}
	largest := indexPaths(r.Largest.Dirs)
	top := map[report.Category]map[string]int{}
	for i, c := range r.Categories {
		if len(c.TopDirs) > 0 {
			top[c.Category] = indexPaths(r.Categories[i].TopDirs)
		}
	}
	catIndex := map[report.Category]int{}
	for i, c := range r.Categories {
		catIndex[c.Category] = i
	}
	for _, f := range gone {
		visibleFile := f.Status == "visible" && f.Type != "dir"
		for d := parentDir(f.Path); d != "/"; d = parentDir(d) {
			if i, ok := largest[d]; ok && visibleFile {
				r.Largest.Dirs[i].Bytes -= f.Bytes
				r.Largest.Dirs[i].Files--
			}
			if i, ok := top[f.Category][d]; ok && f.Bytes > 0 {
				r.Categories[catIndex[f.Category]].TopDirs[i].Bytes -= f.Bytes
			}
		}
	}
}

func indexPaths(ps []report.PathSize) map[string]int {
	m := make(map[string]int, len(ps))
	for i, p := range ps {
		m[p.Path] = i
	}
	return m
}

// parentDir is path.Dir for cleaned absolute paths, stopping at "/".
func parentDir(p string) string {
	i := strings.LastIndexByte(p, '/')
	if i <= 0 {
		return "/"
	}
	return p[:i]
}
