package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/slimcheck/slimcheck/gate/format"
	"github.com/slimcheck/slimcheck/internal/imagetest"
)

// runCI runs the whole CLI in-process in dir and returns the exit code and
// output.
func runCI(t *testing.T, dir string, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	t.Chdir(dir)
	return runCLI(t, env, args...)
}

// appImage is a small Debian-like Node.js image: a base layer, a build
// layer with a compiler, an apt cache and apt lists, the app, and a model
// file. extra adds bytes to the app layer (a "later release").
func appImage(t *testing.T, extra int64, env ...string) v1.Image {
	t.Helper()
	base := imagetest.Layer(t,
		imagetest.Dir("usr"), imagetest.Dir("usr/lib"), imagetest.File("usr/lib/libc.so.6", 2_000_000),
		imagetest.Dir("usr/share/doc/base"), imagetest.File("usr/share/doc/base/copyright", 300_000),
		imagetest.Dir("var/lib/apt/lists"), imagetest.File("var/lib/apt/lists/deb_dists_main", 900_000),
	)
	build := imagetest.Layer(t,
		imagetest.Dir("usr/bin"), imagetest.File("usr/bin/gcc-12", 3_000_000),
		imagetest.Dir("var/cache/apt/archives"), imagetest.File("var/cache/apt/archives/gcc-12_amd64.deb", 1_500_000),
		imagetest.File("var/lib/apt/lists/deb_dists_main", 900_000),
	)
	node := imagetest.Layer(t, imagetest.Dir("usr/local/bin"), imagetest.File("usr/local/bin/node", 4_000_000))
	app := imagetest.Layer(t,
		imagetest.Dir("app"), imagetest.Text("app/package.json", `{"name":"app","version":"1.0.0","dependencies":{}}`),
		imagetest.File("app/server.js", 40_000+extra),
		imagetest.Dir("opt/models"), imagetest.File("opt/models/weights.bin", 5_000_000),
	)
	cfg := v1.Config{Env: append([]string{"PATH=/usr/local/bin:/usr/bin", "NODE_VERSION=20.11.1"}, env...), Cmd: []string{"node", "/app/server.js"}, WorkingDir: "/app"}
	return imagetest.Image(t, cfg, []string{
		"/bin/sh -c #(nop) ADD file:base in /",
		"/bin/sh -c apt-get update && apt-get install -y gcc-12",
		"/bin/sh -c #(nop) COPY dir:node in /usr/local",
		"/bin/sh -c #(nop) COPY dir:app in /app",
	}, base, build, node, app)
}

func writeArchive(t *testing.T, dir, name string, img v1.Image) string {
	t.Helper()
	p := filepath.Join(dir, name+".tar")
	imagetest.WriteDockerArchive(t, p, "example.com/"+name+":1", img)
	return "docker-archive:" + p
}

func TestCIExitCodes(t *testing.T) {
	dir := t.TempDir()
	ref := writeArchive(t, dir, "app", appImage(t, 0))
	tests := []struct {
		name   string
		files  map[string]string // written into the working directory
		args   []string
		want   int
		stdout []string
		stderr []string
	}{
		{"passes under a generous limit", nil, []string{"--max-size", "1GB", "--highestUserWastedPercent", "disabled"}, exitOK,
			[]string{"PASS  max-size", "Result: WARN"}, nil},
		{"fails over the limit", nil, []string{"--max-size", "10MB"}, exitFailed,
			[]string{"FAIL  max-size", "Result: FAIL"}, []string{"rules failed"}},
		{"a warning does not fail", nil, []string{"--max-size", "10MB", "--warn", "max-size,highestUserWastedPercent", "--forbid", "off"}, exitOK,
			[]string{"WARN  max-size", "Result: WARN"}, nil},
		{"forbid from the file, tolerance from the flag", map[string]string{".slimcheck.yaml": "forbid: [package-cache]\nhighestUserWastedPercent: off\n"},
			[]string{"--max-category", "package-cache=3MB"}, exitOK, []string{"PASS  forbid/package-cache", "≤ 3.0 MB"}, nil},
		{"forbid fails without tolerance", map[string]string{".slimcheck.yaml": "forbid: [build-toolchain, package-cache]\n"},
			nil, exitFailed, []string{"FAIL  forbid/build-toolchain", "FAIL  forbid/package-cache", "/usr/bin: 3.0 MB"}, nil},
		{"flags win over the file", map[string]string{".slimcheck.yaml": "max-size: 1MB\nhighestUserWastedPercent: off\n"},
			[]string{"--max-size", "1GB"}, exitOK, []string{"PASS  max-size"}, nil},
		{"a .dive-ci is read as dive reads it", map[string]string{".dive-ci": "plugins: [p]\nrules:\n  lowestEfficiency: 0.99\n  highestUserWastedPercent: disabled\n  p/rule: error\n"},
			nil, exitFailed, []string{"(dive format)", "FAIL  lowestEfficiency", "SKIP  highestUserWastedPercent"}, nil},
		{".slimcheck.yaml wins over .dive-ci", map[string]string{".dive-ci": "rules:\n  lowestEfficiency: 0.99\n", ".slimcheck.yaml": "lowestEfficiency: 0.5\nhighestUserWastedPercent: 0.9\n"},
			nil, exitOK, []string{"PASS  lowestEfficiency"}, nil},
		{"ignore-paths takes a model file out of every rule", nil, []string{"--max-size", "15MB", "--ignore-paths", "/opt/models/**", "--highestUserWastedPercent", "off"}, exitOK,
			[]string{"PASS  max-size                  12.6 MB", "ignored: 2 entries, 5.0 MB (/opt/models/**)"}, nil},
		{"the same limit fails with the model file", nil, []string{"--max-size", "15MB", "--highestUserWastedPercent", "off"}, exitFailed,
			[]string{"FAIL  max-size                  17.6 MB"}, nil},
		{"ratio rules skip small images", nil, []string{"--lowestEfficiency", "0.999", "--highestUserWastedPercent", "0.001", "--min-size-for-ratio-rules", "1GB"}, exitOK,
			[]string{"SKIP  lowestEfficiency", "min-size-for-ratio-rules"}, nil},
		{"unknown key in the file", map[string]string{".slimcheck.yaml": "max-sise: 1GB\n"}, nil, exitError,
			nil, []string{`unknown key "max-sise"`, "allowed keys: max-size"}},
		{"bad value in a flag", nil, []string{"--max-size", "huge"}, exitError, nil, []string{"--max-size", "huge"}},
		{"all config errors at once", map[string]string{".slimcheck.yaml": "max-size: x\nforbid: [nope]\n"}, nil, exitError,
			nil, []string{"max-size", `unknown category "nope"`}},
		{"misconfigured .dive-ci", map[string]string{".dive-ci": "rules:\n  lowestEfficiency: 90%\n"}, nil, exitError,
			nil, []string{"CI Misconfigured", "lowestEfficiency"}},
		{"missing --config", nil, []string{"--config", "nope.yaml"}, exitError, nil, []string{"nope.yaml"}},
		{"max-growth without a baseline", nil, []string{"--max-growth", "5%"}, exitError, nil, []string{"needs a baseline"}},
		{"bad format", nil, []string{"--format", "xml"}, exitError, nil, []string{`--format "xml"`}},
		{"bad output", nil, []string{"--output", "junit"}, exitError, nil, []string{"FORMAT=FILE"}},
		{"--warn on an unset rule", nil, []string{"--warn", "max-layers"}, exitError, nil, []string{"max-layers", "not set"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wd := t.TempDir()
			for name, content := range tt.files {
				if err := os.WriteFile(filepath.Join(wd, name), []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			code, out, errOut := runCI(t, wd, nil, append([]string{"ci", ref}, tt.args...)...)
			if code != tt.want {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.want, out, errOut)
			}
			for _, w := range tt.stdout {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tt.stderr {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errOut)
				}
			}
		})
	}
}

func TestCIImageNotFound(t *testing.T) {
	dir := t.TempDir()
	code, _, errOut := runCI(t, dir, nil, "ci", "docker-archive:"+filepath.Join(dir, "missing.tar"))
	if code != exitError || !strings.Contains(errOut, "missing.tar") {
		t.Errorf("exit %d, stderr %s", code, errOut)
	}
}

func TestCIOutputsAndGitHubSummary(t *testing.T) {
	dir := t.TempDir()
	ref := writeArchive(t, dir, "app", appImage(t, 0, "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"))
	summary := filepath.Join(dir, "summary.md")
	if err := os.WriteFile(summary, []byte("earlier step\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"GITHUB_STEP_SUMMARY": summary}
	outs := map[string]string{"json": "r.json", "junit": "r.xml", "sarif": "r.sarif", "markdown": "r.md", "html": "r.html"}
	args := []string{"ci", ref, "--format", "github", "--max-size", "10MB", "--secrets-in-env", "fail", "--dockerfile", "Dockerfile"}
	for f, p := range outs {
		args = append(args, "--output", f+"="+filepath.Join(dir, p))
	}
	code, out, errOut := runCI(t, dir, env, args...)
	if code != exitFailed {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(out, "::error file=Dockerfile,title=slimcheck max-size::") || !strings.Contains(out, "::error file=Dockerfile,title=slimcheck secrets-in-env::") {
		t.Errorf("annotations:\n%s", out)
	}
	sum, err := os.ReadFile(summary)
	if err != nil || !strings.HasPrefix(string(sum), "earlier step\n### ❌ slimcheck: FAIL") {
		t.Errorf("job summary not appended: %q %v", sum, err)
	}
	for f, p := range outs {
		b, err := os.ReadFile(filepath.Join(dir, p))
		if err != nil || len(b) == 0 {
			t.Errorf("%s output: %v", f, err)
		}
	}
	var doc format.Document
	b, _ := os.ReadFile(filepath.Join(dir, "r.json"))
	if err := json.Unmarshal(b, &doc); err != nil || doc.Summary.Verdict != "fail" || doc.Image.Layers != 4 {
		t.Errorf("json output %+v %v", doc.Summary, err)
	}
	// No temporary files are left behind.
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("left %s", e.Name())
		}
	}
}

// TestCIBaselineGrowth compares two generated releases: the second adds
// 3 MB to the app layer.
func TestCIBaselineGrowth(t *testing.T) {
	dir := t.TempDir()
	base := writeArchive(t, dir, "base", appImage(t, 0))
	grown := writeArchive(t, dir, "grown", appImage(t, 3_000_000))
	tests := []struct {
		growth string
		want   int
	}{
		{"3MB", exitOK},
		{"2.9MB", exitFailed},
		{"30%", exitOK},
		{"10%", exitFailed},
	}
	for _, tt := range tests {
		t.Run(tt.growth, func(t *testing.T) {
			code, out, errOut := runCI(t, dir, nil, "ci", grown, "--baseline", base, "--max-growth", tt.growth,
				"--highestUserWastedPercent", "off", "--lowestEfficiency", "off")
			if code != tt.want {
				t.Errorf("exit %d, want %d\n%s\n%s", code, tt.want, out, errOut)
			}
			if tt.want == exitFailed && (!strings.Contains(out, "layer 3: COPY dir:app in /app: +3.0 MB") || !strings.Contains(out, "category app: +3.0 MB")) {
				t.Errorf("growth details missing:\n%s", out)
			}
		})
	}
	// A baseline that cannot be opened is an error, not a verdict.
	code, _, errOut := runCI(t, dir, nil, "ci", grown, "--baseline", "docker-archive:"+filepath.Join(dir, "nope.tar"))
	if code != exitError || !strings.Contains(errOut, "baseline") {
		t.Errorf("missing baseline: exit %d %s", code, errOut)
	}
}

func TestCIDefaultsMatchDive(t *testing.T) {
	// Without configuration: dive's defaults (0.9, disabled, 0.1) plus ours,
	// which only warn.
	dir := t.TempDir()
	fixture, err := filepath.Abs(diveFixture)
	if err != nil {
		t.Fatal(err)
	}
	code, out, _ := runCI(t, dir, nil, "ci", "docker-archive:"+fixture)
	if code != exitFailed {
		t.Errorf("exit %d, want 1 (dive's test image fails highestUserWastedPercent 0.1)\n%s", code, out)
	}
	for _, w := range []string{"policy: defaults", "PASS  lowestEfficiency          0.9844", "SKIP  highestWastedBytes", "FAIL  highestUserWastedPercent  0.4835"} {
		if !strings.Contains(out, w) {
			t.Errorf("stdout lacks %q:\n%s", w, out)
		}
	}
}
