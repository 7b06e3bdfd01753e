package lines

import (
	"slices"
	"testing"
)

func TestScanner(t *testing.T) {
	type line struct {
		text       string
		no         int
		terminated bool
		blank      bool
	}
	tests := []struct {
		name string
		in   string
		want []line
	}{
		{"empty", "", nil},
		{"terminated", "a\n\nb\n", []line{{"a", 1, true, false}, {"", 2, true, true}, {"b", 3, true, false}}},
		{"cut off, CRLF, whitespace-only", "a\r\n \t\nb", []line{{"a", 1, true, false}, {" \t", 2, true, true}, {"b", 3, false, false}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []line
			s := New([]byte(tt.in))
			for s.Scan() {
				got = append(got, line{string(s.Line()), s.No(), s.Terminated(), s.Blank()})
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}
