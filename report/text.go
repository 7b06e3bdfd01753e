package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// TextOptions tunes WriteText.
type TextOptions struct {
	Color bool // ANSI colours (decided by the caller: TTY and NO_COLOR)
	Width int  // terminal width; 0 means 100
	Top   int  // rows in top-N lists; 0 means 20
}

// palette holds the ANSI sequences for one rendering.
type palette struct{ bold, dim, red, yellow, green, cyan, reset string }

// isCode reports whether s is one of the palette's own sequences.
func (p palette) isCode(s string) bool {
	return s != "" && (s == p.bold || s == p.dim || s == p.red || s == p.yellow || s == p.green || s == p.cyan || s == p.reset)
}

func newPalette(color bool) palette {
	if !color {
		return palette{}
	}
	return palette{bold: "\x1b[1m", dim: "\x1b[2m", red: "\x1b[31m", yellow: "\x1b[33m", green: "\x1b[32m", cyan: "\x1b[36m", reset: "\x1b[0m"}
}

// WriteText writes the human-readable analyze report.
func WriteText(w io.Writer, r *Report, o TextOptions) error {
	if o.Width <= 0 {
		o.Width = 100
	}
	if o.Top <= 0 {
		o.Top = 20
	}
	bw := bufio.NewWriter(w)
	t := textWriter{w: bw, p: newPalette(o.Color), o: o}
	t.header(r)
	t.categories(r)
	t.layers(r)
	t.efficiency(r)
	t.largest(r)
	t.problems(r)
	return bw.Flush()
}

type textWriter struct {
	w *bufio.Writer
	p palette
	o TextOptions
}

// printf writes formatted text; every string argument except the palette's
// own escape sequences passes through Printable, so nothing from the image
// can reach the terminal raw.
func (t *textWriter) printf(format string, a ...any) {
	for i, v := range a {
		if s, ok := v.(string); ok && !t.p.isCode(s) {
			a[i] = Printable(s)
		}
	}
	fmt.Fprintf(t.w, format, a...)
}

func (t *textWriter) section(title string) {
	t.printf("\n%s%s%s\n", t.p.bold, title, t.p.reset)
}

func (t *textWriter) header(r *Report) {
	img := r.Image
	t.printf("%sImage%s      %s\n", t.p.bold, t.p.reset, img.Reference)
	if img.Name != "" && img.Name != img.Reference {
		t.printf("Resolved   %s\n", img.Name)
	}
	if img.Digest != "" {
		t.printf("Digest     %s\n", img.Digest)
	}
	if img.Platform != "" {
		t.printf("Platform   %s\n", img.Platform)
	}
	t.printf("Size       %s uncompressed, %s compressed, %d layers, %d files in the final image (%s)\n",
		Bytes(img.SizeBytes), Bytes(img.CompressedBytes), len(r.Layers), img.FinalFiles, Bytes(img.FinalBytes))
	if e := r.Ecosystem; e.Name != "" {
		s := e.Name
		if e.Version != "" {
			s += " " + e.Version
		}
		if e.AppDir != "" {
			s += ", app in " + e.AppDir
		}
		if e.Libc != "" {
			s += ", libc " + e.Libc
		}
		t.printf("App        %s\n", s)
	}
	if img.SizeBytes > 0 {
		pct := 100 * float64(r.NotNeeded) / float64(img.SizeBytes)
		color := t.p.green
		if pct >= 50 {
			color = t.p.red
		} else if pct >= 20 {
			color = t.p.yellow
		}
		t.printf("\n%sNot needed at run time: %s%s (%s of the image)%s\n", t.p.bold, color, Bytes(r.NotNeeded), Percent(pct), t.p.reset)
	}
}

func (t *textWriter) categories(r *Report) {
	if len(r.Categories) == 0 {
		return
	}
	t.section("Where the bytes go")
	for _, c := range r.Categories {
		if c.Bytes == 0 {
			continue
		}
		mark := " "
		if c.Category.NotNeededAtRuntime() {
			mark = "✗"
		}
		line := fmt.Sprintf("  %s %-17s %9s %7s  %s%s%s", mark, c.Category, Bytes(c.Bytes), Percent(c.Percent), t.p.cyan, Bar(c.Percent/100, 20), t.p.reset)
		var why []string
		for _, p := range c.TopPackages {
			if len(why) == 3 {
				break
			}
			why = append(why, fmt.Sprintf("%s %s", Printable(p.Name), Bytes(p.Bytes)))
		}
		for _, d := range c.TopDirs {
			if len(why) == 3 {
				break
			}
			why = append(why, fmt.Sprintf("%s %s", Printable(d.Path), Bytes(d.Bytes)))
		}
		if len(why) > 0 {
			line += fmt.Sprintf("  %s%s%s", t.p.dim, Shorten(strings.Join(why, ", "), max(20, t.o.Width-62)), t.p.reset)
		}
		// line holds palette codes and already printable text: write it as is.
		fmt.Fprintf(t.w, "%s\n", strings.TrimRight(line, " "))
	}
}

func (t *textWriter) layers(r *Report) {
	t.section("Layers")
	t.printf("  %3s %10s %10s %7s  %s\n", "#", "COMPRESSED", "SIZE", "FILES", "CREATED BY")
	cmdWidth := max(20, t.o.Width-38)
	for _, l := range r.Layers {
		cmd := CreatedBy(l.CreatedBy)
		if l.NoHistory {
			cmd = "(no history)"
		}
		t.printf("  %3d %10s %10s %7d  %s\n", l.Index, Bytes(l.CompressedBytes), Bytes(l.SizeBytes), l.Entries, Shorten(cmd, cmdWidth))
		if mix := categoryMix(l.Categories, l.SizeBytes); mix != "" {
			t.printf("  %s%36s%s%s\n", t.p.dim, "", Shorten(mix, cmdWidth), t.p.reset)
		}
	}
}

// categoryMix lists a layer's largest categories: "build-toolchain 182 MB, package-cache 41 MB".
func categoryMix(m map[Category]int64, total int64) string {
	if len(m) <= 1 && m[OSBase] == total {
		return ""
	}
	var parts []string
	for _, c := range Categories() {
		if b := m[c]; b > 0 && b*100 >= total {
			parts = append(parts, fmt.Sprintf("%s %s", c, Bytes(b)))
		}
	}
	return strings.Join(parts, ", ")
}

func (t *textWriter) efficiency(r *Report) {
	t.section("Efficiency")
	d := r.Dive
	t.printf("  Efficiency (dive)          %.4f %%\n", 100*d.Efficiency)
	t.printf("  Wasted bytes (dive)        %s (%d bytes)\n", Bytes(d.WastedBytes), d.WastedBytes)
	t.printf("  User wasted (dive)         %.4f %%\n", 100*d.UserWastedPercent)
	t.printf("  Hidden bytes               %s in %d entries (overwritten or deleted in a later layer)\n", Bytes(r.Hidden.Bytes), r.Hidden.Files)
	if len(r.Rewrites) > 0 {
		var b int64
		for _, rw := range r.Rewrites {
			b += rw.Bytes
		}
		t.printf("  Metadata-only rewrites     %s in %s (same contents re-added, e.g. by chmod/chown)\n", Bytes(b), plural(len(r.Rewrites), "file"))
	}
	if len(d.InefficientFiles) > 0 {
		t.printf("\n  %sCOUNT  WASTED      PATH%s\n", t.p.dim, t.p.reset)
		for i, f := range d.InefficientFiles {
			if i == min(t.o.Top, 10) {
				t.printf("  … %d more\n", len(d.InefficientFiles)-i)
				break
			}
			t.printf("  %5d  %-10s  %s\n", f.Count, Bytes(f.CumulativeSize), Shorten(f.Path, t.o.Width-22))
		}
	}
}

func (t *textWriter) largest(r *Report) {
	t.section(fmt.Sprintf("Largest files (top %d)", min(t.o.Top, len(r.Largest.Files))))
	for _, f := range r.Largest.Files {
		cat := ""
		if f.Category != "" {
			cat = string(f.Category)
		}
		t.printf("  %10s  L%-3d %-16s %s\n", Bytes(f.Bytes), f.Layer, cat, Shorten(f.Path, t.o.Width-36))
	}
	t.section(fmt.Sprintf("Largest directories (top %d)", min(t.o.Top, len(r.Largest.Dirs))))
	for _, d := range r.Largest.Dirs {
		t.printf("  %10s  %7s  %s\n", Bytes(d.Bytes), plural(d.Files, "file"), Shorten(d.Path, t.o.Width-30))
	}
}

func (t *textWriter) problems(r *Report) {
	if len(r.Problems) == 0 {
		return
	}
	t.section("Evidence that could not be used")
	for _, p := range r.Problems {
		where := p.Path
		if p.Layer >= 0 && p.Path != "" {
			where = fmt.Sprintf("%s (layer %d)", p.Path, p.Layer)
		}
		t.printf("  %s%s%s: %s\n", t.p.yellow, where, t.p.reset, p.Reason)
	}
}

// plural formats a count with its noun: "1 file", "2 files".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
