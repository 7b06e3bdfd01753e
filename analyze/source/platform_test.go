package source

import (
	"strings"
	"testing"
)

func TestParsePlatform(t *testing.T) {
	tests := []struct {
		in, want string
		bad      bool
	}{
		{in: "linux/amd64", want: "linux/amd64"},
		{in: "linux/arm64/v8", want: "linux/arm64/v8"},
		{in: "Linux/x86_64", want: "linux/amd64"},
		{in: "linux/aarch64", want: "linux/arm64"},
		{in: "linux/armhf", want: "linux/arm/v7"},
		{in: "linux", bad: true},
		{in: "linux/", bad: true},
		{in: "a/b/c/d", bad: true},
		{in: "linux/amd 64", bad: true},
	}
	for _, tt := range tests {
		p, err := parsePlatform(tt.in)
		if (err != nil) != tt.bad || (!tt.bad && p.String() != tt.want) {
			t.Errorf("parsePlatform(%q) = %v, %v; want %q (bad %v)", tt.in, p, err, tt.want, tt.bad)
		}
	}
}

func TestMatchScore(t *testing.T) {
	p := func(s string) platform { x, _ := parsePlatform(s); return x }
	tests := []struct {
		want, have string
		score      int
	}{
		{"linux/amd64", "linux/amd64", 2},
		{"linux/amd64", "linux/amd64/v3", 1},
		{"linux/amd64/v3", "linux/amd64", 0},
		{"linux/arm64", "linux/arm64/v8", 2},
		{"linux/arm64/v8", "linux/arm64", 2},
		{"linux/arm/v7", "linux/arm/v6", 0},
		{"linux/arm", "linux/arm/v6", 1},
		{"linux/amd64", "windows/amd64", 0},
		{"linux/amd64", "linux/arm64", 0},
	}
	for _, tt := range tests {
		if got := matchScore(p(tt.want), p(tt.have)); got != tt.score {
			t.Errorf("matchScore(%s, %s) = %d, want %d", tt.want, tt.have, got, tt.score)
		}
	}
}

func TestOptionsValidate(t *testing.T) {
	if err := DefaultOptions().Validate(); err != nil {
		t.Errorf("DefaultOptions invalid: %v", err)
	}
	bad := Options{Platform: "linux", Timeout: -1, Retries: 99}
	err := bad.Validate()
	if err == nil {
		t.Fatal("bad options validated")
	}
	for _, want := range []string{"platform", "timeout", "retries"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %q, want it to report %s", err, want)
		}
	}
	if _, _, err := Open(ctxT(t), "alpine", bad); err == nil || !strings.Contains(err.Error(), "platform") {
		t.Errorf("Open with bad options = %v", err)
	}
}
