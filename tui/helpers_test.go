package tui

import (
	"context"
	"io"
	"sync"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/slimcheck/slimcheck/analyze/pipeline"
	"github.com/slimcheck/slimcheck/analyze/source"
	"github.com/slimcheck/slimcheck/internal/demo"
	"github.com/slimcheck/slimcheck/recommend"
	"github.com/slimcheck/slimcheck/report"
)

// demoFixture is the demo image analyzed once per test binary.
type demoFixture struct {
	once sync.Once
	rep  *report.Report
	plan *recommend.PlanResult
	err  error
}

var theDemo demoFixture

// demoReport analyzes the demo image with every file listed, and plans it.
func demoReport(t testing.TB) (*report.Report, *recommend.PlanResult) {
	t.Helper()
	theDemo.once.Do(func() {
		img, err := demo.Image()
		if err != nil {
			theDemo.err = err
			return
		}
		opts := pipeline.DefaultOptions()
		opts.Summary.Files = true
		opts.Summary.ToolVersion = "test"
		info := source.Info{Reference: demo.Reference, Kind: source.KindDockerArchive, Name: demo.Reference}
		res, err := pipeline.RunImage(context.Background(), img, info, opts)
		if err != nil {
			theDemo.err = err
			return
		}
		theDemo.rep = res.Report
		theDemo.plan, _ = recommend.Plan(context.Background(), res.Report, recommend.DefaultOptions())
	})
	if theDemo.err != nil {
		t.Fatalf("analyzing the demo image: %v", theDemo.err)
	}
	return theDemo.rep, theDemo.plan
}

// plainStyles draws without colour, as NO_COLOR does.
func plainStyles() *Styles {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	r.SetHasDarkBackground(true)
	return NewStyles(r)
}

// colorStyles draws with true colour on a dark background.
func colorStyles(dark bool) *Styles {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.TrueColor)
	r.SetHasDarkBackground(dark)
	return NewStyles(r)
}

// testRecommendation wraps plan with generated files and a writer.
func testRecommendation(plan *recommend.PlanResult, write func(context.Context, string, bool) ([]string, error)) *Recommendation {
	return &Recommendation{Plan: plan, Files: sampleFiles(), Write: write}
}

// sampleFiles are generated files as the plan's renderers write them.
func sampleFiles() []GeneratedFile {
	return []GeneratedFile{
		{Name: "Dockerfile", Content: "# syntax=docker/dockerfile:1\n# Builder: the original build, then pruned.\nFROM registry.access.redhat.com/ubi8/nodejs-20 AS builder\nCOPY --chown=1001:0 . /opt/app-root/src\nRUN npm ci && \\\n    npm prune --omit=dev\n\nFROM registry.access.redhat.com/ubi8/nodejs-20-minimal\nCOPY --from=builder --chown=1001:0 /opt/app-root/src /opt/app-root/src\nENV NODE_ENV=\"production\" PATH=\"/opt/app-root/src/node_modules/.bin:${PATH}\"\nUSER 1001\nCMD [\"npm\", \"run\", \"start\"]\n"},
		{Name: "runtime.Dockerfile", Content: "FROM registry.access.redhat.com/ubi8/nodejs-20-minimal\nCOPY --chown=1001:0 app/ /opt/app-root/src/\nUSER 1001\nCMD [\"node\", \"server.js\"]\n"},
		{Name: "chained-build.sh", Content: "#!/bin/sh\nset -eu\n# Copy the app out of the builder image, then build the runtime image.\nid=$(docker create \"$BUILDER\")\ndocker cp \"$id:/opt/app-root/src\" app/\ndocker rm \"$id\" >/dev/null\n"},
		{Name: "openshift.yaml", Content: "apiVersion: build.openshift.io/v1\nkind: BuildConfig\nmetadata:\n  name: app-runtime # the chained build\nspec:\n  source:\n    dockerfile: |\n      FROM nodejs-20-minimal\n  strategy:\n    type: Docker\n  triggers:\n  - type: ImageChange\n    imageChange: {}\n  runPolicy: \"Serial\"\n  successfulBuildsHistoryLimit: 5\n"},
	}
}

// loadedModel returns a ready model of rep at w×h with every tree and
// detail the first screen asks for already delivered.
func loadedModel(t testing.TB, st *Styles, rep *report.Report, rec *Recommendation, w, h int) Model {
	t.Helper()
	m := newModel(config{ref: rep.Image.Reference, styles: st, keys: DefaultKeyMap(), clipboard: func(string) error { return nil }, dir: "out"})
	m = drive(t, m, tea.WindowSizeMsg{Width: w, Height: h}, loaded(context.Background(), rep, rec, nil))
	return m
}

// drive sends msgs through Update in order, running every command they
// return (and the commands those messages return) before the next msg,
// as the program would.
func drive(t testing.TB, m Model, msgs ...tea.Msg) Model {
	t.Helper()
	for _, msg := range msgs {
		queue := []tea.Msg{msg}
		for steps := 0; len(queue) > 0; steps++ {
			if steps > 10000 {
				t.Fatal("drive: commands do not settle")
			}
			next := queue[0]
			queue = queue[1:]
			tm, cmd := m.Update(next)
			m = tm.(Model)
			queue = append(queue, run(cmd)...)
		}
	}
	return m
}

// run executes cmd and the batches it returns, dropping quit messages.
func run(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	switch msg := cmd().(type) {
	case nil, tea.QuitMsg:
		return nil
	case tea.BatchMsg:
		var out []tea.Msg
		for _, c := range msg {
			out = append(out, run(c)...)
		}
		return out
	default:
		return []tea.Msg{msg}
	}
}

// keys turns key names into key messages.
func keys(names ...string) []tea.Msg {
	var out []tea.Msg
	for _, n := range names {
		out = append(out, keyMsg(n))
	}
	return out
}

func keyMsg(n string) tea.KeyMsg {
	switch n {
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}
	case "shift+tab":
		return tea.KeyMsg{Type: tea.KeyShiftTab}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "left":
		return tea.KeyMsg{Type: tea.KeyLeft}
	case "right":
		return tea.KeyMsg{Type: tea.KeyRight}
	case "pgdown":
		return tea.KeyMsg{Type: tea.KeyPgDown}
	case "pgup":
		return tea.KeyMsg{Type: tea.KeyPgUp}
	case "home":
		return tea.KeyMsg{Type: tea.KeyHome}
	case "end":
		return tea.KeyMsg{Type: tea.KeyEnd}
	case "ctrl+c":
		return tea.KeyMsg{Type: tea.KeyCtrlC}
	case "space":
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	case "backspace":
		return tea.KeyMsg{Type: tea.KeyBackspace}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(n)}
}

// screen is the model's view without ANSI sequences.
func screen(m Model) string { return ansi.Strip(m.View()) }
