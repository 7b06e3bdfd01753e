package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/slimcheck/slimcheck/report"
)

// state is the screen the model shows.
type state uint8

const (
	stateLoading state = iota
	stateReady
)

// maxTrees bounds the built trees kept for quick scope changes.
const maxTrees = 4

// config is what Run hands the model.
type config struct {
	ref       string
	styles    *Styles
	keys      KeyMap
	clipboard func(string) error
	dir       string
}

// Model is the root model: the loading screen, then the four panes with a
// help bar.
type Model struct {
	state    state
	ui       *shared
	keys     KeyMap // enabled per state by syncKeys; the panes get copies
	cfg      config
	focus    pane
	showHelp bool
	width    int
	height   int
	help     help.Model

	loading   loadingModel
	layers    layersModel
	breakdown breakdownModel
	files     filesModel
	plan      planModel

	trees    []*fileTree      // built trees, oldest first
	building map[treeKey]bool // trees being built
	summing  map[scope]bool   // breakdown details being summed

	status   string // a one-off message shown in place of the help bar
	err      error  // the load failed
	canceled bool   // the user cancelled the load
}

func newModel(c config) Model {
	h := help.New()
	h.Styles = c.styles.Help
	m := Model{
		ui:       &shared{st: c.styles},
		keys:     c.keys,
		cfg:      c,
		help:     h,
		loading:  newLoading(safe(c.ref)),
		building: map[treeKey]bool{},
		summing:  map[scope]bool{},
	}
	m.syncKeys()
	return m
}

// Init starts nothing: Run's loader sends the progress and the result.
func (m Model) Init() tea.Cmd { return nil }

// Update handles every message.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	// Keys typed faster than the terminal is read arrive as one message
	// of several runes: take them one at a time, as typed.
	if km, ok := msg.(tea.KeyMsg); ok && km.Type == tea.KeyRunes && len(km.Runes) > 1 && !km.Paste {
		var cmds []tea.Cmd
		for _, r := range km.Runes {
			tm, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: km.Alt})
			m = tm.(Model)
			cmds = append(cmds, cmd)
		}
		return m, tea.Batch(cmds...)
	}
	var cmds []tea.Cmd
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.resize()
	case progressMsg:
		m.loading = m.loading.Update(msg)
	case loadedMsg:
		if msg.err != nil {
			m.err = msg.err
			return m, tea.Quit
		}
		if m.state == stateLoading {
			m.ready(msg)
		}
	case treeMsg:
		m.building = without(m.building, msg.tree.key)
		m.keepTree(msg.tree)
		if msg.tree.key == m.files.want() {
			m.files.setTree(msg.tree)
		}
	case detailsMsg:
		m.summing = without(m.summing, msg.scope)
		m.breakdown, _ = m.breakdown.Update(msg)
	case showFilesMsg:
		m.focus = paneFiles
		f := m.files.filter
		f.cat = msg.cat
		m.files.setFilter(f)
		m.resize()
	case writtenMsg, copiedMsg:
		var cmd tea.Cmd
		m.plan, cmd = m.plan.Update(msg)
		cmds = append(cmds, cmd)
	case tea.KeyMsg:
		var cmd tea.Cmd
		m, cmd = m.key(msg)
		cmds = append(cmds, cmd)
	case tea.MouseMsg:
		var cmd tea.Cmd
		m, cmd = m.mouse(msg)
		cmds = append(cmds, cmd)
	}
	if m.state == stateReady {
		m.applyScope()
		cmds = append(cmds, m.want())
	}
	m.syncKeys()
	return m, tea.Batch(cmds...)
}

// ready switches to the main screen once the report is there.
func (m *Model) ready(msg loadedMsg) {
	d := newData(msg.rep, msg.rec)
	m.ui.d = d
	m.state = stateReady
	m.layers = newLayers(m.ui)
	s := m.layers.scope()
	m.breakdown = newBreakdown(m.ui, s)
	m.files = newFiles(m.ui, s)
	m.plan = newPlan(m.ui, msg.rec, msg.write, m.cfg.clipboard, m.cfg.dir)
	m.resize()
}

// key routes a key press: Ctrl-C always quits; an open prompt takes every
// other key; then the global keys; then the focused pane.
func (m Model) key(msg tea.KeyMsg) (Model, tea.Cmd) {
	k := m.keys
	m.status = ""
	if m.state == stateLoading {
		if key.Matches(msg, k.Cancel) {
			m.canceled = true
			return m, tea.Quit
		}
		return m, nil
	}
	if key.Matches(msg, k.ForceQuit) {
		return m, tea.Quit
	}
	var cmd tea.Cmd
	switch {
	case m.files.typing:
		m.files, cmd = m.files.Update(msg)
		return m, cmd
	case m.plan.prompting():
		m.plan, cmd = m.plan.Update(msg)
		return m, cmd
	case m.showHelp:
		if key.Matches(msg, k.Quit) {
			return m, tea.Quit
		}
		if key.Matches(msg, k.Help) || msg.Type == tea.KeyEsc {
			m.showHelp = false
		}
		return m, nil
	}
	switch {
	case key.Matches(msg, k.Quit):
		return m, tea.Quit
	case key.Matches(msg, k.Help):
		m.showHelp = true
	case key.Matches(msg, k.NextPane):
		m.setFocus((m.focus + 1) % numPanes)
	case key.Matches(msg, k.PrevPane):
		m.setFocus((m.focus + numPanes - 1) % numPanes)
	case key.Matches(msg, k.LayersPane):
		m.setFocus(paneLayers)
	case key.Matches(msg, k.BreakdownPane):
		m.setFocus(paneBreakdown)
	case key.Matches(msg, k.FilesPane):
		m.setFocus(paneFiles)
	case key.Matches(msg, k.PlanPane):
		m.setFocus(panePlan)
	default:
		return m.toPane(m.focus, msg)
	}
	return m, nil
}

// toPane hands msg to pane p.
func (m Model) toPane(p pane, msg tea.Msg) (Model, tea.Cmd) {
	var cmd tea.Cmd
	switch p {
	case paneLayers:
		m.layers, cmd = m.layers.Update(msg)
	case paneBreakdown:
		m.breakdown, cmd = m.breakdown.Update(msg)
	case paneFiles:
		m.files, cmd = m.files.Update(msg)
	case panePlan:
		m.plan, cmd = m.plan.Update(msg)
	}
	return m, cmd
}

// mouse focuses the pane under a click and hands it the event, with Y
// relative to the pane's top border row; clicks on the tab bar switch
// panes. While a prompt is open the mouse does nothing.
func (m Model) mouse(msg tea.MouseMsg) (Model, tea.Cmd) {
	if m.state != stateReady || m.files.typing || m.plan.prompting() || m.showHelp {
		return m, nil
	}
	if msg.Y == 0 && msg.Action == tea.MouseActionPress && msg.Button == tea.MouseButtonLeft {
		if p, ok := m.tabAt(msg.X); ok {
			m.setFocus(p)
		}
		return m, nil
	}
	l := computeLayout(m.width, m.height, m.focus, len(m.ui.d.rep.Layers))
	for p := range numPanes {
		r := l.panes[p]
		if !r.visible() || !r.contains(msg.X, msg.Y) {
			continue
		}
		if msg.Action == tea.MouseActionPress && msg.Button == tea.MouseButtonLeft && m.focus != p {
			m.setFocus(p)
		}
		msg.X -= r.x + 1
		msg.Y -= r.y + 1
		return m.toPane(p, msg)
	}
	return m, nil
}

func (m *Model) setFocus(p pane) {
	m.focus = p
	m.resize()
}

// applyScope hands the layer cursor's scope to the other panes.
func (m *Model) applyScope() {
	s := m.layers.scope()
	if s != m.breakdown.scope {
		m.breakdown.setScope(s)
	}
	if s != m.files.scope {
		m.files.scope = s
		m.files.match, m.files.fbytes = nil, nil
	}
	if !m.files.ready() {
		if t := m.tree(m.files.want()); t != nil {
			m.files.setTree(t)
		}
	}
}

// want starts the slow work the visible panes wait for: building a tree,
// summing a scope's categories.
func (m *Model) want() tea.Cmd {
	var cmds []tea.Cmd
	l := computeLayout(m.width, m.height, m.focus, len(m.ui.d.rep.Layers))
	if key := m.files.want(); l.panes[paneFiles].visible() && !m.files.ready() && m.ui.d.hasFiles() && !m.building[key] {
		m.building = with(m.building, key, true)
		cmds = append(cmds, buildTreeCmd(m.ui.d, key))
	}
	if s := m.breakdown.scope; l.panes[paneBreakdown].visible() && m.breakdown.open && m.breakdown.needDetails() && !m.summing[s] {
		m.summing = with(m.summing, s, true)
		cmds = append(cmds, detailsCmd(m.ui.d, s))
	}
	return tea.Batch(cmds...)
}

// tree returns the built tree for key, if kept.
func (m Model) tree(key treeKey) *fileTree {
	for _, t := range m.trees {
		if t.key == key {
			return t
		}
	}
	return nil
}

// keepTree remembers t, forgetting the oldest tree beyond maxTrees.
func (m *Model) keepTree(t *fileTree) {
	out := m.trees[:0:0]
	for _, o := range m.trees {
		if o.key != t.key {
			out = append(out, o)
		}
	}
	out = append(out, t)
	if len(out) > maxTrees {
		out = out[len(out)-maxTrees:]
	}
	m.trees = out
}

// resize hands each pane its inner size.
func (m *Model) resize() {
	m.help.Width = m.width
	if m.state != stateReady {
		return
	}
	l := computeLayout(m.width, m.height, m.focus, len(m.ui.d.rep.Layers))
	inner := func(p pane) (int, int) {
		r := l.panes[p]
		if !r.visible() {
			// Hidden panes keep a usable size for paging.
			r = rect{w: m.width, h: m.height - 2}
		}
		return max(1, r.w-2), max(1, r.h-2)
	}
	w, h := inner(paneLayers)
	m.layers.SetSize(w, h)
	m.layers.offset = scrollTo(m.layers.offset, m.layers.cursor, m.layers.listHeight(), len(m.ui.d.rep.Layers))
	w, h = inner(paneBreakdown)
	m.breakdown.SetSize(w, h)
	w, h = inner(paneFiles)
	m.files.SetSize(w, h)
	w, h = inner(panePlan)
	m.plan.SetSize(w, h, l.wide)
}

// syncKeys enables exactly the bindings that act in the current state, so
// the help bar (built from the same bindings) never shows a dead key.
func (m *Model) syncKeys() {
	defer func() {
		m.layers.keys, m.breakdown.keys, m.files.keys, m.plan.keys = m.keys, m.keys, m.keys, m.keys
	}()
	k := &m.keys
	for _, b := range k.all() {
		b.SetEnabled(false)
	}
	if m.state == stateLoading {
		k.Cancel.SetEnabled(true)
		return
	}
	k.ForceQuit.SetEnabled(true)
	switch {
	case m.files.typing:
		k.Accept.SetEnabled(true)
		k.ClearFilters.SetEnabled(true)
		return
	case m.plan.prompt == promptDir:
		k.Accept.SetEnabled(true)
		return
	case m.plan.prompt == promptConfirm:
		k.Confirm.SetEnabled(true)
		k.Deny.SetEnabled(true)
		return
	case m.plan.prompt == promptWriting:
		return
	case m.showHelp:
		k.Help.SetEnabled(true)
		k.Quit.SetEnabled(true)
		return
	}
	for _, b := range []*key.Binding{&k.NextPane, &k.PrevPane, &k.LayersPane, &k.BreakdownPane, &k.FilesPane, &k.PlanPane, &k.Help, &k.Quit} {
		b.SetEnabled(true)
	}
	// The focused pane's own number would do nothing.
	[]*key.Binding{&k.LayersPane, &k.BreakdownPane, &k.FilesPane, &k.PlanPane}[m.focus].SetEnabled(false)
	d := m.ui.d
	nav := func(on bool) {
		for _, b := range []*key.Binding{&k.Up, &k.Down, &k.PageUp, &k.PageDown, &k.Top, &k.Bottom} {
			b.SetEnabled(on)
		}
	}
	switch m.focus {
	case paneLayers:
		nav(len(d.rep.Layers) > 1)
		k.ToggleScope.SetEnabled(len(d.rep.Layers) > 0)
	case paneBreakdown:
		nav(len(m.breakdown.rows) > 1)
		k.Details.SetEnabled(len(m.breakdown.rows) > 0)
		k.ShowFiles.SetEnabled(len(m.breakdown.rows) > 0 && d.hasFiles())
	case paneFiles:
		if !d.hasFiles() {
			break
		}
		nav(len(m.files.rows) > 1)
		onDir := m.files.node() > 0 && m.files.tree.nodes[m.files.node()].dir
		k.Toggle.SetEnabled(onDir)
		k.Expand.SetEnabled(onDir)
		if n := m.files.node(); n > 0 {
			k.Collapse.SetEnabled((onDir && m.files.isOpen(n)) || m.files.tree.nodes[n].parent > 0)
		}
		// Filters can be set while the tree is being built; they apply
		// when it arrives.
		for _, b := range []*key.Binding{&k.Filter, &k.WastedOnly, &k.NotNeededOnly} {
			b.SetEnabled(true)
		}
		k.Largest.SetEnabled(m.files.tree != nil)
		k.CategoryFilter.SetEnabled(m.files.tree != nil)
		k.CollapseAll.SetEnabled(m.files.tree != nil && m.files.anyOpen())
		k.ExpandAll.SetEnabled(m.files.tree != nil && !m.files.allOpen())
		k.ClearFilters.SetEnabled(m.files.filter != (filterSpec{}))
	case panePlan:
		nav(m.plan.scrollable())
		k.NextTab.SetEnabled(len(m.plan.tabs()) > 1)
		k.PrevTab.SetEnabled(len(m.plan.tabs()) > 1)
		k.Write.SetEnabled(m.plan.canWrite())
		k.Copy.SetEnabled(m.plan.canCopy())
	}
}

// ShortHelp is the one-line help: the keys of the focused pane first.
func (m Model) ShortHelp() []key.Binding {
	k := m.keys
	var bs []key.Binding
	switch {
	case m.state == stateLoading:
		return []key.Binding{k.Cancel}
	case m.files.typing:
		return []key.Binding{k.Accept, k.ClearFilters, k.ForceQuit}
	case m.plan.prompting():
		return []key.Binding{k.Accept, k.Confirm, k.Deny, k.ForceQuit}
	case m.showHelp:
		return []key.Binding{k.Help, k.Quit}
	}
	switch m.focus {
	case paneLayers:
		bs = []key.Binding{k.Up, k.Down, k.ToggleScope}
	case paneBreakdown:
		bs = []key.Binding{k.Up, k.Down, k.Details, k.ShowFiles}
	case paneFiles:
		bs = []key.Binding{k.Toggle, k.Collapse, k.Largest, k.Filter, k.CategoryFilter, k.WastedOnly, k.NotNeededOnly, k.ClearFilters}
	case panePlan:
		bs = []key.Binding{k.Up, k.Down, k.NextTab, k.Write, k.Copy}
	}
	return append(bs, k.NextPane, k.Help, k.Quit)
}

// FullHelp is every binding that acts now, grouped.
func (m Model) FullHelp() [][]key.Binding {
	k := m.keys
	return [][]key.Binding{
		{k.NextPane, k.PrevPane, k.LayersPane, k.BreakdownPane, k.FilesPane, k.PlanPane, k.Help, k.Quit, k.ForceQuit, k.Cancel},
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.ToggleScope, k.Details, k.ShowFiles},
		{k.Toggle, k.Expand, k.Collapse, k.CollapseAll, k.ExpandAll, k.Largest},
		{k.Filter, k.CategoryFilter, k.WastedOnly, k.NotNeededOnly, k.ClearFilters},
		{k.NextTab, k.PrevTab, k.Write, k.Copy, k.Accept, k.Confirm, k.Deny},
	}
}

// View draws the screen: tab bar, panes, help bar. It is exactly
// width×height so the renderer repaints only changed lines.
func (m Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	st := m.ui.st
	if m.width < minWidth || m.height < minHeight {
		return strings.Join(pad([]string{fit("terminal too small: slimcheck needs "+itoa(minWidth)+"×"+itoa(minHeight), m.width)}, m.width, m.height), "\n")
	}
	if m.state == stateLoading {
		return m.loading.View(st, m.keys, m.width, m.height)
	}
	body := m.body()
	lines := make([]string, 0, m.height)
	lines = append(lines, m.tabBar())
	lines = append(lines, body...)
	lines = append(lines, m.footer())
	return strings.Join(lines, "\n")
}

// body draws the panes (or the full help) in the rows between the bars.
func (m Model) body() []string {
	bodyH := m.height - 2
	if m.showHelp {
		return strings.Split(box(m.ui.st, "Help · "+m.focus.String(), m.fullHelp(m.width-2), m.width, bodyH, true), "\n")
	}
	l := computeLayout(m.width, m.height, m.focus, len(m.ui.d.rep.Layers))
	canvas := make([]string, bodyH)
	for p := range numPanes {
		r := l.panes[p]
		if !r.visible() {
			continue
		}
		focused := p == m.focus
		var title string
		var inner []string
		switch p {
		case paneLayers:
			title, inner = m.layers.Title(), m.layers.View(focused)
		case paneBreakdown:
			title, inner = m.breakdown.Title(), m.breakdown.View(focused)
		case paneFiles:
			title, inner = m.files.Title(), m.files.View(focused)
		case panePlan:
			title, inner = m.plan.Title(), m.plan.View(focused)
		}
		for i, line := range strings.Split(box(m.ui.st, " "+title+" ", inner, r.w, r.h, focused), "\n") {
			if y := r.y - 1 + i; y >= 0 && y < bodyH {
				canvas[y] += line // panes are laid out left to right
			}
		}
	}
	return pad(canvas, m.width, bodyH)
}

// pad makes lines exactly h lines of w cells.
func pad(lines []string, w, h int) []string {
	for len(lines) < h {
		lines = append(lines, "")
	}
	lines = lines[:h]
	for i, l := range lines {
		lines[i] = fit(l, w)
	}
	return lines
}

// tabLabels are the tab bar's labels, in pane order.
func (m Model) tabLabels() []string {
	var out []string
	for p := range numPanes {
		out = append(out, itoa(int(p)+1)+" "+p.String())
	}
	return out
}

// tabAt returns the pane whose tab is under column x.
func (m Model) tabAt(x int) (pane, bool) {
	pos := 1
	for p, t := range m.tabLabels() {
		w := len([]rune(t)) + 2
		if x >= pos && x < pos+w {
			return pane(p), true
		}
		pos += w + 1
	}
	return 0, false
}

// tabBar draws the pane tabs and the image's name and size.
func (m Model) tabBar() string {
	st := m.ui.st
	var b strings.Builder
	b.WriteString(" ")
	for p, t := range m.tabLabels() {
		switch {
		case pane(p) == m.focus && st.Color:
			b.WriteString(st.TabActive.Render(" " + t + " "))
		case pane(p) == m.focus:
			b.WriteString("[" + t + "]")
		default:
			b.WriteString(st.TabInactive.Render(" " + t + " "))
		}
		b.WriteString(" ")
	}
	r := m.ui.d.rep
	name := r.Image.Reference
	if name == "" {
		name = r.Image.Name
	}
	info := st.Bold.Render(safe(name)) + st.Dim.Render(" · "+report.Bytes(r.Image.SizeBytes)+" · "+itoa(len(r.Layers))+" layers ")
	return columns(b.String(), info, m.width)
}

// footer is the status message or the one-line help.
func (m Model) footer() string {
	if m.status != "" {
		return fit(m.status, m.width)
	}
	return fit(m.help.ShortHelpView(m.ShortHelp()), m.width)
}

// fullHelp lists every binding that acts now in columns that fit w.
func (m Model) fullHelp(w int) []string {
	st := m.ui.st
	titles := []string{"Global", "Move", "Layers & breakdown", "Tree", "Filters", "Plan"}
	// List the keys of the screen under the help.
	under := m
	under.showHelp = false
	under.syncKeys()
	var blocks [][]string
	for i, g := range under.FullHelp() {
		var rows []string
		for _, b := range g {
			if b.Enabled() {
				rows = append(rows, st.Help.FullKey.Render(fit(b.Help().Key, 10))+" "+st.Help.FullDesc.Render(b.Help().Desc))
			}
		}
		if len(rows) > 0 {
			blocks = append(blocks, append([]string{st.Bold.Render(titles[i])}, rows...))
		}
	}
	colW := 36
	cols := max(1, w/colW)
	var out []string
	for i := 0; i < len(blocks); i += cols {
		row := blocks[i:min(len(blocks), i+cols)]
		n := 0
		for _, bl := range row {
			n = max(n, len(bl))
		}
		for j := range n {
			var line string
			for _, bl := range row {
				cell := ""
				if j < len(bl) {
					cell = bl[j]
				}
				line += fit(" "+cell, colW)
			}
			out = append(out, line)
		}
		out = append(out, "")
	}
	return append(out, st.Dim.Render(" Panes: Layers scopes Breakdown and Files to the layer under its cursor."),
		st.Dim.Render(" Mouse: click a pane or row, wheel to scroll."))
}
