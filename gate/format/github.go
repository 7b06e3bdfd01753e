package format

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/slimcheck/slimcheck/gate"
	"github.com/slimcheck/slimcheck/report"
)

// GitHub writes GitHub Actions workflow commands: an ::error annotation for
// each failed rule, ::warning for each warned one, and a ::notice with the
// verdict. The Markdown job summary is written separately (see Markdown).
func GitHub(w io.Writer, in *Input, opts Options) error {
	bw := bufio.NewWriter(w)
	file := ""
	if opts.Dockerfile != "" {
		file = "file=" + escapeProperty(opts.Dockerfile) + ","
	}
	for _, r := range in.Results {
		if !r.Breached() {
			continue
		}
		cmd := "error"
		if r.Status == gate.Warn {
			cmd = "warning"
		}
		msg := r.Message
		for _, d := range r.Details {
			msg += "\n  " + detailLine(d)
		}
		fmt.Fprintf(bw, "::%s %stitle=%s::%s\n", cmd, file, escapeProperty("slimcheck "+r.ID), escapeData(msg))
	}
	s := in.Summary()
	var acts []string
	for _, a := range topActions(in.Advice, opts.actions()) {
		acts = append(acts, fmt.Sprintf("%s (saves %s)", a.Title, report.Bytes(a.Bytes)))
	}
	msg := fmt.Sprintf("%s: %s — %d failed, %d warned, %d passed, %d skipped", imageName(in.Report), s.Verdict.Label(), s.Failed, s.Warned, s.Passed, s.Skipped)
	if len(acts) > 0 {
		msg += "\nTop actions:\n- " + strings.Join(acts, "\n- ")
	}
	fmt.Fprintf(bw, "::notice title=%s::%s\n", escapeProperty("slimcheck ci"), escapeData(msg))
	return bw.Flush()
}

// escapeData escapes a workflow command's message (actions/toolkit's
// escapeData).
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// escapeProperty escapes a workflow command's property value (actions/
// toolkit's escapeProperty).
func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
