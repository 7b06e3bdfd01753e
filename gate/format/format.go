// Package format renders the CI gate's results: text for people, JSON for
// programs, JUnit XML for Jenkins and GitLab test reports, SARIF for
// code-scanning UIs, GitHub workflow annotations, Markdown for a merge
// request comment or a job summary, and a self-contained HTML page.
package format

import (
	"fmt"
	"io"
	"sort"

	"github.com/slimcheck/slimcheck/gate"
	"github.com/slimcheck/slimcheck/report"
)

// Input is everything a format shows.
type Input struct {
	Report   *report.Report // the image as the rules saw it (after ignore-paths)
	Policy   *gate.Policy
	Results  []gate.Result
	Advice   *gate.Advice  // nil when no recommendation was made
	Excluded gate.Excluded // what ignore-paths removed
	Growth   *gate.Growth  // nil without a baseline
	Notes    []string      // things the reader should know (a failed recommendation…)
}

// Summary counts the results.
func (in *Input) Summary() gate.Summary { return gate.Summarize(in.Results) }

// Options tunes the output.
type Options struct {
	Color      bool   // ANSI colours (text only)
	Width      int    // terminal width for text; 0 means no limit (a CI log)
	Actions    int    // recommended actions shown; 0 means 3
	Dockerfile string // repository path of the Dockerfile, for SARIF and GitHub locations
}

func (o Options) actions() int {
	if o.Actions <= 0 {
		return 3
	}
	return o.Actions
}

// Formats lists the format names Write accepts.
func Formats() []string {
	return []string{"text", "json", "junit", "sarif", "github", "markdown", "html"}
}

// Write renders in to w in the named format.
func Write(w io.Writer, name string, in *Input, opts Options) error {
	var err error
	switch name {
	case "text":
		err = Text(w, in, opts)
	case "json":
		err = JSON(w, in, opts)
	case "junit":
		err = JUnit(w, in, opts)
	case "sarif":
		err = SARIF(w, in, opts)
	case "github":
		err = GitHub(w, in, opts)
	case "markdown":
		err = Markdown(w, in, opts)
	case "html":
		err = HTML(w, in, opts)
	default:
		return fmt.Errorf("format %q is not one of %v", name, Formats())
	}
	if err != nil {
		return fmt.Errorf("writing %s report: %w", name, err)
	}
	return nil
}

// topActions returns the n largest recommended actions.
func topActions(a *gate.Advice, n int) []gate.Action {
	if a == nil {
		return nil
	}
	acts := append([]gate.Action(nil), a.Actions...)
	sort.SliceStable(acts, func(i, j int) bool {
		if (acts[i].ID == "split") != (acts[j].ID == "split") {
			return acts[i].ID == "split"
		}
		return acts[i].Bytes > acts[j].Bytes
	})
	if len(acts) > n {
		acts = acts[:n]
	}
	return acts
}

// comparison shows how a result compares: "≤ 500 MB".
func comparison(r gate.Result) string {
	if r.LimitText == "" {
		return ""
	}
	op := "≤"
	if r.Comparison == "measured >= limit" {
		op = "≥"
	}
	return op + " " + r.LimitText
}

// imageLine describes the image in one line.
func imageLine(r *report.Report) string {
	if r == nil {
		return ""
	}
	s := fmt.Sprintf("%s in %d layers, %s compressed", report.Bytes(r.Image.SizeBytes), len(r.Layers), report.Bytes(r.Image.CompressedBytes))
	if r.Image.Platform != "" {
		s += ", " + r.Image.Platform
	}
	return s
}

func imageName(r *report.Report) string {
	if r == nil {
		return "image"
	}
	if r.Image.Reference != "" {
		return r.Image.Reference
	}
	return r.Image.Name
}

func detailLine(d gate.Detail) string {
	s := d.Name
	switch d.Kind {
	case "layer":
		s = fmt.Sprintf("layer %d: %s", d.Layer, d.Name)
	case "package":
		if d.Note != "" {
			s += " (" + d.Note + ")"
		}
	case "path":
		if d.Note != "" {
			s += " (" + d.Note + ")"
		}
	case "category":
		s = "category " + d.Name
	}
	if d.Bytes != 0 {
		if d.Kind == "layer" || (d.Kind == "category" && d.Note == "") {
			s += ": +" + report.Bytes(d.Bytes)
		} else {
			s += ": " + report.Bytes(d.Bytes)
		}
	}
	return s
}
