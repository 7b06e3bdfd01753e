package tui

import (
	"github.com/slimcheck/slimcheck/report"
)

// data is the loaded report with the indexes the panes read. It is built
// once when the report arrives and never changes, so tea.Cmds may read it
// from other goroutines.
type data struct {
	rep     *report.Report
	byLayer [][]int32 // indexes into rep.Files, per layer, in report order
	rec     *Recommendation
}

// newData indexes r. Entries naming a layer the report does not have are
// ignored.
func newData(r *report.Report, rec *Recommendation) *data {
	d := &data{rep: r, rec: rec, byLayer: make([][]int32, len(r.Layers))}
	for i := range r.Files {
		l := r.Files[i].Layer
		if l < 0 || l >= len(r.Layers) {
			continue
		}
		d.byLayer[l] = append(d.byLayer[l], int32(i))
	}
	return d
}

// last is the index of the top layer (-1 for an image without layers).
func (d *data) last() int { return len(d.rep.Layers) - 1 }

// hasFiles reports whether the report carries its file list.
func (d *data) hasFiles() bool { return len(d.rep.Files) > 0 }

// scopeMode says how a layer scopes the panes.
type scopeMode uint8

const (
	upToLayer scopeMode = iota // the image as it stands after the layer
	layerOnly                  // only what the layer itself changed
)

// scope is what the Breakdown and Files panes show: the image up to a
// layer, or one layer's changes.
type scope struct {
	layer int
	mode  scopeMode
}

// whole reports whether s is the whole image (every layer, stacked).
func (s scope) whole(d *data) bool { return s.mode == upToLayer && s.layer >= d.last() }

// label describes s for pane titles.
func (s scope) label(d *data) string {
	switch {
	case s.whole(d):
		return "whole image"
	case s.mode == layerOnly:
		return "layer " + itoa(s.layer) + " only"
	case s.layer == 0:
		return "layer 0"
	}
	return "layers 0–" + itoa(s.layer)
}
