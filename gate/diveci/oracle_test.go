package diveci

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/slimcheck/slimcheck/analyze/pipeline"
	"github.com/slimcheck/slimcheck/gate"
	"github.com/slimcheck/slimcheck/report"
)

// verdict is what a CI run said: per dive rule PASS, FAIL or SKIP, or
// misconfigured; and whether the run failed.
type verdict struct {
	Rules         map[string]string
	Misconfigured bool
	Failed        bool
}

func (v verdict) String() string {
	if v.Misconfigured {
		return "misconfigured"
	}
	var parts []string
	for _, k := range gate.DiveKeys() {
		parts = append(parts, k+"="+v.Rules[k])
	}
	if v.Failed {
		parts = append(parts, "run=FAIL")
	} else {
		parts = append(parts, "run=PASS")
	}
	return strings.Join(parts, " ")
}

var (
	ansi     = regexp.MustCompile(`\x1b\[[0-9;]*m`)
	ruleLine = regexp.MustCompile(`^\s+(PASS|FAIL|SKIP|WARN|MISCONFIGURED|CONFIGURED)\s*: (\w+)`)
)

// runDive runs `dive --ci --ci-config config --source docker-archive archive`.
func runDive(t *testing.T, archive, config string) (verdict, string) {
	t.Helper()
	home := t.TempDir() // no user dive config
	cmd := exec.Command(diveBin, "--ci", "--ci-config", config, "--source", "docker-archive", archive)
	cmd.Dir = home
	cmd.Env = []string{"HOME=" + home, "PATH=" + os.Getenv("PATH")}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("running dive: %v", err)
	}
	text := ansi.ReplaceAllString(out.String(), "")
	v := verdict{Rules: map[string]string{}, Failed: err != nil}
	for _, line := range strings.Split(text, "\n") {
		if m := ruleLine.FindStringSubmatch(line); m != nil {
			v.Rules[m[2]] = m[1]
		}
		if strings.Contains(line, "CI Misconfigured") || strings.Contains(line, "ci configuration error") {
			v.Misconfigured = true
		}
	}
	if !v.Misconfigured && len(v.Rules) != 3 {
		t.Fatalf("could not read dive's verdict (%d rules):\n%s", len(v.Rules), text)
	}
	if v.Misconfigured {
		v.Rules = nil
	}
	return v, text
}

// analyzeArchive runs slimcheck's analysis on a docker-archive.
func analyzeArchive(t *testing.T, archive string) *report.Report {
	t.Helper()
	opts := pipeline.DefaultOptions()
	opts.Summary.Files = true
	opts.Walk.Concurrency = 1
	res, err := pipeline.Run(context.Background(), "docker-archive:"+archive, opts)
	if err != nil {
		t.Fatalf("analyzing %s: %v", archive, err)
	}
	return res.Report
}

// runOurs evaluates the config file with slimcheck's gate, as `slimcheck
// ci --config` does.
func runOurs(t *testing.T, r *report.Report, config string) verdict {
	t.Helper()
	p, err := gate.LoadPolicy(config)
	if err != nil {
		return verdict{Misconfigured: true, Failed: true}
	}
	if err := p.Finish(); err != nil {
		t.Fatalf("finishing policy: %v", err)
	}
	v := verdict{Rules: map[string]string{}}
	for _, res := range gate.Evaluate(gate.Input{Report: r}, p) {
		for _, k := range gate.DiveKeys() {
			if res.ID == k {
				v.Rules[k] = res.Status.Label()
			}
		}
		if res.Status == gate.Fail {
			v.Failed = true
		}
	}
	return v
}

func writeConfig(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), ".dive-ci")
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
