package recommend

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/slimcheck/slimcheck/report"
)

// TextOptions tunes WriteText.
type TextOptions struct {
	Top int // rows in long lists (exclusions, dropped settings); 0 means 10
}

// WriteJSON writes the plan as indented JSON with sorted map keys.
func WriteJSON(w io.Writer, p *PlanResult) error { return report.WriteJSON(w, p) }

// WriteText writes the plan for people.
func WriteText(w io.Writer, p *PlanResult, o TextOptions) error {
	if o.Top <= 0 {
		o.Top = 10
	}
	t := &textOut{w: w, top: o.Top}
	t.header(p)
	t.estimate(p)
	if p.Runtime != nil {
		t.runtime(p)
		t.builder(p)
		t.copySet(p)
		t.config(p)
	}
	t.quickWins(p)
	t.findings(p)
	return t.err
}

type textOut struct {
	w   io.Writer
	top int
	err error
}

func (t *textOut) printf(format string, a ...any) {
	if t.err == nil {
		_, t.err = fmt.Fprintf(t.w, format, a...)
	}
}

func (t *textOut) section(title string) { t.printf("\n%s\n", title) }

func (t *textOut) header(p *PlanResult) {
	e := p.Ecosystem
	what := e.Name
	if what == "" {
		what = "unknown ecosystem"
	}
	if e.Version != "" {
		what += " " + e.Version
	}
	if e.AppDir != "" {
		what += ", app " + e.AppDir
	}
	if e.StaticBinary != "" {
		what += ", binary " + e.StaticBinary
	}
	t.printf("Recommendation for %s (%s)\n", p.Image.Reference, what)
	t.printf("Verdict: %s\n", p.Verdict)
	for _, r := range p.Reasons {
		t.printf("  %s\n", r)
	}
}

func (t *textOut) estimate(p *PlanResult) {
	e := p.Estimate
	t.section("Estimate")
	t.printf("  %-16s %10s\n", "today", report.Bytes(e.CurrentBytes))
	if p.Runtime == nil {
		return
	}
	src := e.BaseSource
	if p.Runtime.Size.Recorded != "" && src == "catalog" {
		src += ", recorded " + p.Runtime.Size.Recorded
	}
	t.printf("  %-16s %10s  %s (%s)\n", "runtime base", report.Bytes(e.BaseBytes), p.Runtime.Image, src)
	t.printf("  %-16s %10s  %d files\n", "+ copied", report.Bytes(e.CopiedBytes), e.CopiedFiles)
	t.printf("  %-16s %10s  saves %s (%.1f %%)\n", "= runtime", report.Bytes(e.RuntimeBytes), report.Bytes(e.SavedBytes), e.SavedPercent)
	t.printf("  %-16s %10s %10s %10s\n", "by category", "today", "kept", "left out")
	for _, c := range e.Categories {
		if c.Bytes == 0 && c.KeptBytes == 0 {
			continue
		}
		note := ""
		if (c.Category == report.OSBase || c.Category == report.Runtime) && c.RemovedBytes > 0 {
			note = "  (replaced by the runtime base)"
		}
		t.printf("  %-16s %10s %10s %10s%s\n", c.Category, report.Bytes(c.Bytes), report.Bytes(c.KeptBytes), report.Bytes(c.RemovedBytes), note)
	}
}

func (t *textOut) runtime(p *PlanResult) {
	r := p.Runtime
	t.section("Runtime base: " + r.Image)
	if len(r.Why) > 0 {
		t.printf("  why: %s\n", strings.Join(r.Why, "; "))
	}
	t.printf("  size: %s uncompressed, %s compressed (%s)", report.Bytes(r.Size.SizeBytes), report.Bytes(r.Size.CompressedBytes), r.Size.Source)
	if r.Size.Note != "" {
		t.printf(": %s", r.Size.Note)
	}
	t.printf("\n")
	for _, a := range p.Alternatives {
		t.printf("  alternative: %s (%s, %s)\n", a.Image, a.Family, report.Bytes(a.Size.SizeBytes))
	}
	for _, rj := range p.Rejected {
		t.printf("  not %s: %s\n", rj.Image, rj.Reason)
	}
}

func (t *textOut) builder(p *PlanResult) {
	b := p.Builder
	t.section("Builder stage: FROM " + b.From)
	if b.FromNote != "" {
		t.printf("  %s\n", b.FromNote)
	}
	replayed := 0
	for _, s := range b.Steps {
		if s.Replay {
			replayed++
		}
	}
	t.printf("  %d steps replayed, %d kept as comments\n", replayed, len(b.Steps)-replayed)
	for _, c := range b.Prune {
		t.printf("  prune: %s\n", c)
	}
	if len(b.Remove) > 0 {
		t.printf("  then removes %d paths the runtime stage must not copy (see exclusions)\n", len(b.Remove))
	}
}

func (t *textOut) copySet(p *PlanResult) {
	c := p.Copy
	t.section(fmt.Sprintf("Copied to the runtime stage: %d files, %s", c.Files, report.Bytes(c.Bytes)))
	for _, in := range c.Include {
		chown := ""
		if in.Chown != "" {
			chown = " --chown=" + in.Chown
		}
		from := ""
		if in.Resolved != "" {
			from = " (from " + in.Resolved + ")"
		}
		t.printf("  %-44s %10s%s  %s%s\n", in.Path, report.Bytes(in.Bytes), chown, in.Reason, from)
	}
	if len(c.Exclude) > 0 {
		ex := append([]Exclusion(nil), c.Exclude...)
		sort.SliceStable(ex, func(i, j int) bool { return ex[i].Bytes > ex[j].Bytes })
		var total int64
		for _, e := range ex {
			total += e.Bytes
		}
		t.printf("  left out (%d paths, %s):\n", len(ex), report.Bytes(total))
		for i, e := range ex {
			if i == t.top {
				t.printf("    … and %d more\n", len(ex)-t.top)
				break
			}
			t.printf("    %-42s %10s  %s\n", e.Path, report.Bytes(e.Bytes), e.Reason)
		}
	}
	for _, n := range c.NotCopied {
		t.printf("  not copied: %s (%s, %d files)\n", n.Path, report.Bytes(n.Bytes), n.Files)
	}
}

func (t *textOut) config(p *PlanResult) {
	c := p.Config
	t.section("Runtime configuration")
	if c.User != "" {
		t.printf("  USER %s\n", c.User)
	}
	if c.WorkingDir != "" {
		t.printf("  WORKDIR %s\n", c.WorkingDir)
	}
	if len(c.Entrypoint) > 0 {
		t.printf("  ENTRYPOINT %s\n", jsonList(c.Entrypoint))
	}
	if len(c.Cmd) > 0 {
		t.printf("  CMD %s\n", jsonList(c.Cmd))
	}
	for _, e := range c.Env {
		t.printf("  ENV %s=%s\n", e.Name, report.Shorten(e.Value, 100))
	}
	if len(c.ExposedPorts) > 0 {
		t.printf("  EXPOSE %s\n", strings.Join(c.ExposedPorts, " "))
	}
	if len(c.Labels) > 0 {
		t.printf("  LABEL: %d kept\n", len(c.Labels))
	}
	for _, ch := range c.Changed {
		t.printf("  changed %s: %s → %s (%s)\n", ch.What, report.Shorten(ch.From, 60), report.Shorten(ch.To, 60), ch.Reason)
	}
	for i, d := range c.Dropped {
		if i == t.top {
			t.printf("  … and %d more dropped\n", len(c.Dropped)-t.top)
			break
		}
		t.printf("  dropped %s %s: %s\n", d.Kind, d.Name, d.Reason)
	}
}

func (t *textOut) quickWins(p *PlanResult) {
	if len(p.QuickWins) == 0 {
		return
	}
	t.section("Quick wins (fixes to the current build)")
	for i, q := range p.QuickWins {
		if i == t.top {
			t.printf("  … and %d more\n", len(p.QuickWins)-t.top)
			break
		}
		rule := ""
		if q.Rule != "" {
			rule = " [hadolint " + q.Rule + "]"
		}
		t.printf("  %10s  %s%s\n", report.Bytes(q.Bytes), q.Advice, rule)
	}
}

func (t *textOut) findings(p *PlanResult) {
	if len(p.Findings) == 0 {
		return
	}
	t.section("Findings")
	for _, f := range p.Findings {
		t.printf("  %s: %s\n", f.Severity, f.Message)
	}
}

func jsonList(s []string) string {
	b, err := json.Marshal(s)
	if err != nil {
		return strings.Join(s, " ")
	}
	return string(b)
}
