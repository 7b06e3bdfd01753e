package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/slimcheck/slimcheck/analyze/pipeline"
	"github.com/slimcheck/slimcheck/internal/imagetest"
	"github.com/slimcheck/slimcheck/slim"
	"github.com/slimcheck/slimcheck/slim/slimtest"
)

// runSlimCLI runs the whole CLI in-process with env.
func runSlimCLI(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	return runCLI(t, env, args...)
}

func TestSlimDemo(t *testing.T) {
	reg := imagetest.Registry(t)
	imagetest.Push(t, reg, "base/node:glibc", slimtest.Glibc(t))
	imagetest.Push(t, reg, "base/node:musl", slimtest.Musl(t))
	dir := t.TempDir()

	// glibc base, OCI layout, JSON: proven and checked.
	code, out, errOut := runSlimCLI(t, nil, "slim", "--demo", "--base", reg.Ref("base/node:glibc"), "--to", "oci:"+filepath.Join(dir, "layout"), "--format", "json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var o slim.Outcome
	if err := json.Unmarshal([]byte(out), &o); err != nil {
		t.Fatal(err)
	}
	t.Logf("demo on a glibc base: original %d, estimate %d (base %d from %s + copied %d), measured %d: %+.4f %%; check: %d errors, %d warnings",
		o.Proof.OriginalBytes, o.Proof.EstimateBytes, o.Proof.EstimatedBaseBytes, o.Proof.BaseSource, o.Proof.EstimatedCopiedBytes,
		o.Proof.MeasuredBytes, o.Proof.DeltaPercent, o.Check.Errors(), o.Check.Warnings())
	if !o.Proof.Within || (o.Proof.BaseSource != "registry" && o.Proof.BaseSource != "cache") || o.Check.Failed() || o.Written.Destination.Kind != slim.DestOCI || o.Layer.Digest == "" {
		t.Errorf("outcome %+v", o)
	}

	// The same base, pushed to the registry with SOURCE_DATE_EPOCH: another
	// timestamp, so another digest, and the text report.
	code, text, errOut := runSlimCLI(t, map[string]string{"SOURCE_DATE_EPOCH": "86400"}, "slim", "--demo", "--base", reg.Ref("base/node:glibc"), "--to", reg.Ref("demo/slim:1"))
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"within 2 % of the estimate", "read back from registry", "→ /bin/bash: ELF executable", "warning command    nodemon"} {
		if !strings.Contains(text, want) {
			t.Errorf("text output lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, o.Written.Digest) {
		t.Error("SOURCE_DATE_EPOCH did not change the digest")
	}
	back, err := pipeline.Run(context.Background(), reg.Ref("demo/slim:1"), pipeline.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	if got := back.Index.Config.Created.Time; !got.Equal(time.Unix(86400, 0)) {
		t.Errorf("created %s, want SOURCE_DATE_EPOCH", got)
	}

	// Offline, the estimate has no figure for a base outside the catalog:
	// the size is off, the cause is named, and that alone does not fail.
	code, text, errOut = runSlimCLI(t, nil, "slim", "--demo", "--offline", "--base", reg.Ref("base/node:glibc"), "--to", "oci:"+filepath.Join(dir, "offline"))
	if code != exitOK || !strings.Contains(text, "off the estimate: the estimate had no size for "+reg.Ref("base/node:glibc")) {
		t.Errorf("offline: exit %d\n%s\n%s", code, text, errOut)
	}

	// musl base, docker archive: the glibc addon fails the check (exit 1).
	code, text, errOut = runSlimCLI(t, nil, "slim", "--demo", "--base", reg.Ref("base/node:musl"), "--to", "docker-archive:"+filepath.Join(dir, "slim.tar"))
	if code != exitFailed {
		t.Fatalf("exit %d, want 1: %s", code, errOut)
	}
	if !strings.Contains(text, "bcrypt_lib.node is linked against glibc") || !strings.Contains(errOut, "run check found 1 problem") {
		t.Errorf("stdout:\n%s\nstderr:\n%s", text, errOut)
	}
}

func TestSlimFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"slim", "app:1"}, []string{"--to DEST is required"}},
		{[]string{"slim", "--demo", "app:1", "--to", "oci:x"}, []string{"IMAGE or --demo, not both"}},
		{[]string{"slim", "--to", "docker:app", "--format", "yaml", "--top", "0"}, []string{"cannot write to docker", "--format \"yaml\"", "--top must be positive", "IMAGE is required"}},
		{[]string{"slim", "app:1", "--to", "oci:x", "--force"}, []string{"--force only applies to a docker-archive"}},
		{[]string{"slim", "app:1", "--to", "oci:x", "--tolerance", "-1"}, []string{"--tolerance must not be negative"}},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, _, errOut := runSlimCLI(t, nil, tc.args...)
			if code != exitError {
				t.Errorf("exit %d, want 2", code)
			}
			for _, w := range tc.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr lacks %q: %s", w, errOut)
				}
			}
		})
	}
	if _, err := sourceDateEpoch("yesterday"); err == nil {
		t.Error("a bad SOURCE_DATE_EPOCH was accepted")
	}
}
