package slim

import (
	"fmt"
	"path"
	"strings"

	"github.com/slimcheck/slimcheck/analyze"
)

// baseFS is the runtime base's final filesystem: where the new layer's
// paths land and which directories already exist.
type baseFS struct{ ix *analyze.Index }

func (b baseFS) entry(p string) (*analyze.Entry, bool) {
	r, ok := b.ix.Lookup(p)
	if !ok {
		return nil, false
	}
	return &b.ix.Layers[r.Layer].Entries[r.Entry], true
}

// maxLinkHops bounds symlink resolution, as the kernel's ELOOP limit does.
const maxLinkHops = 40

// place returns where p lands when written on top of the base: symlinks
// the base has in p's directories are followed (as COPY does), the last
// component too when follow is set. Components the base lacks are kept as
// they are, and so are directories the new layer itself writes (ours), which
// replace whatever the base has there. It fails when the base has a file
// where p needs a directory, or its symlinks loop.
func (b baseFS) place(p string, follow bool, ours func(string) bool) (string, error) {
	rest := strings.Split(strings.TrimPrefix(path.Clean(p), "/"), "/")
	cur, hops := "/", 0
	for len(rest) > 0 {
		name := rest[0]
		rest = rest[1:]
		switch name {
		case "", ".":
			continue
		case "..":
			cur = path.Dir(cur)
			continue
		}
		next := path.Join(cur, name)
		last := len(rest) == 0
		e, ok := b.entry(next)
		switch {
		case !ok || ours != nil && ours(next):
			cur = next
		case e.Type == analyze.TypeSymlink && (!last || follow):
			if hops++; hops > maxLinkHops {
				return "", fmt.Errorf("placing %s: the runtime base's symlinks loop at %s", p, next)
			}
			if strings.HasPrefix(e.Link, "/") {
				cur = "/"
			}
			rest = append(strings.Split(e.Link, "/"), rest...)
		case e.Type != analyze.TypeDir && !last:
			return "", fmt.Errorf("placing %s: the runtime base has a %s at %s where a directory is needed", p, e.Type, next)
		default:
			cur = next
		}
	}
	return cur, nil
}

// isDir reports whether the base has a directory at p (p already placed);
// an implied directory (a parent with no entry of its own) counts.
func (b baseFS) isDir(p string) bool {
	if p == "/" {
		return true
	}
	if e, ok := b.entry(p); ok {
		return e.Type == analyze.TypeDir
	}
	return b.implied(p)
}

// implied reports whether entries lie under p although p has no entry.
func (b baseFS) implied(p string) bool {
	prefix := p + "/"
	final := b.ix.Final
	lo, hi := 0, len(final)
	for lo < hi {
		m := (lo + hi) / 2
		r := final[m]
		if b.ix.Layers[r.Layer].Entries[r.Entry].Path < prefix {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo == len(final) {
		return false
	}
	r := final[lo]
	return strings.HasPrefix(b.ix.Layers[r.Layer].Entries[r.Entry].Path, prefix)
}
