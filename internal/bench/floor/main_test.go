package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slimcheck/slimcheck/internal/bench"
)

func TestRun(t *testing.T) {
	archive := filepath.Join(t.TempDir(), "many.tar")
	if _, err := bench.Generate(context.Background(), bench.Many, bench.PlanOptions{Seed: 1, Scale: 0.005}, archive); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		args    []string
		wantErr string
		wantOut string
	}{
		{"no arguments", nil, "usage", ""},
		{"two archives", []string{archive, archive}, "usage", ""},
		{"missing archive", []string{filepath.Join(t.TempDir(), "none.tar")}, "no such file", ""},
		{"negative concurrency", []string{"-j", "-1", archive}, "concurrency", ""},
		{"read", []string{archive}, "", "layers=16 "},
		{"hash, one layer at a time", []string{"-hash", "-j", "1", archive}, "", "layers=16 "},
		{"hash, tarstream", []string{"-hash", "-stream", archive}, "", "layers=16 "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			err := run(context.Background(), tt.args, &out)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("run(%q) error = %v, want %q", tt.args, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("run(%q): %v", tt.args, err)
			}
			if !strings.HasPrefix(out.String(), tt.wantOut) {
				t.Errorf("output %q, want prefix %q", out.String(), tt.wantOut)
			}
		})
	}
}
