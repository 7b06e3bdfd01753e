package tui

import (
	"context"
	"fmt"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/charmbracelet/x/exp/golden"
)

// screenCases are the screens kept as golden files: each pane of the demo
// image in its interesting states, reached by key presses.
var screenCases = []struct {
	name string
	keys []string
}{
	{"layers", nil},
	{"layers_layer_only", []string{"up", "a"}},
	{"breakdown", []string{"2"}},
	{"breakdown_details", []string{"2", "down", "enter"}},
	{"breakdown_layer_details", []string{"1", "up", "a", "2", "down", "down", "enter"}},
	{"files", []string{"3", "enter", "down", "enter"}},
	{"files_largest", []string{"3", "b"}},
	{"files_filter", []string{"3", "/", "b", "c", "r", "y", "p", "t", "enter"}},
	{"files_wasted", []string{"3", "w", "E"}},
	{"files_not_needed", []string{"3", "n", "enter"}},
	{"files_layer_only", []string{"1", "up", "up", "a", "3", "E"}},
	{"plan", []string{"4"}},
	{"plan_dockerfile", []string{"4", "]"}},
	{"plan_openshift", []string{"4", "[", "down"}},
	{"plan_write", []string{"4", "w"}},
	{"help", []string{"3", "?"}},
}

// TestScreens goldens every screen at 80×24 and 160×48 without colour.
// Run with -update to accept changes. (The goldens use x/exp/golden, the
// helper teatest brings in: internal/golden registers the same -update
// flag, and one test binary cannot hold both.)
func TestScreens(t *testing.T) {
	rep, plan := demoReport(t)
	write := func(context.Context, string, bool) ([]string, error) { return nil, nil }
	rec := testRecommendation(plan, write)
	for _, size := range [][2]int{{80, 24}, {160, 48}} {
		for _, c := range screenCases {
			t.Run(fmt.Sprintf("%dx%d/%s", size[0], size[1], c.name), func(t *testing.T) {
				m := loadedModel(t, plainStyles(), rep, rec, size[0], size[1])
				m = drive(t, m, keys(c.keys...)...)
				golden.RequireEqual(t, []byte(screen(m)+"\n"))
			})
		}
		t.Run(fmt.Sprintf("%dx%d/loading", size[0], size[1]), func(t *testing.T) {
			m := newModel(config{ref: rep.Image.Reference, styles: plainStyles(), keys: DefaultKeyMap()})
			m = drive(t, m, tea.WindowSizeMsg{Width: size[0], Height: size[1]},
				progressMsg{Stage: "pulling and walking layers", Layers: 8, LayersDone: 3, BytesRead: 61e6, BytesTotal: 174e6})
			golden.RequireEqual(t, []byte(screen(m)+"\n"))
		})
	}
}

// TestColorScreens draws a few screens with colour on dark and light
// terminals: the text (ANSI stripped) is kept as golden files, and the
// output must carry colour.
func TestColorScreens(t *testing.T) {
	rep, plan := demoReport(t)
	rec := testRecommendation(plan, nil)
	for _, bg := range []string{"dark", "light"} {
		for _, c := range []struct {
			name string
			keys []string
		}{{"main", []string{"2", "enter"}}, {"plan", []string{"4"}}} {
			t.Run(bg+"/"+c.name, func(t *testing.T) {
				m := loadedModel(t, colorStyles(bg == "dark"), rep, rec, 160, 48)
				m = drive(t, m, keys(c.keys...)...)
				v := m.View()
				if v == ansi.Strip(v) {
					t.Fatalf("a colour screen has no colour")
				}
				golden.RequireEqual(t, []byte(ansi.Strip(v)+"\n"))
			})
		}
	}
	dark := loadedModel(t, colorStyles(true), rep, rec, 160, 48).View()
	light := loadedModel(t, colorStyles(false), rep, rec, 160, 48).View()
	if dark == light {
		t.Errorf("light and dark terminals must get different colours")
	}
}
