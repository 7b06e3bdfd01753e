package bench

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/validate"

	"github.com/slimcheck/slimcheck/analyze"
	"github.com/slimcheck/slimcheck/analyze/source"
)

// smallOpts keeps generated test images to a few MB.
var smallOpts = PlanOptions{Seed: 11, Scale: 0.005}

func generate(t *testing.T, kind Kind, opts PlanOptions) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), string(kind)+".tar")
	if _, err := Generate(context.Background(), kind, opts, out); err != nil {
		t.Fatalf("generating %s: %v", kind, err)
	}
	return out
}

func fileSum(t *testing.T, p string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// TestGenerate writes each image at a small scale and checks it from three
// sides: go-containerregistry validates the archive (digests, diff IDs,
// config), slimcheck's walker sees exactly the planned entries with the
// planned whiteout and opaque semantics, and the floor reads the same
// entries, bytes and contents as the walker.
func TestGenerate(t *testing.T) {
	for _, kind := range Kinds() {
		t.Run(string(kind), func(t *testing.T) {
			plan, err := NewPlan(kind, smallOpts)
			if err != nil {
				t.Fatal(err)
			}
			path := generate(t, kind, smallOpts)
			if again := generate(t, kind, smallOpts); fileSum(t, path) != fileSum(t, again) {
				t.Error("two runs with the same seed wrote different archives")
			}

			img, err := tarball.ImageFromPath(path, nil)
			if err != nil {
				t.Fatalf("ggcr cannot open the archive: %v", err)
			}
			if err := validate.Image(img); err != nil {
				t.Fatalf("ggcr rejects the archive: %v", err)
			}

			ix := walk(t, path)
			if len(ix.Layers) != len(plan.Layers) {
				t.Fatalf("walker saw %d layers, planned %d", len(ix.Layers), len(plan.Layers))
			}
			var entries int64
			hashes := uint64(0)
			var tarBytes int64
			for li, l := range ix.Layers {
				want := plan.Layers[li].Entries
				if len(l.Entries) != len(want) {
					t.Fatalf("layer %d: walker saw %d entries, planned %d", li, len(l.Entries), len(want))
				}
				for ei, e := range l.Entries {
					if got, w := e.Path, "/"+want[ei].Name; got != w {
						t.Fatalf("layer %d entry %d: walker saw %s, planned %s", li, ei, got, w)
					}
					if e.Type == analyze.TypeFile {
						hashes ^= e.Hash
					}
				}
				if !l.HasHistory || l.History.CreatedBy != plan.Layers[li].CreatedBy {
					t.Errorf("layer %d: history %q, planned %q", li, l.History.CreatedBy, plan.Layers[li].CreatedBy)
				}
				entries += int64(len(l.Entries))
				tarBytes += l.TarSize
			}
			checkMarkers(t, plan, ix)

			for _, opts := range []FloorOptions{{}, {Hash: true}, {Hash: true, Stream: true}} {
				hash := opts.Hash
				st, err := Floor(context.Background(), path, opts)
				if err != nil {
					t.Fatalf("floor: %v", err)
				}
				if st.Layers != len(plan.Layers) || st.Entries != entries || st.TarBytes != tarBytes {
					t.Errorf("floor read %d layers, %d entries, %d tar bytes; walker %d, %d, %d", st.Layers, st.Entries, st.TarBytes, len(plan.Layers), entries, tarBytes)
				}
				if want := plan.Stats().Bytes; st.Content != want {
					t.Errorf("floor read %d content bytes, planned %d", st.Content, want)
				}
				if hash && st.HashSum != hashes {
					t.Errorf("floor content hashes %016x, walker %016x", st.HashSum, hashes)
				}
			}
		})
	}
}

// walk opens the archive the way `slimcheck analyze docker-archive:` does.
func walk(t *testing.T, path string) *analyze.Index {
	t.Helper()
	img, info, err := source.Open(context.Background(), "docker-archive:"+path, source.DefaultOptions())
	if err != nil {
		t.Fatalf("opening: %v", err)
	}
	opts := analyze.DefaultOptions()
	opts.StoredUncompressed = info.ReadUncompressed
	ix, err := analyze.Walk(context.Background(), img, opts)
	if err != nil {
		t.Fatalf("walking: %v", err)
	}
	return ix
}

// checkMarkers demands that every whiteout emptied its subtree from the
// final filesystem (unless a later layer wrote there again) and that the
// opaque directory kept only what its own and later layers put there.
func checkMarkers(t *testing.T, plan *Plan, ix *analyze.Index) {
	t.Helper()
	final := map[string]int{}
	for _, r := range ix.Final {
		final[ix.Entry(r).Path] = int(r.Layer)
	}
	rewritten := func(p string, from int) bool {
		for _, l := range plan.Layers[from:] {
			for _, e := range l.Entries {
				if e.Kind != KindWhiteout && e.Kind != KindOpaque && (e.Name == p || strings.HasPrefix(e.Name, p+"/")) {
					return true
				}
			}
		}
		return false
	}
	for li, l := range plan.Layers {
		for _, e := range l.Entries {
			switch e.Kind {
			case KindWhiteout:
				if rewritten(e.Name, li+1) {
					continue
				}
				for p := range final {
					if p == "/"+e.Name || strings.HasPrefix(p, "/"+e.Name+"/") {
						t.Errorf("%s survives the whiteout in layer %d", p, li)
					}
				}
			case KindOpaque:
				for p, fl := range final {
					if strings.HasPrefix(p, "/"+e.Name+"/") && fl < li {
						t.Errorf("%s from layer %d survives the opaque directory of layer %d", p, fl, li)
					}
				}
			}
		}
	}
}

// tinyArchive is a valid two-layer docker-archive in memory, for seeds.
func tinyArchive(tb testing.TB) []byte {
	tb.Helper()
	p := &Plan{Kind: "tiny", Layers: []LayerPlan{
		{CreatedBy: "one", Entries: []Entry{{Name: "a", Kind: KindDir, Mode: 0o755}, {Name: "a/b", Kind: KindFile, Size: 5, Content: Inline, Data: []byte("hello")}}},
		{CreatedBy: "two", Entries: []Entry{{Name: "a", Kind: KindWhiteout}, {Name: "c", Kind: KindFile, Size: 700, Content: Text, Seed: 3}}},
	}}
	c := newCorpus(1)
	dir := tb.TempDir()
	blobs := make([]blob, len(p.Layers))
	for i, l := range p.Layers {
		b, err := renderLayer(context.Background(), l, c, dir)
		if err != nil {
			tb.Fatal(err)
		}
		blobs[i] = b
	}
	out := filepath.Join(dir, "tiny.tar")
	if err := writeArchive(p, blobs, out); err != nil {
		tb.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func TestArchiveLayers(t *testing.T) {
	archive := tinyArchive(t)
	layers, err := ArchiveLayers(bytes.NewReader(archive), int64(len(archive)))
	if err != nil {
		t.Fatal(err)
	}
	if len(layers) != 2 {
		t.Fatalf("%d layers, want 2", len(layers))
	}
	for i, l := range layers {
		st, err := FloorLayer(context.Background(), l, true, i%2 == 0)
		if err != nil {
			t.Fatalf("layer %d: %v", i, err)
		}
		if st.Entries != 2 {
			t.Errorf("layer %d: %d entries, want 2", i, st.Entries)
		}
	}
	bad := map[string][]byte{
		"empty":       nil,
		"truncated":   archive[:len(archive)/2],
		"not a tar":   bytes.Repeat([]byte("x"), 2048),
		"no manifest": archive[:1024],
	}
	for name, b := range bad {
		if _, err := ArchiveLayers(bytes.NewReader(b), int64(len(b))); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// FuzzArchiveLayers feeds arbitrary bytes as a docker-archive: no panic,
// and every layer located lies inside the input.
func FuzzArchiveLayers(f *testing.F) {
	archive := tinyArchive(f)
	f.Add(archive)
	f.Add(archive[:len(archive)-1024])
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		layers, err := ArchiveLayers(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return
		}
		for i, l := range layers {
			if _, off, n := l.Outer(); off < 0 || n < 0 || off > int64(len(b))-n {
				t.Fatalf("layer %d: section of %d bytes at %d outside %d bytes", i, n, off, len(b))
			}
		}
	})
}

// FuzzFloorLayer feeds arbitrary bytes as a layer blob: no panic, and what
// was read is self-consistent (content can exceed the stream: sparse files).
func FuzzFloorLayer(f *testing.F) {
	archive := tinyArchive(f)
	layers, err := ArchiveLayers(bytes.NewReader(archive), int64(len(archive)))
	if err != nil {
		f.Fatal(err)
	}
	for _, l := range layers {
		b, err := io.ReadAll(l)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte{0x1f, 0x8b})
	f.Add([]byte{0x28, 0xb5, 0x2f, 0xfd, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		st, err := FloorLayer(context.Background(), bytes.NewReader(b), true, false)
		// The floor reads the same with either tar reader, errors included.
		ss, serr := FloorLayer(context.Background(), bytes.NewReader(b), true, true)
		if (err == nil) != (serr == nil) || (err == nil && st != ss) {
			t.Fatalf("archive/tar: %+v, %v; tarstream: %+v, %v", st, err, ss, serr)
		}
		if err != nil {
			return
		}
		if st.Content < 0 || st.Entries < 0 || st.TarBytes < 0 || (st.Entries == 0 && st.Content != 0) {
			t.Fatalf("inconsistent stats %+v", st)
		}
	})
}
