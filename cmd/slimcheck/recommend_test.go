package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/slimcheck/slimcheck/internal/imagetest"
	"github.com/slimcheck/slimcheck/recommend"
	"github.com/slimcheck/slimcheck/recommend/dockerfile"
)

// runRecommendCLI runs the CLI in-process with an empty environment.
func runRecommendCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return runCLI(t, nil, args...)
}

func TestRecommendDemo(t *testing.T) {
	code, out, errOut := runRecommendCLI(t, "recommend", "--demo", "--offline", "--format", "json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var p recommend.PlanResult
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatal(err)
	}
	t.Logf("demo: %s on %v, today %d, runtime %d (base %d + copied %d), saves %.1f %%", p.Verdict, p.Runtime, p.Estimate.CurrentBytes,
		p.Estimate.RuntimeBytes, p.Estimate.BaseBytes, p.Estimate.CopiedBytes, p.Estimate.SavedPercent)
	if p.Verdict != recommend.Split || p.Runtime == nil {
		t.Fatalf("verdict %s: %v", p.Verdict, p.Reasons)
	}
	if !strings.Contains(p.Runtime.Image, "nodejs-20-minimal") || p.Estimate.BaseSource != "catalog" {
		t.Errorf("runtime base %s (%s), want a UBI Node.js 20 minimal image from the catalog", p.Runtime.Image, p.Estimate.BaseSource)
	}
	if p.Estimate.SavedPercent < 40 {
		t.Errorf("saves only %.1f %%", p.Estimate.SavedPercent)
	}

	dir := filepath.Join(t.TempDir(), "out")
	code, _, errOut = runRecommendCLI(t, "recommend", "--demo", "--offline", "-o", dir, "--target", "all")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, name := range []string{"Dockerfile", "runtime.Dockerfile", "chained-build.sh", "openshift.yaml"} {
		if !strings.Contains(errOut, filepath.Join(dir, name)) {
			t.Errorf("%s not reported written: %s", name, errOut)
		}
	}
	df, err := os.ReadFile(filepath.Join(dir, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	if err := dockerfile.Check(df, &p, dockerfile.MultiStage); err != nil {
		t.Errorf("written Dockerfile: %v", err)
	}
	if fi, err := os.Stat(filepath.Join(dir, "chained-build.sh")); err != nil || fi.Mode().Perm()&0o100 == 0 {
		t.Errorf("chained-build.sh is not executable: %v", err)
	}
	code, _, errOut = runRecommendCLI(t, "recommend", "--demo", "--offline", "-o", dir)
	if code != exitError || !strings.Contains(errOut, "--force") {
		t.Errorf("rewrite without --force: exit %d, %s", code, errOut)
	}
	code, _, errOut = runRecommendCLI(t, "recommend", "--demo", "--offline", "-o", dir, "--force")
	if code != exitOK {
		t.Errorf("rewrite with --force: exit %d, %s", code, errOut)
	}
}

func TestRecommendText(t *testing.T) {
	code, out, errOut := runRecommendCLI(t, "recommend", "--demo", "--offline")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"Verdict: split", "Estimate", "Runtime base:", "Builder stage: FROM", "Copied to the runtime stage", "Quick wins"} {
		if !strings.Contains(out, want) {
			t.Errorf("the text plan lacks %q", want)
		}
	}
}

func TestRecommendFlags(t *testing.T) {
	code, _, errOut := runRecommendCLI(t, "recommend", "--format", "yaml", "--target", "k8s", "--top", "0", "--force")
	if code != exitError {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"--format", "--target", "--top", "IMAGE is required", "--force needs --output"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("missing %q in %s", want, errOut)
		}
	}
	if code, _, errOut := runRecommendCLI(t, "recommend", "--demo", "x"); code != exitError || !strings.Contains(errOut, "not both") {
		t.Errorf("--demo with IMAGE: exit %d %s", code, errOut)
	}
}

// TestRecommendLiveBase reads the runtime base's size from a loopback
// registry, then from the cache, never from a public one.
func TestRecommendLiveBase(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	t.Setenv("HOME", cache)
	reg := imagetest.Registry(t)
	base := imagetest.Image(t, v1.Config{}, []string{"ADD rootfs"},
		imagetest.Layer(t, imagetest.Dir("usr/"), imagetest.File("usr/bin/node", 2_000_000), imagetest.File("usr/lib/libstdc++.so.6", 345)))
	ref := reg.Ref("ubi9/nodejs-20-minimal:1")
	imagetest.Push(t, reg, "ubi9/nodejs-20-minimal:1", base)
	for _, want := range []string{"registry", "cache"} {
		code, out, errOut := runRecommendCLI(t, "recommend", "--demo", "--insecure", "--runtime-base", ref, "--format", "json")
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var p recommend.PlanResult
		if err := json.Unmarshal([]byte(out), &p); err != nil {
			t.Fatal(err)
		}
		if p.Estimate.BaseSource != want || p.Estimate.BaseBytes != 2_000_345 || p.Runtime.Size.Digest == "" {
			t.Fatalf("base size = %+v, want %d bytes from the %s", p.Runtime.Size, 2_000_345, want)
		}
	}
	entries, _ := filepath.Glob(filepath.Join(cache, "slimcheck", "basesize", "sha256-*.json"))
	if len(entries) != 1 {
		t.Errorf("cache entries: %v", entries)
	}
}
