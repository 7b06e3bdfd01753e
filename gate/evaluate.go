package gate

import (
	"fmt"
	"math"
	"strconv"

	"github.com/slimcheck/slimcheck/report"
)

// Input is what Evaluate checks.
type Input struct {
	// Report is the image, after Exclude when the policy has ignore-paths.
	Report *report.Report
	// Advice is the recommendation for Report; nil when none was made, in
	// which case AdviceNote says why.
	Advice     *Advice
	AdviceNote string
	// Baseline is the baseline image (after the same Exclude); nil without one.
	Baseline *report.Report
}

// Evaluate checks in against p and returns one result per configured rule,
// in the order of Keys (per-category rules in category order). dive's three
// rules are always listed, disabled ones as skipped, as dive lists them.
func Evaluate(in Input, p *Policy) []Result {
	e := evaluator{in: in, p: p, r: in.Report}
	if e.r == nil {
		e.r = &report.Report{}
	}
	var out []Result
	add := func(r *Result) {
		if r != nil {
			out = append(out, *r)
		}
	}
	add(e.bytesRule("max-size", "image size (all layers' file sizes)", p.MaxSize, e.r.Image.SizeBytes, nil))
	add(e.bytesRule("max-compressed-size", "compressed size (stored layer blobs)", p.MaxCompressedSize, e.r.Image.CompressedBytes, nil))
	add(e.maxLayers())
	add(e.lowestEfficiency())
	add(e.highestWastedBytes())
	add(e.highestUserWastedPercent())
	add(e.bytesRule("max-hidden-bytes", "bytes stored but hidden in the final filesystem", p.MaxHiddenBytes, e.r.Hidden.Bytes, e.hiddenDetails()))
	out = append(out, e.categoryRules()...)
	add(e.bytesRule("max-dev-dependencies", "bytes of dev dependencies", p.MaxDevDependencies, e.categoryBytes(report.DevDependencies), e.categoryDetails(report.DevDependencies)))
	add(e.maxRemovable())
	add(e.minSavings())
	add(e.maxGrowth())
	add(e.secrets())
	return out
}

type evaluator struct {
	in Input
	p  *Policy
	r  *report.Report
}

// newResult starts a result for an enabled limit.
func newResult(id, rule, title string, l Limit) *Result {
	return &Result{ID: id, Rule: rule, Title: title, Level: l.Level, Unit: l.Unit, Limit: l.number(), LimitText: l.String(), Comparison: "measured <= limit"}
}

// breach sets the status for a rule that was breached, by its level.
func (res *Result) breach(msg string) {
	res.Status = Fail
	if res.Level == LevelWarn {
		res.Status = Warn
	}
	res.Message = msg
}

func (res *Result) skip(msg string) *Result {
	res.Status, res.Message = Skip, msg
	return res
}

func (res *Result) pass(msg string) {
	res.Status, res.Message = Pass, msg
}

// ratioSkip says why a ratio rule is skipped on a small image, or "".
func (e *evaluator) ratioSkip() string {
	if m := e.p.MinSizeForRatioRules; m > 0 && e.r.Image.SizeBytes < m {
		return fmt.Sprintf("skipped: the image (%s) is smaller than min-size-for-ratio-rules (%s)", report.Bytes(e.r.Image.SizeBytes), report.Bytes(m))
	}
	return ""
}

// bytesRule fails when measured > limit.
func (e *evaluator) bytesRule(id, title string, l Limit, measured int64, details []Detail) *Result {
	if !l.Enabled() {
		return nil
	}
	res := newResult(id, id, title, l)
	res.Measured, res.MeasuredText = float64(measured), report.Bytes(measured)
	res.Details = details
	if measured > l.Bytes {
		res.breach(fmt.Sprintf("%s is %s, more than the limit of %s", title, report.Bytes(measured), report.Bytes(l.Bytes)))
	} else {
		res.pass(fmt.Sprintf("%s is %s, within the limit of %s", title, report.Bytes(measured), report.Bytes(l.Bytes)))
	}
	return res
}

func (e *evaluator) maxLayers() *Result {
	l := e.p.MaxLayers
	if !l.Enabled() {
		return nil
	}
	n := len(e.r.Layers)
	res := newResult("max-layers", "max-layers", "number of layers", l)
	res.Measured, res.MeasuredText = float64(n), strconv.Itoa(n)
	if float64(n) > l.Value {
		res.breach(fmt.Sprintf("the image has %d layers, more than the limit of %s", n, l.String()))
	} else {
		res.pass(fmt.Sprintf("the image has %d layers, within the limit of %s", n, l.String()))
	}
	return res
}

// diveResult lists a dive rule even when disabled, as dive does.
func diveResult(key, title string, l Limit) *Result {
	res := newResult(key, key, title, l)
	if !l.Enabled() {
		res.Level = LevelOff
		res.LimitText = "disabled"
		return res.skip("rule disabled")
	}
	return res
}

func (e *evaluator) lowestEfficiency() *Result {
	l := e.p.LowestEfficiency
	res := diveResult("lowestEfficiency", "dive's image efficiency", l)
	res.Comparison = "measured >= limit"
	if res.Status == Skip {
		return res
	}
	if s := e.ratioSkip(); s != "" {
		return res.skip(s)
	}
	eff := e.r.Dive.Efficiency
	res.Measured, res.MeasuredText = finite(eff), formatRatio(eff)
	// dive: if lowestEfficiency > analysis.Efficiency { fail }
	if l.Value > eff {
		res.breach(fmt.Sprintf("image efficiency is too low (efficiency=%s < threshold=%s)", formatRatio(eff), l.Text))
	} else {
		res.pass(fmt.Sprintf("image efficiency is %s (threshold %s)", formatRatio(eff), l.Text))
	}
	return res
}

func (e *evaluator) highestWastedBytes() *Result {
	l := e.p.HighestWastedBytes
	res := diveResult("highestWastedBytes", "dive's wasted bytes", l)
	if res.Status == Skip {
		return res
	}
	w := e.r.Dive.WastedBytes
	res.Measured, res.MeasuredText = float64(w), report.Bytes(w)
	res.Details = e.inefficientDetails()
	// dive: if analysis.WastedBytes > highestWastedBytes { fail }
	if w > l.Bytes {
		res.breach(fmt.Sprintf("too many bytes wasted (wasted-bytes=%d > threshold=%d)", w, l.Bytes))
	} else {
		res.pass(fmt.Sprintf("wasted bytes are %d (threshold %d)", w, l.Bytes))
	}
	return res
}

// DiveUserWastedPercent is dive's wasted bytes / user bytes ratio exactly as
// dive computes it, NaN and +Inf included when there are no user bytes
// (the report stores 0 there, as JSON cannot hold either).
func DiveUserWastedPercent(d report.Dive) float64 {
	return float64(d.WastedBytes) / float64(d.UserSizeBytes)
}

func (e *evaluator) highestUserWastedPercent() *Result {
	l := e.p.HighestUserWastedPercent
	res := diveResult("highestUserWastedPercent", "dive's wasted bytes relative to the bytes added after the first layer", l)
	if res.Status == Skip {
		return res
	}
	if s := e.ratioSkip(); s != "" {
		return res.skip(s)
	}
	v := DiveUserWastedPercent(e.r.Dive)
	res.Measured, res.MeasuredText = finite(v), formatRatio(v)
	res.Details = e.inefficientDetails()
	// dive: if highestUserWastedPercent < analysis.WastedUserPercent { fail }
	if l.Value < v {
		res.breach(fmt.Sprintf("too many bytes wasted, relative to the user bytes added (%%-user-wasted-bytes=%s > threshold=%s)", formatRatio(v), l.Text))
	} else {
		res.pass(fmt.Sprintf("user wasted percent is %s (threshold %s)", formatRatio(v), l.Text))
	}
	return res
}

func finite(f float64) float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0
	}
	return f
}

func formatRatio(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN (no user bytes)"
	case math.IsInf(f, 1):
		return "+Inf (wasted bytes but no user bytes)"
	}
	return strconv.FormatFloat(f, 'f', 4, 64)
}

func (e *evaluator) inefficientDetails() []Detail {
	var out []Detail
	for i, f := range e.r.Dive.InefficientFiles {
		if i == 5 {
			break
		}
		out = append(out, Detail{Kind: "path", Name: f.Path, Bytes: f.CumulativeSize, Layer: -1, Note: fmt.Sprintf("%d copies", f.Count)})
	}
	return out
}

func (e *evaluator) hiddenDetails() []Detail {
	var out []Detail
	for i, h := range e.r.Hidden.Top {
		if i == 5 {
			break
		}
		out = append(out, Detail{Kind: "path", Name: h.Path, Bytes: h.Bytes, Layer: h.Layer, Note: h.Reason})
	}
	return out
}

func (e *evaluator) categoryBytes(c report.Category) int64 {
	var n int64
	for _, t := range e.r.Categories {
		if t.Category == c {
			n += t.Bytes
		}
	}
	return n
}

// categoryDetails names where a category's bytes are: its top directories
// and packages.
func (e *evaluator) categoryDetails(c report.Category) []Detail {
	var out []Detail
	for _, t := range e.r.Categories {
		if t.Category != c {
			continue
		}
		for i, d := range t.TopDirs {
			if i == 5 {
				break
			}
			out = append(out, Detail{Kind: "path", Name: d.Path, Bytes: d.Bytes, Layer: -1})
		}
		for i, p := range t.TopPackages {
			if i == 5 {
				break
			}
			name := p.Name
			if p.Version != "" {
				name += " " + p.Version
			}
			out = append(out, Detail{Kind: "package", Name: name, Bytes: p.Bytes, Layer: -1, Note: p.Manager})
		}
	}
	return out
}

// categoryRules gives forbid/<category> for each forbidden category (its
// tolerance from max-category) and max-category/<category> for the others.
func (e *evaluator) categoryRules() []Result {
	var out []Result
	forbidden := map[report.Category]bool{}
	if e.p.Forbid.Level.Enabled() {
		for _, c := range e.p.Forbid.Categories {
			forbidden[c] = true
			tol := Limit{Level: e.p.Forbid.Level, Unit: UnitBytes, Text: "0"}
			if l, ok := e.p.MaxCategory[c]; ok && l.Enabled() {
				tol.Bytes, tol.Text = l.Bytes, l.Text
			}
			title := fmt.Sprintf("bytes of the forbidden category %s", c)
			res := e.bytesRule("forbid/"+string(c), title, tol, e.categoryBytes(c), e.categoryDetails(c))
			res.Rule = "forbid"
			out = append(out, *res)
		}
	}
	for _, c := range sortedCategories(e.p.MaxCategory) {
		l := e.p.MaxCategory[c]
		if forbidden[c] || !l.Enabled() {
			continue
		}
		res := e.bytesRule("max-category/"+string(c), fmt.Sprintf("bytes of category %s", c), l, e.categoryBytes(c), e.categoryDetails(c))
		res.Rule = "max-category"
		out = append(out, *res)
	}
	return out
}

// amountRule checks a bytes-or-percent limit; percent limits are ratio
// rules, skipped on small images.
func (e *evaluator) amountRule(key, title string, l Limit, bytes int64, percent float64, whole string) *Result {
	res := newResult(key, key, title, l)
	if l.Unit == UnitPercent {
		if s := e.ratioSkip(); s != "" {
			return res.skip(s)
		}
		res.Measured, res.MeasuredText = finite(percent), formatPercent(percent)
		if percent > l.Value {
			res.breach(fmt.Sprintf("%s is %s (%s of %s), more than the limit of %s", title, formatPercent(percent), report.Bytes(bytes), whole, l.String()))
		} else {
			res.pass(fmt.Sprintf("%s is %s (%s of %s), within the limit of %s", title, formatPercent(percent), report.Bytes(bytes), whole, l.String()))
		}
		return res
	}
	res.Measured, res.MeasuredText = float64(bytes), report.Bytes(bytes)
	if bytes > l.Bytes {
		res.breach(fmt.Sprintf("%s is %s, more than the limit of %s", title, report.Bytes(bytes), report.Bytes(l.Bytes)))
	} else {
		res.pass(fmt.Sprintf("%s is %s, within the limit of %s", title, report.Bytes(bytes), report.Bytes(l.Bytes)))
	}
	return res
}

func formatPercent(p float64) string {
	switch {
	case math.IsNaN(p):
		return "NaN"
	case math.IsInf(p, 1):
		return "+Inf %"
	}
	return strconv.FormatFloat(p, 'f', 1, 64) + " %"
}

// noAdvice skips a plan rule when there is no recommendation.
func (e *evaluator) noAdvice(res *Result) *Result {
	note := e.in.AdviceNote
	if note == "" {
		note = "no recommendation was made"
	}
	return res.skip("skipped: " + note)
}

func (e *evaluator) maxRemovable() *Result {
	l := e.p.MaxRemovable
	if !l.Enabled() {
		return nil
	}
	title := "bytes the recommended split leaves behind"
	a := e.in.Advice
	if a == nil {
		return e.noAdvice(newResult("max-removable", "max-removable", title, l))
	}
	var pct float64
	if a.CurrentBytes > 0 {
		pct = 100 * float64(a.RemovedBytes) / float64(a.CurrentBytes)
	}
	res := e.amountRule("max-removable", title, l, a.RemovedBytes, pct, "the image")
	res.Details = e.splitDetails()
	return res
}

func (e *evaluator) minSavings() *Result {
	l := e.p.MinSavings
	if !l.Enabled() {
		return nil
	}
	title := "saving of the recommended split"
	a := e.in.Advice
	if a == nil {
		return e.noAdvice(newResult("min-savings", "min-savings", title, l))
	}
	res := e.amountRule("min-savings", title, l, a.SavedBytes, a.SavedPercent, "the image")
	res.Details = e.splitDetails()
	return res
}

func (e *evaluator) splitDetails() []Detail {
	a := e.in.Advice
	var out []Detail
	for _, c := range a.Categories {
		if c.RemovedBytes > 0 {
			out = append(out, Detail{Kind: "category", Name: string(c.Category), Bytes: c.RemovedBytes, Layer: -1, Note: "removed"})
		}
	}
	if !a.HasSplit() && len(a.Reasons) > 0 {
		out = append(out, Detail{Kind: "note", Name: a.Reasons[0], Layer: -1})
	}
	return out
}

func (e *evaluator) maxGrowth() *Result {
	l := e.p.MaxGrowth
	if !l.Enabled() {
		return nil
	}
	title := "growth against the baseline"
	if e.in.Baseline == nil {
		res := newResult("max-growth", "max-growth", title, l)
		return res.skip("skipped: no baseline image was given (baseline: REF or --baseline REF)")
	}
	g := Compare(e.r, e.in.Baseline)
	pct := g.Percent
	if g.BaseBytes == 0 && g.DeltaBytes > 0 {
		pct = math.Inf(1)
	}
	res := e.amountRule("max-growth", title, l, g.DeltaBytes, pct, g.BaseReference+" ("+report.Bytes(g.BaseBytes)+")")
	res.Details = g.grewDetails(5)
	return res
}

func (e *evaluator) secrets() *Result {
	lv := e.p.SecretsInEnv
	if !lv.Enabled() {
		return nil
	}
	res := &Result{ID: "secrets-in-env", Rule: "secrets-in-env", Title: "secret-looking ENV values in the image config", Level: lv, Unit: UnitCount, LimitText: "0", Comparison: "measured <= limit"}
	a := e.in.Advice
	if a == nil {
		return e.noAdvice(res)
	}
	n := len(a.Secrets)
	res.Measured, res.MeasuredText = float64(n), strconv.Itoa(n)
	for _, s := range a.Secrets {
		res.Details = append(res.Details, Detail{Kind: "env", Name: s.Message, Layer: s.Layer, Note: s.Path})
	}
	if n > 0 {
		res.breach(fmt.Sprintf("%d secret-looking ENV value(s) in the image config; anyone who pulls the image can read them", n))
	} else {
		res.pass("no secret-looking ENV values")
	}
	return res
}
