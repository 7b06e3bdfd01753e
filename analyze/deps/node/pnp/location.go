package pnp

import (
	"bytes"
	"path"
	"strings"
)

// maxVirtualHops bounds the virtual components Resolve follows in one path.
const maxVirtualHops = 16

// Resolve returns the absolute, cleaned image path a packageLocation names
// for a map in directory dir (absolute), with Yarn's virtual components
// resolved: a location under <dir>/.yarn/__virtual__/<name>-<hash>/<depth>/
// stands for <dir>/.yarn with depth components removed, followed by the
// rest (Yarn 2 writes $$virtual). It returns "" for an empty location or
// one holding a NUL.
func Resolve(dir, location string) string {
	if location == "" || strings.IndexByte(location, 0) >= 0 || strings.IndexByte(dir, 0) >= 0 {
		return ""
	}
	p := location
	if !strings.HasPrefix(p, "/") {
		p = path.Join("/", dir, p)
	}
	p = path.Clean(p)
	for range maxVirtualHops {
		q := resolveVirtual(p)
		if q == p {
			break
		}
		p = q
	}
	return p
}

// resolveVirtual resolves the first virtual component of the clean absolute
// path p, as Yarn's VirtualFS.resolveVirtual does.
func resolveVirtual(p string) string {
	comps := strings.Split(p[1:], "/")
	k := -1
	for i, c := range comps {
		if c == "__virtual__" || c == "$$virtual" {
			k = i
			break
		}
	}
	if k < 0 {
		return p
	}
	target, rest := comps[:k], comps[k+1:]
	switch {
	case len(rest) == 0:
		return "/" + strings.Join(target, "/")
	case !virtualHash(rest[0]):
		return p
	case len(rest) == 1:
		return "/" + strings.Join(target, "/")
	case !allDigits(rest[1]):
		return p
	}
	// The depth may be any run of digits: count saturates, and never steps
	// above the root.
	up := 0
	for _, c := range rest[1] {
		if up <= len(target) {
			up = up*10 + int(c-'0')
		}
	}
	up = min(up, len(target))
	return path.Clean("/" + strings.Join(append(target[:len(target)-up:len(target)-up], rest[2:]...), "/"))
}

// virtualHash reports whether c is a virtual folder name: hex digits,
// optionally after "<anything>-" ("debug-virtual-0a7fdd7279").
func virtualHash(c string) bool {
	if i := strings.LastIndexByte(c, '-'); i >= 0 {
		if i == 0 {
			return false
		}
		c = c[i+1:]
	}
	if c == "" {
		return false
	}
	for i := 0; i < len(c); i++ {
		if !(c[i] >= '0' && c[i] <= '9' || c[i] >= 'a' && c[i] <= 'f') {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// ZipPath returns the archive a resolved location lies in: p up to its first
// component ending in ".zip" (Yarn reads packages from inside such zips).
func ZipPath(p string) (string, bool) {
	for i := 0; i < len(p); {
		j := strings.IndexByte(p[i:], '/')
		end := len(p)
		if j >= 0 {
			end = i + j
		}
		if c := p[i:end]; len(c) > len(".zip") && strings.HasSuffix(c, ".zip") {
			return p[:end], true
		}
		if j < 0 {
			break
		}
		i = end + 1
	}
	return "", false
}

// maxScanned bounds the locations ScanLocations returns.
const maxScanned = 1 << 20

// ScanLocations returns every packageLocation string it can find in a map
// (a script or JSON) without parsing it: for maps that do not parse, such as
// a truncated one, so a caller can still tell where packages live. Values
// are taken up to their closing quote or first backslash.
func ScanLocations(data []byte) []string {
	const key = "packageLocation"
	var out []string
	for rest := data; len(out) < maxScanned; {
		i := bytes.Index(rest, []byte(key))
		if i < 0 {
			break
		}
		rest = rest[i+len(key):]
		r := bytes.TrimPrefix(rest, []byte(`\`))
		r, ok := bytes.CutPrefix(r, []byte(`"`))
		if !ok {
			continue
		}
		r = skipSpace(r)
		if r, ok = bytes.CutPrefix(r, []byte(":")); !ok {
			continue
		}
		r = bytes.TrimPrefix(skipSpace(r), []byte(`\`))
		if r, ok = bytes.CutPrefix(r, []byte(`"`)); !ok {
			continue
		}
		end := bytes.IndexAny(r, "\"\\\n")
		if end <= 0 {
			continue
		}
		out = append(out, string(r[:end]))
		rest = r[end:]
	}
	return out
}
