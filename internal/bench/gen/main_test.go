package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		args    []string
		wantErr string
		wantOut string
		file    string
	}{
		{"no arguments", nil, "usage", "", ""},
		{"no output", []string{"-kind", "big"}, "usage", "", ""},
		{"extra argument", []string{"-kind", "big", "-o", "x", "y"}, "usage", "", ""},
		{"unknown kind", []string{"-kind", "huge", "-plan"}, "unknown image kind", "", ""},
		{"bad scale", []string{"-kind", "many", "-scale", "0", "-plan"}, "scale", "", ""},
		{"plan only", []string{"-kind", "many", "-scale", "0.01", "-plan"}, "", "many: 16 layers", ""},
		{"write", []string{"-kind", "big", "-scale", "0.005", "-o", filepath.Join(dir, "big.tar")}, "", "big: 7 layers", "big.tar"},
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
			if tt.file != "" {
				if fi, err := os.Stat(filepath.Join(dir, tt.file)); err != nil || fi.Size() == 0 {
					t.Errorf("no archive written: %v", err)
				}
			}
		})
	}
}
