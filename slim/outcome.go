package slim

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/slimcheck/slimcheck/report"
	"github.com/slimcheck/slimcheck/slim/check"
)

// SchemaVersion is the version of the outcome's JSON document.
const SchemaVersion = "1"

// Outcome is everything `slimcheck slim` did and found: the document its
// text and JSON output render.
type Outcome struct {
	SchemaVersion string        `json:"schemaVersion"`
	Source        string        `json:"source"` // the original image
	Written       Written       `json:"written"`
	Base          Base          `json:"base"`
	Layer         LayerSummary  `json:"layer"`
	Proof         Proof         `json:"proof"`
	Check         *check.Result `json:"check"`
}

// Failed reports whether the outcome is a failure: the check found an
// error or the size broke the plan's promise.
func (o *Outcome) Failed() bool {
	return o.Proof.Failed || o.Check != nil && o.Check.Failed()
}

// Reasons lists why the outcome failed, one line each.
func (o *Outcome) Reasons() []string {
	var out []string
	if o.Proof.Failed {
		out = append(out, fmt.Sprintf("the image measures %s, %+.2f %% off the plan's estimate of %s (tolerance %.0f %%): %s",
			report.Bytes(o.Proof.MeasuredBytes), o.Proof.DeltaPercent, report.Bytes(o.Proof.EstimateBytes), o.Proof.Tolerance, o.Proof.Cause))
	}
	if o.Check != nil && o.Check.Failed() {
		out = append(out, fmt.Sprintf("the run check found %d problem(s) that stop the container from starting", o.Check.Errors()))
	}
	return out
}

// WriteJSON writes the outcome as indented JSON.
func WriteJSON(w io.Writer, o *Outcome) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(o)
}

// TextOptions tunes WriteText.
type TextOptions struct {
	Top int // rows in long lists; 0 means 10
}

// WriteText writes the outcome for people.
func WriteText(w io.Writer, o *Outcome, opts TextOptions) error {
	top := opts.Top
	if top <= 0 {
		top = 10
	}
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	p("slimcheck slim: %s → %s", o.Source, o.Written.Destination.Raw)
	p("")
	p("Built")
	p("  base        %s (%s, %d layers, %s)", o.Base.Reference, short(o.Base.Digest), o.Base.Layers, report.Bytes(o.Base.SizeBytes))
	l := o.Layer
	p("  new layer   %d files, %d symlinks, %d hardlinks, %d directories — %s (%s compressed, from source layers %s)",
		l.Files+l.Others, l.Symlinks, l.Hardlinks, l.Dirs, report.Bytes(l.Bytes), report.Bytes(l.StoredBytes), ints(l.SourceLayers))
	if len(l.Created) > 0 {
		p("  created     %s (0755 root:root, missing from the base)", list(l.Created, top))
	}
	for i, m := range l.Moved {
		if i == top {
			p("  …")
			break
		}
		p("  moved       %s → %s (the base has a symlink on the way)", m.Path, m.To)
	}
	if len(l.Materialized) > 0 {
		p("  hardlinks written as files (their targets are not copied): %s", list(l.Materialized, top))
	}
	for i, s := range l.Skipped {
		if i == top {
			p("  …")
			break
		}
		p("  skipped     %s: %s", s.Path, s.Reason)
	}
	if strings.Contains(o.Written.ReadBack, o.Written.Digest) {
		p("  written     %s", o.Written.ReadBack)
	} else {
		p("  written     %s (%s)", o.Written.ReadBack, o.Written.Digest)
	}
	p("")
	pr := o.Proof
	p("Size (sum of file sizes in the layers, as slimcheck measures every image)")
	p("  original    %10s", report.Bytes(pr.OriginalBytes))
	p("  estimate    %10s  base %s (%s) + copied %s", report.Bytes(pr.EstimateBytes), report.Bytes(pr.EstimatedBaseBytes), baseSource(pr.BaseSource), report.Bytes(pr.EstimatedCopiedBytes))
	p("  measured    %10s  base %s + new layer %s, read back from %s", report.Bytes(pr.MeasuredBytes), report.Bytes(pr.MeasuredBaseBytes), report.Bytes(pr.MeasuredLayerBytes), o.Written.Destination.Kind)
	verdict := fmt.Sprintf("within %.0f %% of the estimate", pr.Tolerance)
	switch {
	case !pr.Within && pr.Failed:
		verdict = "OFF the estimate: " + pr.Cause
	case !pr.Within:
		verdict = "off the estimate: " + pr.Cause
	}
	p("  difference  %+.2f %% (%+d bytes): %s", pr.DeltaPercent, pr.DeltaBytes, verdict)
	p("  saved       %10s  (%.1f %% of the original)", report.Bytes(pr.SavedBytes), pr.SavedPercent)
	if c := o.Check; c != nil {
		p("")
		p("Run check (static: nothing was run)")
		p("  command     %s", quoteArgs(c.Command))
		for _, s := range c.Chain {
			p("    → %s: %s", s.Path, s.What)
		}
		user := c.User
		if user == "" {
			user = "root (no USER)"
		}
		p("  user        %s", user)
		p("  libc        %s %s", c.Libc, list(c.Loaders, top))
		p("  ELF files   %d checked", c.ELFFiles)
		if len(c.Findings) == 0 {
			p("  ✓ no problems found")
		}
		for _, f := range c.Findings {
			p("  %-7s %-10s %s", f.Severity, f.Kind, f.Message)
		}
	}
	if o.Failed() {
		p("")
		for _, r := range o.Reasons() {
			p("FAILED: %s", r)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func baseSource(s string) string {
	switch s {
	case "registry":
		return "read from its registry"
	case "cache":
		return "registry figure, cached by digest"
	case "catalog":
		return "the catalog's recorded figure"
	}
	return s
}

func short(d string) string {
	if i := strings.IndexByte(d, ':'); i >= 0 && len(d) > i+13 {
		return d[:i+13]
	}
	return d
}

func ints(n []int) string {
	s := make([]string, len(n))
	for i, v := range n {
		s[i] = fmt.Sprint(v)
	}
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

func list(s []string, top int) string {
	if len(s) > top {
		return strings.Join(s[:top], ", ") + fmt.Sprintf(", … (%d in all)", len(s))
	}
	return strings.Join(s, ", ")
}

// quoteArgs writes argv as JSON, as Dockerfiles do.
func quoteArgs(a []string) string {
	b, _ := json.Marshal(a)
	return string(b)
}
