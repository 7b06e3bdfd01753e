package tui

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
)

// startFlow runs the model in a real program at w×h and delivers the
// loaded report from another goroutine, as Run does.
func startFlow(t *testing.T, w, h int) *teatest.TestModel {
	t.Helper()
	rep, plan := demoReport(t)
	m := newModel(config{ref: rep.Image.Reference, styles: plainStyles(), keys: DefaultKeyMap()})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(w, h))
	go func() {
		tm.Send(progressMsg{Stage: "pulling", Layers: 8, LayersDone: 8, BytesRead: 1, BytesTotal: 1})
		tm.Send(loaded(context.Background(), rep, testRecommendation(plan, nil), nil))
	}()
	return tm
}

// waitFor waits until the screen output contains every string.
func waitFor(t *testing.T, tm *teatest.TestModel, want ...string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		for _, w := range want {
			if !bytes.Contains(b, []byte(w)) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
}

func TestFlowNavigateAndQuit(t *testing.T) {
	tm := startFlow(t, 160, 48)
	waitFor(t, tm, "Layers · 8", "Files · whole image")
	// Layer 6 only: the s2i assemble step.
	tm.Send(keyMsg("up"))
	tm.Send(keyMsg("a"))
	waitFor(t, tm, "Files · layer 6 only")
	tm.Send(keyMsg("3"))
	tm.Send(keyMsg("w"))
	waitFor(t, tm, "wasted only")
	tm.Send(keyMsg("q"))
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(Model)
	if fm.focus != paneFiles || fm.files.scope != (scope{layer: 6, mode: layerOnly}) || !fm.files.filter.wasted {
		t.Fatalf("final state: focus %v scope %+v filter %+v", fm.focus, fm.files.scope, fm.files.filter)
	}
	if fm.canceled || fm.err != nil {
		t.Fatalf("q must quit cleanly")
	}
}

func TestFlowFilterAndPlan(t *testing.T) {
	tm := startFlow(t, 80, 24)
	waitFor(t, tm, "Layers · 8")
	tm.Send(keyMsg("3"))
	waitFor(t, tm, "Files · whole image · 13,060 files")
	tm.Type("/gcc")
	tm.Send(keyMsg("enter"))
	waitFor(t, tm, "filter: /gcc")
	tm.Send(keyMsg("b"))
	tm.Send(keyMsg("4"))
	tm.Send(keyMsg("]"))
	waitFor(t, tm, "[Dockerfile]")
	tm.Send(tea.WindowSizeMsg{Width: 120, Height: 40})
	waitFor(t, tm, "Verdict:")
	tm.Send(keyMsg("ctrl+c"))
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(Model)
	if fm.files.filter.text != "gcc" || !strings.Contains(fm.files.cursorPath(), "gcc") {
		t.Fatalf("the filter and the jump to the largest match must stick: %+v at %s", fm.files.filter, fm.files.cursorPath())
	}
	if fm.focus != panePlan || fm.plan.shownFile() != 0 || fm.width != 120 {
		t.Fatalf("final state: focus %v file %d width %d", fm.focus, fm.plan.shownFile(), fm.width)
	}
}

func TestFlowCancelWhileLoading(t *testing.T) {
	m := newModel(config{ref: "example.com/slow:1", styles: plainStyles(), keys: DefaultKeyMap()})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24))
	tm.Send(progressMsg{Stage: "pulling", Layers: 3, LayersDone: 1})
	waitFor(t, tm, "example.com/slow:1", "layers: 1 / 3 walked")
	tm.Send(keyMsg("ctrl+c"))
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(Model)
	if !fm.canceled {
		t.Fatal("ctrl+c while loading must cancel")
	}
}
