package report

import (
	"fmt"
	"strings"
)

// Bytes formats n with decimal (SI) units as docker and dive do: "474 MB".
func Bytes(n int64) string {
	neg := n < 0
	if neg {
		n = -n
	}
	const unit = 1000
	s := ""
	if n < unit {
		s = fmt.Sprintf("%d B", n)
	} else {
		div, exp := int64(unit), 0
		for m := n / unit; m >= unit && exp < 5; m /= unit {
			div *= unit
			exp++
		}
		v := float64(n) / float64(div)
		format := "%.1f %cB"
		if v >= 100 {
			format = "%.0f %cB"
		}
		s = fmt.Sprintf(format, v, "kMGTPE"[exp])
	}
	if neg {
		return "-" + s
	}
	return s
}

// Percent formats a 0..100 value with one decimal.
func Percent(p float64) string { return fmt.Sprintf("%.1f %%", p) }

// Bar draws a bar of width cells for fraction f (0..1) with eighth blocks.
func Bar(f float64, width int) string {
	if f < 0 || f != f {
		f = 0
	}
	if f > 1 {
		f = 1
	}
	eighths := int(f*float64(width*8) + 0.5)
	full, rest := eighths/8, eighths%8
	var b strings.Builder
	b.WriteString(strings.Repeat("█", full))
	if rest > 0 {
		b.WriteRune([]rune(" ▏▎▍▌▋▊▉")[rest])
		full++
	}
	b.WriteString(strings.Repeat(" ", max(0, width-full)))
	return b.String()
}

// Shorten cuts s to at most n runes, marking the cut with "…".
func Shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	if n <= 1 {
		return string(r[:n])
	}
	return string(r[:n-1]) + "…"
}

// CreatedBy tidies a history command for display: "/bin/sh -c #(nop) ENV
// A=b" becomes "ENV A=b", "/bin/sh -c make" becomes "RUN make", BuildKit's
// "|2 A=b /bin/sh -c make" and "# buildkit" suffix are dropped, and runs of
// whitespace collapse.
func CreatedBy(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	s = strings.TrimSuffix(s, " # buildkit")
	if strings.HasPrefix(s, "|") {
		if i := strings.Index(s, " /bin/sh -c "); i >= 0 {
			s = s[i+1:]
		}
	}
	if strings.HasPrefix(s, "RUN /bin/sh -c ") {
		s = strings.TrimPrefix(s, "RUN ")
	}
	switch {
	case strings.HasPrefix(s, "/bin/sh -c #(nop) "):
		return strings.TrimPrefix(s, "/bin/sh -c #(nop) ")
	case strings.HasPrefix(s, "/bin/sh -c "):
		return "RUN " + strings.TrimPrefix(s, "/bin/sh -c ")
	}
	return s
}
