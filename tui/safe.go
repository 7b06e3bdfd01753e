package tui

import (
	"strings"
	"unicode/utf8"
)

// safe makes text from the image (paths, history commands, generated
// files) harmless to print: control characters, which could move the
// cursor or restyle the terminal, and invalid UTF-8 become U+FFFD, and
// tabs become four spaces.
func safe(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f || c == 0xc2 {
			clean = false
			break
		}
	}
	if clean && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\t':
			b.WriteString("    ")
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			b.WriteRune(utf8.RuneError)
		default:
			b.WriteRune(r) // an invalid byte arrives here as utf8.RuneError
		}
	}
	return b.String()
}
