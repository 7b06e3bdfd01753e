package tui

import (
	"errors"
	"io/fs"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/slimcheck/slimcheck/recommend"
	"github.com/slimcheck/slimcheck/report"
)

// writtenMsg reports how writing the plan's files went.
type writtenMsg struct {
	dir   string
	paths []string
	err   error
}

// copiedMsg reports how copying a file to the clipboard went.
type copiedMsg struct {
	name  string
	bytes int
	err   error
}

// planPrompt is the state of the write dialog.
type planPrompt uint8

const (
	promptNone    planPrompt = iota
	promptDir                // asking where to write
	promptConfirm            // files exist: asking whether to overwrite
	promptWriting            // the write is running
)

// planModel is the Plan pane: the recommended builder/runtime split, its
// estimate, the runtime base and why, and the generated files in tabs.
type planModel struct {
	ui        *shared
	keys      KeyMap
	rec       *Recommendation
	write     func(dir string, overwrite bool) ([]string, error)
	clipboard func(string) error

	tab      int   // -1 is the summary; else a file
	lastFile int   // the file last selected, shown beside the summary on wide panes
	scroll   []int // per tab, summary first
	wide     bool
	w, h     int

	// The files, highlighted once.
	code [][]string

	prompt planPrompt
	input  textinput.Model
	dir    string // the directory being written
	status string
	failed bool
}

func newPlan(ui *shared, rec *Recommendation, write func(string, bool) ([]string, error), clipboard func(string) error, dir string) planModel {
	in := textinput.New()
	in.Prompt = "write to: "
	in.PromptStyle = ui.st.Bold
	in.PlaceholderStyle = ui.st.Dim
	in.Cursor.Style = ui.st.Bold
	in.Cursor.SetMode(cursor.CursorStatic)
	in.CharLimit = 4096
	if dir == "" {
		dir = "slimcheck-plan"
	}
	in.SetValue(dir)
	m := planModel{ui: ui, rec: rec, write: write, clipboard: clipboard, input: in, tab: -1}
	if rec != nil {
		for _, f := range rec.Files {
			m.code = append(m.code, highlight(ui.st, f.Name, f.Content))
		}
	}
	m.scroll = make([]int, len(m.code)+1)
	return m
}

// hasPlan reports whether there is a plan to show.
func (m planModel) hasPlan() bool { return m.rec != nil && m.rec.Plan != nil }

// canWrite and canCopy say whether those keys do anything now.
func (m planModel) canWrite() bool { return m.write != nil && m.rec != nil && len(m.rec.Files) > 0 }
func (m planModel) canCopy() bool  { return m.clipboard != nil && m.shownFile() >= 0 }

// prompting reports whether the pane takes every key.
func (m planModel) prompting() bool { return m.prompt != promptNone }

// shownFile is the index of the file shown, or -1: the selected tab's,
// or beside the summary on a wide pane the last one selected.
func (m planModel) shownFile() int {
	if m.rec == nil || len(m.rec.Files) == 0 {
		return -1
	}
	switch {
	case m.tab >= 0:
		return min(m.tab, len(m.rec.Files)-1)
	case m.wide:
		return min(m.lastFile, len(m.rec.Files)-1)
	}
	return -1
}

// SetSize sets the inner size of the pane; wide panes show the summary
// beside the files.
func (m *planModel) SetSize(w, h int, wide bool) { m.w, m.h, m.wide = w, h, wide }

// tabs lists the tab labels: the summary, then the files.
func (m planModel) tabs() []string {
	t := []string{"Summary"}
	if m.rec != nil {
		for _, f := range m.rec.Files {
			t = append(t, f.Name)
		}
	}
	return t
}

// Update handles keys, mouse events and the results of writing and
// copying.
func (m planModel) Update(msg tea.Msg) (planModel, tea.Cmd) {
	k := m.keys
	switch msg := msg.(type) {
	case writtenMsg:
		return m.written(msg), nil
	case copiedMsg:
		if msg.err != nil {
			m.status, m.failed = "copying "+msg.name+": "+msg.err.Error(), true
		} else {
			m.status, m.failed = "copied "+msg.name+" ("+report.Bytes(int64(msg.bytes))+") to the clipboard", false
		}
		return m, nil
	case tea.KeyMsg:
		if m.prompting() {
			return m.updatePrompt(msg)
		}
		switch {
		case key.Matches(msg, k.Up):
			m.scrollBy(-1)
		case key.Matches(msg, k.Down):
			m.scrollBy(1)
		case key.Matches(msg, k.PageUp):
			m.scrollBy(-m.h / 2)
		case key.Matches(msg, k.PageDown):
			m.scrollBy(m.h / 2)
		case key.Matches(msg, k.Top):
			m.scrollBy(-1 << 30)
		case key.Matches(msg, k.Bottom):
			m.scrollBy(1 << 30)
		case key.Matches(msg, k.NextTab):
			m.cycle(1)
		case key.Matches(msg, k.PrevTab):
			m.cycle(-1)
		case key.Matches(msg, k.Write):
			m.prompt = promptDir
			m.status = ""
			m.input.CursorEnd()
			return m, m.input.Focus()
		case key.Matches(msg, k.Copy):
			if i := m.shownFile(); i >= 0 && m.clipboard != nil {
				f, copyFn := m.rec.Files[i], m.clipboard
				return m, func() tea.Msg { return copiedMsg{name: f.Name, bytes: len(f.Content), err: copyFn(f.Content)} }
			}
		}
	case tea.MouseMsg:
		switch msg.Button {
		case tea.MouseButtonWheelUp:
			m.scrollBy(-3)
		case tea.MouseButtonWheelDown:
			m.scrollBy(3)
		case tea.MouseButtonLeft:
			if msg.Action == tea.MouseActionPress && msg.Y == 0 {
				m.clickTab(msg.X)
			}
		}
	}
	return m, nil
}

// updatePrompt drives the write dialog.
func (m planModel) updatePrompt(msg tea.KeyMsg) (planModel, tea.Cmd) {
	k := m.keys
	switch m.prompt {
	case promptDir:
		switch {
		case msg.Type == tea.KeyEsc:
			m.prompt = promptNone
			m.input.Blur()
			return m, nil
		case key.Matches(msg, k.Accept):
			dir := strings.TrimSpace(m.input.Value())
			if dir == "" {
				return m, nil
			}
			m.input.Blur()
			return m.startWrite(dir, false)
		}
		var cmd tea.Cmd
		m.input, cmd = m.input.Update(msg)
		return m, cmd
	case promptConfirm:
		switch {
		case key.Matches(msg, k.Confirm):
			return m.startWrite(m.dir, true)
		case key.Matches(msg, k.Deny):
			m.prompt = promptNone
			m.status, m.failed = "nothing written", false
		}
	}
	return m, nil
}

// startWrite runs the injected writer in a tea.Cmd.
func (m planModel) startWrite(dir string, overwrite bool) (planModel, tea.Cmd) {
	m.prompt, m.dir = promptWriting, dir
	write := m.write
	return m, func() tea.Msg {
		paths, err := write(dir, overwrite)
		return writtenMsg{dir: dir, paths: paths, err: err}
	}
}

// written takes the result of a write: existing files ask for
// confirmation, other errors and success end the dialog.
func (m planModel) written(msg writtenMsg) planModel {
	switch {
	case errors.Is(msg.err, fs.ErrExist):
		m.prompt, m.dir = promptConfirm, msg.dir
	case msg.err != nil:
		m.prompt = promptNone
		m.status, m.failed = safe(msg.err.Error()), true
	default:
		m.prompt = promptNone
		m.status, m.failed = "wrote "+itoa(len(msg.paths))+" files to "+safe(msg.dir), false
	}
	return m
}

// cycle moves to the next or previous tab.
func (m *planModel) cycle(d int) {
	n := len(m.tabs())
	m.tab = (m.tab+1+d+n)%n - 1
	if m.tab >= 0 {
		m.lastFile = m.tab
	}
}

// clickTab selects the tab under column x of the tab row.
func (m *planModel) clickTab(x int) {
	pos := 0
	for i, t := range m.tabs() {
		if m.wide && i == 0 {
			continue // the summary has its own column
		}
		w := len([]rune(t)) + 3
		if x >= pos && x < pos+w {
			m.tab = i - 1
			if m.tab >= 0 {
				m.lastFile = m.tab
			}
			return
		}
		pos += w
	}
}

// scrollable reports whether the text the keys scroll is taller than
// its window.
func (m planModel) scrollable() bool {
	if !m.hasPlan() {
		return false
	}
	total, view := m.scrollExtent()
	return total > view
}

// scrollExtent is the length of the text the keys scroll and the rows it
// has.
func (m planModel) scrollExtent() (total, view int) {
	view = m.h - 1 - len(m.footer())
	if len(m.code) == 0 {
		view++ // no tab row
	}
	if m.tab >= 0 && m.tab < len(m.code) {
		return len(m.code[m.tab]), view
	}
	return len(m.summaryLines(m.summaryWidth())), view
}

// summaryWidth is the width of the summary: a left column on wide panes.
func (m planModel) summaryWidth() int {
	if m.wide && len(m.code) > 0 {
		return max(40, min(72, m.w*2/5)) - 1
	}
	return m.w
}

// scrollIndex is the index into scroll of the tab shown.
func (m planModel) scrollIndex() int { return m.tab + 1 }

func (m *planModel) scrollBy(d int) {
	i := m.scrollIndex()
	if i < 0 || i >= len(m.scroll) {
		return
	}
	total, view := m.scrollExtent()
	m.scroll[i] = max(0, min(m.scroll[i]+d, total-view))
}

// Title is the pane's title.
func (m planModel) Title() string {
	if !m.hasPlan() {
		return "Plan"
	}
	p := m.rec.Plan
	t := "Plan · " + string(p.Verdict)
	if p.Estimate.SavedBytes > 0 {
		t += " · saves " + report.Bytes(p.Estimate.SavedBytes) + " (" + report.Percent(p.Estimate.SavedPercent) + ")"
	}
	return t
}

// View draws the pane's inner lines.
func (m planModel) View(focused bool) []string {
	st, w, h := m.ui.st, m.w, m.h
	if !m.hasPlan() {
		return []string{"", fit("  No plan for this image.", w),
			st.Dim.Render(fit("  (The recommendation could not be made; the other panes still show where the bytes are.)", w))}
	}
	foot := m.footer()
	bodyH := h - len(foot)
	var lines []string
	switch {
	case m.wide && len(m.code) > 0:
		lw := m.summaryWidth() + 1
		head := st.Dim.Render("Summary")
		if m.tab < 0 {
			head = m.activeTab("Summary")
		}
		left := append([]string{head}, m.window(m.summaryLines(lw-1), m.scroll[0], bodyH-1)...)
		right := m.fileView(w-lw-1, bodyH)
		for i := range bodyH {
			l, r := "", ""
			if i < len(left) {
				l = left[i]
			}
			if i < len(right) {
				r = right[i]
			}
			lines = append(lines, fit(l, lw)+st.Border.Render("│")+fit(r, w-lw-1))
		}
	case len(m.code) == 0:
		lines = m.window(m.summaryLines(w), m.scroll[0], bodyH)
	case m.tab < 0:
		lines = append([]string{m.tabRow(w)}, m.window(m.summaryLines(w), m.scroll[0], bodyH-1)...)
	default:
		lines = m.fileView(w, bodyH)
	}
	for len(lines) < bodyH {
		lines = append(lines, "")
	}
	return append(lines[:bodyH], foot...)
}

// activeTab draws the selected tab's label: highlighted, or bracketed
// without colour.
func (m planModel) activeTab(t string) string {
	if m.ui.st.Color {
		return m.ui.st.TabActive.Render(" " + t + " ")
	}
	return "[" + t + "]"
}

// window returns h lines of ls from offset.
func (m planModel) window(ls []string, offset, h int) []string {
	offset = max(0, min(offset, len(ls)-h))
	return ls[offset:min(len(ls), offset+h)]
}

// tabRow draws the tabs, the shown one highlighted; on a wide pane the
// summary has its own column and no tab here.
func (m planModel) tabRow(w int) string {
	st := m.ui.st
	shown := m.tab + 1
	if m.wide {
		shown = m.shownFile() + 1
	}
	var b strings.Builder
	for i, t := range m.tabs() {
		switch {
		case m.wide && i == 0:
			continue
		case i == shown:
			b.WriteString(m.activeTab(t))
		default:
			b.WriteString(st.TabInactive.Render(" " + t + " "))
		}
		b.WriteString(" ")
	}
	return fit(b.String(), w)
}

// fileView draws the tab row and the shown file with line numbers.
func (m planModel) fileView(w, h int) []string {
	st := m.ui.st
	i := m.shownFile()
	out := []string{m.tabRow(w)}
	if i < 0 {
		return out
	}
	code := m.code[i]
	numW := len(itoa(len(code)))
	off := max(0, min(m.scroll[i+1], len(code)-(h-1)))
	for _, l := range m.window(code, off, h-1) {
		out = append(out, fit(st.Dim.Render(rightAlign(itoa(off+1), numW))+" "+l, w))
		off++
	}
	return out
}

// footer is the write dialog, or the last status, or nothing.
func (m planModel) footer() []string {
	st, w := m.ui.st, m.w
	sep := st.Dim.Render(strings.Repeat("─", w))
	switch m.prompt {
	case promptDir:
		m.input.Width = max(1, w-len(m.input.Prompt)-2)
		return []string{sep, fit(m.input.View(), w)}
	case promptConfirm:
		n := 0
		if m.rec != nil {
			n = len(m.rec.Files)
		}
		return []string{sep, fit(st.Warn.Render("files already exist in "+safe(m.dir)+": overwrite "+itoa(n)+" files?")+
			" "+m.keys.Confirm.Help().Key+"/"+m.keys.Deny.Help().Key, w)}
	case promptWriting:
		return []string{sep, fit("writing to "+safe(m.dir)+"…", w)}
	}
	if m.status != "" {
		s := st.Good
		if m.failed {
			s = st.Error
		}
		return []string{sep, s.Render(fit(m.status, w))}
	}
	return nil
}

// summaryLines describes the plan: verdict, before/after sizes, removed
// categories, the runtime base and why, quick wins and findings.
func (m planModel) summaryLines(w int) []string {
	st := m.ui.st
	p := m.rec.Plan
	e := p.Estimate
	var out []string
	add := func(s string) { out = append(out, fit(s, w)) }
	para := func(prefix, s string) {
		for i, l := range wrap(safe(s), w-len([]rune(prefix))) {
			if i == 0 {
				out = append(out, fit(prefix+l, w))
			} else {
				out = append(out, fit(strings.Repeat(" ", len([]rune(prefix)))+l, w))
			}
		}
	}
	add(st.Bold.Render("Verdict: ") + verdictText(st, p.Verdict))
	for _, r := range p.Reasons {
		para("  ", r)
	}
	if e.CurrentBytes > 0 {
		add("")
		barW := max(8, min(60, w-22))
		peak := max(e.CurrentBytes, e.RuntimeBytes)
		add(fit("today", 8) + bar(st.Before, float64(e.CurrentBytes)/float64(peak), barW) + rightAlign(report.Bytes(e.CurrentBytes), 10))
		if p.Verdict == recommend.Split || e.RuntimeBytes > 0 {
			add(fit("runtime", 8) + bar(st.After, float64(e.RuntimeBytes)/float64(peak), barW) + rightAlign(report.Bytes(e.RuntimeBytes), 10))
			add(st.Dim.Render("        base " + report.Bytes(e.BaseBytes) + " + copied " + report.Bytes(e.CopiedBytes) + " (" + commas(e.CopiedFiles) + " files)"))
			add("saving  " + st.Saved.Render(report.Bytes(e.SavedBytes)+" ("+report.Percent(e.SavedPercent)+")"))
		}
	}
	var removed []recommend.CategoryEstimate
	for _, c := range e.Categories {
		if c.RemovedBytes > 0 {
			removed = append(removed, c)
		}
	}
	if len(removed) > 0 {
		add("")
		add(st.Bold.Render("Left behind in the builder"))
		for _, c := range removed {
			i := catIndex(c.Category)
			add("  " + st.Cat[i].Render(st.Glyph[i]) + " " + fit(string(c.Category), w-15) + rightAlign(report.Bytes(c.RemovedBytes), 10))
		}
	}
	if rb := p.Runtime; rb != nil {
		add("")
		add(st.Bold.Render("Runtime base"))
		para("  ", rb.Image)
		size := ""
		if rb.Size.SizeBytes > 0 {
			size = " · " + report.Bytes(rb.Size.SizeBytes) + " (" + rb.Size.Source + ")"
		}
		add(st.Dim.Render("  " + rb.Family + " · libc " + rb.Libc + size))
		for _, why := range rb.Why {
			para("  · ", why)
		}
	}
	if len(p.QuickWins) > 0 {
		add("")
		add(st.Bold.Render("Quick wins"))
		for _, q := range p.QuickWins {
			b := ""
			if q.Bytes > 0 {
				b = " (" + report.Bytes(q.Bytes) + ")"
			}
			para("  · ", q.Advice+b)
		}
	}
	if len(p.Findings) > 0 {
		add("")
		add(st.Bold.Render("Findings"))
		for _, f := range p.Findings {
			s := st.Dim
			if f.Severity == "warning" {
				s = st.Warn
			}
			for i, l := range wrap(safe(f.Message), w-4) {
				pre := "    "
				if i == 0 {
					pre = "  " + s.Render("!") + " "
				}
				out = append(out, fit(pre+l, w))
			}
		}
	}
	return out
}

func verdictText(st *Styles, v recommend.Verdict) string {
	if v == recommend.Split {
		return st.Good.Render("split into a builder and a runtime image")
	}
	return st.Bold.Render(string(v))
}
