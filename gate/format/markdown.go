package format

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/slimcheck/slimcheck/gate"
	"github.com/slimcheck/slimcheck/report"
)

// Markdown writes the verdict as GitHub-flavoured Markdown, for a merge
// request comment or a GitHub job summary: a table of the rules, the
// details of breached ones, and the top actions.
func Markdown(w io.Writer, in *Input, opts Options) error {
	bw := bufio.NewWriter(w)
	s := in.Summary()
	fmt.Fprintf(bw, "### %s slimcheck: %s — `%s`\n\n", icon(s.Verdict), s.Verdict.Label(), mdCode(imageName(in.Report)))
	fmt.Fprintf(bw, "%s", mdEscape(imageLine(in.Report)))
	if in.Policy != nil {
		fmt.Fprintf(bw, " · policy `%s`", mdCode(in.Policy.Source))
	}
	fmt.Fprintf(bw, " · %d failed, %d warned, %d passed, %d skipped\n\n", s.Failed, s.Warned, s.Passed, s.Skipped)
	if len(in.Excluded.Patterns) > 0 {
		fmt.Fprintf(bw, "Ignored paths (%s): %d entries, %s.\n\n", mdEscape(strings.Join(in.Excluded.Patterns, ", ")), in.Excluded.Entries, report.Bytes(in.Excluded.Bytes))
	}
	fmt.Fprintln(bw, "| | Rule | Measured | Limit | |")
	fmt.Fprintln(bw, "|---|---|---:|---:|---|")
	for _, r := range in.Results {
		measured, limit := mdEscape(r.MeasuredText), mdEscape(comparison(r))
		note := ""
		if r.Status == gate.Skip || r.Breached() {
			note = mdEscape(r.Message)
		}
		fmt.Fprintf(bw, "| %s %s | `%s` | %s | %s | %s |\n", icon(r.Status), r.Status.Label(), mdCode(r.ID), measured, limit, note)
	}
	var breached []gate.Result
	for _, r := range in.Results {
		if r.Breached() && len(r.Details) > 0 {
			breached = append(breached, r)
		}
	}
	if len(breached) > 0 {
		fmt.Fprintln(bw, "\n<details><summary>Where the bytes are</summary>")
		fmt.Fprintln(bw)
		for _, r := range breached {
			fmt.Fprintf(bw, "**`%s`**\n\n", mdCode(r.ID))
			for _, d := range r.Details {
				fmt.Fprintf(bw, "- %s\n", mdEscape(detailLine(d)))
			}
			fmt.Fprintln(bw)
		}
		fmt.Fprintln(bw, "</details>")
	}
	for _, n := range in.Notes {
		fmt.Fprintf(bw, "\n> %s\n", mdEscape(n))
	}
	if acts := topActions(in.Advice, opts.actions()); len(acts) > 0 {
		fmt.Fprintln(bw, "\n**Top actions**")
		fmt.Fprintln(bw)
		for i, a := range acts {
			line := mdEscape(a.Title)
			if a.Bytes > 0 {
				line += " — saves **" + report.Bytes(a.Bytes) + "**"
			}
			fmt.Fprintf(bw, "%d. %s\n", i+1, line)
			if a.Detail != "" {
				fmt.Fprintf(bw, "   `%s`\n", mdCode(a.Detail))
			}
		}
	}
	return bw.Flush()
}

func icon(s gate.Status) string {
	switch s {
	case gate.Pass:
		return "✅"
	case gate.Warn:
		return "⚠️"
	case gate.Fail:
		return "❌"
	}
	return "⏭️"
}

// mdEscape escapes text for a Markdown table cell or paragraph.
func mdEscape(s string) string {
	return strings.NewReplacer("\\", "\\\\", "|", "\\|", "*", "\\*", "_", "\\_", "`", "\\`", "<", "&lt;", ">", "&gt;", "[", "\\[", "]", "\\]", "\n", " ").Replace(s)
}

// mdCode makes s safe inside a single-backtick code span.
func mdCode(s string) string {
	return strings.NewReplacer("`", "'", "\n", " ", "|", "\\|").Replace(s)
}
