package gate

import (
	"sort"

	"github.com/slimcheck/slimcheck/recommend"
)

// FromPlan extracts the Advice from a plan: the split (when proposed) as the
// first action, then the quick wins by bytes saved.
func FromPlan(p *recommend.PlanResult) *Advice {
	if p == nil {
		return nil
	}
	e := p.Estimate
	a := &Advice{
		Verdict:      string(p.Verdict),
		Reasons:      append([]string(nil), p.Reasons...),
		CurrentBytes: e.CurrentBytes,
		RuntimeBytes: e.RuntimeBytes,
		SavedBytes:   e.SavedBytes,
		SavedPercent: e.SavedPercent,
		Actions:      []Action{},
		Secrets:      []Secret{},
	}
	if p.Runtime != nil {
		a.RuntimeBase = p.Runtime.Image
	}
	for _, c := range e.Categories {
		a.Categories = append(a.Categories, CategorySplit(c))
		a.RemovedBytes += c.RemovedBytes
	}
	if p.Verdict != recommend.Split {
		// No split is proposed: it would remove and save nothing.
		a.RuntimeBytes, a.SavedBytes, a.SavedPercent, a.RemovedBytes = a.CurrentBytes, 0, 0, 0
	}
	if a.HasSplit() {
		title := "Split the build into a builder stage and a runtime stage"
		if a.RuntimeBase != "" {
			title += " on " + a.RuntimeBase
		}
		a.Actions = append(a.Actions, Action{ID: "split", Title: title, Bytes: a.SavedBytes, Layer: -1})
	}
	wins := append([]recommend.QuickWin(nil), p.QuickWins...)
	sort.SliceStable(wins, func(i, j int) bool { return wins[i].Bytes > wins[j].Bytes })
	for _, w := range wins {
		a.Actions = append(a.Actions, Action{ID: w.ID, Title: w.Advice, Bytes: w.Bytes, Layer: w.Layer, Detail: w.Fix})
	}
	for _, f := range p.Findings {
		if f.Kind == "secret-env" {
			a.Secrets = append(a.Secrets, Secret{Message: f.Message, Path: f.Path, Layer: f.Layer})
		}
	}
	return a
}
