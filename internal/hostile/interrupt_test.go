package hostile

import (
	"archive/tar"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/slimcheck/slimcheck/internal/imagetest"
)

// promptExit is how soon after Ctrl-C slimcheck must be gone.
const promptExit = 2 * time.Second

// wantInterrupted checks an interrupted run: exit 130, promptly, one line
// on stderr, nothing on stdout, and (checked by slimcheck()) no files left
// in TMPDIR.
func wantInterrupted(t *testing.T, r result) {
	t.Helper()
	noCrash(t, r)
	if r.afterSignal == 0 {
		t.Fatalf("the run ended (exit %d) before it could be interrupted; stderr: %s", r.code, r.stderr)
	}
	if r.code != 130 {
		t.Fatalf("exit %d after Ctrl-C, want 130; stderr: %s", r.code, clip(r.stderr, 2000))
	}
	if r.afterSignal > promptExit {
		t.Errorf("exited %s after Ctrl-C, want under %s", r.afterSignal.Round(time.Millisecond), promptExit)
	}
	if got := strings.TrimSpace(r.stderr); got != "slimcheck: interrupted" {
		t.Errorf("stderr = %q, want %q", got, "slimcheck: interrupted")
	}
	if r.stdout != "" {
		t.Errorf("stdout not empty after Ctrl-C: %q", clip(r.stdout, 200))
	}
}

// once returns a channel and a func that closes it the first time.
func once() (chan struct{}, func()) {
	ch := make(chan struct{})
	var o sync.Once
	return ch, func() { o.Do(func() { close(ch) }) }
}

// stallAndTell is a fault that tells the test it began and then stalls.
func stallAndTell(tell func()) fault {
	return func(w http.ResponseWriter, r *http.Request, resp *recorded) {
		tell()
		stallAfterHalf(w, r, resp)
	}
}

// throttleAndTell streams the blob in 32 KiB chunks 20 ms apart and tells
// the test once half of it is sent, so the walk is mid-layer.
func throttleAndTell(tell func()) fault {
	return func(w http.ResponseWriter, r *http.Request, resp *recorded) {
		for k, v := range resp.header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.status)
		for off := 0; off < len(resp.body); off += 32 << 10 {
			if off >= len(resp.body)/2 {
				tell()
			}
			if _, err := w.Write(resp.body[off:min(off+32<<10, len(resp.body))]); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}
}

// TestInterrupt sends SIGINT (Ctrl-C) to `slimcheck analyze -o FILE` at
// several moments and checks that it exits 130 within promptExit, leaving
// neither the output file nor temporary files, and that an existing output
// file is left as it was.
func TestInterrupt(t *testing.T) {
	t.Parallel()
	for _, c := range interruptCases() {
		t.Run(c.name, c.run)
	}
}

// interruptCase is one moment to press Ctrl-C at.
type interruptCase struct {
	name string
	run  func(t *testing.T)
}

func interruptCases() []interruptCase {
	return []interruptCase{
		{"registry: waiting for the manifest", func(t *testing.T) {
			ch, tell := once()
			reg := imagetest.Registry(t, imagetest.WithHandlerWrapper(func(next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if strings.Contains(r.URL.Path, "/manifests/") {
						tell()
						<-r.Context().Done()
						return
					}
					next.ServeHTTP(w, r)
				})
			}))
			interrupted(t, ch, "--timeout", "0", reg.Ref("hostile/app:1"))
		}},
		{"registry: a stalled layer blob", func(t *testing.T) {
			ref, digest, fb := faultRegistry(t)
			ch, tell := once()
			fb.set(digest, -1, stallAndTell(tell))
			interrupted(t, ch, "--timeout", "0", ref)
		}},
		{"registry: mid-walk of a layer being streamed", func(t *testing.T) {
			ref, digest, fb := faultRegistry(t)
			ch, tell := once()
			fb.set(digest, -1, throttleAndTell(tell))
			interrupted(t, ch, ref)
		}},
		{"docker archive: mid-walk of a 16 GiB layer", func(t *testing.T) {
			ref := bigArchive(t)
			ch, tell := once()
			interruptedWhen(t, ch, whenRead(4*mib, tell), ref)
		}},
		{"docker archive: an existing output file survives", func(t *testing.T) {
			ref := bigArchive(t)
			dir := t.TempDir()
			out := filepath.Join(dir, "report.json")
			if err := os.WriteFile(out, []byte("previous report\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			ch, tell := once()
			r := slimcheck(t, runOpts{interrupt: ch, started: whenRead(4*mib, tell)}, "analyze", "--format", "json", "--force", "-o", out, ref)
			wantInterrupted(t, r)
			if b, err := os.ReadFile(out); err != nil || string(b) != "previous report\n" {
				t.Errorf("the existing output file was changed: %q, %v", b, err)
			}
			if left := dirNames(t, dir); len(left) != 1 {
				t.Errorf("output directory holds %q, want only report.json", left)
			}
		}},
	}
}

// whenRead returns a start hook that calls tell once the process has read
// n bytes (its rchar in /proc/PID/io): by then it is walking the layer.
func whenRead(n int64, tell func()) func(pid int) {
	return func(pid int) {
		go func() {
			file := fmt.Sprintf("/proc/%d/io", pid)
			deadline := time.Now().Add(hardLimit)
			for time.Now().Before(deadline) {
				b, err := os.ReadFile(file)
				if err != nil {
					return // exited
				}
				for _, line := range strings.Split(string(b), "\n") {
					if v, ok := strings.CutPrefix(line, "rchar: "); ok {
						if r, _ := strconv.ParseInt(v, 10, 64); r >= n {
							tell()
							return
						}
					}
				}
				time.Sleep(5 * time.Millisecond)
			}
		}()
	}
}

// interrupted runs analyze -o into an empty directory, interrupts it when
// ch closes and checks the outcome.
func interrupted(t *testing.T, ch chan struct{}, args ...string) {
	interruptedWhen(t, ch, nil, args...)
}

func interruptedWhen(t *testing.T, ch chan struct{}, started func(int), args ...string) {
	t.Helper()
	dir := t.TempDir()
	r := slimcheck(t, runOpts{interrupt: ch, started: started}, append([]string{"analyze", "--format", "json", "-o", filepath.Join(dir, "report.json")}, args...)...)
	t.Logf("exit %d, %s after the signal", r.code, r.afterSignal.Round(time.Millisecond))
	wantInterrupted(t, r)
	if left := dirNames(t, dir); len(left) > 0 {
		t.Errorf("interrupted run left %q in the output directory", left)
	}
}

// bigArchive is a docker archive whose second layer is a 16 GiB file of
// zeros stored as 16 MiB of gzip: its walk takes many seconds.
func bigArchive(t *testing.T) string {
	t.Helper()
	member := gzZeros(t, 16*mib)
	stored := gz(t, header(t, "big", tar.TypeReg, 16*gib))
	for range 16 * gib / (16 * mib) {
		stored = append(stored, member...)
	}
	stored = append(stored, gz(t, endOfArchive)...)
	return archive(t, image(t, v1.Config{}, rawLayer(stored)))
}
