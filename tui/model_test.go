package tui

import (
	"context"
	"errors"
	"io/fs"
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/slimcheck/slimcheck/report"
)

// smallModel is a ready model of smallReport at 80×24, or wide at 160×48.
func smallModel(t *testing.T, w, h int) Model {
	t.Helper()
	return loadedModel(t, plainStyles(), smallReport(), testRecommendation(nil, nil), w, h)
}

func TestLoading(t *testing.T) {
	m := newModel(config{ref: "example.com/app:1", styles: plainStyles(), keys: DefaultKeyMap()})
	m = drive(t, m, tea.WindowSizeMsg{Width: 80, Height: 24},
		progressMsg{Stage: "pulling", Layers: 4, LayersDone: 1, BytesRead: 50, BytesTotal: 200},
		progressMsg{Layers: 4, LayersDone: 0, BytesRead: 20}) // a late, older snapshot
	if got := m.loading.fraction(); got != 0.25 {
		t.Errorf("fraction = %v, want 0.25 (older snapshots must not move it back)", got)
	}
	s := screen(m)
	for _, want := range []string{"example.com/app:1", "50 B / 200 B pulled", "layers: 1 / 4 walked", "pulling…", "25 %", "ctrl+c cancel"} {
		if !strings.Contains(s, want) {
			t.Errorf("loading screen lacks %q:\n%s", want, s)
		}
	}
	tm, cmd := m.Update(keyMsg("ctrl+c"))
	if !tm.(Model).canceled || cmd == nil || cmd() != tea.Quit() {
		t.Errorf("ctrl+c while loading must cancel and quit")
	}
	m = drive(t, m, loadedMsg{err: errors.New("opening x: boom")})
	if m.err == nil || m.state != stateLoading {
		t.Errorf("a load error must end the UI with the error")
	}
}

func TestPaneNavigation(t *testing.T) {
	m := smallModel(t, 80, 24)
	steps := []struct {
		key  string
		want pane
	}{{"tab", paneBreakdown}, {"tab", paneFiles}, {"tab", panePlan}, {"tab", paneLayers}, {"shift+tab", panePlan}, {"2", paneBreakdown}, {"3", paneFiles}, {"1", paneLayers}, {"4", panePlan}}
	for _, s := range steps {
		m = drive(t, m, keyMsg(s.key))
		if m.focus != s.want {
			t.Fatalf("after %s: focus %v, want %v", s.key, m.focus, s.want)
		}
	}
	m = drive(t, m, keyMsg("?"))
	if !m.showHelp || !strings.Contains(screen(m), "Help · Plan") {
		t.Fatalf("? must show the help")
	}
	m = drive(t, m, keyMsg("?"))
	if m.showHelp {
		t.Fatalf("? must close the help")
	}
	_, cmd := m.Update(keyMsg("q"))
	if cmd == nil || cmd() != tea.Quit() {
		t.Fatalf("q must quit")
	}
}

func TestLayerScopesPanes(t *testing.T) {
	m := smallModel(t, 160, 48)
	if s := m.layers.scope(); s != (scope{layer: 2}) || !s.whole(m.ui.d) {
		t.Fatalf("the first scope must be the whole image, got %+v", s)
	}
	m = drive(t, m, keys("up")...)
	if m.files.scope != (scope{layer: 1}) || m.breakdown.scope != (scope{layer: 1}) {
		t.Fatalf("moving to layer 1 must scope the panes to it: files %+v, breakdown %+v", m.files.scope, m.breakdown.scope)
	}
	// /tmp/big is still there: layer 2 deletes it.
	if !m.files.ready() || m.files.tree.nodes[0].bytes != 10120 {
		t.Fatalf("the files pane must show layers 0-1 (10120 bytes), got %d", m.files.tree.nodes[0].bytes)
	}
	if got := m.breakdown.total; got != 8110+7020 {
		t.Errorf("breakdown of layers 0–1 totals %d, want %d", got, 8110+7020)
	}
	m = drive(t, m, keys("a")...)
	if m.files.scope != (scope{layer: 1, mode: layerOnly}) || m.files.tree.nodes[0].bytes != 7020 {
		t.Fatalf("a must scope to layer 1 only")
	}
	if !strings.Contains(screen(m), "Files · layer 1 only") || !strings.Contains(screen(m), "scope: this layer only") {
		t.Errorf("the titles must say the scope:\n%s", screen(m))
	}
	m = drive(t, m, keys("a", "G")...)
	if !m.files.scope.whole(m.ui.d) {
		t.Errorf("G then a must come back to the whole image")
	}
}

func TestBreakdown(t *testing.T) {
	m := smallModel(t, 80, 24)
	m = drive(t, m, keys("2", "down", "enter")...)
	s := screen(m)
	if !strings.Contains(s, "build-toolchain — compilers") || !strings.Contains(s, "gcc 4.8 (rpm, 1 files)") {
		t.Fatalf("enter must open the category's packages:\n%s", s)
	}
	// Scope to layer 2 only: the details are summed from the files.
	m = drive(t, m, keys("1", "a", "2")...)
	if m.breakdown.details == nil {
		t.Fatalf("details for a layer scope must be summed when shown")
	}
	s = screen(m)
	if !strings.Contains(s, "package-cache — apt/yum") || !strings.Contains(s, "npm-cache **/.npm/**") || !strings.Contains(s, "/app/cache") {
		t.Fatalf("layer 2's package-cache must show its rule and directory:\n%s", s)
	}
	m = drive(t, m, keys("f")...)
	if m.focus != paneFiles || m.files.filter.cat != report.PackageCache {
		t.Fatalf("f must show the category's files, got focus %v filter %+v", m.focus, m.files.filter)
	}
}

func TestFilesKeys(t *testing.T) {
	m := smallModel(t, 80, 24)
	m = drive(t, m, keys("3")...)
	rows := func() string {
		var out []string
		for _, r := range m.files.rows {
			out = append(out, m.files.tree.nodes[r].path)
		}
		return strings.Join(out, " ")
	}
	cur := func() string { return m.files.cursorPath() }
	if got := rows(); got != "/usr /app /etc /opt /tmp" {
		t.Fatalf("top level rows: %s", got)
	}
	m = drive(t, m, keys("enter")...)
	if got := rows(); got != "/usr /usr/bin /app /etc /opt /tmp" {
		t.Fatalf("enter must open /usr: %s", got)
	}
	m = drive(t, m, keys("l", "l", "l")...)
	if cur() != "/usr/bin/tool" {
		t.Fatalf("l must open and step in, cursor at %s", cur())
	}
	m = drive(t, m, keys("h")...)
	if cur() != "/usr/bin" {
		t.Fatalf("h on a file must step out to its parent, cursor at %s", cur())
	}
	m = drive(t, m, keys("C")...)
	if got := rows(); got != "/usr /app /etc /opt /tmp" || cur() != "/usr" {
		t.Fatalf("C must collapse everything and keep the cursor on the nearest row: %s (cursor %s)", got, cur())
	}
	m = drive(t, m, keys("E")...)
	if len(m.files.rows) != len(m.files.tree.nodes)-1 {
		t.Fatalf("E must open every directory: %d rows of %d nodes", len(m.files.rows), len(m.files.tree.nodes)-1)
	}
	m = drive(t, m, keys("C", "b")...)
	if cur() != "/usr/bin/tool" {
		t.Fatalf("b must jump to the largest file, cursor at %s", cur())
	}
	// Text filter, typed: directories open to show the matches.
	m = drive(t, m, keys("/", "c", "a")...)
	if !m.files.typing || got(rows()) != "/app /app/cache /app/cache/c" {
		t.Fatalf("typing /ca must filter to /app/cache/c: %s", rows())
	}
	m = drive(t, m, keys("enter", "G")...)
	if m.files.typing || m.files.filter.text != "ca" || cur() != "/app/cache/c" {
		t.Fatalf("enter must keep the filter and close the prompt")
	}
	m = drive(t, m, keys("esc")...)
	if m.files.filter != (filterSpec{}) || rows() != "/usr /app /app/run /app/cache /app/cache/c /app/link /etc /opt /tmp" || cur() != "/app/cache/c" {
		t.Fatalf("esc must clear the filter and keep the way to the cursor open: %+v %s", m.files.filter, rows())
	}
	// Category filter cycles the categories present, then off.
	m = drive(t, m, keys("c")...)
	if m.files.filter.cat != report.BuildToolchain || rows() != "/usr" || m.files.size(m.files.rows[0]) != 6000 {
		t.Fatalf("c must filter to the first category present: %+v %s", m.files.filter, rows())
	}
	for range 5 {
		m = drive(t, m, keys("c")...)
	}
	if m.files.filter.cat != "" {
		t.Fatalf("c must come back to no category, got %s", m.files.filter.cat)
	}
	// Not needed at run time: toolchain, package cache, docs.
	m = drive(t, m, keys("n", "E")...)
	if rows() != "/usr /usr/bin /usr/bin/tool /app /app/cache /app/cache/c /opt /opt/x /opt/x/b" {
		t.Fatalf("n must keep what is not needed at run time: %s", rows())
	}
	if got := m.files.size(0); got != 6320 {
		t.Fatalf("filtered total = %d, want 6320", got)
	}
	// Wasted only: the stored-but-hidden entries of the whole image.
	m = drive(t, m, keys("n", "w", "E")...)
	if !m.files.ready() || rows() != "/usr /usr/bin /usr/bin/tool /tmp /tmp/big /opt /opt/x /opt/x/a" {
		t.Fatalf("w must show the wasted entries: %s", rows())
	}
	if s := screen(m); !strings.Contains(s, "overwritten") || !strings.Contains(s, "deleted") {
		t.Fatalf("wasted rows must say why:\n%s", s)
	}
}

func got(s string) string { return s }

func TestPlanWrite(t *testing.T) {
	var calls []string
	exists := true
	write := func(_ context.Context, dir string, overwrite bool) ([]string, error) {
		calls = append(calls, dir+map[bool]string{true: " overwrite", false: ""}[overwrite])
		if exists && !overwrite {
			return nil, fs.ErrExist
		}
		return []string{dir + "/Dockerfile", dir + "/openshift.yaml"}, nil
	}
	rep, plan := demoReport(t)
	var copied string
	m := newModel(config{ref: "x", styles: plainStyles(), keys: DefaultKeyMap(), clipboard: func(s string) error { copied = s; return nil }, dir: "out"})
	m = drive(t, m, tea.WindowSizeMsg{Width: 80, Height: 24}, loaded(context.Background(), rep, testRecommendation(plan, write), nil))
	m = drive(t, m, keys("4", "]")...)
	if m.plan.shownFile() != 0 {
		t.Fatalf("] must show the first file")
	}
	m = drive(t, m, keys("y")...)
	if copied != sampleFiles()[0].Content || !strings.Contains(screen(m), "copied Dockerfile") {
		t.Fatalf("y must copy the shown file")
	}
	m = drive(t, m, keys("w")...)
	if m.plan.prompt != promptDir || !strings.Contains(screen(m), "write to: out") {
		t.Fatalf("w must ask where to write:\n%s", screen(m))
	}
	m = drive(t, m, append(keys("backspace", "backspace", "backspace"), append(keys("p", "l", "a", "n"), keyMsg("enter"))...)...)
	if m.plan.prompt != promptConfirm || !strings.Contains(screen(m), "files already exist in plan: overwrite 4 files? y/n/esc") {
		t.Fatalf("existing files must ask for confirmation:\n%s", screen(m))
	}
	m = drive(t, m, keys("n")...)
	if m.plan.prompt != promptNone || !strings.Contains(screen(m), "nothing written") {
		t.Fatalf("n must write nothing")
	}
	m = drive(t, m, keys("w", "enter", "y")...)
	if m.plan.prompt != promptNone || !strings.Contains(screen(m), "wrote 2 files to plan") {
		t.Fatalf("y must overwrite:\n%s", screen(m))
	}
	if want := "plan|plan|plan overwrite"; strings.Join(calls, "|") != want {
		t.Fatalf("write calls %q, want %q", strings.Join(calls, "|"), want)
	}
	// The prompt takes every key: q is text there, not quit.
	m = drive(t, m, keys("w", "q")...)
	if m.plan.prompt != promptDir || !strings.HasSuffix(m.plan.input.Value(), "q") {
		t.Fatalf("q in the prompt must be typed")
	}
	m = drive(t, m, keys("esc")...)
	if m.plan.prompt != promptNone {
		t.Fatalf("esc must close the prompt")
	}
}

// TestHelpShowsNoDeadKey presses every binding the help advertises, in
// every pane, and expects each to change the screen or return a command.
func TestHelpShowsNoDeadKey(t *testing.T) {
	rep, plan := demoReport(t)
	write := func(context.Context, string, bool) ([]string, error) { return nil, nil }
	base := loadedModel(t, plainStyles(), rep, testRecommendation(plan, write), 80, 24)
	setups := map[string][]string{
		"layers":    {"1", "up", "up", "up"},
		"breakdown": {"2", "down", "down"},
		"files":     {"3", "down", "enter", "down", "down", "w", "down"},
		"wasted":    {"3", "w", "down"},
		"filter":    {"3", "/", "u"},
		"plan":      {"4", "]", "down"},
		"help":      {"?"},
		"write":     {"4", "w"},
	}
	for name, setup := range setups {
		t.Run(name, func(t *testing.T) {
			m := drive(t, base, keys(setup...)...)
			before := screen(m)
			bindings := m.ShortHelp()
			for _, g := range m.FullHelp() {
				bindings = append(bindings, g...)
			}
			for _, b := range bindings {
				if !b.Enabled() {
					continue
				}
				tm, cmd := m.Update(keyMsg(b.Keys()[0]))
				after := screen(drive(t, tm.(Model)))
				if after == before && cmd == nil {
					t.Errorf("%s: %q (%s) is advertised but does nothing", name, b.Keys()[0], b.Help().Desc)
				}
			}
		})
	}
	// And the reverse: a disabled binding never matches.
	k := DefaultKeyMap()
	k.Quit.SetEnabled(false)
	if key.Matches(keyMsg("q"), k.Quit) {
		t.Fatal("a disabled binding must not match")
	}
}

// TestCoalescedKeys: keys that reach the program in one read arrive as
// one message of several runes; each must act.
func TestCoalescedKeys(t *testing.T) {
	m := smallModel(t, 80, 24)
	m = drive(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("1ka3")})
	if m.focus != paneFiles || m.layers.scope() != (scope{layer: 1, mode: layerOnly}) {
		t.Fatalf("coalesced keys were not all taken: focus %v scope %+v", m.focus, m.layers.scope())
	}
	m = drive(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("/run")})
	if m.files.filter.text != "run" {
		t.Fatalf("coalesced keys must type into the filter, got %q", m.files.filter.text)
	}
}

func TestMouse(t *testing.T) {
	m := smallModel(t, 160, 48)
	l := computeLayout(160, 48, m.focus, 3)
	files := l.panes[paneFiles]
	// Click the second row of the files pane (y: border, header, row 1, row 2).
	m = drive(t, m, tea.MouseMsg{X: files.x + 5, Y: files.y + 3, Button: tea.MouseButtonLeft, Action: tea.MouseActionPress})
	if m.focus != paneFiles || m.files.cursor != 1 {
		t.Fatalf("a click must focus the files pane and select the row: focus %v cursor %d", m.focus, m.files.cursor)
	}
	m = drive(t, m, tea.MouseMsg{X: files.x + 5, Y: files.y + 3, Button: tea.MouseButtonLeft, Action: tea.MouseActionPress})
	if !m.files.isOpen(m.files.node()) {
		t.Fatalf("a second click must open the directory")
	}
	m = drive(t, m, tea.MouseMsg{X: files.x + 5, Y: files.y + 5, Button: tea.MouseButtonWheelDown, Action: tea.MouseActionPress})
	if m.files.cursor != 4 {
		t.Fatalf("the wheel must move by three rows, cursor %d", m.files.cursor)
	}
	layers := l.panes[paneLayers]
	m = drive(t, m, tea.MouseMsg{X: layers.x + 5, Y: layers.y + 2, Button: tea.MouseButtonLeft, Action: tea.MouseActionPress})
	if m.focus != paneLayers || m.layers.cursor != 0 {
		t.Fatalf("a click on layer 0 must select it: focus %v cursor %d", m.focus, m.layers.cursor)
	}
	// The tab bar: "4 Plan" is the fourth tab.
	x := strings.Index(screen(m), "4 Plan")
	m = drive(t, m, tea.MouseMsg{X: x, Y: 0, Button: tea.MouseButtonLeft, Action: tea.MouseActionPress})
	if m.focus != panePlan {
		t.Fatalf("a click on a tab must switch panes, focus %v", m.focus)
	}
}

func TestResize(t *testing.T) {
	m := smallModel(t, 160, 48)
	for _, sz := range [][2]int{{80, 24}, {200, 60}, {59, 20}, {120, 30}, {100, 15}} {
		m = drive(t, m, tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		lines := strings.Split(screen(m), "\n")
		if len(lines) != sz[1] {
			t.Errorf("%dx%d: %d lines", sz[0], sz[1], len(lines))
		}
		for i, l := range lines {
			if w := len([]rune(l)); w != sz[0] {
				t.Errorf("%dx%d: line %d is %d wide: %q", sz[0], sz[1], i, w, l)
				break
			}
		}
	}
}

func TestNoFileList(t *testing.T) {
	r := smallReport()
	r.Files = nil
	m := loadedModel(t, plainStyles(), r, nil, 80, 24)
	m = drive(t, m, keys("3")...)
	if !strings.Contains(screen(m), "This report carries no file list") {
		t.Fatalf("the files pane must say there is no file list:\n%s", screen(m))
	}
	if m.keys.Filter.Enabled() {
		t.Fatalf("filter keys must be off without files")
	}
	m = drive(t, m, keys("4")...)
	if !strings.Contains(screen(m), "No plan for this image") {
		t.Fatalf("the plan pane must say there is no plan")
	}
}

func TestSafe(t *testing.T) {
	for in, want := range map[string]string{
		"plain":          "plain",
		"a\x1b[2Jb":      "a\uFFFD[2Jb",
		"tab\there":      "tab    here",
		"c1\u009bx":      "c1\uFFFDx",
		"bad\xffutf8":    "bad\uFFFDutf8",
		"ünïcode → fine": "ünïcode → fine",
	} {
		if got := safe(in); got != want {
			t.Errorf("safe(%q) = %q, want %q", in, got, want)
		}
	}
}
