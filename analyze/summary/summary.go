// Package summary turns an analyze.Index (and its attribution) into the
// plain report.Report every renderer reads.
package summary

import (
	"path"
	"sort"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/slimcheck/slimcheck/analyze"
	"github.com/slimcheck/slimcheck/analyze/attribute"
	"github.com/slimcheck/slimcheck/report"
)

// Source describes where the image came from.
type Source struct {
	Reference string // as typed
	Kind      string // registry, docker-archive, oci, docker
	Name      string // resolved name or path
	Digest    string // manifest digest, when known
	Platform  string // os/arch[/variant]
}

// Options tunes Build.
type Options struct {
	Top         int    // rows in top-N lists; 0 means 20
	Files       bool   // include every entry in Report.Files
	ToolVersion string // written to Report.Tool
}

// Build assembles the report. attr may be nil when attribution was not run;
// every byte is then os-base, except hidden bytes which are wasted.
func Build(ix *analyze.Index, src Source, attr *attribute.Result, opts Options) *report.Report {
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
	cat := categorizer(ix, attr)
	r.Layers = layers(ix, cat, attr)
	for _, l := range r.Layers {
		r.Image.CompressedBytes += l.CompressedBytes
		r.Image.SizeBytes += l.SizeBytes
		r.Image.TarBytes += l.TarBytes
	}
	r.Dive = dive(analyze.Dive(ix))
	r.Hidden = hidden(ix, opts.Top)
	for _, rw := range ix.Rewrites {
		r.Rewrites = append(r.Rewrites, report.Rewrite(rw))
	}
	r.Largest = largest(ix, cat, opts.Top)
	for _, ref := range ix.Final {
		e := ix.Entry(ref)
		if e.Type != analyze.TypeDir {
			r.Image.FinalFiles++
			r.Image.FinalBytes += e.Size
		}
	}
	r.Categories = categories(ix, cat, attr, r.Image.SizeBytes)
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
		r.Files, r.Evidence = files(ix, cat, attr)
	}
	return r
}

// categoryFunc returns the category and evidence index of one entry.
type categoryFunc func(layer, entry int) (report.Category, int)

func categorizer(ix *analyze.Index, attr *attribute.Result) categoryFunc {
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

func image(ix *analyze.Index, src Source) report.Image {
	img := report.Image{
		Reference: src.Reference,
		Source:    src.Kind,
		Name:      src.Name,
		Digest:    src.Digest,
		Platform:  src.Platform,
	}
	cfg := ix.Config
	if cfg == nil {
		return img
	}
	if img.Platform == "" && cfg.OS != "" {
		img.Platform = cfg.OS + "/" + cfg.Architecture
		if cfg.Variant != "" {
			img.Platform += "/" + cfg.Variant
		}
	}
	img.Created = cfg.Created.Time
	img.Config = config(cfg.Config)
	return img
}

func config(c v1.Config) report.Config {
	rc := report.Config{
		Entrypoint: c.Entrypoint,
		Cmd:        c.Cmd,
		WorkingDir: c.WorkingDir,
		Env:        c.Env,
		User:       c.User,
		Labels:     c.Labels,
		StopSignal: c.StopSignal,
		Shell:      c.Shell,
	}
	for p := range c.ExposedPorts {
		rc.ExposedPorts = append(rc.ExposedPorts, p)
	}
	sort.Strings(rc.ExposedPorts)
	for v := range c.Volumes {
		rc.Volumes = append(rc.Volumes, v)
	}
	sort.Strings(rc.Volumes)
	if h := c.Healthcheck; h != nil {
		rc.Healthcheck = &report.Healthcheck{Test: h.Test, Interval: h.Interval, Timeout: h.Timeout, StartPeriod: h.StartPeriod, Retries: h.Retries}
	}
	return rc
}

func layers(ix *analyze.Index, cat categoryFunc, attr *attribute.Result) []report.Layer {
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
		rl.TopPackages = topPackages(pkgs, 5)
		out[li] = rl
	}
	return out
}

func topPackages(m map[string]*report.PackageBytes, n int) []report.PackageBytes {
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

func dive(m analyze.DiveMetrics) report.Dive {
	d := report.Dive{
		Efficiency:        m.Efficiency,
		SizeBytes:         m.SizeBytes,
		UserSizeBytes:     m.UserSizeBytes,
		WastedBytes:       m.WastedBytes,
		UserWastedPercent: m.UserWastedPercent,
		InefficientFiles:  []report.Inefficiency{},
	}
	for _, f := range m.Inefficient {
		d.InefficientFiles = append(d.InefficientFiles, report.Inefficiency(f))
	}
	return d
}

func hidden(ix *analyze.Index, top int) report.Hidden {
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

func largest(ix *analyze.Index, cat categoryFunc, top int) report.Largest {
	var files []report.PathSize
	dirs := map[string]*report.PathSize{}
	for _, ref := range ix.Final {
		e := ix.Entry(ref)
		if e.Type == analyze.TypeDir {
			continue
		}
		c, _ := cat(int(ref.Layer), int(ref.Entry))
		files = append(files, report.PathSize{Path: e.Path, Bytes: e.Size, Layer: int(ref.Layer), Category: c})
		for _, d := range ancestors(e.Path, maxDirDepth) {
			ps := dirs[d]
			if ps == nil {
				ps = &report.PathSize{Path: d, Layer: -1}
				dirs[d] = ps
			}
			ps.Bytes += e.Size
			ps.Files++
		}
	}
	l := report.Largest{Files: topPaths(files, top)}
	var ds []report.PathSize
	for _, d := range dirs {
		ds = append(ds, *d)
	}
	l.Dirs = topPaths(ds, top)
	return l
}

func topPaths(ps []report.PathSize, n int) []report.PathSize {
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

func categories(ix *analyze.Index, cat categoryFunc, attr *attribute.Result, total int64) []report.CategoryTotal {
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
			for _, d := range ancestors(e.Path, maxDirDepth) {
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
		a.t.TopPackages = topPackages(a.pkgs, 5)
		a.t.TopDirs = topDirs(a.dirs, 5)
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
func topDirs(dirs map[string]int64, n int) []report.PathSize {
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
	return topPaths(picks, n)
}

func files(ix *analyze.Index, cat categoryFunc, attr *attribute.Result) ([]report.File, []report.Evidence) {
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

func changeName(c analyze.Change) string {
	switch c {
	case analyze.Added:
		return "added"
	case analyze.Modified:
		return "modified"
	default:
		return "removal"
	}
}

// maxDirDepth bounds the directory levels aggregated for the largest and
// top-directory lists: deeper levels add nothing a reader can use, and a
// hostile path of 100k components would otherwise cost quadratic time.
const maxDirDepth = 32

// ancestors returns the directories above p, shallowest first, at most max
// of them, as substrings of p (no copies): "/a/b/c" gives "/a", "/a/b".
func ancestors(p string, max int) []string {
	var out []string
	for i := 1; i < len(p) && len(out) < max; i++ {
		if p[i] == '/' {
			out = append(out, p[:i])
		}
	}
	return out
}
