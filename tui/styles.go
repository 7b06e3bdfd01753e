package tui

import (
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/slimcheck/slimcheck/report"
)

// numCats is the number of category slots: the nine of
// report.Categories() plus one for a category this build does not know
// (a test keeps it in step with report).
const numCats = 10

// catIndex returns c's slot in report.Categories(), or the last slot.
func catIndex(c report.Category) uint8 {
	switch c {
	case report.Wasted:
		return 0
	case report.BuildToolchain:
		return 1
	case report.PackageCache:
		return 2
	case report.DevDependencies:
		return 3
	case report.Docs:
		return 4
	case report.Temp:
		return 5
	case report.App:
		return 6
	case report.Runtime:
		return 7
	case report.OSBase:
		return 8
	}
	return numCats - 1
}

// catAt is the inverse of catIndex ("" for the unknown slot).
func catAt(i uint8) report.Category {
	cs := report.Categories()
	if int(i) < len(cs) {
		return cs[i]
	}
	return ""
}

// catLabel is the short name of a category for narrow columns.
func catLabel(c report.Category) string {
	switch c {
	case report.BuildToolchain:
		return "toolchain"
	case report.PackageCache:
		return "pkg-cache"
	case report.DevDependencies:
		return "dev-deps"
	case "":
		return "other"
	}
	return string(c)
}

// Styles holds every style the UI draws with, built once from a renderer
// whose colour profile the caller chose (Ascii for no colour).
type Styles struct {
	// Color is false when the profile is Ascii: glyphs then carry what
	// colour would.
	Color bool
	// Profile is the renderer's colour profile, for bubbles that take one.
	Profile termenv.Profile

	Title, Dim, Bold, Error, Warn, Good lipgloss.Style
	Border, BorderFocused               lipgloss.Style
	TabActive, TabInactive              lipgloss.Style
	Cursor, CursorBlur                  lipgloss.Style
	Added, Modified, Removed            lipgloss.Style
	Before, After, Saved                lipgloss.Style

	// Category styles and glyphs are indexed by catIndex.
	Cat   []lipgloss.Style
	Glyph []string

	// Syntax colouring of generated files.
	SynKeyword, SynComment, SynString, SynVar, SynKey, SynFlag lipgloss.Style

	Help help.Styles
}

// NewStyles builds the styles for r. Adaptive colours pick the light or
// dark variant from r's background.
func NewStyles(r *lipgloss.Renderer) *Styles {
	ns := r.NewStyle
	fg := func(light, dark string) lipgloss.Style {
		return ns().Foreground(lipgloss.AdaptiveColor{Light: light, Dark: dark})
	}
	color := r.ColorProfile() != termenv.Ascii
	s := &Styles{
		Color:         color,
		Profile:       r.ColorProfile(),
		Title:         ns().Bold(true),
		Dim:           fg("#8a8a8a", "#7a7a7a"),
		Bold:          ns().Bold(true),
		Error:         fg("#c00000", "#ff6b6b").Bold(true),
		Warn:          fg("#a05a00", "#ffb86c"),
		Good:          fg("#1a7f37", "#7ee787"),
		Border:        fg("#b0b0b0", "#4a4a4a"),
		BorderFocused: fg("#5a3fc0", "#b4a0ff").Bold(true),
		TabActive:     ns().Bold(true).Foreground(lipgloss.AdaptiveColor{Light: "#ffffff", Dark: "#1a1a1a"}).Background(lipgloss.AdaptiveColor{Light: "#5a3fc0", Dark: "#b4a0ff"}),
		TabInactive:   fg("#6a6a6a", "#9a9a9a"),
		Cursor:        ns().Bold(true).Background(lipgloss.AdaptiveColor{Light: "#e4dcff", Dark: "#3b2f6b"}),
		CursorBlur:    ns().Background(lipgloss.AdaptiveColor{Light: "#ececec", Dark: "#2a2a2a"}),
		Added:         fg("#1a7f37", "#7ee787"),
		Modified:      fg("#9a6700", "#e3b341"),
		Removed:       fg("#c00000", "#ff7b72"),
		Before:        fg("#c00000", "#ff7b72"),
		After:         fg("#1a7f37", "#7ee787"),
		Saved:         fg("#1a7f37", "#7ee787").Bold(true),
		SynKeyword:    fg("#8250df", "#d2a8ff").Bold(true),
		SynComment:    fg("#6e7781", "#8b949e").Italic(true),
		SynString:     fg("#0a3069", "#a5d6ff"),
		SynVar:        fg("#953800", "#ffa657"),
		SynKey:        fg("#116329", "#7ee787"),
		SynFlag:       fg("#0550ae", "#79c0ff"),
	}
	type cc struct{ light, dark, glyph string }
	cats := map[report.Category]cc{
		report.Wasted:          {"#c00000", "#ff6b6b", "x"},
		report.BuildToolchain:  {"#a05a00", "#ffa657", "#"},
		report.PackageCache:    {"#9a6700", "#e3b341", "%"},
		report.DevDependencies: {"#8250df", "#d2a8ff", "&"},
		report.Docs:            {"#0550ae", "#79c0ff", "="},
		report.Temp:            {"#bf3989", "#ff9bce", "~"},
		report.App:             {"#1a7f37", "#7ee787", "@"},
		report.Runtime:         {"#0a6e6e", "#56d4dd", "+"},
		report.OSBase:          {"#57606a", "#9ca3af", "."},
	}
	s.Cat = make([]lipgloss.Style, numCats)
	s.Glyph = make([]string, numCats)
	for i := range numCats {
		c, ok := cats[catAt(uint8(i))]
		if !ok {
			c = cc{"#57606a", "#9ca3af", "?"}
		}
		s.Cat[i] = fg(c.light, c.dark)
		s.Glyph[i] = c.glyph
		if color {
			s.Glyph[i] = "█"
		}
	}
	key := fg("#5a5a5a", "#a0a0a0").Bold(true)
	desc := fg("#8a8a8a", "#707070")
	sep := fg("#c0c0c0", "#444444")
	s.Help = help.Styles{
		Ellipsis: sep, ShortKey: key, ShortDesc: desc, ShortSeparator: sep,
		FullKey: key, FullDesc: desc, FullSeparator: sep,
	}
	return s
}

// CatStyle returns the style of category c.
func (s *Styles) CatStyle(c report.Category) lipgloss.Style { return s.Cat[catIndex(c)] }
