package tui

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/slimcheck/slimcheck/report"
)

func itoa(n int) string { return strconv.Itoa(n) }

// commas formats n with thousands separators: 23,456.
func commas(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// fit cuts s (which may hold ANSI styles) to w cells and pads it to
// exactly w.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := ansi.StringWidth(s)
	if sw > w {
		s = ansi.Truncate(s, w, "…")
		sw = ansi.StringWidth(s)
	}
	return s + strings.Repeat(" ", max(0, w-sw))
}

// fitLeft cuts s from the left to w cells, keeping its end (for paths).
func fitLeft(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if ansi.StringWidth(s) <= w {
		return fit(s, w)
	}
	return fit(ansi.TruncateLeft(s, ansi.StringWidth(s)-w+1, "…"), w)
}

// rightAlign pads s on the left to w cells.
func rightAlign(s string, w int) string {
	sw := ansi.StringWidth(s)
	if sw >= w {
		return s
	}
	return strings.Repeat(" ", w-sw) + s
}

// columns lays left and right out on one line of width w; when they do
// not both fit, right is cut first.
func columns(left, right string, w int) string {
	lw := ansi.StringWidth(left)
	if lw >= w {
		return fit(left, w)
	}
	rw := ansi.StringWidth(right)
	if lw+rw > w {
		right = ansi.Truncate(right, w-lw, "…")
		rw = ansi.StringWidth(right)
	}
	return fit(left, w-rw) + right
}

// box draws lines inside a border of exactly w×h cells with title set into
// the top edge. The focused box uses a heavy border, so focus shows
// without colour too.
func box(st *Styles, title string, lines []string, w, h int, focused bool) string {
	if w < 4 || h < 2 {
		return strings.Repeat("\n", max(0, h-1))
	}
	bs := st.Border
	hz, vt, tl, tr, bl, br := "─", "│", "╭", "╮", "╰", "╯"
	if focused {
		bs = st.BorderFocused
		hz, vt, tl, tr, bl, br = "━", "┃", "┏", "┓", "┗", "┛"
	}
	inner := w - 2
	title = ansi.Truncate(title, max(0, inner-2), "…")
	tw := ansi.StringWidth(title)
	var b strings.Builder
	b.WriteString(bs.Render(tl + hz))
	if tw > 0 {
		if focused {
			b.WriteString(st.Title.Render(title))
		} else {
			b.WriteString(title)
		}
	}
	b.WriteString(bs.Render(strings.Repeat(hz, max(0, inner-1-tw)) + tr))
	left, right := bs.Render(vt), bs.Render(vt)
	for i := 0; i < h-2; i++ {
		b.WriteByte('\n')
		line := ""
		if i < len(lines) {
			line = lines[i]
		}
		b.WriteString(left)
		b.WriteString(fit(line, inner))
		b.WriteString(right)
	}
	b.WriteByte('\n')
	b.WriteString(bs.Render(bl + strings.Repeat(hz, inner) + br))
	return b.String()
}

// mixBar draws a bar of width cells split by category bytes, each cell
// in its category's colour (or glyph without colour). Categories too
// small for a cell still get one when they hold bytes and room remains.
func mixBar(st *Styles, bytes *[numCats]int64, width int) string {
	var total int64
	for _, v := range bytes {
		total += v
	}
	if total <= 0 || width <= 0 {
		return strings.Repeat(" ", max(0, width))
	}
	cells := make([]int, numCats)
	used := 0
	type rem struct {
		i    int
		frac float64
	}
	var rems []rem
	for i, v := range bytes {
		exact := float64(v) * float64(width) / float64(total)
		cells[i] = int(exact)
		used += cells[i]
		if v > 0 {
			rems = append(rems, rem{i, exact - float64(cells[i])})
		}
	}
	// Hand out the remaining cells by largest remainder.
	for used < width && len(rems) > 0 {
		bi := 0
		for j := range rems {
			if rems[j].frac > rems[bi].frac {
				bi = j
			}
		}
		cells[rems[bi].i]++
		used++
		rems = append(rems[:bi], rems[bi+1:]...)
	}
	var b strings.Builder
	for i, n := range cells {
		if n > 0 {
			b.WriteString(st.Cat[i].Render(strings.Repeat(st.Glyph[i], n)))
		}
	}
	return b.String()
}

// catArray turns a category map into the array mixBar reads.
func catArray(m map[report.Category]int64) [numCats]int64 {
	var a [numCats]int64
	for c, v := range m {
		a[catIndex(c)] += v
	}
	return a
}

// bar draws fraction f of width cells in style s.
func bar(s lipgloss.Style, f float64, width int) string {
	full := report.Bar(f, width)
	t := strings.TrimRight(full, " ")
	return s.Render(t) + strings.Repeat(" ", ansi.StringWidth(full)-ansi.StringWidth(t))
}

// pct formats part of total as a percentage.
func pct(part, total int64) string {
	if total <= 0 {
		return "0.0 %"
	}
	return report.Percent(100 * float64(part) / float64(total))
}
