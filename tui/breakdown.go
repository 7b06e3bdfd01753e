package tui

import (
	"cmp"
	"path"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/slimcheck/slimcheck/report"
)

// catRow is one category of the breakdown in a scope.
type catRow struct {
	cat   report.Category
	bytes int64
	files int // -1 while unknown
	pct   float64
}

// catDetail explains one category in a scope: the packages, rules and
// directories its bytes come from.
type catDetail struct {
	files int
	pkgs  []report.PackageBytes
	rules []report.RuleBytes
	dirs  []report.PathSize
}

// detailsMsg carries the details of every category of a scope.
type detailsMsg struct {
	scope   scope
	details map[report.Category]catDetail
}

// showFilesMsg asks the root to show the Files pane filtered to a category.
type showFilesMsg struct{ cat report.Category }

// breakdownModel is the Breakdown pane: categories with bytes, share and
// bars; enter opens the packages, rules and directories behind one.
type breakdownModel struct {
	ui      *shared
	keys    KeyMap
	scope   scope
	rows    []catRow
	total   int64
	details map[report.Category]catDetail // nil while being computed
	cursor  int
	open    bool
	w, h    int
}

func newBreakdown(ui *shared, s scope) breakdownModel {
	m := breakdownModel{ui: ui}
	m.setScope(s)
	return m
}

// SetSize sets the inner size of the pane.
func (m *breakdownModel) SetSize(w, h int) { m.w, m.h = w, h }

// setScope recomputes the rows for s, keeping the cursor on the same
// category when it is still there.
func (m *breakdownModel) setScope(s scope) {
	var cur report.Category
	if m.cursor < len(m.rows) {
		cur = m.rows[m.cursor].cat
	}
	m.scope = s
	m.rows, m.total = scopeRows(m.ui.d, s)
	m.details = nil
	if !m.ui.d.hasFiles() && s.whole(m.ui.d) {
		// Without a file list only the report's own tops are there.
		m.details = reportDetails(m.ui.d.rep)
	}
	m.cursor = 0
	for i, r := range m.rows {
		if r.cat == cur {
			m.cursor = i
		}
	}
}

// needDetails reports whether the pane waits for details it should
// request.
func (m breakdownModel) needDetails() bool { return m.details == nil && m.ui.d.hasFiles() }

// scopeRows lists the categories holding bytes in s, in precedence order.
func scopeRows(d *data, s scope) ([]catRow, int64) {
	r := d.rep
	if s.whole(d) && len(r.Categories) > 0 {
		var rows []catRow
		for _, c := range r.Categories {
			if c.Bytes > 0 || c.Files > 0 {
				rows = append(rows, catRow{cat: c.Category, bytes: c.Bytes, files: c.Files, pct: c.Percent})
			}
		}
		return rows, r.Image.SizeBytes
	}
	var sums [numCats]int64
	for l := range r.Layers {
		if l == s.layer || (s.mode == upToLayer && l < s.layer) {
			for c, b := range r.Layers[l].Categories {
				sums[catIndex(c)] += b
			}
		}
	}
	var total int64
	for _, v := range sums {
		total += v
	}
	var rows []catRow
	for i, v := range sums {
		if v > 0 {
			rows = append(rows, catRow{cat: catAt(uint8(i)), bytes: v, files: -1, pct: 100 * float64(v) / float64(total)})
		}
	}
	return rows, total
}

// reportDetails takes the whole image's details from the report.
func reportDetails(r *report.Report) map[report.Category]catDetail {
	out := map[report.Category]catDetail{}
	for _, c := range r.Categories {
		out[c.Category] = catDetail{files: c.Files, pkgs: c.TopPackages, rules: c.TopRules, dirs: c.TopDirs}
	}
	return out
}

// detailsCmd computes the details of scope s from the file list.
func detailsCmd(d *data, s scope) tea.Cmd {
	return func() tea.Msg { return detailsMsg{scope: s, details: scopeDetails(d, s, 5)} }
}

// scopeDetails sums the entries of s by category, then by owning package,
// rule and directory, keeping the top n of each.
func scopeDetails(d *data, s scope, n int) map[report.Category]catDetail {
	type agg struct {
		files int
		pkgs  map[string]*report.PackageBytes
		rules map[string]*report.RuleBytes
		dirs  map[string]int64
	}
	aggs := map[report.Category]*agg{}
	r := d.rep
	for l := range d.byLayer {
		if l != s.layer && (s.mode != upToLayer || l > s.layer) {
			continue
		}
		for _, fi := range d.byLayer[l] {
			f := &r.Files[fi]
			a := aggs[f.Category]
			if a == nil {
				a = &agg{pkgs: map[string]*report.PackageBytes{}, rules: map[string]*report.RuleBytes{}, dirs: map[string]int64{}}
				aggs[f.Category] = a
			}
			if f.Type != "dir" && f.Status != "marker" {
				a.files++
			}
			if f.Bytes <= 0 {
				continue
			}
			for dir := path.Dir(cleanPath(safe(f.Path))); dir != "/"; dir = path.Dir(dir) {
				a.dirs[dir] += f.Bytes
			}
			if f.Evidence < 0 || f.Evidence >= len(r.Evidence) {
				continue
			}
			// OS packages and lockfile packages count as packages, path
			// rules as rules; hidden bytes by what they were before.
			switch e := r.Evidence[f.Evidence]; {
			case e.Package != "":
				mgr := e.Manager
				if mgr == "" && e.Source != "" {
					mgr = path.Base(e.Source)
				}
				k := mgr + "/" + e.Package + "@" + e.Version
				if a.pkgs[k] == nil {
					a.pkgs[k] = &report.PackageBytes{Name: safe(e.Package), Version: safe(e.Version), Manager: safe(mgr)}
				}
				a.pkgs[k].Bytes += f.Bytes
				a.pkgs[k].Files++
			case e.Rule != "":
				if a.rules[e.Rule] == nil {
					a.rules[e.Rule] = &report.RuleBytes{Rule: safe(e.Rule), Pattern: safe(e.Pattern)}
				}
				a.rules[e.Rule].Bytes += f.Bytes
				a.rules[e.Rule].Files++
			}
		}
	}
	out := map[report.Category]catDetail{}
	for c, a := range aggs {
		cd := catDetail{files: a.files, dirs: topDirs(a.dirs, n)}
		for _, p := range a.pkgs {
			cd.pkgs = append(cd.pkgs, *p)
		}
		slices.SortFunc(cd.pkgs, func(x, y report.PackageBytes) int {
			return cmp.Or(cmp.Compare(y.Bytes, x.Bytes), cmp.Compare(x.Name, y.Name))
		})
		cd.pkgs = cd.pkgs[:min(n, len(cd.pkgs))]
		for _, p := range a.rules {
			cd.rules = append(cd.rules, *p)
		}
		slices.SortFunc(cd.rules, func(x, y report.RuleBytes) int {
			return cmp.Or(cmp.Compare(y.Bytes, x.Bytes), cmp.Compare(x.Rule, y.Rule))
		})
		cd.rules = cd.rules[:min(n, len(cd.rules))]
		out[c] = cd
	}
	return out
}

// topDirs picks the directories that best explain a category's bytes, the
// way the text report does: from each second-level directory (/usr/lib)
// it descends into a child while that child holds at least 80% of its
// parent's bytes.
func topDirs(dirs map[string]int64, n int) []report.PathSize {
	children := map[string][]string{}
	for dir := range dirs {
		children[path.Dir(dir)] = append(children[path.Dir(dir)], dir)
	}
	seen := map[string]bool{}
	var picks []report.PathSize
	for dir, b := range dirs {
		depth := strings.Count(dir, "/")
		if depth != 2 && (depth != 1 || len(children[dir]) > 0) {
			continue
		}
		cur, bytes := dir, b
		for {
			best := ""
			for _, c := range children[cur] {
				if dirs[c]*5 >= bytes*4 && (best == "" || dirs[c] > dirs[best] || (dirs[c] == dirs[best] && c < best)) {
					best = c
				}
			}
			if best == "" {
				break
			}
			cur, bytes = best, dirs[best]
		}
		if !seen[cur] {
			seen[cur] = true
			picks = append(picks, report.PathSize{Path: cur, Bytes: bytes, Layer: -1})
		}
	}
	slices.SortFunc(picks, func(x, y report.PathSize) int {
		return cmp.Or(cmp.Compare(y.Bytes, x.Bytes), cmp.Compare(x.Path, y.Path))
	})
	return picks[:min(n, len(picks))]
}

// Update handles keys and mouse events aimed at the pane.
func (m breakdownModel) Update(msg tea.Msg) (breakdownModel, tea.Cmd) {
	k := m.keys
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case detailsMsg:
		if msg.scope == m.scope {
			m.details = msg.details
		}
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, k.Up):
			m.cursor--
		case key.Matches(msg, k.Down):
			m.cursor++
		case key.Matches(msg, k.Top), key.Matches(msg, k.PageUp):
			m.cursor = 0
		case key.Matches(msg, k.Bottom), key.Matches(msg, k.PageDown):
			m.cursor = len(m.rows) - 1
		case key.Matches(msg, k.Details):
			m.open = !m.open
		case key.Matches(msg, k.ShowFiles):
			if m.cursor < len(m.rows) {
				c := m.rows[m.cursor].cat
				cmd = func() tea.Msg { return showFilesMsg{cat: c} }
			}
		}
	case tea.MouseMsg:
		switch msg.Button {
		case tea.MouseButtonWheelUp:
			m.cursor--
		case tea.MouseButtonWheelDown:
			m.cursor++
		case tea.MouseButtonLeft:
			if row := msg.Y - 1; msg.Action == tea.MouseActionPress && row >= 0 && row < len(m.rows) {
				if m.cursor == row {
					m.open = !m.open
				}
				m.cursor = row
			}
		}
	}
	m.cursor = max(0, min(m.cursor, len(m.rows)-1))
	return m, cmd
}

// Title is the pane's title.
func (m breakdownModel) Title() string {
	return "Breakdown · " + m.scope.label(m.ui.d) + " · " + report.Bytes(m.total)
}

// categoryDoc says in a few words what a category holds.
func categoryDoc(c report.Category) string {
	switch c {
	case report.Wasted:
		return "stored, then overwritten or deleted by a later layer"
	case report.BuildToolchain:
		return "compilers, linkers, headers, -dev packages"
	case report.PackageCache:
		return "apt/yum/apk/npm/pip caches"
	case report.DevDependencies:
		return "packages only development needs"
	case report.Docs:
		return "man and info pages, docs, locales"
	case report.Temp:
		return "/tmp, logs, .git in the app"
	case report.App:
		return "the application and its production dependencies"
	case report.Runtime:
		return "the language runtime"
	case report.OSBase:
		return "the rest of the operating system"
	}
	return "a category this version does not know"
}

// View draws the pane's inner lines.
func (m breakdownModel) View(focused bool) []string {
	st, w := m.ui.st, m.w
	nameW := 19
	barW := max(4, min(30, w-(2+nameW+9+8+3)))
	lines := []string{st.Dim.Render(fit("  "+fit("category", nameW)+rightAlign("bytes", 9)+rightAlign("share", 8)+"  "+fit("", barW), w))}
	if len(m.rows) == 0 {
		return append(lines, "  no bytes in this scope")
	}
	var notNeeded int64
	for i, r := range m.rows {
		if r.cat.NotNeededAtRuntime() {
			notNeeded += r.bytes
		}
		cs := st.CatStyle(r.cat)
		name := cs.Render(st.Glyph[catIndex(r.cat)]) + " " + fit(string(r.cat), nameW-2)
		row := cursorMark(i == m.cursor) + name + rightAlign(report.Bytes(r.bytes), 9) +
			rightAlign(report.Percent(r.pct), 8) + "  " + bar(cs, r.pct/100, barW)
		lines = append(lines, rowStyle(st, row, w, i == m.cursor, focused))
	}
	lines = append(lines, fit("  total "+st.Bold.Render(report.Bytes(m.total))+" · not needed at run time "+
		st.Warn.Render(report.Bytes(notNeeded))+" ("+pct(notNeeded, m.total)+")", w))
	if !m.open || m.cursor >= len(m.rows) {
		if m.keys.Details.Enabled() {
			lines = append(lines, "", st.Dim.Render(fit("  "+m.keys.Details.Help().Key+": packages, rules and directories of a category", w)))
		}
		return lines
	}
	return append(lines, m.detailLines()...)
}

// detailLines explains the category under the cursor.
func (m breakdownModel) detailLines() []string {
	st, w := m.ui.st, m.w
	r := m.rows[m.cursor]
	out := []string{st.Dim.Render(strings.Repeat("─", w)),
		fit(st.CatStyle(r.cat).Render(string(r.cat))+" — "+categoryDoc(r.cat), w)}
	if m.details == nil {
		if !m.ui.d.hasFiles() {
			return append(out, st.Dim.Render(fit("  the report carries no file list for this scope", w)))
		}
		return append(out, st.Dim.Render(fit("  summing this scope's files…", w)))
	}
	cd, ok := m.details[r.cat]
	if !ok {
		return append(out, st.Dim.Render("  no files"))
	}
	if cd.files > 0 {
		out[1] = fit(out[1]+st.Dim.Render(" · "+commas(cd.files)+" files"), w)
	}
	sizeW := 9
	if len(cd.pkgs) > 0 {
		out = append(out, st.Bold.Render("packages"))
		for _, p := range cd.pkgs {
			name := safe(p.Name)
			if p.Version != "" {
				name += " " + safe(p.Version)
			}
			name += st.Dim.Render(" (" + safe(p.Manager) + ", " + commas(p.Files) + " files)")
			out = append(out, "  "+fit(name, w-2-sizeW)+rightAlign(report.Bytes(p.Bytes), sizeW))
		}
	}
	if len(cd.rules) > 0 {
		out = append(out, st.Bold.Render("rules"))
		for _, p := range cd.rules {
			out = append(out, "  "+fit(safe(p.Rule)+st.Dim.Render(" "+safe(p.Pattern)), w-2-sizeW)+rightAlign(report.Bytes(p.Bytes), sizeW))
		}
	}
	if len(cd.dirs) > 0 {
		out = append(out, st.Bold.Render("directories"))
		for _, p := range cd.dirs {
			out = append(out, "  "+fitLeft(safe(p.Path), w-2-sizeW)+rightAlign(report.Bytes(p.Bytes), sizeW))
		}
	}
	if len(cd.pkgs) == 0 && len(cd.rules) == 0 && len(cd.dirs) == 0 {
		out = append(out, st.Dim.Render("  no package or rule evidence"))
	}
	return out
}
