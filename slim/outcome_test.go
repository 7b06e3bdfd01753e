package slim

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/slimcheck/slimcheck/internal/golden"
	"github.com/slimcheck/slimcheck/slim/check"
)

func sampleOutcome(failed bool) *Outcome {
	o := &Outcome{
		SchemaVersion: SchemaVersion, Source: "quay.io/org/app:1.4",
		Written: Written{Destination: Destination{Kind: DestOCI, Path: "out", Tag: "latest", Raw: "oci:out"},
			Digest: "sha256:" + repeat("ab", 32), ReadBack: "oci:out@sha256:" + repeat("ab", 32)},
		Base: Base{Reference: "node:20-slim", Name: "index.docker.io/library/node:20-slim", Digest: "sha256:" + repeat("cd", 32), Layers: 5,
			SizeBytes: 190_000_000, CompressedBytes: 70_000_000},
		Layer: LayerSummary{Files: 880, Symlinks: 21, Dirs: 204, Bytes: 6_337_967, StoredBytes: 128_879, SourceLayers: []int{0, 3, 6, 7},
			Created: []string{"/opt", "/opt/app-root"}, Moved: []Moved{{Path: "/usr/lib/x.so", To: "/usr/lib64/x.so"}},
			Materialized: []string{"/app/keep/h"}, Skipped: []Skipped{{Path: "/app/fifo", Reason: "another selected entry lands at /app/fifo"}}},
		Proof: Proof{OriginalBytes: 460_433_205, EstimateBytes: 196_337_967, MeasuredBytes: 196_337_967, EstimatedBaseBytes: 190_000_000,
			MeasuredBaseBytes: 190_000_000, EstimatedCopiedBytes: 6_337_967, MeasuredLayerBytes: 6_337_967, BaseSource: "registry",
			SavedBytes: 264_095_238, SavedPercent: 57.36, Tolerance: 2, Within: true},
		Check: &check.Result{Command: []string{"/usr/libexec/s2i/run"}, User: "1001", Libc: "glibc", Loaders: []string{"/lib64/ld-linux-x86-64.so.2"}, ELFFiles: 12,
			Chain:    []check.Step{{Path: "/usr/libexec/s2i/run", What: "script, #!/bin/bash"}, {Path: "/bin/bash", What: "ELF executable EM_X86_64, glibc"}},
			Findings: []check.Finding{{Severity: check.Warning, Kind: check.KindCommand, Path: "nodemon", Message: "nodemon is not found on PATH (/usr/bin)"}}},
	}
	if failed {
		o.Proof.MeasuredBytes, o.Proof.DeltaBytes, o.Proof.DeltaPercent, o.Proof.Within, o.Proof.Failed = 200_000_000, 3_662_033, 1.87, true, false
		o.Check.Findings = append(o.Check.Findings, check.Finding{Severity: check.Error, Kind: check.KindLibc, Path: "/app/x.node",
			Message: "native addon /app/x.node is linked against glibc (needs libc.so.6), but the image's C library is musl (/lib/ld-musl-x86_64.so.1): it cannot be loaded"})
	}
	return o
}

func repeat(s string, n int) string { return string(bytes.Repeat([]byte(s), n)) }

func TestWriteText(t *testing.T) {
	for _, tc := range []struct {
		name   string
		failed bool
	}{{"passed", false}, {"failed", true}} {
		t.Run(tc.name, func(t *testing.T) {
			o := sampleOutcome(tc.failed)
			if o.Failed() != tc.failed {
				t.Fatalf("Failed() = %v", o.Failed())
			}
			var b bytes.Buffer
			if err := WriteText(&b, o, TextOptions{}); err != nil {
				t.Fatal(err)
			}
			golden.Assert(t, b.Bytes(), ".golden")
		})
	}
}

func TestWriteJSON(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSON(&b, sampleOutcome(true)); err != nil {
		t.Fatal(err)
	}
	var back Outcome
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if !back.Failed() || back.Check.Errors() != 1 || back.Proof.EstimateBytes != 196_337_967 || back.Layer.Files != 880 {
		t.Errorf("round trip lost data: %+v", back)
	}
	golden.Assert(t, b.Bytes(), ".json")
}
