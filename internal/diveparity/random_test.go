package diveparity

import (
	"archive/tar"
	"fmt"
	"math/rand/v2"
	"path"
	"sort"
	"strings"
	"testing"

	"github.com/slimcheck/slimcheck/analyze"
)

// randomImages is how many seeded images TestParityRandom generates.
const randomImages = 200

// TestParityRandom compares dive and us on pseudo-random images built from
// a small set of paths, so overwrites, chmods, whiteouts (of files, dirs and
// missing paths), opaque dirs, hard links, duplicates and file/dir type
// changes collide often. Seeds are fixed: a failure names its seed.
func TestParityRandom(t *testing.T) {
	var totals struct{ wasted, aborts, whiteouts, opaques, images int }
	for seed := uint64(1); seed <= randomImages; seed++ {
		layers, st := randomLayers(seed)
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			img := buildImage(t, layers)
			ix, got := runOurs(t, img, analyze.Options{Concurrency: 2})
			want := runDive(t, img)
			if compare(t, want, ix, got) > 0 {
				t.Logf("seed %d layers:\n%s", seed, describeLayers(layers))
			}
			if got.WastedBytes > 0 {
				totals.wasted++
			}
		})
		totals.aborts += st.missingWhiteouts
		totals.whiteouts += st.whiteouts
		totals.opaques += st.opaques
		totals.images++
	}
	t.Logf("%d images: %d with wasted bytes, %d whiteouts (%d of missing paths), %d opaque markers",
		totals.images, totals.wasted, totals.whiteouts, totals.aborts, totals.opaques)
	// Guard against a generator that degenerates into trivial images.
	if totals.wasted < randomImages/4 || totals.whiteouts < randomImages || totals.aborts == 0 || totals.opaques < randomImages/10 {
		t.Errorf("generator coverage too low: %+v", totals)
	}
}

// genStats counts what a generated image exercises.
type genStats struct {
	whiteouts, missingWhiteouts, opaques int
}

var (
	genDirs  = []string{"a", "a/b", "a/b/c", "d", "d/e", "usr/lib", "x"}
	genNames = []string{"f0", "f1", "f2", "lib.so", "c", "e"}
)

// randomLayers generates the layers of one image from seed. It tracks a
// rough model of the stacked filesystem so that most whiteouts, opaque
// markers and chmod rewrites hit paths that exist below.
func randomLayers(seed uint64) ([][]E, genStats) {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	var st genStats
	type fileState struct {
		size int64
		fill byte
	}
	live := map[string]*fileState{} // path -> file contents, nil for dirs
	pick := func() string {
		if r.IntN(4) == 0 {
			return genDirs[r.IntN(len(genDirs))]
		}
		return genDirs[r.IntN(len(genDirs))] + "/" + genNames[r.IntN(len(genNames))]
	}
	livePaths := func(dirsOnly bool) []string {
		var ps []string
		for p, fs := range live {
			if !dirsOnly || fs == nil {
				ps = append(ps, p)
			}
		}
		sort.Strings(ps)
		return ps
	}
	// forget removes p and everything below it from the model.
	forget := func(p string) {
		for q := range live {
			if q == p || strings.HasPrefix(q, p+"/") {
				delete(live, q)
			}
		}
	}
	nLayers := 1 + r.IntN(6)
	layers := make([][]E, nLayers)
	for li := range layers {
		if li > 0 && r.IntN(20) == 0 {
			continue // an empty layer
		}
		parents := r.IntN(2) == 0 // docker-style explicit parent dirs, or bare paths
		var es []E
		var added []string
		addParents := func(p string) {
			if !parents {
				return
			}
			for d := path.Dir(p); d != "."; d = path.Dir(d) {
				es = append(es, dir(d))
			}
		}
		n := r.IntN(12)
		for range n {
			switch op := r.IntN(100); {
			case op < 35: // add or overwrite a file
				p := pick()
				fs := &fileState{size: int64(r.IntN(5000)), fill: byte('a' + r.IntN(3))}
				if r.IntN(8) == 0 {
					fs.size = 0
				}
				addParents(p)
				es = append(es, E{Path: p, Size: fs.size, Fill: fs.fill, Mode: 0o644})
				forget(p)
				live[p] = fs
				added = append(added, p)
			case op < 45: // add a directory
				p := genDirs[r.IntN(len(genDirs))]
				addParents(p)
				es = append(es, dir(p))
				if fs, ok := live[p]; !ok || fs != nil {
					forget(p)
					live[p] = nil
				}
			case op < 55: // chmod/chown rewrite of an existing file
				var files []string
				for _, p := range livePaths(false) {
					if live[p] != nil {
						files = append(files, p)
					}
				}
				if len(files) == 0 {
					continue
				}
				p := files[r.IntN(len(files))]
				fs := live[p]
				addParents(p)
				es = append(es, E{Path: p, Size: fs.size, Fill: fs.fill, Mode: 0o755, UID: r.IntN(2) * 1000})
			case op < 70: // whiteout
				ps := livePaths(false)
				p := pick()
				if len(ps) > 0 && r.IntN(15) != 0 {
					p = ps[r.IntN(len(ps))]
				}
				if _, ok := live[p]; !ok {
					st.missingWhiteouts++
				}
				addParents(p)
				es = append(es, wh(p))
				st.whiteouts++
				forget(p)
			case op < 77: // opaque dir
				ds := livePaths(true)
				if len(ds) == 0 {
					continue
				}
				p := ds[r.IntN(len(ds))]
				addParents(p + "/x")
				es = append(es, opq(p))
				st.opaques++
				for _, q := range livePaths(false) {
					if strings.HasPrefix(q, p+"/") {
						delete(live, q)
					}
				}
			case op < 84: // hard link to a file of this layer
				if len(added) == 0 {
					continue
				}
				target := added[r.IntN(len(added))]
				p := pick()
				if p == target {
					continue
				}
				addParents(p)
				es = append(es, hardlink(p, target))
				forget(p)
				live[p] = &fileState{}
			case op < 90: // symlink
				p := pick()
				addParents(p)
				es = append(es, symlink(p, "../"+genNames[r.IntN(len(genNames))]))
				forget(p)
				live[p] = &fileState{}
			default: // repeat an entry of this layer with a new size
				if len(es) == 0 {
					continue
				}
				e := es[r.IntN(len(es))]
				if e.Type == 0 && !strings.Contains(e.Path, ".wh.") {
					e.Size = int64(r.IntN(3000))
					live[e.Path] = &fileState{size: e.Size, fill: e.Fill}
				}
				es = append(es, e)
			}
		}
		layers[li] = es
	}
	return layers, st
}

// describeLayers renders a layer spec for a failure message.
func describeLayers(layers [][]E) string {
	var b strings.Builder
	for i, es := range layers {
		fmt.Fprintf(&b, "  layer %d:\n", i)
		for _, e := range es {
			kind := "file"
			switch e.Type {
			case tar.TypeDir:
				kind = "dir"
			case tar.TypeLink:
				kind = "hardlink"
			case tar.TypeSymlink:
				kind = "symlink"
			}
			fmt.Fprintf(&b, "    %-8s %-20s size=%d fill=%q mode=%o uid=%d link=%s\n", kind, e.Path, e.Size, e.Fill, e.Mode, e.UID, e.Link)
		}
	}
	return b.String()
}
