package summary

import (
	"path"
	"sort"
	"strings"

	"github.com/slimcheck/slimcheck/analyze"
	"github.com/slimcheck/slimcheck/analyze/attribute"
	"github.com/slimcheck/slimcheck/report"
)

// oldBuild is the Build this package had before it was made cheap, kept
// verbatim (but for taking dm) as the oracle for byte-identical output.
// Build assembles the report. attr may be nil when attribution was not run;
// every byte is then os-base, except hidden bytes which are wasted.
func oldBuild(ix *analyze.Index, src Source, attr *attribute.Result, dm analyze.DiveMetrics, opts Options) *report.Report {
	if opts.Top <= 0 {
		opts.Top = 20
	}
	r := &report.Report{
		SchemaVersion: report.SchemaVersion,
		Tool:          report.Tool{Name: "slimcheck", Version: opts.ToolVersion},
		Rewrites:      []report.Rewrite{},
		Packages:      []report.Package{},
		Databases:     []report.Database{},
		Problems:      []report.Problem{},
	}
	r.Image = image(ix, src)
	cat := oldCategorizer(ix, attr)
	r.Layers = oldLayers(ix, cat, attr)
	for _, l := range r.Layers {
		r.Image.CompressedBytes += l.CompressedBytes
		r.Image.SizeBytes += l.SizeBytes
		r.Image.TarBytes += l.TarBytes
	}
	r.History = history(ix) // new since the oracle was kept; the same code on both sides
	r.Dive = Dive(dm)
	r.Hidden = oldHidden(ix, opts.Top)
	for _, rw := range ix.Rewrites {
		r.Rewrites = append(r.Rewrites, report.Rewrite(rw))
	}
	r.Largest = oldLargest(ix, cat, opts.Top)
	for _, ref := range ix.Final {
		e := ix.Entry(ref)
		if e.Type != analyze.TypeDir {
			r.Image.FinalFiles++
			r.Image.FinalBytes += e.Size
		}
	}
	r.Categories = oldCategories(ix, cat, attr, r.Image.SizeBytes)
	for _, c := range r.Categories {
		if c.Category.NotNeededAtRuntime() {
			r.NotNeeded += c.Bytes
		}
	}
	if attr != nil {
		r.Packages = append(r.Packages, attr.Packages...)
		r.Databases = append(r.Databases, attr.Databases...)
		r.Ecosystem = attr.Ecosystem
		r.Problems = append(r.Problems, attr.Problems...)
	}
	for li, l := range ix.Layers {
		for _, p := range l.Oversized {
			r.Problems = append(r.Problems, report.Problem{Path: p, Layer: li, Reason: "larger than the capture limit; not read"})
		}
	}
	if opts.Files {
		r.Files, r.Evidence = oldFiles(ix, cat, attr)
	}
	return r
}

// oldCategoryFunc returns the category and evidence index of one entry.
type oldCategoryFunc func(layer, entry int) (report.Category, int)

func oldCategorizer(ix *analyze.Index, attr *attribute.Result) oldCategoryFunc {
	return func(li, ei int) (report.Category, int) {
		if attr != nil && li < len(attr.Category) && ei < len(attr.Category[li]) {
			ev := -1
			if li < len(attr.Evidence) && ei < len(attr.Evidence[li]) {
				ev = int(attr.Evidence[li][ei])
			}
			return attr.Category[li][ei], ev
		}
		e := &ix.Layers[li].Entries[ei]
		if e.Status != analyze.Visible && e.Status != analyze.Marker {
			return report.Wasted, -1
		}
		return report.OSBase, -1
	}
}

func oldLayers(ix *analyze.Index, cat oldCategoryFunc, attr *attribute.Result) []report.Layer {
	out := make([]report.Layer, len(ix.Layers))
	for li, l := range ix.Layers {
		st := ix.Stats[li]
		rl := report.Layer{
			Index:           li,
			Digest:          l.Digest.String(),
			DiffID:          l.DiffID.String(),
			MediaType:       l.MediaType,
			CompressedBytes: l.CompressedSize,
			SizeBytes:       l.Size,
			TarBytes:        l.TarSize,
			Entries:         st.Entries,
			FilesAdded:      st.FilesAdded,
			BytesAdded:      st.BytesAdded,
			FilesModified:   st.FilesModified,
			BytesModified:   st.BytesModified,
			FilesRemoved:    st.FilesRemoved,
			BytesRemoved:    st.BytesRemoved,
			HiddenFiles:     st.HiddenFiles,
			HiddenBytes:     st.HiddenBytes,
			CreatedBy:       l.History.CreatedBy,
			Comment:         l.History.Comment,
			Created:         l.History.Created.Time,
			NoHistory:       !l.HasHistory,
			Categories:      map[report.Category]int64{},
		}
		pkgs := map[string]*report.PackageBytes{}
		for ei, e := range l.Entries {
			c, ev := cat(li, ei)
			rl.Categories[c] += e.Size
			if attr != nil && ev >= 0 && ev < len(attr.Table) && attr.Table[ev].Kind == "package" {
				t := attr.Table[ev]
				pb := pkgs[t.Manager+"/"+t.Package]
				if pb == nil {
					pb = &report.PackageBytes{Name: t.Package, Version: t.Version, Manager: t.Manager}
					pkgs[t.Manager+"/"+t.Package] = pb
				}
				pb.Bytes += e.Size
				pb.Files++
			}
		}
		for c, b := range rl.Categories {
			if b == 0 {
				delete(rl.Categories, c)
			}
		}
		rl.TopPackages = oldTopPackages(pkgs, 5)
		out[li] = rl
	}
	return out
}

func oldTopPackages(m map[string]*report.PackageBytes, n int) []report.PackageBytes {
	var out []report.PackageBytes
	for _, p := range m {
		if p.Bytes > 0 {
			out = append(out, *p)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Bytes != out[j].Bytes {
			return out[i].Bytes > out[j].Bytes
		}
		return out[i].Name < out[j].Name
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}

func oldHidden(ix *analyze.Index, top int) report.Hidden {
	h := report.Hidden{Top: []report.HiddenPath{}}
	var all []report.HiddenPath
	for li, st := range ix.Stats {
		h.Bytes += st.HiddenBytes
		h.Files += st.HiddenFiles
		for _, e := range ix.Layers[li].Entries {
			if e.Status == analyze.Visible || e.Status == analyze.Marker || e.Size == 0 {
				continue
			}
			all = append(all, report.HiddenPath{Path: e.Path, Layer: li, Bytes: e.Size, Reason: e.Status.String()})
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].Bytes > all[j].Bytes })
	if len(all) > top {
		all = all[:top]
	}
	h.Top = append(h.Top, all...)
	return h
}

func oldLargest(ix *analyze.Index, cat oldCategoryFunc, top int) report.Largest {
	var files []report.PathSize
	dirs := map[string]*report.PathSize{}
	for _, ref := range ix.Final {
		e := ix.Entry(ref)
		if e.Type == analyze.TypeDir {
			continue
		}
		c, _ := cat(int(ref.Layer), int(ref.Entry))
		files = append(files, report.PathSize{Path: e.Path, Bytes: e.Size, Layer: int(ref.Layer), Category: c})
		for _, d := range oldAncestors(e.Path, oldMaxDirDepth) {
			ps := dirs[d]
			if ps == nil {
				ps = &report.PathSize{Path: d, Layer: -1}
				dirs[d] = ps
			}
			ps.Bytes += e.Size
			ps.Files++
		}
	}
	l := report.Largest{Files: oldTopPaths(files, top)}
	var ds []report.PathSize
	for _, d := range dirs {
		ds = append(ds, *d)
	}
	l.Dirs = oldTopPaths(ds, top)
	return l
}

func oldTopPaths(ps []report.PathSize, n int) []report.PathSize {
	sort.Slice(ps, func(i, j int) bool {
		if ps[i].Bytes != ps[j].Bytes {
			return ps[i].Bytes > ps[j].Bytes
		}
		return ps[i].Path < ps[j].Path
	})
	if len(ps) > n {
		ps = ps[:n]
	}
	return append([]report.PathSize{}, ps...)
}

func oldCategories(ix *analyze.Index, cat oldCategoryFunc, attr *attribute.Result, total int64) []report.CategoryTotal {
	type agg struct {
		t     report.CategoryTotal
		pkgs  map[string]*report.PackageBytes
		rules map[string]*report.RuleBytes
		dirs  map[string]int64
	}
	aggs := map[report.Category]*agg{}
	for li, l := range ix.Layers {
		for ei, e := range l.Entries {
			c, ev := cat(li, ei)
			a := aggs[c]
			if a == nil {
				a = &agg{t: report.CategoryTotal{Category: c}, pkgs: map[string]*report.PackageBytes{}, rules: map[string]*report.RuleBytes{}, dirs: map[string]int64{}}
				aggs[c] = a
			}
			a.t.Bytes += e.Size
			if e.Type != analyze.TypeDir && e.Status != analyze.Marker {
				a.t.Files++
			}
			if e.Size == 0 {
				continue
			}
			for _, d := range oldAncestors(e.Path, oldMaxDirDepth) {
				a.dirs[d] += e.Size
			}
			if attr == nil || ev < 0 || ev >= len(attr.Table) {
				continue
			}
			switch t := attr.Table[ev]; t.Kind {
			case "package":
				k := t.Manager + "/" + t.Package
				if a.pkgs[k] == nil {
					a.pkgs[k] = &report.PackageBytes{Name: t.Package, Version: t.Version, Manager: t.Manager}
				}
				a.pkgs[k].Bytes += e.Size
				a.pkgs[k].Files++
			case "rule":
				if a.rules[t.Rule] == nil {
					a.rules[t.Rule] = &report.RuleBytes{Rule: t.Rule, Pattern: t.Pattern}
				}
				a.rules[t.Rule].Bytes += e.Size
				a.rules[t.Rule].Files++
			}
		}
	}
	var out []report.CategoryTotal
	for _, c := range report.Categories() {
		a := aggs[c]
		if a == nil {
			continue
		}
		if total > 0 {
			a.t.Percent = 100 * float64(a.t.Bytes) / float64(total)
		}
		a.t.TopPackages = oldTopPackages(a.pkgs, 5)
		a.t.TopDirs = oldTopDirs(a.dirs, 5)
		var rules []report.RuleBytes
		for _, r := range a.rules {
			rules = append(rules, *r)
		}
		sort.Slice(rules, func(i, j int) bool {
			if rules[i].Bytes != rules[j].Bytes {
				return rules[i].Bytes > rules[j].Bytes
			}
			return rules[i].Rule < rules[j].Rule
		})
		if len(rules) > 5 {
			rules = rules[:5]
		}
		a.t.TopRules = rules
		out = append(out, a.t)
	}
	return out
}

// topDirs picks the directories that best explain a category: starting
// from the second level (/usr/lib, /var/cache...), it descends into a child
// while that child holds at least 80% of its parent's bytes.
func oldTopDirs(dirs map[string]int64, n int) []report.PathSize {
	children := map[string][]string{}
	for d := range dirs {
		children[path.Dir(d)] = append(children[path.Dir(d)], d)
	}
	var picks []report.PathSize
	seen := map[string]bool{}
	for d, b := range dirs {
		if strings.Count(d, "/") != 2 && !(strings.Count(d, "/") == 1 && len(children[d]) == 0) {
			continue
		}
		cur, bytes := d, b
		for {
			var best string
			for _, c := range children[cur] {
				if dirs[c]*5 >= bytes*4 && (best == "" || dirs[c] > dirs[best]) {
					best = c
				}
			}
			if best == "" {
				break
			}
			cur, bytes = best, dirs[best]
		}
		if !seen[cur] {
			seen[cur] = true
			picks = append(picks, report.PathSize{Path: cur, Bytes: bytes, Layer: -1})
		}
	}
	return oldTopPaths(picks, n)
}

func oldFiles(ix *analyze.Index, cat oldCategoryFunc, attr *attribute.Result) ([]report.File, []report.Evidence) {
	var out []report.File
	for li, l := range ix.Layers {
		for ei, e := range l.Entries {
			c, ev := cat(li, ei)
			out = append(out, report.File{
				Path: e.Path, Layer: li, Type: e.Type.String(), Status: e.Status.String(),
				Change: changeName(e.Change), Bytes: e.Size, Mode: uint32(e.Mode), UID: e.UID, GID: e.GID,
				Link: e.Link, Category: c, Evidence: ev,
			})
		}
	}
	var table []report.Evidence
	if attr != nil {
		table = attr.Table
	}
	return out, table
}

// oldAncestors returns the directories above p, shallowest first, at most max
// of them, as substrings of p (no copies): "/a/b/c" gives "/a", "/a/b".
func oldAncestors(p string, max int) []string {
	var out []string
	for i := 1; i < len(p) && len(out) < max; i++ {
		if p[i] == '/' {
			out = append(out, p[:i])
		}
	}
	return out
}

// oldMaxDirDepth is the depth bound the oracle was written with.
const oldMaxDirDepth = 32
