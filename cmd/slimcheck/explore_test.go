package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/slimcheck/slimcheck/analyze/pipeline"
	"github.com/slimcheck/slimcheck/analyze/source"
	"github.com/slimcheck/slimcheck/internal/demo"
	"github.com/slimcheck/slimcheck/internal/imagetest"
	"github.com/slimcheck/slimcheck/report"
	"github.com/slimcheck/slimcheck/tui"
)

// runCmd runs one command constructor in-process with buffers for stdio.
func runCmd(t *testing.T, build func(*env) *cobra.Command, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	e := newEnv(strings.NewReader(""), &out, &errOut, func(string) string { return "" })
	cmd := build(e)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(context.Background())
	return out.String(), err
}

// TestExploreWithoutTerminal: with stdout not a terminal, explore prints
// the analyze report, exactly as analyze does.
func TestExploreWithoutTerminal(t *testing.T) {
	archive := filepath.Join(t.TempDir(), "img.tar")
	imagetest.WriteDockerArchive(t, archive, "example.com/app:1", sampleImage(t))
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) {
			args := []string{"--format", format, "docker-archive:" + archive}
			got, err := runCmd(t, newExploreCmd, args...)
			if err != nil {
				t.Fatal(err)
			}
			want, err := runCmd(t, newAnalyzeCmd, args...)
			if err != nil {
				t.Fatal(err)
			}
			if got != want || got == "" {
				t.Fatalf("explore without a terminal printed:\n%s\nanalyze printed:\n%s", got, want)
			}
		})
	}
}

// TestExploreLoader: the UI's loader lists every file, forwards the walk's
// progress and plans the demo image.
func TestExploreLoader(t *testing.T) {
	img, err := demo.Image()
	if err != nil {
		t.Fatal(err)
	}
	info := source.Info{Reference: demo.Reference, Kind: source.KindDockerArchive, Name: demo.Reference}
	load := exploreLoader(pipeline.DefaultOptions(), func(ctx context.Context, opts pipeline.Options) (*pipeline.Result, error) {
		return pipeline.RunImage(ctx, img, info, opts)
	})
	var mu sync.Mutex
	var stages []string
	var walked int
	rep, rec, err := load(context.Background(), func(p tui.Progress) {
		mu.Lock()
		defer mu.Unlock()
		if len(stages) == 0 || stages[len(stages)-1] != p.Stage {
			stages = append(stages, p.Stage)
		}
		walked = max(walked, p.LayersDone)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Files) == 0 || len(rep.Files) < rep.Image.FinalFiles {
		t.Fatalf("the report lists %d files for %d in the final image", len(rep.Files), rep.Image.FinalFiles)
	}
	if rec == nil || rec.Plan == nil {
		t.Fatal("the demo image must get a plan")
	}
	if walked != len(rep.Layers) || strings.Join(stages, "|") != "opening the image|pulling and walking layers|planning the runtime image" {
		t.Fatalf("progress: stages %q, %d of %d layers walked", stages, walked, len(rep.Layers))
	}
}

// TestExploreCancel: Ctrl-C while loading cancels the load's context and
// explore returns context.Canceled, which run turns into exit 130.
func TestExploreCancel(t *testing.T) {
	in, keys := io.Pipe()
	e := newEnv(in, io.Discard, io.Discard, func(string) string { return "" })
	started := make(chan struct{})
	load := func(ctx context.Context, _ func(tui.Progress)) (*report.Report, *tui.Recommendation, error) {
		close(started)
		<-ctx.Done()
		return nil, nil, ctx.Err()
	}
	done := make(chan error, 1)
	go func() { done <- explore(context.Background(), e, "example.com/slow:1", true, load) }()
	<-started
	if _, err := keys.Write([]byte{0x03}); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("explore returned %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("explore did not return after ctrl+c")
	}
}
