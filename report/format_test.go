package report

import (
	"strings"
	"testing"
)

func TestBytes(t *testing.T) {
	tests := []struct {
		in   int64
		want string
	}{
		{0, "0 B"}, {999, "999 B"}, {1000, "1.0 kB"}, {32025, "32.0 kB"}, {1220598, "1.2 MB"},
		{474_000_000, "474 MB"}, {1_500_000_000, "1.5 GB"}, {-2500, "-2.5 kB"},
	}
	for _, tt := range tests {
		if got := Bytes(tt.in); got != tt.want {
			t.Errorf("Bytes(%d) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseBytes(t *testing.T) {
	tests := []struct {
		in      string
		want    int64
		wantErr bool
	}{
		{"250MB", 250_000_000, false},
		{"20Mb", 20_000_000, false}, // dive's spelling
		{"1.5 GiB", 1.5 * (1 << 30), false},
		{"1024", 1024, false},
		{"1kib", 1024, false},
		{"", 0, true},
		{"-1MB", 0, true},
		{"lots", 0, true},
		{"5 parsecs", 0, true},
		{"1e30", 0, true},
		{"99999999999TB", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseBytes(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseBytes(%q) = %d, %v; want %d, err %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func FuzzParseBytes(f *testing.F) {
	for _, s := range []string{"250MB", "1.5 GiB", "20Mb", "", "1e3", "0.0001kB"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseBytes(s)
		if err == nil && n < 0 {
			t.Fatalf("ParseBytes(%q) = %d", s, n)
		}
	})
}

func TestBar(t *testing.T) {
	for _, tt := range []struct {
		f     float64
		width int
		want  string
	}{
		{0, 4, "    "}, {1, 4, "████"}, {0.5, 4, "██  "}, {2, 2, "██"}, {-1, 2, "  "}, {0.25, 2, "▌ "}, {0.0625, 2, "▏ "},
	} {
		if got := Bar(tt.f, tt.width); got != tt.want {
			t.Errorf("Bar(%v, %d) = %q, want %q", tt.f, tt.width, got, tt.want)
		}
		if n := len([]rune(Bar(tt.f, tt.width))); n != tt.width {
			t.Errorf("Bar(%v, %d) is %d cells wide", tt.f, tt.width, n)
		}
	}
}

func TestCreatedBy(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/bin/sh -c #(nop)  ENV NODE_VERSION=20", "ENV NODE_VERSION=20"},
		{"/bin/sh -c #(nop) ADD file:ab in / ", "ADD file:ab in /"},
		{"/bin/sh -c yum install -y gcc &&     yum clean all", "RUN yum install -y gcc && yum clean all"},
		{"|2 A=1 B=2 /bin/sh -c make", "RUN make"},
		{"RUN /bin/sh -c apt-get update # buildkit", "RUN apt-get update"},
		{"COPY . . # buildkit", "COPY . ."},
		{"RUN npm ci", "RUN npm ci"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := CreatedBy(tt.in); got != tt.want {
			t.Errorf("CreatedBy(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestShorten(t *testing.T) {
	if got := Shorten("abcdef", 4); got != "abc…" {
		t.Errorf("Shorten = %q", got)
	}
	if got := Shorten("äöü", 3); got != "äöü" {
		t.Errorf("Shorten = %q", got)
	}
	if got := Shorten(strings.Repeat("x", 10), 1); got != "x" {
		t.Errorf("Shorten = %q", got)
	}
}

func TestPrintable(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/usr/bin/gcc", "/usr/bin/gcc"},
		{"naïve €", "naïve €"},
		{"\x1b[2J\x1b]0;pwned\x07", `\x1b[2J\x1b]0;pwned\x07`},
		{"a\nb\tc\x7f", `a\x0ab\x09c\x7f`},
		{"bad\xffutf8", `bad\xffutf8`},
		{"c1\u009bx", `c1\x9bx`},
	}
	for _, tt := range tests {
		if got := Printable(tt.in); got != tt.want {
			t.Errorf("Printable(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
