package check

import (
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/slimcheck/slimcheck/analyze"
)

// maxLinkHops bounds symlink resolution, as the kernel's ELOOP limit does.
const maxLinkHops = 40

// view is the final filesystem of the image under check.
type view struct {
	ix *analyze.Index
}

// entry returns the visible entry at p exactly (no symlink resolution).
func (v view) entry(p string) (*analyze.Entry, analyze.Ref, bool) {
	r, ok := v.ix.Lookup(p)
	if !ok {
		return nil, r, false
	}
	return &v.ix.Layers[r.Layer].Entries[r.Entry], r, true
}

// resolved is where a path leads once symlinks are followed.
type resolved struct {
	path  string         // the final path
	e     *analyze.Entry // its entry; nil when it does not exist
	ref   analyze.Ref
	links []string // symlinks followed, in order
	loop  bool     // gave up: too many symlinks
}

// resolve follows symlinks in every component of p, as the kernel does
// inside the container's root: absolute targets start at the image root and
// ".." never climbs above it.
func (v view) resolve(p string) resolved {
	hops := 0
	var links []string
	cur := "/"
	rest := splitComponents(p)
	for len(rest) > 0 {
		name := rest[0]
		rest = rest[1:]
		switch name {
		case ".":
			continue
		case "..":
			cur = path.Dir(cur)
			continue
		}
		next := path.Join(cur, name)
		e, _, ok := v.entry(next)
		if !ok {
			if len(rest) > 0 && v.implied(next) {
				cur = next // a directory with no entry of its own, implied by what is under it
				continue
			}
			return resolved{path: path.Join(append([]string{next}, rest...)...), links: links}
		}
		if e.Type == analyze.TypeSymlink {
			hops++
			if hops > maxLinkHops {
				return resolved{path: next, links: links, loop: true}
			}
			links = append(links, next)
			if strings.HasPrefix(e.Link, "/") {
				cur = "/"
			}
			rest = append(splitComponents(e.Link), rest...)
			continue
		}
		if e.Type != analyze.TypeDir && len(rest) > 0 {
			// A file used as a directory: ENOTDIR.
			return resolved{path: path.Join(append([]string{next}, rest...)...), links: links}
		}
		cur = next
	}
	e, r, ok := v.entry(cur)
	if !ok {
		if cur == "/" {
			return resolved{path: "/", links: links}
		}
		return resolved{path: cur, links: links}
	}
	return resolved{path: cur, e: e, ref: r, links: links}
}

// implied reports whether visible entries lie under p although p has no
// entry of its own (layers need not carry their parent directories).
func (v view) implied(p string) bool {
	prefix := p + "/"
	final := v.ix.Final
	i := sort.Search(len(final), func(i int) bool { return v.path(final[i]) >= prefix })
	return i < len(final) && strings.HasPrefix(v.path(final[i]), prefix)
}

// splitComponents splits p into its non-empty components.
func splitComponents(p string) []string {
	var out []string
	for _, c := range strings.Split(p, "/") {
		if c != "" {
			out = append(out, c)
		}
	}
	return out
}

// isDir reports whether p resolves to a directory ("/" always does).
func (v view) isDir(p string) bool {
	r := v.resolve(p)
	return r.path == "/" || r.e != nil && r.e.Type == analyze.TypeDir || r.e == nil && !r.loop && v.implied(r.path)
}

// regular reports whether p resolves to an existing regular file, and returns it.
func (v view) regular(p string) (resolved, bool) {
	r := v.resolve(p)
	return r, r.e != nil && r.e.Type == analyze.TypeFile
}

// children lists the visible paths directly under dir (dir itself as
// written, not resolved), in path order.
func (v view) children(dir string) []string {
	prefix := strings.TrimSuffix(dir, "/") + "/"
	final := v.ix.Final
	i := sort.Search(len(final), func(i int) bool { return v.path(final[i]) >= prefix })
	var out []string
	for ; i < len(final); i++ {
		p := v.path(final[i])
		if !strings.HasPrefix(p, prefix) {
			break
		}
		if !strings.Contains(p[len(prefix):], "/") {
			out = append(out, p)
		}
	}
	return out
}

func (v view) path(r analyze.Ref) string { return v.ix.Layers[r.Layer].Entries[r.Entry].Path }

// executable reports whether any execute bit is set.
func executable(m fs.FileMode) bool { return m&0o111 != 0 }
