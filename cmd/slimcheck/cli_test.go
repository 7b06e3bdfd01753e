package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/slimcheck/slimcheck/internal/golden"
	"github.com/slimcheck/slimcheck/internal/imagetest"
	"github.com/slimcheck/slimcheck/report"
)

const diveFixture = "../../../shared/fixtures/dive/test-docker-image.tar"

// runCLI runs the whole CLI in-process and returns exit code, stdout, stderr.
func runCLI(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	getenv := func(k string) string { return env[k] }
	code := run(context.Background(), args, strings.NewReader(""), &out, &errOut, getenv)
	return code, out.String(), errOut.String()
}

func sampleImage(t *testing.T) v1.Image {
	t.Helper()
	return imagetest.Image(t, v1.Config{Cmd: []string{"/app/run"}, User: "1001", WorkingDir: "/app"},
		[]string{"ADD rootfs", "RUN build", "RUN cleanup"},
		imagetest.Layer(t, imagetest.Dir("/usr"), imagetest.File("/usr/bin/tool", 5000), imagetest.File("/tmp/big", 3000)),
		imagetest.Layer(t, imagetest.File("/app/run", 1000), imagetest.File("/usr/bin/tool", 5000)),
		imagetest.Layer(t, imagetest.Whiteout("/tmp/big")),
	)
}

func TestAnalyzeSources(t *testing.T) {
	img := sampleImage(t)
	dir := t.TempDir()
	archive := filepath.Join(dir, "img.tar")
	imagetest.WriteDockerArchive(t, archive, "example.com/app:1", img)
	layout := filepath.Join(dir, "layout")
	imagetest.WriteOCILayout(t, layout, map[string]v1.Image{"v1": img})
	reg := imagetest.Registry(t)
	imagetest.Push(t, reg, "team/app:1", img)

	for _, ref := range []string{"docker-archive:" + archive, archive, "oci:" + layout + ":v1", layout, reg.Ref("team/app:1")} {
		t.Run(filepath.Base(ref), func(t *testing.T) {
			code, out, errOut := runCLI(t, nil, "analyze", "--format", "json", ref)
			if code != exitOK {
				t.Fatalf("exit %d, stderr: %s", code, errOut)
			}
			var r report.Report
			if err := json.Unmarshal([]byte(out), &r); err != nil {
				t.Fatalf("parsing JSON: %v", err)
			}
			if got := len(r.Layers); got != 3 {
				t.Errorf("layers = %d, want 3", got)
			}
			// 5000+3000 in layer 0, 1000+5000 in layer 1.
			if r.Image.SizeBytes != 14000 {
				t.Errorf("size = %d, want 14000", r.Image.SizeBytes)
			}
			if r.Hidden.Bytes != 8000 {
				t.Errorf("hidden = %d, want 8000 (the overwritten tool and the deleted /tmp/big)", r.Hidden.Bytes)
			}
			if r.Image.Config.User != "1001" || r.Layers[1].CreatedBy != "RUN build" {
				t.Errorf("config/history not carried: user %q, createdBy %q", r.Image.Config.User, r.Layers[1].CreatedBy)
			}
			var sum int64
			for _, c := range r.Categories {
				sum += c.Bytes
			}
			if sum != r.Image.SizeBytes {
				t.Errorf("categories sum to %d, image is %d", sum, r.Image.SizeBytes)
			}
		})
	}
}

// TestAnalyzeDiveFixture checks the full text and JSON report of dive's own
// test image against golden files, and the dive figures dive asserts.
func TestAnalyzeDiveFixture(t *testing.T) {
	if _, err := os.Stat(diveFixture); err != nil {
		t.Skipf("dive fixture not available: %v", err)
	}
	code, out, errOut := runCLI(t, nil, "analyze", "--format", "json", diveFixture)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var r report.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r.Dive.Efficiency != 0.9844212134184309 || r.Dive.WastedBytes != 32025 || r.Dive.UserWastedPercent != 0.4834911001404049 {
		t.Errorf("dive metrics = %v / %d / %v, want dive's 0.9844212134184309 / 32025 / 0.4834911001404049",
			r.Dive.Efficiency, r.Dive.WastedBytes, r.Dive.UserWastedPercent)
	}
	if r.Dive.SizeBytes != 1220598 || r.Dive.UserSizeBytes != 66237 {
		t.Errorf("sizes = %d / %d, want 1220598 / 66237", r.Dive.SizeBytes, r.Dive.UserSizeBytes)
	}
	code, text, errOut := runCLI(t, nil, "analyze", "--top", "5", diveFixture)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	// The reference is a relative path; keep the golden file independent of it.
	golden.Assert(t, []byte(strings.ReplaceAll(text, diveFixture, "test-docker-image.tar")), ".golden")
}

func TestAnalyzeErrors(t *testing.T) {
	dir := t.TempDir()
	notImage := filepath.Join(dir, "random.tar")
	if err := os.WriteFile(notImage, []byte("this is not a tar archive at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	reg := imagetest.Registry(t)
	tests := []struct {
		name string
		args []string
		want string // in stderr
	}{
		{"missing file", []string{"analyze", "docker-archive:" + filepath.Join(dir, "nope.tar")}, "nope.tar"},
		{"unknown scheme", []string{"analyze", "ftp://example.com/x"}, "scheme"},
		{"not an image", []string{"analyze", notImage}, "random.tar"},
		{"not found", []string{"analyze", reg.Ref("missing/repo:1")}, "missing/repo"},
		{"bad format", []string{"analyze", "--format", "yaml", notImage}, "--format"},
		{"bad size", []string{"analyze", "--max-uncompressed", "lots", notImage}, "--max-uncompressed"},
		{"bad platform", []string{"analyze", "--platform", "linux", reg.Ref("x:1")}, "platform"},
		{"no daemon", []string{"analyze", "docker:app:1"}, "daemon"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, map[string]string{"DOCKER_HOST": "unix://" + filepath.Join(dir, "no.sock")}, tt.args...)
			if code != exitError {
				t.Fatalf("exit %d, want %d; stderr: %s", code, exitError, errOut)
			}
			if out != "" {
				t.Errorf("stdout not empty on error: %q", out)
			}
			lines := strings.Split(strings.TrimSpace(errOut), "\n")
			if !strings.HasPrefix(lines[0], "slimcheck: ") || !strings.Contains(errOut, tt.want) {
				t.Errorf("stderr = %q, want one line naming %q", errOut, tt.want)
			}
			if len(lines) > 2 {
				t.Errorf("stderr has %d lines, want the error and at most a hint", len(lines))
			}
		})
	}
}

func TestAnalyzeOutputFile(t *testing.T) {
	dir := t.TempDir()
	archive := filepath.Join(dir, "img.tar")
	imagetest.WriteDockerArchive(t, archive, "example.com/app:1", sampleImage(t))
	out := filepath.Join(dir, "report.json")
	if code, _, errOut := runCLI(t, nil, "analyze", "--format", "json", "-o", out, archive); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if _, err := os.Stat(out); err != nil {
		t.Fatal(err)
	}
	// A second run refuses to overwrite without --force, and leaves no temp file.
	if code, _, _ := runCLI(t, nil, "analyze", "--format", "json", "-o", out, archive); code != exitError {
		t.Errorf("overwrite without --force: exit %d, want %d", code, exitError)
	}
	if code, _, errOut := runCLI(t, nil, "analyze", "--format", "json", "-o", out, "--force", archive); code != exitOK {
		t.Errorf("overwrite with --force: exit %d: %s", code, errOut)
	}
	// A failing run writes nothing.
	bad := filepath.Join(dir, "bad.json")
	runCLI(t, nil, "analyze", "-o", bad, filepath.Join(dir, "missing.tar"))
	if _, err := os.Stat(bad); !os.IsNotExist(err) {
		t.Errorf("failed run left %s behind", bad)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}

func TestDemoNonInteractive(t *testing.T) {
	code, out, errOut := runCLI(t, nil, "demo")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"Not needed at run time", "build-toolchain", "/usr/bin/node", "Efficiency (dive)"} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	if strings.Contains(out, "\x1b[") {
		t.Error("colour escapes written to a non-terminal")
	}
}
