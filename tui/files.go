package tui

import (
	"cmp"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/slimcheck/slimcheck/report"
)

// treeMsg carries a tree built off the event loop.
type treeMsg struct{ tree *fileTree }

// buildTreeCmd builds the tree of key from d in a tea.Cmd.
func buildTreeCmd(d *data, key treeKey) tea.Cmd {
	return func() tea.Msg { return treeMsg{tree: buildTree(d, key)} }
}

// filterSpec is what the Files pane filters by.
type filterSpec struct {
	text      string          // path substring; case-insensitive unless it has capitals
	cat       report.Category // one category, or "" for all
	wasted    bool            // show the wasted entries instead of the filesystem
	notNeeded bool            // only categories not needed at run time
}

// predicate returns the test a file node must pass, or nil when every
// node passes.
func (f filterSpec) predicate(t *fileTree) func(n *treeNode) bool {
	if f.text == "" && f.cat == "" && !f.notNeeded {
		return nil
	}
	text, fold := f.text, strings.ToLower(f.text) == f.text
	ci := catIndex(f.cat)
	return func(n *treeNode) bool {
		if f.cat != "" && n.cat != ci {
			return false
		}
		if f.notNeeded && !catAt(n.cat).NotNeededAtRuntime() {
			return false
		}
		if text != "" {
			if fold {
				return strings.Contains(n.lower, text)
			}
			return strings.Contains(n.path, text)
		}
		return true
	}
}

// filesModel is the Files pane: the file tree of the scope, sorted by
// size, with its filters. The tree is built once per scope; filtering
// recomputes a match mask and filtered sizes, and the pane keeps a flat
// slice of the visible rows so that drawing costs only the rows shown.
type filesModel struct {
	ui     *shared
	keys   KeyMap
	scope  scope
	tree   *fileTree // may be an older scope's tree while the new one builds
	filter filterSpec
	input  textinput.Model
	typing bool

	open    map[string]bool // directories opened or closed by hand, by path
	defOpen bool            // the state of every other directory

	match  []bool            // per node: shown under the filter (nil: all)
	fbytes []int64           // per node: filtered size (nil: node sizes)
	order  map[int32][]int32 // filtered children by filtered size, per directory
	rows   []int32           // visible nodes, top to bottom
	cursor int
	offset int
	w, h   int
}

func newFiles(ui *shared, s scope) filesModel {
	in := textinput.New()
	in.Prompt = "/"
	in.Placeholder = "path contains…"
	in.PromptStyle = ui.st.Bold
	in.TextStyle = ui.st.Bold.UnsetBold()
	in.PlaceholderStyle = ui.st.Dim
	in.Cursor.Style = ui.st.Bold
	in.Cursor.SetMode(cursor.CursorStatic)
	in.CharLimit = 256
	return filesModel{ui: ui, scope: s, input: in, open: map[string]bool{}}
}

// want is the tree the pane should show.
func (m filesModel) want() treeKey { return treeKey{scope: m.scope, wasted: m.filter.wasted} }

// ready reports whether the pane shows the tree it wants.
func (m filesModel) ready() bool { return m.tree != nil && m.tree.key == m.want() }

// SetSize sets the inner size of the pane.
func (m *filesModel) SetSize(w, h int) {
	m.w, m.h = w, h
	m.offset = scrollTo(m.offset, m.cursor, m.listHeight(), len(m.rows))
}

// listHeight is the number of tree rows that fit.
func (m filesModel) listHeight() int { return max(1, m.h-2) }

// setTree shows t, keeping the cursor on the same path when it is there.
func (m *filesModel) setTree(t *fileTree) {
	path := m.cursorPath()
	m.tree = t
	m.refilter()
	m.seek(path)
}

// cursorPath is the path under the cursor ("" for none).
func (m filesModel) cursorPath() string {
	if m.tree == nil || m.cursor >= len(m.rows) {
		return ""
	}
	return m.tree.nodes[m.rows[m.cursor]].path
}

// seekNode puts the cursor on node i of the current tree, or on path
// when i is not shown.
func (m *filesModel) seekNode(i int32, path string) {
	for r, n := range m.rows {
		if n == i {
			m.cursor = r
			m.offset = scrollTo(m.offset, m.cursor, m.listHeight(), len(m.rows))
			return
		}
	}
	m.seek(path)
}

// seek puts the cursor on path, or on the nearest ancestor shown.
func (m *filesModel) seek(path string) {
	for path != "" {
		for i, n := range m.rows {
			if m.tree.nodes[n].path == path {
				m.cursor = i
				m.offset = scrollTo(m.offset, m.cursor, m.listHeight(), len(m.rows))
				return
			}
		}
		if path == "/" {
			break
		}
		path = parentPath(path)
	}
	m.cursor = max(0, min(m.cursor, len(m.rows)-1))
	m.offset = scrollTo(m.offset, m.cursor, m.listHeight(), len(m.rows))
}

// with returns a copy of m with k set to v: models share nothing with the
// values they were updated from.
func with[K comparable, V any](m map[K]V, k K, v V) map[K]V {
	out := make(map[K]V, len(m)+1)
	for a, b := range m {
		out[a] = b
	}
	out[k] = v
	return out
}

// without returns a copy of m without k.
func without[K comparable, V any](m map[K]V, k K) map[K]V {
	out := make(map[K]V, len(m))
	for a, b := range m {
		if a != k {
			out[a] = b
		}
	}
	return out
}

func parentPath(p string) string {
	i := strings.LastIndexByte(p, '/')
	if i <= 0 {
		return "/"
	}
	return p[:i]
}

// refilter recomputes the match mask and filtered sizes, then the rows.
func (m *filesModel) refilter() {
	m.match, m.fbytes, m.order = nil, nil, nil
	if m.tree == nil {
		m.rows = nil
		return
	}
	if pred := m.filter.predicate(m.tree); pred != nil {
		t := m.tree
		n := len(t.nodes)
		m.match = make([]bool, n)
		m.fbytes = make([]int64, n)
		m.order = map[int32][]int32{}
		// Preorder puts every child after its parent, so one backward pass
		// sums the subtrees.
		for i := n - 1; i > 0; i-- {
			nd := &t.nodes[i]
			if !nd.dir && pred(nd) {
				m.match[i] = true
				m.fbytes[i] = nd.bytes
			}
			if m.match[i] {
				m.match[nd.parent] = true
				m.fbytes[nd.parent] += m.fbytes[i]
			}
		}
		m.match[0] = true
	}
	m.flatten()
}

// size is node i's size under the filter.
func (m filesModel) size(i int32) int64 {
	if m.fbytes != nil {
		return m.fbytes[i]
	}
	return m.tree.nodes[i].bytes
}

// isOpen reports whether directory i shows its children.
func (m filesModel) isOpen(i int32) bool {
	if i == 0 {
		return true
	}
	if v, ok := m.open[m.tree.nodes[i].path]; ok {
		return v
	}
	return m.defOpen
}

// children returns the filtered children of directory i, largest first.
func (m *filesModel) children(i int32) []int32 {
	if kids, ok := m.order[i]; ok {
		return kids
	}
	t := m.tree
	var kids []int32
	for j := i + 1; j < t.nodes[i].end; j = t.nodes[j].end {
		if m.match[j] {
			kids = append(kids, j)
		}
	}
	slices.SortStableFunc(kids, func(a, b int32) int { return cmp.Compare(m.fbytes[b], m.fbytes[a]) })
	m.order[i] = kids
	return kids
}

// flatten lists the visible rows: the children of every open directory,
// depth first. Unfiltered, it walks the preorder array without allocating.
func (m *filesModel) flatten() {
	// A new slice: older copies of the model keep their rows.
	m.rows = make([]int32, 0, max(16, len(m.rows)))
	if m.tree == nil {
		return
	}
	t := m.tree
	type frame struct {
		next, end int32   // unfiltered: the next child and the parent's end
		kids      []int32 // filtered: the children left to visit
	}
	var stack []frame
	push := func(i int32) {
		if m.match == nil {
			stack = append(stack, frame{next: i + 1, end: t.nodes[i].end})
		} else {
			stack = append(stack, frame{kids: m.children(i)})
		}
	}
	push(0)
	for len(stack) > 0 {
		top := &stack[len(stack)-1]
		var n int32
		if m.match == nil {
			if top.next >= top.end {
				stack = stack[:len(stack)-1]
				continue
			}
			n = top.next
			top.next = t.nodes[n].end
		} else {
			if len(top.kids) == 0 {
				stack = stack[:len(stack)-1]
				continue
			}
			n = top.kids[0]
			top.kids = top.kids[1:]
		}
		m.rows = append(m.rows, n)
		if t.nodes[n].dir && m.isOpen(n) {
			push(n)
		}
	}
}

// setFilter applies f, opening every directory while a text filter is on.
func (m *filesModel) setFilter(f filterSpec) {
	path := m.cursorPath()
	textChanged := f.text != m.filter.text
	m.filter = f
	if textChanged {
		// A new text opens every directory that holds a match; clearing
		// it closes them again, except those on the way to the cursor.
		m.open = map[string]bool{}
		m.defOpen = f.text != ""
		if !m.defOpen {
			for p := path; p != "/" && p != ""; p = parentPath(p) {
				if p != path {
					m.open[p] = true
				}
			}
		}
	}
	if m.ready() {
		m.refilter()
		m.seek(path)
	}
}

// Update handles keys and mouse events aimed at the pane.
func (m filesModel) Update(msg tea.Msg) (filesModel, tea.Cmd) {
	k := m.keys
	if m.typing {
		return m.updateTyping(msg)
	}
	switch msg := msg.(type) {
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, k.Up):
			m.move(-1)
		case key.Matches(msg, k.Down):
			m.move(1)
		case key.Matches(msg, k.PageUp):
			m.move(-m.listHeight())
		case key.Matches(msg, k.PageDown):
			m.move(m.listHeight())
		case key.Matches(msg, k.Top):
			m.move(-len(m.rows))
		case key.Matches(msg, k.Bottom):
			m.move(len(m.rows))
		case key.Matches(msg, k.Toggle):
			m.toggle()
		case key.Matches(msg, k.Expand):
			m.expand()
		case key.Matches(msg, k.Collapse):
			m.collapse()
		case key.Matches(msg, k.CollapseAll):
			m.setAll(false)
		case key.Matches(msg, k.ExpandAll):
			m.setAll(true)
		case key.Matches(msg, k.Largest):
			m.jumpLargest()
		case key.Matches(msg, k.Filter):
			m.typing = true
			m.input.SetValue(m.filter.text)
			m.input.CursorEnd()
			return m, m.input.Focus()
		case key.Matches(msg, k.CategoryFilter):
			f := m.filter
			f.cat = m.nextCategory()
			m.setFilter(f)
		case key.Matches(msg, k.WastedOnly):
			f := m.filter
			f.wasted = !f.wasted
			m.setFilter(f)
		case key.Matches(msg, k.NotNeededOnly):
			f := m.filter
			f.notNeeded = !f.notNeeded
			m.setFilter(f)
		case key.Matches(msg, k.ClearFilters):
			m.setFilter(filterSpec{})
		}
	case tea.MouseMsg:
		switch msg.Button {
		case tea.MouseButtonWheelUp:
			m.move(-3)
		case tea.MouseButtonWheelDown:
			m.move(3)
		case tea.MouseButtonLeft:
			if row := msg.Y - 1; msg.Action == tea.MouseActionPress && row >= 0 && row < m.listHeight() && m.offset+row < len(m.rows) {
				if m.cursor == m.offset+row {
					m.toggle()
				} else {
					m.cursor = m.offset + row
				}
			}
		}
	}
	return m, nil
}

// updateTyping feeds the filter prompt; the filter applies as it changes.
func (m filesModel) updateTyping(msg tea.Msg) (filesModel, tea.Cmd) {
	k := m.keys
	if km, ok := msg.(tea.KeyMsg); ok {
		switch {
		case key.Matches(km, k.Accept):
			m.typing = false
			m.input.Blur()
			return m, nil
		case key.Matches(km, k.ClearFilters):
			m.typing = false
			m.input.Blur()
			f := m.filter
			f.text = ""
			m.setFilter(f)
			return m, nil
		}
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	if v := m.input.Value(); v != m.filter.text {
		f := m.filter
		f.text = v
		m.setFilter(f)
	}
	return m, cmd
}

func (m *filesModel) move(d int) {
	m.cursor = max(0, min(m.cursor+d, len(m.rows)-1))
	m.offset = scrollTo(m.offset, m.cursor, m.listHeight(), len(m.rows))
}

// node is the node under the cursor, or -1.
func (m filesModel) node() int32 {
	if m.tree == nil || m.cursor < 0 || m.cursor >= len(m.rows) {
		return -1
	}
	return m.rows[m.cursor]
}

func (m *filesModel) setOpen(i int32, open bool) {
	cur, path := m.node(), m.cursorPath()
	m.open = with(m.open, m.tree.nodes[i].path, open)
	m.flatten()
	m.seekNode(cur, path)
}

func (m *filesModel) toggle() {
	if i := m.node(); i > 0 && m.tree.nodes[i].dir {
		m.setOpen(i, !m.isOpen(i))
	}
}

// expand opens the directory under the cursor, or steps into it when it
// is open.
func (m *filesModel) expand() {
	i := m.node()
	if i <= 0 || !m.tree.nodes[i].dir {
		return
	}
	if !m.isOpen(i) {
		m.setOpen(i, true)
	} else if m.cursor+1 < len(m.rows) && m.tree.nodes[m.rows[m.cursor+1]].parent == i {
		m.move(1)
	}
}

// collapse closes the directory under the cursor, or steps out to the
// parent.
func (m *filesModel) collapse() {
	i := m.node()
	if i <= 0 {
		return
	}
	if m.tree.nodes[i].dir && m.isOpen(i) {
		m.setOpen(i, false)
		return
	}
	if p := m.tree.nodes[i].parent; p > 0 {
		m.seek(m.tree.nodes[p].path)
	}
}

// anyOpen reports whether some directory below the root is open.
func (m filesModel) anyOpen() bool {
	if m.defOpen {
		return true
	}
	for _, v := range m.open {
		if v {
			return true
		}
	}
	return false
}

// allOpen reports whether every directory is open.
func (m filesModel) allOpen() bool {
	if !m.defOpen {
		return false
	}
	for _, v := range m.open {
		if !v {
			return false
		}
	}
	return true
}

// setAll opens or closes every directory.
func (m *filesModel) setAll(open bool) {
	cur, path := m.node(), m.cursorPath()
	m.open = map[string]bool{}
	m.defOpen = open
	m.flatten()
	m.seekNode(cur, path)
}

// jumpLargest opens the way to the largest file the filter shows and puts
// the cursor on it.
func (m *filesModel) jumpLargest() {
	if m.tree == nil {
		return
	}
	best := int32(-1)
	for i := range m.tree.nodes {
		n := &m.tree.nodes[i]
		if n.dir || (m.match != nil && !m.match[i]) {
			continue
		}
		if best < 0 || n.bytes > m.tree.nodes[best].bytes {
			best = int32(i)
		}
	}
	if best < 0 {
		return
	}
	m.open = with(m.open, "", false)
	delete(m.open, "")
	for p := m.tree.nodes[best].parent; p > 0; p = m.tree.nodes[p].parent {
		m.open[m.tree.nodes[p].path] = true
	}
	m.flatten()
	m.seekNode(best, m.tree.nodes[best].path)
}

// nextCategory cycles the category filter through the categories the
// tree holds, then off.
func (m filesModel) nextCategory() report.Category {
	var have []report.Category
	if m.tree != nil && len(m.tree.dirCats) > 0 {
		for i, v := range m.tree.dirCats[0] {
			if v > 0 && catAt(uint8(i)) != "" {
				have = append(have, catAt(uint8(i)))
			}
		}
	}
	if len(have) == 0 {
		return ""
	}
	if m.filter.cat == "" {
		return have[0]
	}
	for i, c := range have {
		if c == m.filter.cat && i+1 < len(have) {
			return have[i+1]
		}
	}
	return ""
}

// Title is the pane's title.
func (m filesModel) Title() string {
	t := "Files · " + m.scope.label(m.ui.d)
	if m.filter.wasted {
		t += " · wasted"
	}
	if m.tree != nil && len(m.tree.nodes) > 0 {
		t += " · " + commas(int(m.filesShown())) + " files · " + report.Bytes(m.size(0))
	}
	if !m.ready() && m.ui.d.hasFiles() {
		t += " · building…"
	}
	return t
}

// filesShown counts the files under the filter.
func (m filesModel) filesShown() int32 {
	if m.match == nil {
		return m.tree.nodes[0].files
	}
	var n int32
	for i := range m.tree.nodes {
		if m.match[i] && !m.tree.nodes[i].dir {
			n++
		}
	}
	return n
}

// View draws the pane's inner lines.
func (m filesModel) View(focused bool) []string {
	st, w := m.ui.st, m.w
	if !m.ui.d.hasFiles() {
		return []string{"", fit("  This report carries no file list.", w),
			st.Dim.Render(fit("  (The explorer asks the analysis for every entry; an imported report may lack it.)", w))}
	}
	sizeW, catW := 9, 13
	layerW := 0
	if w >= 70 && m.scope.mode == upToLayer {
		layerW = 5
	}
	nameW := max(8, w-3-sizeW-catW-layerW)
	header := "  " + fit("  name", nameW) + rightAlign("size", sizeW) + "  " + fit(m.catHeader(), catW-2)
	if layerW > 0 {
		header += rightAlign("layer", layerW)
	}
	lines := []string{st.Dim.Render(fit(header, w))}
	if m.tree == nil {
		return append(lines, st.Dim.Render("  building the file tree…"))
	}
	if len(m.rows) == 0 {
		msg := "  nothing in this scope"
		switch {
		case m.filter.wasted && m.filter == (filterSpec{wasted: true}):
			msg = "  no wasted bytes in this scope"
		case m.filter != (filterSpec{}):
			msg = "  nothing matches the filter (" + m.keys.ClearFilters.Help().Key + " clears it)"
		}
		lines = append(lines, fit(msg, w))
	}
	d := m.ui.d
	for r := m.offset; r < min(len(m.rows), m.offset+m.listHeight()); r++ {
		row := m.row(m.rows[r], d, nameW, sizeW, catW, layerW)
		if r == m.cursor {
			row = "›" + row
		} else {
			row = " " + row
		}
		lines = append(lines, rowStyle(st, row, w, r == m.cursor, focused))
	}
	for len(lines) < m.h-1 {
		lines = append(lines, "")
	}
	return append(lines, m.statusLine())
}

func (m filesModel) catHeader() string {
	if m.filter.wasted {
		return "why"
	}
	return "category"
}

// row draws one tree row.
func (m filesModel) row(i int32, d *data, nameW, sizeW, catW, layerW int) string {
	st := m.ui.st
	n := &m.tree.nodes[i]
	var f *report.File
	if n.file >= 0 && int(n.file) < len(d.rep.Files) {
		f = &d.rep.Files[n.file]
	}
	mark := " "
	switch n.mark {
	case markAdded:
		mark = st.Added.Render("+")
	case markModified:
		mark = st.Modified.Render("~")
	case markRemoved:
		mark = st.Removed.Render("-")
	case markOpaque:
		mark = st.Removed.Render("o")
	case markOverwritten, markDeleted, markShadowed:
		mark = st.CatStyle(report.Wasted).Render("x")
	}
	indent := strings.Repeat("  ", min(int(n.depth)-1, 12))
	icon := "  "
	name := safe(n.name)
	cs := st.Cat[n.cat]
	if n.dir {
		icon = "▸ "
		if m.isOpen(i) {
			icon = "▾ "
		}
		name += "/"
		name = cs.Bold(true).Render(name)
	} else {
		if f != nil && f.Link != "" && (f.Type == "symlink" || f.Type == "hardlink") {
			arrow := " → "
			if f.Type == "hardlink" {
				arrow = " ⇒ "
			}
			name = cs.Render(name) + st.Dim.Render(arrow+safe(f.Link))
		} else {
			name = cs.Render(name)
		}
		if n.copies > 1 {
			name += st.Dim.Render(" ×" + itoa(int(n.copies)))
		}
	}
	size := report.Bytes(m.size(i))
	if n.mark == markRemoved {
		size = "removed"
	}
	cat := catLabel(catAt(n.cat))
	switch n.mark {
	case markOverwritten:
		cat = "overwritten"
	case markDeleted:
		cat = "deleted"
	case markShadowed:
		cat = "rewritten"
	}
	if n.dir && m.size(i) == 0 {
		cat = ""
	}
	row := mark + fit(indent+icon+name, nameW) + rightAlign(size, sizeW) + "  " + cs.Render(fit(cat, catW-2))
	if layerW > 0 {
		l := ""
		if f != nil && !n.dir {
			l = "L" + itoa(f.Layer)
		}
		row += rightAlign(l, layerW)
	}
	return row
}

// statusLine shows the filter prompt, or the filters in force.
func (m filesModel) statusLine() string {
	st, w := m.ui.st, m.w
	if m.typing {
		m.input.Width = max(1, w-4)
		return fit(m.input.View(), w)
	}
	var parts []string
	if m.filter.text != "" {
		parts = append(parts, "/"+m.filter.text)
	}
	if m.filter.cat != "" {
		parts = append(parts, st.CatStyle(m.filter.cat).Render(string(m.filter.cat)))
	}
	if m.filter.wasted {
		parts = append(parts, "wasted only")
	}
	if m.filter.notNeeded {
		parts = append(parts, "not needed at run time")
	}
	if len(parts) == 0 {
		if m.cursor < len(m.rows) {
			return st.Dim.Render(fitLeft(m.detail(m.rows[m.cursor]), w))
		}
		return ""
	}
	return fit("filter: "+strings.Join(parts, " · ")+st.Dim.Render("  ("+m.keys.ClearFilters.Help().Key+" clears)"), w)
}

// detail describes the node under the cursor: path, owner and evidence.
func (m filesModel) detail(i int32) string {
	n := &m.tree.nodes[i]
	r := m.ui.d.rep
	s := safe(n.path)
	if n.file < 0 || int(n.file) >= len(r.Files) {
		return s
	}
	f := &r.Files[n.file]
	if !n.dir {
		s += " · layer " + itoa(f.Layer)
	}
	if f.Evidence >= 0 && f.Evidence < len(r.Evidence) {
		s += " · " + evidenceText(r.Evidence[f.Evidence])
	}
	return s
}

// evidenceText says in a few words why a file has its category.
func evidenceText(e report.Evidence) string {
	switch e.Kind {
	case "package":
		s := "package " + e.Package
		if e.Version != "" {
			s += " " + e.Version
		}
		if e.Manager != "" {
			s += " (" + e.Manager + ")"
		}
		return safe(s)
	case "rule":
		return safe("rule " + e.Rule + " " + e.Pattern)
	case "lockfile":
		return safe("lockfile " + e.Source + ": " + e.Package + " " + e.Version)
	}
	s := e.Kind
	for _, p := range []string{e.Rule, e.Detail} {
		if p != "" {
			s += " " + p
		}
	}
	return safe(s)
}
