package tui

// pane names the panes of the main screen.
type pane uint8

const (
	paneLayers pane = iota
	paneBreakdown
	paneFiles
	panePlan
	numPanes
)

func (p pane) String() string {
	return [...]string{"Layers", "Breakdown", "Files", "Plan"}[p]
}

// rect is a region of the screen in cells.
type rect struct{ x, y, w, h int }

func (r rect) contains(x, y int) bool { return x >= r.x && x < r.x+r.w && y >= r.y && y < r.y+r.h }

func (r rect) visible() bool { return r.w > 0 && r.h > 0 }

// Minimum and wide terminal sizes.
const (
	minWidth, minHeight   = 60, 16
	wideWidth, wideHeight = 120, 30
)

// layout places the panes: on a wide terminal Layers and Breakdown stack
// on the left beside Files (Plan takes the whole body); otherwise the
// focused pane takes the whole body.
type layout struct {
	wide  bool
	panes [numPanes]rect
}

func computeLayout(w, h int, focus pane, layers int) layout {
	var l layout
	bodyH := h - 2
	if w < wideWidth || h < wideHeight {
		l.panes[focus] = rect{0, 1, w, bodyH}
		return l
	}
	l.wide = true
	if focus == panePlan {
		l.panes[panePlan] = rect{0, 1, w, bodyH}
		return l
	}
	lw := max(56, min(84, w*2/5))
	// Layers gets what its rows need, up to half the body.
	lh := max(12, min(bodyH/2, layers+1+layerDetailLines+2))
	l.panes[paneLayers] = rect{0, 1, lw, lh}
	l.panes[paneBreakdown] = rect{0, 1 + lh, lw, bodyH - lh}
	l.panes[paneFiles] = rect{lw, 1, w - lw, bodyH}
	return l
}
