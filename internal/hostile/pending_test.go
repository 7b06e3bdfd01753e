//go:build hostile_pending

// Cases that fail today because of bugs outside this package's owners'
// reach; each names the package that must change. Run them with
//
//	go test -tags hostile_pending -run TestPending ./internal/hostile/
//
// and move a case into hostileCases (hostile_test.go) once it passes.
package hostile

import (
	"archive/tar"
	"os"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/slimcheck/slimcheck/internal/imagetest"
	"github.com/slimcheck/slimcheck/report"
)

func pendingCases() []imageCase {
	return []imageCase{
		{
			// BUG (analyze, readLayer): a sparse entry's holes are read
			// and hashed byte by byte. A 1.5 kB layer declaring a 1 TiB
			// hole takes ~8 minutes at ~2 GB/s, and 2^62 bytes take
			// centuries: without --max-uncompressed nothing bounds it.
			name: "sparse file of 1 TiB, all hole, no --max-uncompressed",
			build: func(t *testing.T) (string, []string) {
				raw := cat(sparseHeader(t, "hole", 1<<40), endOfArchive)
				return archive(t, image(t, v1.Config{}, rawLayer(raw))), nil
			},
			check: func(t *testing.T, r *report.Report) { wantFile(t, r, "/hole", "file", "visible") },
			time:  10 * time.Second,
		},
		{
			// BUG (analyze/dive.go and analyze/summary): cost is quadratic
			// in path depth. dnode.visit builds the full path string of
			// every node and stack() re-splits it; summary keys a map by
			// every ancestor directory. A 200 kB PAX name of 100k
			// components (tar allows 1 MiB) makes the run take minutes and
			// gigabytes.
			name: "one path of 100k components",
			build: func(t *testing.T) (string, []string) {
				deep := strings.Repeat("d/", 100_000) + "f"
				return archive(t, image(t, v1.Config{}, imagetest.Layer(t, imagetest.File(deep, 1)))), nil
			},
			time: 10 * time.Second,
			rss:  512 * mib,
		},
	}
}

// TestPendingHostileImages runs the pending image cases like
// TestHostileImages does.
func TestPendingHostileImages(t *testing.T) {
	for _, c := range pendingCases() {
		t.Run(c.name, func(t *testing.T) {
			ref, names := c.build(t)
			runCase(t, c, ref, names)
		})
	}
}

// TestPendingTerminalEscapes: values from the image reach the terminal raw.
// BUG (report/text.go): the text report prints layer commands (history
// created_by) and paths as they are, so an image can send escape sequences
// (clear the screen, set the window title, OSC 52 clipboard writes) to the
// terminal of whoever analyzes it. BUG (cmd/slimcheck run.go oneLine, or
// analyze's "reading %s" errors): error lines carry tar entry names raw.
// Both should print control characters escaped (strconv.Quote-style or
// \x1b as "\x1b"), as tui/safe.go does for the TUI.
func TestPendingTerminalEscapes(t *testing.T) {
	esc := "\x1b[2J\x1b]0;pwned\x07"
	t.Run("text report", func(t *testing.T) {
		img := imagetest.Image(t, v1.Config{Labels: map[string]string{"x": esc}},
			[]string{"ADD base", "RUN echo " + esc},
			base(t), imagetest.Layer(t, imagetest.File("esc"+esc, 50000), imagetest.File("big"+esc+"/f", 60000)))
		r := slimcheck(t, runOpts{}, "analyze", "--top", "100", archive(t, img))
		wantOK(t, r)
		if i := strings.IndexRune(r.stdout, 0x1b); i >= 0 {
			t.Errorf("text report carries an escape character from the image: %q", r.stdout[max(0, i-40):min(len(r.stdout), i+40)])
		}
	})
	t.Run("error line", func(t *testing.T) {
		img := image(t, v1.Config{}, rawLayer(gz(t, cat(header(t, "evil"+esc, tar.TypeReg, 1<<20), make([]byte, 100)))))
		r := slimcheck(t, runOpts{}, "analyze", archive(t, img))
		wantError(t, r, "evil") // fails on the escape character
	})
}

// TestPendingOpenShiftControlCharacters: BUG (recommend/openshift): a
// control character (here DEL, 0x7f) in an io.openshift.build.* label makes
// Render fail with "yaml: control characters are not allowed", so
// `recommend --target openshift|all` exits 2 on such an image instead of
// escaping the value. Found by FuzzOpenShift (input: source location
// "gi\x7f@github.com:a/b.git").
func TestPendingOpenShiftControlCharacters(t *testing.T) {
	img := hostileS2I(t, "\x7f\x01x", "\x7f")
	out := t.TempDir() + "/out"
	r := slimcheck(t, runOpts{}, "recommend", "--offline", "--target", "all", "-o", out, img)
	noCrash(t, r)
	if r.code != 0 {
		t.Fatalf("exit %d, want 0 and the files written; stderr: %s", r.code, r.stderr)
	}
	if _, err := os.Stat(out + "/openshift.yaml"); err != nil {
		t.Errorf("no openshift.yaml: %v", err)
	}
}
