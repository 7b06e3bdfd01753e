package dockerfile

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode"
	"unicode/utf8"
)

// wordEscape escapes s so that BuildKit's word expansion (COPY, WORKDIR,
// USER, ENV, LABEL, EXPOSE, VOLUME…) gives s back: backslash, dollar and
// both quote characters are escaped with a backslash.
func wordEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\', '$', '"', '\'':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// hasWildcard reports whether COPY would treat s as a pattern.
func hasWildcard(s string) bool { return strings.ContainsAny(s, "*?[") }

// globEscape turns s into a pattern that matches only s: BuildKit treats a
// source with *, ? or [ as a pattern and a backslash-escaped one as a
// literal path with the backslash in it, so each special character becomes
// a one-character class ([*], [?], [[], [\\]).
func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '*', '?', '[':
			b.WriteString("[" + string(r) + "]")
		case '\\':
			b.WriteString(`[\\]`)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// globUnescape reads a source written by globEscape back as its path.
func globUnescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		switch {
		case strings.HasPrefix(s[i:], "[*]"), strings.HasPrefix(s[i:], "[?]"), strings.HasPrefix(s[i:], "[[]"):
			b.WriteByte(s[i+1])
			i += 3
		case strings.HasPrefix(s[i:], `[\\]`):
			b.WriteByte('\\')
			i += 4
		default:
			b.WriteByte(s[i])
			i++
		}
	}
	return b.String()
}

// copyWord writes a path as a COPY source or destination word: a literal
// path, never a pattern, never expanded.
func copyWord(p string, source bool) string {
	if source && hasWildcard(p) {
		p = globEscape(p)
	}
	return wordEscape(p)
}

// Representable reports whether p can be written in a Dockerfile and read
// back exactly: valid UTF-8 (JSON would replace other bytes) without NUL.
func Representable(p string) bool {
	return utf8.ValidString(p) && !strings.ContainsRune(p, 0)
}

// jsonArray writes words as a JSON array on one line, without HTML
// escaping: ["a", "b"].
func jsonArray(words []string) string {
	parts := make([]string, len(words))
	for i, w := range words {
		parts[i] = jsonString(w)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// jsonString encodes s as a JSON string; control characters are escaped, so
// the result never spans lines.
func jsonString(s string) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(buf.String(), "\n")
}

// dquote writes s in double quotes for ENV, LABEL, WORKDIR and USER values:
// backslash, double quote and dollar are escaped. s must not hold a line
// break.
func dquote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '\\', '"', '$':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return b.String()
}

// oneLine reports whether s fits on one Dockerfile line as written: no line
// breaks, no trailing backslash (a continuation), valid UTF-8.
func oneLine(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsAny(s, "\n\r\x00") && !strings.HasSuffix(strings.TrimRight(s, " \t"), "\\")
}

// quotable reports whether s can be written between double quotes on one
// line: valid UTF-8 without line breaks or NUL.
func quotable(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsAny(s, "\n\r\x00")
}

// shellFormOK reports whether a shell command can follow RUN as is: one
// line, not read as JSON, flags or a heredoc.
func shellFormOK(cmd string) bool {
	t := strings.TrimSpace(cmd)
	return t != "" && oneLine(cmd) && !strings.HasPrefix(t, "[") && !strings.HasPrefix(t, "-") &&
		!strings.Contains(cmd, "<<") && !strings.HasPrefix(t, "#")
}

// commentText makes s safe as the text of a comment line: control
// characters become visible escapes.
func commentText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteByte(' ')
		case r == utf8.RuneError || unicode.IsControl(r):
			b.WriteString("�")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// simpleValue matches values written bare (USER, STOPSIGNAL, EXPOSE ports).
func simpleValue(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_.:/-+@", r)) {
			return false
		}
	}
	return true
}
