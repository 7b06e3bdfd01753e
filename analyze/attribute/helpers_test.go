package attribute

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/slimcheck/slimcheck/analyze"
	"github.com/slimcheck/slimcheck/internal/imagetest"
	"github.com/slimcheck/slimcheck/report"
)

// image is a test image: config plus layers of entries.
type image struct {
	cfg    v1.Config
	layers [][]imagetest.Entry
}

// walkImage builds img in memory and walks it with attribution's capture
// predicates.
func walkImage(t testing.TB, img image) *analyze.Index {
	t.Helper()
	var ls []v1.Layer
	for _, l := range img.layers {
		ls = append(ls, streamLayer(t, l))
	}
	ix, err := analyze.Walk(context.Background(), imagetest.Image(t, img.cfg, nil, ls...),
		analyze.Options{Capture: CapturePath, CapturePrefix: CapturePrefix, NoHash: true})
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

// run walks and attributes img, checking the invariants.
func run(t testing.TB, img image, opts Options) (*analyze.Index, *Result) {
	t.Helper()
	ix := walkImage(t, img)
	res, err := Attribute(context.Background(), ix, opts)
	if err != nil {
		t.Fatal(err)
	}
	checkInvariants(t, ix, res)
	checkSpreadInvisible(t, ix, opts, res)
	return ix, res
}

// checkSpreadInvisible attributes ix again with its entries cut into tiny
// chunks shared by three workers, and checks the result is want exactly.
func checkSpreadInvisible(t testing.TB, ix *analyze.Index, opts Options, want *Result) {
	t.Helper()
	got, err := attribute(context.Background(), ix, opts, spread{chunk: 5, parallelMin: 0, workers: 3})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("attributing in 5-entry chunks with 3 workers gives another result")
	}
}

// checkInvariants asserts what must hold for every image: one valid
// category per entry, categories summing exactly to each layer's and the
// image's size, valid evidence indexes, wasted exactly for hidden bytes, and
// package byte sums consistent with the evidence.
func checkInvariants(t testing.TB, ix *analyze.Index, res *Result) {
	t.Helper()
	if len(res.Category) != len(ix.Layers) || len(res.Evidence) != len(ix.Layers) {
		t.Fatalf("result has %d/%d layers, index %d", len(res.Category), len(res.Evidence), len(ix.Layers))
	}
	var imageTotal, imageSum int64
	pkgBytes := map[string]int64{}
	for li, l := range ix.Layers {
		if len(res.Category[li]) != len(l.Entries) || len(res.Evidence[li]) != len(l.Entries) {
			t.Fatalf("layer %d: %d categories, %d evidence, %d entries", li, len(res.Category[li]), len(res.Evidence[li]), len(l.Entries))
		}
		sums := map[report.Category]int64{}
		for ei, e := range l.Entries {
			c := res.Category[li][ei]
			if !c.Valid() {
				t.Fatalf("layer %d %s: invalid category %q", li, e.Path, c)
			}
			ev := res.Evidence[li][ei]
			if ev < 0 || int(ev) >= len(res.Table) {
				t.Fatalf("layer %d %s: evidence %d outside table of %d", li, e.Path, ev, len(res.Table))
			}
			tab := res.Table[ev]
			if (c == report.Wasted) != (tab.Kind == KindHidden) {
				t.Fatalf("layer %d %s: category %s with evidence kind %s", li, e.Path, c, tab.Kind)
			}
			if c == report.Wasted && (e.Status == analyze.Visible || e.Status == analyze.Marker) {
				t.Fatalf("layer %d %s: %s entry is wasted", li, e.Path, e.Status)
			}
			if tab.Kind == KindPackage {
				pkgBytes[tab.Manager+"/"+tab.Package] += e.Size
			}
			sums[c] += e.Size
		}
		var total int64
		for _, b := range sums {
			total += b
		}
		if total != l.Size {
			t.Fatalf("layer %d: categories sum to %d, layer size %d (%v)", li, total, l.Size, sums)
		}
		imageTotal += l.Size
		imageSum += total
	}
	if imageSum != imageTotal {
		t.Fatalf("image: categories sum to %d, size %d", imageSum, imageTotal)
	}
	for _, p := range res.Packages {
		if p.Bytes != pkgBytes[p.Manager+"/"+p.Name] && !duplicateName(res.Packages, p) {
			t.Fatalf("package %s: %d bytes, evidence sums %d", p.Name, p.Bytes, pkgBytes[p.Manager+"/"+p.Name])
		}
		if p.Bytes < 0 || p.Files < 0 || p.Missing < 0 || !p.Category.Valid() {
			t.Fatalf("package %+v inconsistent", p)
		}
	}
}

func duplicateName(ps []report.Package, p report.Package) bool {
	n := 0
	for _, q := range ps {
		if q.Manager == p.Manager && q.Name == p.Name {
			n++
		}
	}
	return n > 1
}

// totals sums bytes per category over the whole image.
func totals(ix *analyze.Index, res *Result) map[report.Category]int64 {
	out := map[report.Category]int64{}
	for li, l := range ix.Layers {
		for ei, e := range l.Entries {
			out[res.Category[li][ei]] += e.Size
		}
	}
	for c, b := range out {
		if b == 0 {
			delete(out, c)
		}
	}
	return out
}

// categoryOf returns the category and evidence of the visible entry at p.
func categoryOf(t testing.TB, ix *analyze.Index, res *Result, p string) (report.Category, report.Evidence) {
	t.Helper()
	r, ok := ix.Lookup(p)
	if !ok {
		t.Fatalf("%s not in the final filesystem", p)
	}
	return res.Category[r.Layer][r.Entry], res.Table[res.Evidence[r.Layer][r.Entry]]
}

// formatTotals renders totals in precedence order.
func formatTotals(m map[report.Category]int64) string {
	var parts []string
	for _, c := range report.Categories() {
		if b, ok := m[c]; ok {
			parts = append(parts, fmt.Sprintf("%s=%d", c, b))
		}
	}
	return strings.Join(parts, " ")
}

// packageNames lists the names of packages in a category, sorted.
func packageNames(res *Result, c report.Category) []string {
	var out []string
	for _, p := range res.Packages {
		if p.Category == c {
			out = append(out, p.Name)
		}
	}
	sort.Strings(out)
	return out
}

// rawLayer is an uncompressed layer whose tar stream is generated afresh on
// every read, so test images of hundreds of megabytes cost no memory and
// no compression. Its digest is its diff ID.
type rawLayer struct {
	entries []imagetest.Entry
	diffID  v1.Hash
	size    int64
}

// The diff ID is a hash of the entries' description rather than of the
// stream (nothing in the walk verifies it), so a layer of filler costs one
// pass, not two.
func streamLayer(t testing.TB, entries []imagetest.Entry) v1.Layer {
	t.Helper()
	h := sha256.New()
	var size int64
	for _, e := range entries {
		fmt.Fprintf(h, "%q %d %d %d %q %d %d %d\n", e.Path, e.Type, e.Size, e.Mode, e.Link, e.UID, e.GID, len(e.Content))
		h.Write(e.Content)
		size += 1024 + e.Size + int64(len(e.Content))
	}
	return &rawLayer{entries: entries, diffID: v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(h.Sum(nil))}, size: size}
}

func (l *rawLayer) open() io.ReadCloser {
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(imagetest.WriteTar(pw, l.entries...)) }()
	return pr
}

func (l *rawLayer) Digest() (v1.Hash, error)             { return l.diffID, nil }
func (l *rawLayer) DiffID() (v1.Hash, error)             { return l.diffID, nil }
func (l *rawLayer) Compressed() (io.ReadCloser, error)   { return l.open(), nil }
func (l *rawLayer) Uncompressed() (io.ReadCloser, error) { return l.open(), nil }
func (l *rawLayer) Size() (int64, error)                 { return l.size, nil }
func (l *rawLayer) MediaType() (types.MediaType, error)  { return types.OCIUncompressedLayer, nil }

// logBreakdown logs, per category, the evidence that placed the most bytes.
func logBreakdown(t testing.TB, ix *analyze.Index, res *Result) {
	t.Helper()
	type k struct {
		c  report.Category
		ev int32
	}
	sums := map[k]int64{}
	for li, l := range ix.Layers {
		for ei, e := range l.Entries {
			sums[k{res.Category[li][ei], res.Evidence[li][ei]}] += e.Size
		}
	}
	var keys []k
	for key := range sums {
		keys = append(keys, key)
	}
	sort.Slice(keys, func(i, j int) bool { return sums[keys[i]] > sums[keys[j]] })
	shown := map[report.Category]int{}
	for _, key := range keys {
		if shown[key.c] >= 6 || sums[key] == 0 {
			continue
		}
		shown[key.c]++
		ev := res.Table[key.ev]
		t.Logf("  %-16s %12d  %s %s%s %s %s", key.c, sums[key], ev.Kind, ev.Package, ev.Rule, ev.Pattern, ev.Detail)
	}
}

// pathOrders returns paths sorted, reverse sorted and shuffled (seeded), the
// orders a per-path cache must give the same answers in.
func pathOrders(paths []string, seed uint64) (sorted, reversed, shuffled []string) {
	sorted = slices.Sorted(slices.Values(paths))
	reversed = slices.Clone(sorted)
	slices.Reverse(reversed)
	shuffled = slices.Clone(sorted)
	rand.New(rand.NewPCG(seed, seed+1)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	return sorted, reversed, shuffled
}
