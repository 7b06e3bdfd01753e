// Package randimage generates pseudo-random container image layer specs for
// the gate's tests: overwrites, chmod rewrites, whiteouts of files,
// directories and missing paths, opaque directories, links, entries repeated
// in one layer, and paths that attribution puts in several categories.
// The same seed gives the same image.
package randimage

import (
	"archive/tar"
	"fmt"
	"math/rand/v2"
	"path"
	"sort"
	"strings"

	"github.com/slimcheck/slimcheck/internal/imagetest"
)

// Spec is one generated image: its layers' entries and history commands.
type Spec struct {
	Seed      uint64
	Layers    [][]imagetest.Entry
	CreatedBy []string
}

var (
	dirs = []string{
		"app", "app/node_modules/left-pad", "app/src", "usr/lib", "usr/bin",
		"usr/share/doc/pkg", "var/cache/apt/archives", "tmp", "root/.npm/_cacache", "opt/models",
	}
	names = []string{"f0", "f1", "lib.so", "data.bin", "index.js", "README"}
)

// New generates the image for seed. scale multiplies file sizes, so that
// byte thresholds land on both sides of what the images hold.
func New(seed uint64, scale int64) Spec {
	r := rand.New(rand.NewPCG(seed, 0x9a7e))
	s := Spec{Seed: seed}
	live := map[string]bool{} // path -> is a file (false: dir)
	pick := func() string {
		if r.IntN(5) == 0 {
			return dirs[r.IntN(len(dirs))]
		}
		return dirs[r.IntN(len(dirs))] + "/" + names[r.IntN(len(names))]
	}
	forget := func(p string) {
		for q := range live {
			if q == p || strings.HasPrefix(q, p+"/") {
				delete(live, q)
			}
		}
	}
	sorted := func(filesOnly, dirsOnly bool) []string {
		var out []string
		for p, isFile := range live {
			if (filesOnly && !isFile) || (dirsOnly && isFile) {
				continue
			}
			out = append(out, p)
		}
		sort.Strings(out)
		return out
	}
	n := 1 + r.IntN(7)
	for li := 0; li < n; li++ {
		var es []imagetest.Entry
		parents := r.IntN(2) == 0
		addParents := func(p string) {
			if !parents {
				return
			}
			var ds []string
			for d := path.Dir(p); d != "."; d = path.Dir(d) {
				ds = append(ds, d)
			}
			for i := len(ds) - 1; i >= 0; i-- {
				es = append(es, imagetest.Dir(ds[i]))
			}
		}
		var added []string
		ops := r.IntN(14)
		if li == 0 {
			ops += 4
		}
		for range ops {
			switch op := r.IntN(100); {
			case op < 40:
				p := pick()
				addParents(p)
				size := int64(r.IntN(4000)) * scale
				es = append(es, imagetest.Entry{Path: p, Size: size, Fill: byte('a' + r.IntN(3))})
				forget(p)
				live[p] = true
				added = append(added, p)
			case op < 48:
				p := dirs[r.IntN(len(dirs))]
				addParents(p)
				es = append(es, imagetest.Dir(p))
				if isFile, ok := live[p]; !ok || isFile {
					forget(p)
					live[p] = false
				}
			case op < 56:
				fs := sorted(true, false)
				if len(fs) == 0 {
					continue
				}
				p := fs[r.IntN(len(fs))]
				addParents(p)
				es = append(es, imagetest.Entry{Path: p, Size: int64(r.IntN(2000)) * scale, Mode: 0o755, UID: 1000})
			case op < 72:
				ps := sorted(false, false)
				p := pick()
				if len(ps) > 0 && r.IntN(12) != 0 {
					p = ps[r.IntN(len(ps))]
				}
				addParents(p)
				es = append(es, imagetest.Whiteout(p))
				forget(p)
			case op < 78:
				ds := sorted(false, true)
				if len(ds) == 0 {
					continue
				}
				p := ds[r.IntN(len(ds))]
				addParents(p + "/x")
				es = append(es, imagetest.Opaque(p))
				for _, q := range sorted(false, false) {
					if strings.HasPrefix(q, p+"/") {
						delete(live, q)
					}
				}
			case op < 84:
				if len(added) == 0 {
					continue
				}
				target := added[r.IntN(len(added))]
				p := pick()
				if p == target {
					continue
				}
				addParents(p)
				es = append(es, imagetest.Hardlink(p, target))
				forget(p)
				live[p] = true
			case op < 90:
				p := pick()
				addParents(p)
				es = append(es, imagetest.Symlink(p, "../"+names[r.IntN(len(names))]))
				forget(p)
				live[p] = true
			default:
				if len(es) == 0 {
					continue
				}
				e := es[r.IntN(len(es))]
				if e.Type == 0 && !strings.Contains(e.Path, ".wh.") {
					e.Size = int64(r.IntN(3000)) * scale
					es = append(es, e)
				}
			}
		}
		s.Layers = append(s.Layers, es)
		s.CreatedBy = append(s.CreatedBy, fmt.Sprintf("/bin/sh -c step %d of seed %d", li, seed))
	}
	return s
}

// Describe lists the layers' entries, for a failing test's log.
func (s Spec) Describe() string {
	var b strings.Builder
	for li, es := range s.Layers {
		fmt.Fprintf(&b, "layer %d:\n", li)
		for _, e := range es {
			kind := "file"
			switch e.Type {
			case tar.TypeDir:
				kind = "dir"
			case tar.TypeSymlink:
				kind = "symlink -> " + e.Link
			case tar.TypeLink:
				kind = "hardlink -> " + e.Link
			}
			fmt.Fprintf(&b, "  %-40s %s size=%d mode=%o\n", e.Path, kind, e.Size, e.Mode)
		}
	}
	return b.String()
}
