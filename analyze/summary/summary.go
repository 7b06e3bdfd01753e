// Package summary turns an analyze.Index (and its attribution) into the
// plain report.Report every renderer reads.
package summary

import (
	"sort"

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

// Build assembles the report. dm is analyze.Dive(ix), computed by the
// caller (it can run alongside attribution). attr may be nil when
// attribution was not run; every byte is then os-base, except hidden bytes
// which are wasted. The cost is two passes over the index plus work in the
// number of distinct directories; no list of every file is built.
func Build(ix *analyze.Index, src Source, attr *attribute.Result, dm analyze.DiveMetrics, opts Options) *report.Report {
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
	s := newScan(ix, attr, opts.Top)
	r.Layers = layers(ix, s)
	for _, l := range r.Layers {
		r.Image.CompressedBytes += l.CompressedBytes
		r.Image.SizeBytes += l.SizeBytes
		r.Image.TarBytes += l.TarBytes
	}
	r.History = history(ix)
	r.Dive = Dive(dm)
	r.Hidden = report.Hidden{Top: s.hiddenTop()}
	for _, st := range ix.Stats {
		r.Hidden.Bytes += st.HiddenBytes
		r.Hidden.Files += st.HiddenFiles
	}
	for _, rw := range ix.Rewrites {
		r.Rewrites = append(r.Rewrites, report.Rewrite(rw))
	}
	r.Largest.Files = s.final(opts.Top, &r.Image)
	s.dirs.propagate()
	r.Largest.Dirs = s.dirs.largest(opts.Top)
	r.Categories = s.categories(r.Image.SizeBytes)
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
		r.Files, r.Evidence = files(ix, attr)
	}
	return r
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

// layers returns one report row per layer; s aggregates the entries.
func layers(ix *analyze.Index, s *scan) []report.Layer {
	out := make([]report.Layer, len(ix.Layers))
	for li, l := range ix.Layers {
		st := ix.Stats[li]
		out[li] = report.Layer{
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
		}
		s.layer(li, &out[li])
	}
	return out
}

// history lists every step of the config's history with the layer it
// created (see analyze.Index.HistoryLayers).
func history(ix *analyze.Index) []report.HistoryStep {
	out := make([]report.HistoryStep, len(ix.History))
	for h, li := range ix.HistoryLayers() {
		e := ix.History[h]
		out[h] = report.HistoryStep{CreatedBy: e.CreatedBy, Comment: e.Comment, Created: e.Created.Time, EmptyLayer: e.EmptyLayer, Layer: li}
	}
	return out
}

// Dive turns dive's metrics into the report's form.
func Dive(m analyze.DiveMetrics) report.Dive {
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

func files(ix *analyze.Index, attr *attribute.Result) ([]report.File, []report.Evidence) {
	n := 0
	for _, l := range ix.Layers {
		n += len(l.Entries)
	}
	var out []report.File
	if n > 0 {
		out = make([]report.File, 0, n)
	}
	for li, l := range ix.Layers {
		lc := classOf(attr, li)
		for ei := range l.Entries {
			e := &l.Entries[ei]
			c, ev := lc.of(ei, e)
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
