package report

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Printable makes text that comes from an image (paths, history commands,
// labels, error messages quoting them) harmless to print on a terminal:
// control characters (C0, DEL, C1), which could move the cursor, retitle
// the window or write the clipboard, are shown escaped as \xNN, and invalid
// UTF-8 bytes as \xNN too. Clean strings come back unchanged.
func Printable(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f || c >= 0x80 {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}
