package format

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/slimcheck/slimcheck/gate"
	"github.com/slimcheck/slimcheck/report"
)

//go:embed report.html.tmpl
var htmlTemplate string

// Treemap and layer-bar geometry, in SVG user units.
const (
	mapWidth  = 1200.0
	mapHeight = 560.0
)

// categoryColors are the category colours of the HTML report (Tableau 10,
// readable on white and distinguishable in the common colour deficiencies).
var categoryColors = map[report.Category]string{
	report.Wasted:          "#e15759",
	report.BuildToolchain:  "#f28e2b",
	report.PackageCache:    "#edc948",
	report.DevDependencies: "#b07aa1",
	report.Docs:            "#9c755f",
	report.Temp:            "#bab0ac",
	report.App:             "#4e79a7",
	report.Runtime:         "#59a14f",
	report.OSBase:          "#76b7b2",
}

type htmlView struct {
	Title      string
	Image      string
	ImageLine  string
	Digest     string
	Policy     string
	Summary    gate.Summary
	Verdict    string
	Results    []htmlResult
	Tiles      []htmlTile
	MapW, MapH float64
	Legend     []htmlLegend
	Layers     []htmlLayer
	Split      *htmlSplit
	Actions    []htmlAction
	Notes      []string
	Excluded   string
	Tool       string
}

type htmlResult struct {
	Status, Label, ID, Measured, Limit, Message string
	Details                                     []string
}

type htmlTile struct {
	X, Y, W, H      string
	Color, Class    string
	Title, Label    string
	Dir             bool
	LabelX, LabelY  string
	Path, Size, Cat string
}

type htmlLegend struct {
	Category, Color, Bytes, Percent string
}

type htmlLayer struct {
	Index     int
	Size      string
	CreatedBy string
	Width     string // percent of the bar area
	Segments  []htmlSegment
}

type htmlSegment struct {
	Width, Color, Title string
}

type htmlSplit struct {
	Verdict, Base                    string
	Current, Runtime, Saved, Percent string
	RuntimeWidth                     string
	Rows                             []htmlSplitRow
	Reasons                          []string
}

type htmlSplitRow struct {
	Category, Color, Bytes, Kept, Removed string
	KeptWidth, RemovedWidth               string
}

type htmlAction struct {
	Title, Saves, Detail string
	Layer                int
}

func f1(v float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.1f", v), "0"), ".")
}

func pct(part, whole int64) float64 {
	if whole <= 0 {
		return 0
	}
	return 100 * float64(part) / float64(whole)
}

// HTML writes a self-contained report page for CI artifacts: no network
// access, CSS and JS inline. It shows the verdict and every rule, a
// treemap of the final filesystem coloured by category, the layers as
// stacked bars, the recommended split and the top actions.
func HTML(w io.Writer, in *Input, opts Options) error {
	t, err := template.New("report").Parse(htmlTemplate)
	if err != nil {
		return fmt.Errorf("parsing the HTML template: %w", err)
	}
	return t.Execute(w, newHTMLView(in, opts))
}

func newHTMLView(in *Input, opts Options) htmlView {
	s := in.Summary()
	v := htmlView{
		Title: "slimcheck ci: " + imageName(in.Report), Image: imageName(in.Report), ImageLine: imageLine(in.Report),
		Summary: s, Verdict: string(s.Verdict), MapW: mapWidth, MapH: mapHeight, Notes: in.Notes,
	}
	if in.Policy != nil {
		v.Policy = in.Policy.Source
	}
	if len(in.Excluded.Patterns) > 0 {
		v.Excluded = fmt.Sprintf("%d entries, %s (%s)", in.Excluded.Entries, report.Bytes(in.Excluded.Bytes), strings.Join(in.Excluded.Patterns, ", "))
	}
	for _, r := range in.Results {
		hr := htmlResult{Status: string(r.Status), Label: r.Status.Label(), ID: r.ID, Measured: r.MeasuredText, Limit: comparison(r), Message: r.Message}
		if r.Breached() {
			for _, d := range r.Details {
				hr.Details = append(hr.Details, detailLine(d))
			}
		}
		v.Results = append(v.Results, hr)
	}
	r := in.Report
	if r == nil {
		r = &report.Report{}
	}
	v.Digest = r.Image.Digest
	v.Tool = strings.TrimSpace(r.Tool.Name + " " + r.Tool.Version)
	for _, t := range Treemap(r, mapWidth, mapHeight) {
		if t.W < 0.5 || t.H < 0.5 {
			continue
		}
		ht := htmlTile{
			X: f1(t.X), Y: f1(t.Y), W: f1(t.W), H: f1(t.H), Color: categoryColors[t.Category], Class: "c-" + string(t.Category),
			Title: fmt.Sprintf("%s\n%s in %d files · %s", t.Path, report.Bytes(t.Bytes), t.Files, t.Category),
			Label: report.Shorten(t.Label, int(t.W/7)), Dir: t.Dir, LabelX: f1(t.X + 3), LabelY: f1(t.Y + 11),
			Path: t.Path, Size: report.Bytes(t.Bytes), Cat: string(t.Category),
		}
		if ht.Dir {
			ht.Class += " dir"
		}
		v.Tiles = append(v.Tiles, ht)
	}
	for _, c := range r.Categories {
		v.Legend = append(v.Legend, htmlLegend{Category: string(c.Category), Color: categoryColors[c.Category], Bytes: report.Bytes(c.Bytes), Percent: f1(c.Percent) + " %"})
	}
	var biggest int64
	for _, l := range r.Layers {
		biggest = max(biggest, l.SizeBytes)
	}
	for _, l := range r.Layers {
		hl := htmlLayer{Index: l.Index, Size: report.Bytes(l.SizeBytes), CreatedBy: report.Shorten(report.CreatedBy(l.CreatedBy), 160), Width: f1(pct(l.SizeBytes, biggest))}
		for _, c := range report.Categories() {
			if b := l.Categories[c]; b > 0 {
				hl.Segments = append(hl.Segments, htmlSegment{Width: f1(pct(b, l.SizeBytes)), Color: categoryColors[c], Title: fmt.Sprintf("%s: %s", c, report.Bytes(b))})
			}
		}
		v.Layers = append(v.Layers, hl)
	}
	if a := in.Advice; a != nil {
		sp := &htmlSplit{Verdict: a.Verdict, Base: a.RuntimeBase, Current: report.Bytes(a.CurrentBytes), Runtime: report.Bytes(a.RuntimeBytes),
			Saved: report.Bytes(a.SavedBytes), Percent: f1(a.SavedPercent) + " %", RuntimeWidth: f1(pct(a.RuntimeBytes, a.CurrentBytes)), Reasons: a.Reasons}
		for _, c := range a.Categories {
			sp.Rows = append(sp.Rows, htmlSplitRow{Category: string(c.Category), Color: categoryColors[c.Category], Bytes: report.Bytes(c.Bytes),
				Kept: report.Bytes(c.KeptBytes), Removed: report.Bytes(c.RemovedBytes), KeptWidth: f1(pct(c.KeptBytes, c.Bytes)), RemovedWidth: f1(pct(c.RemovedBytes, c.Bytes))})
		}
		v.Split = sp
	}
	for _, a := range topActions(in.Advice, opts.actions()) {
		saves := ""
		if a.Bytes > 0 {
			saves = report.Bytes(a.Bytes)
		}
		v.Actions = append(v.Actions, htmlAction{Title: a.Title, Saves: saves, Detail: a.Detail, Layer: a.Layer})
	}
	return v
}
