// Package progress prints a one-line progress indicator for a layer walk on
// an interactive stderr, only once the walk has run for a moment.
package progress

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/slimcheck/slimcheck/analyze"
	"github.com/slimcheck/slimcheck/report"
)

// Printer renders analyze.Progress snapshots on one terminal line.
type Printer struct {
	mu      sync.Mutex
	w       io.Writer
	label   string
	start   time.Time
	delay   time.Duration
	last    time.Time
	printed bool
	now     func() time.Time
}

// New returns a Printer that stays silent for delay, then redraws at most
// ten times a second.
func New(w io.Writer, label string, delay time.Duration) *Printer {
	return &Printer{w: w, label: label, delay: delay, now: time.Now, start: time.Now()}
}

// Update draws p; it is safe for concurrent use.
func (p *Printer) Update(pr analyze.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	if now.Sub(p.start) < p.delay || now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = now
	p.printed = true
	total := ""
	if pr.BytesTotal > 0 {
		total = " / " + report.Bytes(pr.BytesTotal)
	}
	fmt.Fprintf(p.w, "\r\x1b[K%s: %s%s read, %d/%d layers walked", p.label, report.Bytes(pr.BytesRead), total, pr.LayersDone, pr.Layers)
}

// Done clears the line if anything was drawn.
func (p *Printer) Done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.printed {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.printed = false
	}
}
