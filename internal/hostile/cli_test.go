package hostile

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// hardLimit ends a slimcheck run that hangs, so a hang fails the test
// instead of stalling the suite.
const hardLimit = 60 * time.Second

// result is what one slimcheck run did.
type result struct {
	code        int
	stdout      string
	stderr      string
	elapsed     time.Duration // from start to exit
	afterSignal time.Duration // from the interrupt to exit (0 without one)
	maxRSS      int64         // peak resident memory in bytes
}

// runOpts configures a run.
type runOpts struct {
	dir       string          // working directory (default: a fresh temp dir)
	interrupt <-chan struct{} // when it closes, the process gets SIGINT
	started   func(pid int)   // called once the process runs
}

// sandbox is the environment of one run: HOME, DOCKER_CONFIG and TMPDIR
// point into fresh directories so that credentials are never read from
// the host and temporary files can be checked for.
type sandbox struct {
	home, tmp string
}

func newSandbox(t *testing.T) sandbox {
	t.Helper()
	root := t.TempDir()
	s := sandbox{home: filepath.Join(root, "home"), tmp: filepath.Join(root, "tmp")}
	for _, d := range []string{s.home, s.tmp} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func (s sandbox) env() []string {
	return []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + s.home,
		"DOCKER_CONFIG=" + filepath.Join(s.home, ".docker"),
		"TMPDIR=" + s.tmp,
		"DOCKER_HOST=unix://" + filepath.Join(s.home, "no-docker.sock"),
		"CONTAINER_HOST=unix://" + filepath.Join(s.home, "no-podman.sock"),
		"XDG_RUNTIME_DIR=" + s.home,
		"NO_PROXY=*", "no_proxy=*",
		"GOTRACEBACK=all",
	}
}

// slimcheck runs the binary with args and waits for it (at most hardLimit).
func slimcheck(t *testing.T, o runOpts, args ...string) result {
	t.Helper()
	sb := newSandbox(t)
	ownDir := o.dir == ""
	if ownDir {
		o.dir = t.TempDir()
	}
	ctx, cancel := context.WithTimeout(context.Background(), hardLimit)
	defer cancel()
	cmd := exec.CommandContext(ctx, slimcheckBin, args...)
	cmd.Dir = o.dir
	cmd.Env = sb.env()
	cmd.Stdin = strings.NewReader("") // not a terminal: no TUI, no prompts
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting slimcheck: %v", err)
	}
	exited := make(chan struct{})
	if o.started != nil {
		o.started(cmd.Process.Pid)
	}
	polled := make(chan int64, 1)
	go func() { polled <- pollHWM(cmd.Process.Pid, exited) }()
	signalled := make(chan time.Time, 1)
	if o.interrupt != nil {
		go func() {
			select {
			case <-o.interrupt:
				signalled <- time.Now()
				_ = cmd.Process.Signal(os.Interrupt)
			case <-exited:
			}
		}()
	}
	err := cmd.Wait()
	close(exited)
	r := result{stdout: out.String(), stderr: errOut.String(), elapsed: time.Since(start)}
	select {
	case at := <-signalled:
		r.afterSignal = time.Since(at)
	default:
	}
	if ctx.Err() != nil {
		t.Fatalf("slimcheck %s hung: killed after %s\nstderr: %s", strings.Join(args, " "), hardLimit, r.stderr)
	}
	if err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			t.Fatalf("running slimcheck: %v", err)
		}
	}
	r.code = cmd.ProcessState.ExitCode()
	r.maxRSS = <-polled
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		// The kernel starts a child's maxrss at its parent's high-water
		// mark (Go spawns with CLONE_VM), so rusage is exact only above
		// this test process's own peak; below it the polled value stands.
		if rusage, self := ru.Maxrss*1024, ownHWM(); rusage > self {
			r.maxRSS = rusage
		}
	}
	// Nothing may be written but the output asked for: not in TMPDIR, not
	// in HOME (no caches, no credentials), not in the working directory.
	if left := dirNames(t, sb.tmp); len(left) > 0 {
		t.Errorf("slimcheck left files in TMPDIR: %q", left)
	}
	if left := dirNames(t, sb.home); len(left) > 0 {
		t.Errorf("slimcheck wrote into HOME: %q", left)
	}
	if left := dirNames(t, o.dir); ownDir && len(left) > 0 {
		t.Errorf("slimcheck wrote into its working directory: %q", left)
	}
	return r
}

// noCrash fails the test when the run panicked or died of a signal.
func noCrash(t *testing.T, r result) {
	t.Helper()
	for _, sign := range []string{"panic:", "fatal error:", "goroutine ", "SIGSEGV"} {
		if strings.Contains(r.stderr, sign) {
			t.Fatalf("slimcheck crashed (%q on stderr):\n%s", sign, clip(r.stderr, 4000))
		}
	}
	if r.code < 0 {
		t.Fatalf("slimcheck was killed by a signal; stderr:\n%s", clip(r.stderr, 4000))
	}
}

// wantError checks the shape of a failure: exit 2, nothing on stdout, and
// one error line (plus at most a hint line) naming every one of names.
func wantError(t *testing.T, r result, names ...string) {
	t.Helper()
	noCrash(t, r)
	if r.code != 2 {
		t.Fatalf("exit %d, want 2; stderr: %s", r.code, clip(r.stderr, 2000))
	}
	if r.stdout != "" {
		t.Errorf("stdout not empty on error: %q", clip(r.stdout, 500))
	}
	lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
	if !strings.HasPrefix(lines[0], "slimcheck: ") {
		t.Errorf("stderr does not start with %q: %q", "slimcheck: ", clip(r.stderr, 500))
	}
	if len(lines) > 2 || (len(lines) == 2 && !strings.HasPrefix(lines[1], "hint: ")) {
		t.Errorf("stderr has %d lines, want the error and at most a hint:\n%s", len(lines), clip(r.stderr, 2000))
	}
	for _, n := range names {
		if !strings.Contains(lines[0], n) {
			t.Errorf("error %q does not name %q", clip(lines[0], 1000), n)
		}
	}
	if strings.ContainsRune(r.stderr, 0x1b) {
		t.Errorf("stderr carries an escape character from the image: %q", clip(r.stderr, 500))
	}
}

// wantOK checks a successful run: exit 0, nothing on stderr.
func wantOK(t *testing.T, r result) {
	t.Helper()
	noCrash(t, r)
	if r.code != 0 {
		t.Fatalf("exit %d, want 0; stderr: %s", r.code, clip(r.stderr, 2000))
	}
	if r.stderr != "" {
		t.Errorf("stderr not empty on success: %q", clip(r.stderr, 500))
	}
}

// wantBounded checks time and memory of a run.
func wantBounded(t *testing.T, r result, maxTime time.Duration, maxRSS int64) {
	t.Helper()
	if r.elapsed > maxTime {
		t.Errorf("took %s, want under %s", r.elapsed.Round(time.Millisecond), maxTime)
	}
	if self := ownHWM(); maxRSS > 0 && self > maxRSS {
		t.Logf("note: this test process peaked at %d MiB, over the %d MiB bound, so a child peak below that is measured by polling only", self>>20, maxRSS>>20)
	}
	if maxRSS > 0 && r.maxRSS > maxRSS {
		t.Errorf("peak RSS %d MiB, want under %d MiB", r.maxRSS>>20, maxRSS>>20)
	}
}

// pollHWM samples VmHWM (the peak resident set) of process pid every
// few milliseconds until done closes, and returns the last value read.
func pollHWM(pid int, done <-chan struct{}) int64 {
	file := fmt.Sprintf("/proc/%d/status", pid)
	var peak int64
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for {
		if v := readHWM(file); v > peak {
			peak = v
		}
		select {
		case <-done:
			return peak
		case <-tick.C:
		}
	}
}

// ownHWM is this test process's peak resident set.
func ownHWM() int64 { return readHWM("/proc/self/status") }

// readHWM reads the VmHWM line of a /proc status file, in bytes (0 when
// the process is gone).
func readHWM(file string) int64 {
	b, err := os.ReadFile(file)
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				return 0
			}
			return kb * 1024
		}
	}
	return 0
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// dirNames lists the names in dir (recursively, relative, sorted by walk).
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	var names []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != dir {
			rel, _ := filepath.Rel(dir, p)
			names = append(names, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("listing %s: %v", dir, err)
	}
	return names
}
