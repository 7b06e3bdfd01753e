package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/slimcheck/slimcheck/report"
)

// shared is what every pane reads and nothing changes: the data and the
// styles.
type shared struct {
	d  *data
	st *Styles
}

// layersModel is the Layers pane: each layer's size, category mix and
// command. Its cursor is the layer that scopes the other panes.
type layersModel struct {
	ui     *shared
	keys   KeyMap // enabled per state by the root
	cursor int
	offset int
	mode   scopeMode
	w, h   int // inner size
}

func newLayers(ui *shared) layersModel {
	return layersModel{ui: ui, cursor: max(0, ui.d.last())}
}

// scope is the scope the cursor selects.
func (m layersModel) scope() scope { return scope{layer: max(0, m.cursor), mode: m.mode} }

// SetSize sets the inner size of the pane.
func (m *layersModel) SetSize(w, h int) { m.w, m.h = w, h }

const layerDetailLines = 5

// listHeight is the number of layer rows that fit.
func (m layersModel) listHeight() int { return max(1, m.h-1-layerDetailLines) }

// Update handles keys and mouse events aimed at the pane.
func (m layersModel) Update(msg tea.Msg) (layersModel, tea.Cmd) {
	n := len(m.ui.d.rep.Layers)
	k := m.keys
	switch msg := msg.(type) {
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, k.Up):
			m.cursor--
		case key.Matches(msg, k.Down):
			m.cursor++
		case key.Matches(msg, k.PageUp):
			m.cursor -= m.listHeight()
		case key.Matches(msg, k.PageDown):
			m.cursor += m.listHeight()
		case key.Matches(msg, k.Top):
			m.cursor = 0
		case key.Matches(msg, k.Bottom):
			m.cursor = n - 1
		case key.Matches(msg, k.ToggleScope):
			m.mode = 1 - m.mode
		}
	case tea.MouseMsg:
		switch msg.Button {
		case tea.MouseButtonWheelUp:
			m.cursor--
		case tea.MouseButtonWheelDown:
			m.cursor++
		case tea.MouseButtonLeft:
			// msg.Y is relative to the pane's first inner row.
			if row := msg.Y - 1; msg.Action == tea.MouseActionPress && row >= 0 && row < m.listHeight() {
				m.cursor = m.offset + row
			}
		}
	}
	m.cursor = max(0, min(m.cursor, n-1))
	m.offset = scrollTo(m.offset, m.cursor, m.listHeight(), n)
	return m, nil
}

// scrollTo returns the offset that keeps cursor inside a window of h rows
// over n rows.
func scrollTo(offset, cursor, h, n int) int {
	if cursor < offset {
		offset = cursor
	}
	if cursor >= offset+h {
		offset = cursor - h + 1
	}
	return max(0, min(offset, n-h))
}

// Title is the pane's title.
func (m layersModel) Title() string {
	return "Layers · " + itoa(len(m.ui.d.rep.Layers))
}

// View draws the pane's inner lines.
func (m layersModel) View(focused bool) []string {
	d, st := m.ui.d, m.ui.st
	r := d.rep
	w := m.w
	mixW := 10
	if w >= 70 {
		mixW = 16
	}
	idxW := len(itoa(max(0, len(r.Layers)-1)))
	cmdW := max(0, w-(2+idxW+1+8+2+mixW+1))
	lines := []string{st.Dim.Render(fit("  "+rightAlign("#", idxW)+"     size  "+fit("mix", mixW)+" command", w))}
	if len(r.Layers) == 0 {
		return append(lines, "  the image has no layers")
	}
	for i := m.offset; i < min(len(r.Layers), m.offset+m.listHeight()); i++ {
		l := r.Layers[i]
		mix := catArray(l.Categories)
		cmd := safe(report.CreatedBy(l.CreatedBy))
		if l.NoHistory || cmd == "" {
			cmd = st.Dim.Render("(no history)")
		}
		row := cursorMark(i == m.cursor) + rightAlign(itoa(i), idxW) + " " + rightAlign(report.Bytes(l.SizeBytes), 8) + "  " +
			fit(mixBar(st, &mix, mixW), mixW) + " " + fit(cmd, cmdW)
		lines = append(lines, rowStyle(st, row, w, i == m.cursor, focused))
	}
	for len(lines) < 1+m.listHeight() {
		lines = append(lines, "")
	}
	return append(lines, m.details()...)
}

// details describes the layer under the cursor.
func (m layersModel) details() []string {
	d, st := m.ui.d, m.ui.st
	w := m.w
	if m.cursor < 0 || m.cursor >= len(d.rep.Layers) {
		return nil
	}
	l := d.rep.Layers[m.cursor]
	digest := strings.TrimPrefix(l.DiffID, "sha256:")
	if len(digest) > 12 {
		digest = digest[:12]
	}
	out := []string{
		st.Dim.Render(strings.Repeat("─", w)),
		fit(st.Bold.Render("layer "+itoa(l.Index))+" · "+digest+" · "+report.Bytes(l.SizeBytes)+
			" ("+report.Bytes(l.CompressedBytes)+" compressed) · "+commas(l.Entries)+" entries", w),
		fit(st.Added.Render("+"+commas(l.FilesAdded)+" added "+report.Bytes(l.BytesAdded))+"  "+
			st.Modified.Render("~"+commas(l.FilesModified)+" modified "+report.Bytes(l.BytesModified))+"  "+
			st.Removed.Render("-"+commas(l.FilesRemoved)+" removed")+"  "+
			st.Dim.Render("hidden later "+report.Bytes(l.HiddenBytes)), w),
	}
	cmd := safe(report.CreatedBy(l.CreatedBy))
	if cmd == "" {
		cmd = "(no history)"
	}
	wrapped := wrap(cmd, w)
	for i := 0; i < layerDetailLines-len(out)-1 && i < len(wrapped); i++ {
		out = append(out, wrapped[i])
	}
	mode := "image up to this layer"
	other := "this layer only"
	if m.mode == layerOnly {
		mode, other = other, mode
	}
	for len(out) < layerDetailLines-1 {
		out = append(out, "")
	}
	hint := ""
	if m.keys.ToggleScope.Enabled() {
		hint = st.Dim.Render("  (" + m.keys.ToggleScope.Help().Key + ": " + other + ")")
	}
	return append(out, fit("scope: "+st.Bold.Render(mode)+hint, w))
}

// cursorMark is the marker column that shows the cursor without colour.
func cursorMark(on bool) string {
	if on {
		return "› "
	}
	return "  "
}

// rowStyle highlights the cursor row. The row's own colours give way to
// the highlight, which must span the whole row.
func rowStyle(st *Styles, row string, w int, cursor, focused bool) string {
	row = fit(row, w)
	if !cursor || !st.Color {
		return row
	}
	if focused {
		return st.Cursor.Render(ansi.Strip(row))
	}
	return st.CursorBlur.Render(ansi.Strip(row))
}

// wrap breaks s into lines of at most w cells at spaces.
func wrap(s string, w int) []string {
	if w <= 0 {
		return nil
	}
	var out []string
	var line []rune
	for _, word := range strings.Fields(s) {
		r := []rune(word)
		for len(r) > w {
			if len(line) > 0 {
				out = append(out, string(line))
				line = nil
			}
			out = append(out, string(r[:w]))
			r = r[w:]
		}
		switch {
		case len(line) == 0:
			line = r
		case len(line)+1+len(r) <= w:
			line = append(append(line, ' '), r...)
		default:
			out = append(out, string(line))
			line = r
		}
	}
	if len(line) > 0 {
		out = append(out, string(line))
	}
	return out
}
