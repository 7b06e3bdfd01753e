package hostile

import (
	"archive/tar"
	"os"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/slimcheck/slimcheck/internal/imagetest"
)

// TestTerminalEscapes: values from the image never reach the terminal raw:
// the text report (history commands, paths, labels) and error lines (tar
// entry names) print control characters escaped (report.Printable).
func TestTerminalEscapes(t *testing.T) {
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

// TestOpenShiftControlCharacters: a control character (here DEL, 0x7f) in
// an io.openshift.build.* label is replaced in openshift.yaml rather than
// failing the render (found by FuzzOpenShift: source location
// "gi\x7f@github.com:a/b.git").
func TestOpenShiftControlCharacters(t *testing.T) {
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
