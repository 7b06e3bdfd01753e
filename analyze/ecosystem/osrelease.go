package ecosystem

import (
	"bytes"
	"strings"
)

// OSRelease is the part of os-release(5) slimcheck uses.
type OSRelease struct {
	ID         string   // "alpine", "debian", "ubuntu", "rhel", "centos"...
	IDLike     []string // ID_LIKE words
	VersionID  string   // "3.18.4", "12", "8.9"
	PrettyName string   // "Alpine Linux v3.18"
}

// Maximum sizes of the small text files this package reads.
const (
	maxLineBytes = 4096
	maxLines     = 1 << 16
)

// ParseOSRelease reads an os-release file: KEY=value lines, values
// optionally quoted with shell-style quotes; comments and malformed lines
// are skipped.
func ParseOSRelease(b []byte) OSRelease {
	var o OSRelease
	for _, kv := range parseKeyValues(b, '=') {
		switch kv.key {
		case "ID":
			o.ID = strings.ToLower(kv.value)
		case "ID_LIKE":
			o.IDLike = strings.Fields(strings.ToLower(kv.value))
		case "VERSION_ID":
			o.VersionID = kv.value
		case "PRETTY_NAME":
			o.PrettyName = kv.value
		}
	}
	return o
}

// Like reports whether the OS is id or declares itself like it.
func (o OSRelease) Like(id string) bool {
	if o.ID == id {
		return true
	}
	for _, l := range o.IDLike {
		if l == id {
			return true
		}
	}
	return false
}

// keyValue is one KEY=value (or key = value) line.
type keyValue struct{ key, value string }

// parseKeyValues reads lines of key<sep>value. Keys and values are trimmed,
// values lose one level of matching single or double quotes and their
// backslash escapes. Lines starting with '#' or ';', lines without sep and
// over-long lines are skipped; at most maxLines pairs are returned.
func parseKeyValues(b []byte, sep byte) []keyValue {
	var out []keyValue
	for len(b) > 0 && len(out) < maxLines {
		var line []byte
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			line, b = b, nil
		}
		if len(line) > maxLineBytes {
			continue
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' || line[0] == ';' {
			continue
		}
		i := bytes.IndexByte(line, sep)
		if i <= 0 {
			continue
		}
		key := string(bytes.TrimSpace(line[:i]))
		if key == "" || strings.ContainsAny(key, " \t") {
			continue
		}
		out = append(out, keyValue{key: key, value: unquote(string(bytes.TrimSpace(line[i+1:])))})
	}
	return out
}

// unquote strips one pair of matching quotes and, inside double quotes,
// backslash escapes.
func unquote(v string) string {
	if len(v) < 2 {
		return v
	}
	q := v[0]
	if (q != '"' && q != '\'') || v[len(v)-1] != q {
		return v
	}
	v = v[1 : len(v)-1]
	if q == '\'' || !strings.Contains(v, `\`) {
		return v
	}
	var sb strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] == '\\' && i+1 < len(v) {
			i++
		}
		sb.WriteByte(v[i])
	}
	return sb.String()
}
