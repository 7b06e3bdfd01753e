package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/slimcheck/slimcheck/recommend"
	"github.com/slimcheck/slimcheck/report"
)

// Progress is a snapshot of a load in flight.
type Progress struct {
	Stage      string // what is happening now: "pulling layers", "attributing"…
	Layers     int    // layers in the image (0 while unknown)
	LayersDone int    // layers fully walked
	BytesRead  int64  // stored bytes read so far
	BytesTotal int64  // stored bytes of all layers, when known (else 0)
}

// LoadFunc produces the report (with Files) and, when one could be made,
// the recommendation. It reports progress through progress, which is safe
// to call from any goroutine, and must return promptly once ctx is done.
type LoadFunc func(ctx context.Context, progress func(Progress)) (*report.Report, *Recommendation, error)

// GeneratedFile is one file generated from the plan.
type GeneratedFile struct {
	Name    string // file name: Dockerfile, runtime.Dockerfile, openshift.yaml…
	Content string
}

// Recommendation is what the Plan pane shows: the plan, the files
// generated from it, and how to write them.
type Recommendation struct {
	Plan  *recommend.PlanResult
	Files []GeneratedFile // in tab order
	// Write writes the files into dir and returns the paths written. Unless
	// overwrite is set it must refuse to replace an existing file with an
	// error matching fs.ErrExist. Nil disables writing.
	Write func(ctx context.Context, dir string, overwrite bool) ([]string, error)
}

// Options configures Run.
type Options struct {
	Reference string   // the image reference, shown while loading
	Load      LoadFunc // required
	Input     io.Reader
	Output    io.Writer // the terminal; nil means stdin and stdout
	// NoColor draws with the Ascii profile: no colour, no attributes.
	// The caller decides it (TTY, NO_COLOR, --no-color).
	NoColor bool
	// Clipboard copies text to the system clipboard (see OSC52); nil
	// disables copying.
	Clipboard func(text string) error
	// Dir is the directory first offered for writing the plan's files.
	Dir string
	// KeyMap overrides DefaultKeyMap when set.
	KeyMap *KeyMap
}

// Run shows the UI until the user quits. It loads the report with o.Load
// while the loading screen shows progress; Ctrl-C there cancels the load
// and Run returns context.Canceled. A load error ends the UI and is
// returned.
func Run(ctx context.Context, o Options) error {
	if o.Load == nil {
		return errors.New("starting the UI: no load function")
	}
	in, out := o.Input, o.Output
	if in == nil {
		in = os.Stdin
	}
	if out == nil {
		out = os.Stdout
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	r := lipgloss.NewRenderer(out)
	if o.NoColor {
		r.SetColorProfile(termenv.Ascii)
	}
	// Ask the terminal for its background now: once the program owns the
	// terminal the answer would arrive as keyboard input.
	r.SetHasDarkBackground(r.HasDarkBackground())
	keys := DefaultKeyMap()
	if o.KeyMap != nil {
		keys = *o.KeyMap
	}
	m := newModel(config{ref: o.Reference, styles: NewStyles(r), keys: keys, clipboard: o.Clipboard, dir: o.Dir})
	p := tea.NewProgram(m, tea.WithContext(ctx), tea.WithAltScreen(), tea.WithMouseCellMotion(),
		tea.WithInput(in), tea.WithOutput(out))

	done := make(chan struct{})
	go func() {
		defer close(done)
		rep, rec, err := o.Load(ctx, throttle(p.Send))
		p.Send(loaded(ctx, rep, rec, err))
	}()
	final, err := p.Run()
	cancel()
	select {
	case <-done:
	case <-time.After(3 * time.Second): // a load that ignores ctx must not hold the exit
	}
	if err != nil {
		if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
			return context.Canceled
		}
		return fmt.Errorf("running the UI: %w", err)
	}
	fm, ok := final.(Model)
	switch {
	case !ok:
		return nil
	case fm.canceled:
		return context.Canceled
	case fm.err != nil:
		return fm.err
	}
	return nil
}

// loaded builds the message that ends loading, binding ctx into the
// recommendation's writer so the model never holds a context.
func loaded(ctx context.Context, rep *report.Report, rec *Recommendation, err error) loadedMsg {
	msg := loadedMsg{rep: rep, rec: rec, err: err}
	if err == nil && rep == nil {
		msg.err = errors.New("loading the image: no report")
	}
	if rec != nil && rec.Write != nil {
		w := rec.Write
		msg.write = func(dir string, overwrite bool) ([]string, error) { return w(ctx, dir, overwrite) }
	}
	return msg
}

// throttle turns a program's Send into a progress callback that passes on
// at most twenty snapshots a second, plus the one that completes the walk.
func throttle(send func(tea.Msg)) func(Progress) {
	var mu sync.Mutex
	var last time.Time
	return func(p Progress) {
		mu.Lock()
		now := time.Now()
		complete := p.Layers > 0 && p.LayersDone == p.Layers
		if now.Sub(last) < 50*time.Millisecond && !complete {
			mu.Unlock()
			return
		}
		last = now
		mu.Unlock()
		send(progressMsg(p))
	}
}
