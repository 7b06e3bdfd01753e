package pnp

import (
	"errors"
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

// errUnterminated says a string literal has no closing quote.
var errUnterminated = errors.New("unterminated string literal")

// unquoteJS decodes the JavaScript string literal (single- or
// double-quoted) that s starts with. It returns the value and the number of
// bytes the literal spans, quotes included. It follows ECMAScript's
// escapes: \n \r \t \b \f \v, \0 and legacy octal, \xHH, \uHHHH (surrogate
// pairs joined, lone surrogates becoming U+FFFD) and \u{…}, a backslash
// before a line terminator as a line continuation, and any other escaped
// character as itself. A raw line break inside the literal is an error, as
// in JavaScript.
func unquoteJS(s []byte) ([]byte, int, error) {
	if len(s) == 0 || s[0] != '\'' && s[0] != '"' {
		return nil, 0, errors.New("not a string literal")
	}
	quote := s[0]
	out := make([]byte, 0, len(s))
	for i := 1; i < len(s); {
		c := s[i]
		switch {
		case c == quote:
			return out, i + 1, nil
		case c == '\n' || c == '\r':
			return nil, 0, fmt.Errorf("line break at byte %d inside a string literal", i)
		case c != '\\':
			out = append(out, c)
			i++
			continue
		}
		// An escape.
		if i+1 >= len(s) {
			return nil, 0, errUnterminated
		}
		e := s[i+1]
		i += 2
		switch e {
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'v':
			out = append(out, '\v')
		case '\n': // line continuation
		case '\r': // line continuation, CRLF too
			if i < len(s) && s[i] == '\n' {
				i++
			}
		case '0', '1', '2', '3', '4', '5', '6', '7':
			v := int(e - '0')
			// Legacy octal: up to three digits, at most \377.
			for n := 1; n < 3 && i < len(s) && s[i] >= '0' && s[i] <= '7' && v*8+int(s[i]-'0') <= 0o377; n++ {
				v = v*8 + int(s[i]-'0')
				i++
			}
			out = utf8.AppendRune(out, rune(v))
		case 'x':
			v, ok := hexValue(s, i, 2)
			if !ok {
				return nil, 0, fmt.Errorf("bad \\x escape at byte %d", i-2)
			}
			i += 2
			out = utf8.AppendRune(out, rune(v))
		case 'u':
			r, n, err := unicodeEscape(s, i)
			if err != nil {
				return nil, 0, err
			}
			i += n
			out = utf8.AppendRune(out, r)
		default:
			// Any other character stands for itself; copy it whole, and
			// drop U+2028/U+2029 (line continuations too).
			i -= 1
			r, size := utf8.DecodeRune(s[i:])
			if r != '\u2028' && r != '\u2029' {
				out = append(out, s[i:i+size]...)
			}
			i += size
		}
	}
	return nil, 0, errUnterminated
}

// unicodeEscape decodes the part of a \u escape that starts at s[i] (after
// "\u"): four hex digits, possibly the high half of a surrogate pair whose
// low half follows as another \uHHHH, or {hex digits}. It returns the rune
// and the bytes consumed.
func unicodeEscape(s []byte, i int) (rune, int, error) {
	if i < len(s) && s[i] == '{' {
		v, n := 0, 0
		for j := i + 1; j < len(s); j++ {
			if s[j] == '}' {
				if n == 0 || v > utf8.MaxRune {
					break
				}
				return rune(v), j + 1 - i, nil
			}
			d, ok := hexDigit(s[j])
			if !ok {
				break
			}
			if v <= utf8.MaxRune {
				v = v*16 + d
			}
			n++
		}
		return 0, 0, fmt.Errorf("bad \\u{…} escape at byte %d", i-2)
	}
	v, ok := hexValue(s, i, 4)
	if !ok {
		return 0, 0, fmt.Errorf("bad \\u escape at byte %d", i-2)
	}
	r := rune(v)
	if utf16.IsSurrogate(r) {
		if r < 0xdc00 && i+10 <= len(s) && s[i+4] == '\\' && s[i+5] == 'u' {
			if lo, ok := hexValue(s, i+6, 4); ok {
				if p := utf16.DecodeRune(r, rune(lo)); p != utf8.RuneError {
					return p, 10, nil
				}
			}
		}
		return utf8.RuneError, 4, nil
	}
	return r, 4, nil
}

// hexValue reads n hex digits at s[i:].
func hexValue(s []byte, i, n int) (int, bool) {
	if i+n > len(s) {
		return 0, false
	}
	v := 0
	for _, c := range s[i : i+n] {
		d, ok := hexDigit(c)
		if !ok {
			return 0, false
		}
		v = v*16 + d
	}
	return v, true
}

func hexDigit(c byte) (int, bool) {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0'), true
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10, true
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10, true
	}
	return 0, false
}
