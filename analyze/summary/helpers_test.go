package summary

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/slimcheck/slimcheck/analyze"
	"github.com/slimcheck/slimcheck/analyze/attribute"
	"github.com/slimcheck/slimcheck/analyze/source"
	"github.com/slimcheck/slimcheck/internal/imagetest"
	"github.com/slimcheck/slimcheck/report"
)

// walk indexes img as analyze/pipeline.RunImage does and, when attribute
// is set, attributes it.
func walk(tb testing.TB, img v1.Image, storedUncompressed, attr bool) (*analyze.Index, *attribute.Result) {
	tb.Helper()
	wo := analyze.DefaultOptions()
	wo.Capture = attribute.CapturePath
	wo.CapturePrefix = attribute.CapturePrefix
	wo.StoredUncompressed = storedUncompressed
	ix, err := analyze.Walk(context.Background(), img, wo)
	if err != nil {
		tb.Fatalf("walking: %v", err)
	}
	if !attr {
		return ix, nil
	}
	res, err := attribute.Attribute(context.Background(), ix, attribute.DefaultOptions())
	if err != nil {
		tb.Fatalf("attributing: %v", err)
	}
	return ix, res
}

// openArchive opens a docker-archive and walks it.
func openArchive(tb testing.TB, path string, attr bool) (*analyze.Index, *attribute.Result) {
	tb.Helper()
	img, info, err := source.Open(context.Background(), "docker-archive:"+path, source.DefaultOptions())
	if err != nil {
		tb.Fatalf("opening %s: %v", path, err)
	}
	return walk(tb, img, info.ReadUncompressed, attr)
}

// names are path components chosen to collide: "-" and "." sort between
// "/a" and "/a/b", and some trigger attribution rules.
var names = []string{"a", "a-b", "a.b", "a0", "b", "usr", "share", "doc", "lib", "node_modules", "tmp", "var", "cache", "x"}

// randomLayers returns 1-5 layers of random entries: files of tied sizes,
// empty files, directories, deep paths, files at "/", duplicates in one
// layer, whiteouts, opaque directories and links.
func randomLayers(r *rand.Rand) [][]imagetest.Entry {
	sizes := []int64{0, 1, 7, 7, 100, 4096}
	randPath := func(depth int) string {
		parts := make([]string, depth)
		for i := range parts {
			parts[i] = names[r.IntN(len(names))]
		}
		return strings.Join(parts, "/")
	}
	var used []string
	out := make([][]imagetest.Entry, 1+r.IntN(5))
	for li := range out {
		for range r.IntN(40) {
			var e imagetest.Entry
			switch op := r.IntN(20); {
			case op < 9:
				e = imagetest.File(randPath(1+r.IntN(4)), sizes[r.IntN(len(sizes))])
				if r.IntN(4) == 0 {
					e.Size = int64(r.IntN(5000))
				}
			case op < 11:
				e = imagetest.Dir(randPath(1 + r.IntN(3)))
			case op < 13:
				deep := randPath(28 + r.IntN(12))
				e = imagetest.File(deep, sizes[r.IntN(len(sizes))]+1)
			case op == 13 && len(used) > 0:
				e = imagetest.Whiteout(used[r.IntN(len(used))])
			case op == 14 && len(used) > 0:
				p := used[r.IntN(len(used))]
				if i := strings.LastIndexByte(p, '/'); i > 0 {
					p = p[:i]
				}
				e = imagetest.Opaque(p)
			case op == 15 && len(used) > 0:
				e = imagetest.Symlink(randPath(2), "/"+used[r.IntN(len(used))])
			case op == 16 && len(out[li]) > 0:
				e = out[li][r.IntN(len(out[li]))] // shadowed in the same layer
			case op == 17:
				e = imagetest.File(names[r.IntN(len(names))], sizes[r.IntN(len(sizes))])
			default:
				e = imagetest.File(randPath(2), 7)
			}
			out[li] = append(out[li], e)
			if e.Type == 0 {
				used = append(used, e.Path)
			}
		}
	}
	return out
}

// randomIndex builds and walks an image from randomLayers.
func randomIndex(tb testing.TB, r *rand.Rand, attr bool) (*analyze.Index, *attribute.Result) {
	tb.Helper()
	spec := randomLayers(r)
	ls := make([]v1.Layer, len(spec))
	for i, es := range spec {
		ls[i] = imagetest.Layer(tb, es...)
	}
	return walk(tb, imagetest.Image(tb, v1.Config{Env: []string{"A=1"}}, []string{"RUN x"}, ls...), false, attr)
}

// randomAttribution fabricates an attribution for ix: categories known and
// unknown, evidence in and out of the table, several evidence rows per
// package (different versions, and managers whose "manager/name" keys
// collide), rules, and per-layer slices cut short.
func randomAttribution(r *rand.Rand, ix *analyze.Index) *attribute.Result {
	res := &attribute.Result{}
	for i := range r.IntN(14) {
		var ev report.Evidence
		switch r.IntN(5) {
		case 0, 1:
			ev = report.Evidence{Kind: "package", Manager: "dpkg", Package: fmt.Sprintf("pkg%d", r.IntN(4)), Version: fmt.Sprint(i)}
		case 2:
			ev = report.Evidence{Kind: "package", Manager: []string{"m/x", "m"}[r.IntN(2)], Version: fmt.Sprint(i)}
			ev.Package = map[string]string{"m/x": "y", "m": "x/y"}[ev.Manager]
		case 3:
			ev = report.Evidence{Kind: "rule", Rule: fmt.Sprintf("rule%d", r.IntN(3)), Pattern: fmt.Sprint(i)}
		default:
			ev = report.Evidence{Kind: "lockfile", Source: "/app/package-lock.json"}
		}
		res.Table = append(res.Table, ev)
	}
	cats := append(report.Categories(), "bogus")
	for li := range ix.Layers {
		if li > 0 && r.IntN(8) == 0 {
			break // later layers have no attribution at all
		}
		n := len(ix.Layers[li].Entries)
		if r.IntN(5) == 0 {
			n = r.IntN(n + 1)
		}
		c := make([]report.Category, n)
		ev := make([]int32, n-r.IntN(n/2+1))
		for i := range c {
			c[i] = cats[r.IntN(len(cats))]
		}
		for i := range ev {
			ev[i] = int32(r.IntN(len(res.Table)+3) - 1)
		}
		res.Category = append(res.Category, c)
		res.Evidence = append(res.Evidence, ev)
	}
	return res
}
