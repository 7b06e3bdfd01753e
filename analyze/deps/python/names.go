package python

import "strings"

// normalize returns the PEP 503 normalised form of a distribution name:
// lower case, with every run of "-", "_" and "." replaced by one "-".
func normalize(name string) string {
	var b strings.Builder
	b.Grow(len(name))
	sep := false
	for _, r := range strings.TrimSpace(name) {
		switch {
		case r == '-' || r == '_' || r == '.':
			sep = true
		default:
			if sep && b.Len() > 0 {
				b.WriteByte('-')
			}
			sep = false
			b.WriteString(strings.ToLower(string(r)))
		}
	}
	return b.String()
}

// requirementName returns the distribution name at the start of a PEP 508
// requirement string such as "requests[socks]>=2.0; python_version>'3'".
func requirementName(req string) string {
	req = strings.TrimSpace(req)
	end := 0
	for end < len(req) {
		c := req[end]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' {
			end++
			continue
		}
		break
	}
	return normalize(req[:end])
}
