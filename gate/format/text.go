package format

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/slimcheck/slimcheck/gate"
	"github.com/slimcheck/slimcheck/report"
)

// Text writes the verdict for people: each rule PASS/WARN/FAIL/SKIP with
// what was measured against its limit, the details of breached rules, then
// the top actions of the recommendation. Lines are cut to Options.Width on
// a terminal; with Width 0 (a CI log) nothing is cut.
func Text(w io.Writer, in *Input, opts Options) error {
	bw := bufio.NewWriter(w)
	cut := func(s string, indent int) string {
		if opts.Width <= 0 {
			return s // a log, not a terminal: keep every word
		}
		return report.Shorten(s, max(opts.Width-indent, 20))
	}
	paint := func(s gate.Status) string {
		l := s.Label()
		if !opts.Color {
			return l
		}
		switch s {
		case gate.Pass:
			return "\x1b[32m" + l + "\x1b[0m"
		case gate.Warn:
			return "\x1b[33m" + l + "\x1b[0m"
		case gate.Fail:
			return "\x1b[1;31m" + l + "\x1b[0m"
		}
		return "\x1b[2m" + l + "\x1b[0m"
	}
	fmt.Fprintf(bw, "slimcheck ci: %s\n", imageName(in.Report))
	fmt.Fprintf(bw, "  %s\n", imageLine(in.Report))
	if in.Policy != nil {
		fmt.Fprintf(bw, "  policy: %s\n", in.Policy.Source)
	}
	if len(in.Excluded.Patterns) > 0 {
		fmt.Fprintf(bw, "  ignored: %d entries, %s (%s)\n", in.Excluded.Entries, report.Bytes(in.Excluded.Bytes), strings.Join(in.Excluded.Patterns, ", "))
	}
	idw := 12
	for _, r := range in.Results {
		idw = max(idw, len(r.ID))
	}
	fmt.Fprintln(bw)
	for _, r := range in.Results {
		measured := r.MeasuredText
		if r.Status == gate.Skip {
			fmt.Fprintf(bw, "  %s  %-*s  %s\n", paint(r.Status), idw, r.ID, r.Message)
			continue
		}
		fmt.Fprintf(bw, "  %s  %-*s  %-12s %s\n", paint(r.Status), idw, r.ID, measured, comparison(r))
		if r.Breached() {
			fmt.Fprintf(bw, "        %s\n", cut(r.Message, 8))
			for _, d := range r.Details {
				fmt.Fprintf(bw, "          %s\n", cut(detailLine(d), 10))
			}
		}
	}
	for _, n := range in.Notes {
		fmt.Fprintf(bw, "\n  note: %s\n", n)
	}
	if acts := topActions(in.Advice, opts.actions()); len(acts) > 0 {
		fmt.Fprintln(bw, "\nTop actions:")
		for i, a := range acts {
			line := a.Title
			if a.Bytes > 0 {
				line += " — saves " + report.Bytes(a.Bytes)
			}
			if a.Layer >= 0 {
				line += fmt.Sprintf(" (layer %d)", a.Layer)
			}
			fmt.Fprintf(bw, "  %d. %s\n", i+1, cut(line, 5))
			if a.Detail != "" {
				fmt.Fprintf(bw, "     %s\n", cut(a.Detail, 5))
			}
		}
	}
	s := in.Summary()
	fmt.Fprintf(bw, "\nResult: %s — %d failed, %d warned, %d passed, %d skipped\n", paint(s.Verdict), s.Failed, s.Warned, s.Passed, s.Skipped)
	return bw.Flush()
}
