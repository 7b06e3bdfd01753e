package tui

import (
	"fmt"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/slimcheck/slimcheck/report"
)

// bigReport generates an image of n files over 10 layers: packages of
// files under /usr/lib, node_modules trees under /app, caches; later
// layers overwrite and delete some of the earlier files.
func bigReport(n int) *report.Report {
	const layers = 10
	r := &report.Report{Image: report.Image{Reference: "example.com/big:1"}}
	cats := report.Categories()
	var files []report.File
	for l := range layers {
		lay := report.Layer{Index: l, CreatedBy: fmt.Sprintf("/bin/sh -c step %d", l), Categories: map[report.Category]int64{}}
		for i := range n / layers {
			var p string
			switch i % 3 {
			case 0:
				p = fmt.Sprintf("/usr/lib/pkg%03d/sub%02d/file%05d.so", (i/3)%400, (i/7)%20, i)
			case 1:
				p = fmt.Sprintf("/app/node_modules/mod%04d/lib/dir%d/f%05d.js", (i/3)%1500, i%5, i)
			default:
				p = fmt.Sprintf("/var/cache/l%d/c%03d/e%05d", l, (i/3)%300, i)
			}
			c := cats[(i+l)%len(cats)]
			size := int64(100 + (i*7919)%50000)
			status := "visible"
			if l < layers-1 && i%3 != 2 && i%11 == 0 {
				status = "overwritten"
				c = report.Wasted
			}
			files = append(files, report.File{Path: p, Layer: l, Type: "file", Status: status, Change: "added", Bytes: size, Category: c, Evidence: -1})
			lay.SizeBytes += size
			lay.Categories[c] += size
		}
		if l == layers-1 {
			files = append(files, report.File{Path: "/var/cache/l0", Layer: l, Type: "whiteout", Status: "marker", Change: "removal", Evidence: -1})
		}
		r.Layers = append(r.Layers, lay)
		r.Image.SizeBytes += lay.SizeBytes
	}
	r.Files = files
	return r
}

// benchModel is a ready model of a 200,000-file image at 160×48 with the
// whole image's tree built.
func benchModel(b *testing.B) Model {
	b.Helper()
	return loadedModel(b, colorStyles(true), bigReport(200_000), nil, 160, 48)
}

// BenchmarkKeyPress measures Update plus View for one key press on a
// 200,000-file image: what the user waits for between frames.
func BenchmarkKeyPress(b *testing.B) {
	base := benchModel(b)
	cases := []struct {
		name  string
		setup []string
		keys  []tea.Msg // pressed in turn
	}{
		{"files/down", []string{"3"}, keys("down", "down", "up")},
		{"files/pgdown", []string{"3", "E"}, keys("pgdown", "pgdown", "pgup")},
		{"files/expanded-end", []string{"3", "E"}, keys("G", "g")},
		{"files/toggle-dir", []string{"3", "E", "g"}, keys("enter")},
		{"files/expand-all", []string{"3"}, keys("E", "C")},
		{"files/type-filter", []string{"3", "/", "f", "i", "l", "e", "0"}, keys("1", "backspace")},
		{"files/not-needed", []string{"3"}, keys("n")},
		{"files/category", []string{"3"}, keys("c")},
		{"files/largest", []string{"3"}, keys("b", "C")},
		{"layers/down", []string{"1"}, keys("down", "up")},
		{"breakdown/details", []string{"2", "enter"}, keys("down", "up")},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			m := drive(b, base, keys(c.setup...)...)
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				tm, _ := m.Update(c.keys[i%len(c.keys)])
				m = tm.(Model)
				_ = m.View()
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/key")
		})
	}
}

// BenchmarkBuildTree measures building a scope's tree (off the event
// loop, in a tea.Cmd) on the 200,000-file image.
func BenchmarkBuildTree(b *testing.B) {
	d := newData(bigReport(200_000), nil)
	for _, k := range []struct {
		name string
		key  treeKey
	}{
		{"whole", treeKey{scope: scope{layer: 9}}},
		{"stacked-8", treeKey{scope: scope{layer: 8}}},
		{"layer-only", treeKey{scope: scope{layer: 5, mode: layerOnly}}},
		{"wasted", treeKey{scope: scope{layer: 9}, wasted: true}},
	} {
		b.Run(k.name, func(b *testing.B) {
			for b.Loop() {
				buildTree(d, k.key)
			}
		})
	}
}

// TestBigImageStaysResponsive is the benchmark's guard in the normal test
// run: on 200,000 files no key press may take longer than a generous
// bound (the benchmark shows the real figures).
func TestBigImageStaysResponsive(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 200,000-file report")
	}
	m := loadedModel(t, plainStyles(), bigReport(200_000), nil, 160, 48)
	m = drive(t, m, keys("3")...)
	for _, k := range []string{"E", "G", "g", "pgdown", "enter", "/", "m", "o", "d", "0", "0", "1", "enter", "esc", "n", "c", "b", "C"} {
		start := time.Now()
		tm, _ := m.Update(keyMsg(k))
		m = tm.(Model)
		_ = m.View()
		if d := time.Since(start); d > 250*time.Millisecond {
			t.Errorf("key %q took %v", k, d)
		}
	}
}
