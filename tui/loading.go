package tui

import (
	"strings"

	"github.com/slimcheck/slimcheck/report"
)

// progressMsg carries a load's progress into the model.
type progressMsg Progress

// loadedMsg ends loading.
type loadedMsg struct {
	rep   *report.Report
	rec   *Recommendation
	err   error
	write func(dir string, overwrite bool) ([]string, error) // rec.Write bound to Run's context
}

// loadingModel is the loading screen: the image reference and a progress
// bar of bytes pulled and layers walked.
type loadingModel struct {
	ref  string
	last Progress
}

func newLoading(ref string) loadingModel { return loadingModel{ref: ref} }

// progressBar draws fraction f over w cells with a percentage.
func progressBar(st *Styles, f float64, w int) string {
	bw := max(1, w-7)
	n := int(f*float64(bw) + 0.5)
	full, empty := "█", "░"
	if !st.Color {
		full, empty = "#", "."
	}
	return st.BorderFocused.Render(strings.Repeat(full, n)) + st.Dim.Render(strings.Repeat(empty, bw-n)) +
		rightAlign(itoa(int(f*100))+" %", 7)
}

// Update takes a progress snapshot. Fields only grow: snapshots from
// concurrent walkers may arrive out of order.
func (m loadingModel) Update(p progressMsg) loadingModel {
	if p.Stage != "" {
		m.last.Stage = p.Stage
	}
	m.last.Layers = max(m.last.Layers, p.Layers)
	m.last.LayersDone = max(m.last.LayersDone, p.LayersDone)
	m.last.BytesRead = max(m.last.BytesRead, p.BytesRead)
	m.last.BytesTotal = max(m.last.BytesTotal, p.BytesTotal)
	return m
}

// fraction is how far the load is, by bytes when the total is known, else
// by layers.
func (m loadingModel) fraction() float64 {
	p := m.last
	switch {
	case p.BytesTotal > 0:
		return min(1, float64(p.BytesRead)/float64(p.BytesTotal))
	case p.Layers > 0:
		return min(1, float64(p.LayersDone)/float64(p.Layers))
	}
	return 0
}

// View draws the loading screen centred in w×h.
func (m loadingModel) View(st *Styles, keys KeyMap, w, h int) string {
	bw := min(60, max(10, w-8))
	p := m.last
	stage := p.Stage
	if stage == "" {
		stage = "opening the image"
	}
	bytes := report.Bytes(p.BytesRead) + " pulled"
	if p.BytesTotal > 0 {
		bytes = report.Bytes(p.BytesRead) + " / " + report.Bytes(p.BytesTotal) + " pulled"
	}
	layers := "layers: " + itoa(p.LayersDone) + " walked"
	if p.Layers > 0 {
		layers = "layers: " + itoa(p.LayersDone) + " / " + itoa(p.Layers) + " walked"
	}
	lines := []string{
		st.Title.Render("slimcheck") + "  " + fit(m.ref, bw-11),
		"",
		progressBar(st, m.fraction(), bw),
		"",
		fit(bytes+" · "+layers, bw),
		st.Dim.Render(fit(stage+"…", bw)),
		"",
		st.Dim.Render(keys.Cancel.Help().Key + " " + keys.Cancel.Help().Desc),
	}
	top := max(0, (h-len(lines))/2)
	left := strings.Repeat(" ", max(0, (w-bw)/2))
	var b strings.Builder
	for i := 0; i < h; i++ {
		if i > 0 {
			b.WriteByte('\n')
		}
		if j := i - top; j >= 0 && j < len(lines) {
			b.WriteString(fit(left+lines[j], w))
		} else {
			b.WriteString(strings.Repeat(" ", w))
		}
	}
	return b.String()
}
