package ecosystem

import (
	"path"
	"sort"
	"strings"

	"github.com/slimcheck/slimcheck/analyze"
)

// maxLinkHops bounds symlink resolution, as the kernel's ELOOP does.
const maxLinkHops = 40

// view answers questions about the final filesystem of an Index.
type view struct{ ix *analyze.Index }

// lookup returns the entry visible at p.
func (v view) lookup(p string) (*analyze.Entry, analyze.Ref, bool) {
	r, ok := v.ix.Lookup(p)
	if !ok {
		return nil, r, false
	}
	return v.ix.Entry(r), r, true
}

// resolve follows symlinks in every component of p (absolute) and returns
// the path of what p finally names, and whether that exists.
func (v view) resolve(p string) (string, bool) {
	p = path.Clean("/" + p)
	hops := 0
	for {
		done := true
		parts := strings.Split(strings.TrimPrefix(p, "/"), "/")
		cur := "/"
		for i, name := range parts {
			if name == "" {
				continue
			}
			next := path.Join(cur, name)
			e, _, ok := v.lookup(next)
			if ok && e.Type == analyze.TypeSymlink {
				hops++
				if hops > maxLinkHops {
					return p, false
				}
				target := e.Link
				if !path.IsAbs(target) {
					target = path.Join(cur, target)
				}
				rest := strings.Join(parts[i+1:], "/")
				p = path.Clean("/" + path.Join(target, rest))
				done = false
				break
			}
			cur = next
		}
		if done {
			if p == "/" {
				return p, true
			}
			_, _, ok := v.lookup(p)
			return p, ok || v.impliedDir(p)
		}
	}
}

// file returns the resolved path of p when it is a regular file (or a hard
// link to one).
func (v view) file(p string) (string, *analyze.Entry, analyze.Ref, bool) {
	rp, ok := v.resolve(p)
	if !ok {
		return rp, nil, analyze.Ref{}, false
	}
	e, r, ok := v.lookup(rp)
	if !ok || (e.Type != analyze.TypeFile && e.Type != analyze.TypeHardlink) {
		return rp, nil, r, false
	}
	return rp, e, r, true
}

// isDir reports whether p resolves to a directory (a directory entry, or a
// parent implied by entries below it).
func (v view) isDir(p string) bool {
	rp, ok := v.resolve(p)
	if !ok {
		return false
	}
	e, _, ok := v.lookup(rp)
	if ok {
		return e.Type == analyze.TypeDir
	}
	return v.impliedDir(rp)
}

// impliedDir reports whether entries exist below p although p itself has
// no entry (tar streams may leave parent directories out).
func (v view) impliedDir(p string) bool {
	prefix := strings.TrimSuffix(p, "/") + "/"
	f := v.ix.Final
	i := sort.Search(len(f), func(i int) bool { return v.ix.Entry(f[i]).Path >= prefix })
	return i < len(f) && strings.HasPrefix(v.ix.Entry(f[i]).Path, prefix)
}

// head returns the leading bytes the walk kept of the file visible at p
// (already resolved): the captured contents or the captured prefix.
func (v view) head(p string) []byte {
	e, r, ok := v.lookup(p)
	if !ok {
		return nil
	}
	if e.Type == analyze.TypeHardlink {
		p = e.Link
	}
	l := &v.ix.Layers[r.Layer]
	if b, ok := l.Captured[p]; ok {
		return b
	}
	return l.Prefixes[p]
}

// captured returns the full captured contents of the file visible at p.
func (v view) captured(p string) ([]byte, bool) {
	rp, ok := v.resolve(p)
	if !ok {
		return nil, false
	}
	b, _, ok := v.ix.Captured(rp)
	return b, ok
}

// first returns the index of the first final entry whose path sorts at or
// after s.
func (v view) first(s string) int {
	f := v.ix.Final
	return sort.Search(len(f), func(i int) bool { return v.ix.Entry(f[i]).Path >= s })
}

// children returns the final entries directly inside dir, in path order,
// jumping over deeper subtrees by binary search.
func (v view) children(dir string) []analyze.Ref {
	prefix := strings.TrimSuffix(dir, "/") + "/"
	f := v.ix.Final
	pathAt := func(i int) string { return v.ix.Entry(f[i]).Path }
	var out []analyze.Ref
	i := sort.Search(len(f), func(i int) bool { return pathAt(i) >= prefix })
	for i < len(f) {
		p := pathAt(i)
		if !strings.HasPrefix(p, prefix) {
			break
		}
		rest := p[len(prefix):]
		j := strings.IndexByte(rest, '/')
		if j < 0 {
			out = append(out, f[i])
			i++
			continue
		}
		// p is deeper: skip everything below prefix+rest[:j].
		end := prefix + rest[:j] + "0" // '0' sorts right after '/'
		i += sort.Search(len(f)-i, func(k int) bool { return pathAt(i+k) >= end })
	}
	return out
}
