package tui

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slimcheck/slimcheck/report"
)

// TestRunCancel: Ctrl-C on the loading screen cancels the load's context
// and Run returns context.Canceled.
func TestRunCancel(t *testing.T) {
	in, keys := io.Pipe()
	started := make(chan struct{})
	loadErr := make(chan error, 1)
	load := func(ctx context.Context, progress func(Progress)) (*report.Report, *Recommendation, error) {
		progress(Progress{Stage: "pulling", Layers: 2})
		close(started)
		<-ctx.Done()
		loadErr <- ctx.Err()
		return nil, nil, ctx.Err()
	}
	done := make(chan error, 1)
	go func() {
		done <- Run(context.Background(), Options{Reference: "x", Load: load, Input: in, Output: io.Discard, NoColor: true})
	}()
	<-started
	if _, err := keys.Write([]byte{0x03}); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Run returned %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after ctrl+c")
	}
	if err := <-loadErr; !errors.Is(err, context.Canceled) {
		t.Fatalf("the load's context was not cancelled: %v", err)
	}
}

// TestRunLoadError: a failed load ends the UI and Run returns the error.
func TestRunLoadError(t *testing.T) {
	in, _ := io.Pipe()
	boom := errors.New("opening example.com/x: not found")
	load := func(context.Context, func(Progress)) (*report.Report, *Recommendation, error) { return nil, nil, boom }
	if err := Run(context.Background(), Options{Load: load, Input: in, Output: io.Discard, NoColor: true}); !errors.Is(err, boom) {
		t.Fatalf("Run returned %v, want %v", err, boom)
	}
}

// TestRunQuit: the loaded UI quits on q and Run returns nil; the screen
// drawn carries no colour with NoColor.
func TestRunQuit(t *testing.T) {
	in, keys := io.Pipe()
	var out strings.Builder
	loaded := make(chan struct{})
	load := func(context.Context, func(Progress)) (*report.Report, *Recommendation, error) {
		defer close(loaded)
		return smallReport(), nil, nil
	}
	done := make(chan error, 1)
	go func() {
		done <- Run(context.Background(), Options{Load: load, Input: in, Output: &syncWriter{w: &out}, NoColor: true})
	}()
	<-loaded
	time.Sleep(100 * time.Millisecond)
	if _, err := keys.Write([]byte("q")); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run returned %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after q")
	}
	if strings.Contains(out.String(), "\x1b[38;") || strings.Contains(out.String(), "\x1b[48;") {
		t.Errorf("NoColor output carries colour")
	}
}

// TestRunContextDone: cancelling Run's context (SIGTERM) ends the UI.
func TestRunContextDone(t *testing.T) {
	in, _ := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	load := func(ctx context.Context, _ func(Progress)) (*report.Report, *Recommendation, error) {
		<-ctx.Done()
		return nil, nil, ctx.Err()
	}
	done := make(chan error, 1)
	go func() { done <- Run(ctx, Options{Load: load, Input: in, Output: io.Discard, NoColor: true}) }()
	time.Sleep(50 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Run returned %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after its context was cancelled")
	}
}

// syncWriter serialises writes to w.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
