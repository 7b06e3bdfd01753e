package analyze

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/slimcheck/slimcheck/internal/imagetest"
)

// randomSpecs generates n layers of mixed operations over a small path set.
func randomSpecs(seed uint64, n int) [][]spec {
	r := rand.New(rand.NewPCG(seed, 1))
	dirs := []string{"a", "a/b", "c", "c/d/e"}
	layers := make([][]spec, n)
	for i := range layers {
		for range r.IntN(30) {
			p := dirs[r.IntN(len(dirs))] + fmt.Sprintf("/f%d", r.IntN(6))
			switch r.IntN(6) {
			case 0:
				layers[i] = append(layers[i], wh(p))
			case 1:
				layers[i] = append(layers[i], opq(dirs[r.IntN(len(dirs))]))
			case 2:
				layers[i] = append(layers[i], dir(dirs[r.IntN(len(dirs))]))
			default:
				e := file(p, int64(r.IntN(20000)))
				e.Fill = byte(r.IntN(4))
				layers[i] = append(layers[i], e)
			}
		}
	}
	return layers
}

// TestWalkDeterministic: the index, dive's metrics included, does not
// depend on how many layers are read at once or on releasing memory.
func TestWalkDeterministic(t *testing.T) {
	capture := func(p string) (int64, bool) { return 5000, strings.HasSuffix(p, "f1") }
	img := testImage(t, randomSpecs(7, 12)...)
	var prev *Index
	for i, conc := range []int{1, 4, 1, 4} {
		ix, err := Walk(context.Background(), img, Options{Concurrency: conc, Capture: capture, ReleaseMemory: i%2 == 1})
		if err != nil {
			t.Fatalf("walking with concurrency %d: %v", conc, err)
		}
		checkInvariants(t, ix)
		if prev != nil && !reflect.DeepEqual(prev, ix) {
			t.Fatalf("concurrency %d gave a different index", conc)
		}
		prev = ix
	}
	if len(prev.Final) == 0 || len(prev.Layers) != 12 {
		t.Fatalf("degenerate image: %d final entries, %d layers", len(prev.Final), len(prev.Layers))
	}
}

func TestWalkProgress(t *testing.T) {
	img := testImage(t, randomSpecs(3, 5)...)
	var mu sync.Mutex
	var last Progress
	calls := 0
	ix, err := Walk(context.Background(), img, Options{Concurrency: 3, Progress: func(p Progress) {
		mu.Lock()
		defer mu.Unlock()
		calls++
		if p.LayersDone > last.LayersDone || p.BytesRead > last.BytesRead {
			last.LayersDone = max(last.LayersDone, p.LayersDone)
			last.BytesRead = max(last.BytesRead, p.BytesRead)
		}
		last.Layers, last.BytesTotal = p.Layers, p.BytesTotal
	}})
	if err != nil {
		t.Fatalf("walking: %v", err)
	}
	var stored int64
	for _, l := range ix.Layers {
		stored += l.CompressedSize
	}
	if calls == 0 || last.Layers != 5 || last.LayersDone != 5 || last.BytesRead != stored || last.BytesTotal != stored {
		t.Errorf("progress after %d calls: %+v; want 5 layers done and %d bytes", calls, last, stored)
	}
}

func TestOptionsValidate(t *testing.T) {
	for _, o := range []Options{{Concurrency: -1}, {MaxUncompressed: -1}} {
		if _, err := Walk(context.Background(), testImage(t, []spec{file("a", 1)}), o); err == nil {
			t.Errorf("Walk accepted %+v", o)
		}
	}
	if err := DefaultOptions().Validate(); err != nil {
		t.Errorf("default options invalid: %v", err)
	}
}

// gzipMembers concatenates gzip members; decoders read them as one stream,
// so a bomb of any expanded size costs a few bytes per repeated member.
func gzipMembers(tb testing.TB, parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, gzipBytes(tb, p)...)
	}
	return out
}

// tarHeader renders one tar header block (no contents, no end marker).
func tarHeader(tb testing.TB, name string, typ byte, size int64) []byte {
	tb.Helper()
	b, err := headerBlock(name, typ, size)
	if err != nil {
		tb.Fatalf("writing header: %v", err)
	}
	return b
}

func headerBlock(name string, typ byte, size int64) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	if err := tw.WriteHeader(&tar.Header{Name: name, Typeflag: typ, Size: size, Mode: 0o644, Format: tar.FormatGNU}); err != nil {
		return nil, err
	}
	return buf.Bytes()[:512], nil // no Flush: no padding or trailer
}

func TestMaxUncompressedRefusesBombs(t *testing.T) {
	const mib = 1 << 20
	zeros := gzipBytes(t, make([]byte, mib)) // ~1 KiB that expands to 1 MiB
	repeat := func(b []byte, n int) []byte { return bytes.Repeat(b, n) }
	end := gzipBytes(t, make([]byte, 1024))
	cases := []struct {
		name     string
		stored   []byte
		expanded int64
	}{
		{
			name:     "one huge file",
			stored:   slicesConcat(gzipBytes(t, tarHeader(t, "bomb", tar.TypeReg, 1024*mib)), repeat(zeros, 1024), end),
			expanded: 1024 * mib,
		},
		{
			name: "many 1 MiB files",
			stored: func() []byte {
				var b []byte
				for i := range 512 {
					b = append(b, gzipBytes(t, tarHeader(t, fmt.Sprintf("f%d", i), tar.TypeReg, mib))...)
					b = append(b, zeros...)
				}
				return append(b, end...)
			}(),
			expanded: 512 * mib,
		},
		{
			name:     "trailing data after the tar",
			stored:   slicesConcat(gzipBytes(t, imagetest.TarBytes(t, file("small", 10))), repeat(zeros, 1024)),
			expanded: 1024 * mib,
		},
		{
			name:     "contents of an unknown entry type",
			stored:   slicesConcat(gzipBytes(t, tarHeader(t, "odd", 'Z', 1024*mib)), repeat(zeros, 1024), end),
			expanded: 1024 * mib,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if int64(len(c.stored))*100 > c.expanded {
				t.Fatalf("not a bomb: %d stored bytes for %d expanded", len(c.stored), c.expanded)
			}
			img := imagetest.Image(t, v1.Config{}, nil,
				imagetest.Layer(t, file("base", 100)),
				static.NewLayer(c.stored, types.DockerLayer))
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			start := time.Now()
			_, err := Walk(context.Background(), img, Options{MaxUncompressed: 8 * mib})
			elapsed := time.Since(start)
			runtime.ReadMemStats(&after)
			if !errors.Is(err, ErrTooLarge) {
				t.Fatalf("Walk error %v, want ErrTooLarge", err)
			}
			if !strings.Contains(err.Error(), "layer 1 (") {
				t.Errorf("error %q does not name layer 1", err)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16*mib {
				t.Errorf("allocated %d bytes while refusing a %d-byte bomb", alloc, c.expanded)
			}
			t.Logf("refused after %v: %v", elapsed, err)
		})
	}
	// Within the limit, the same guard lets a normal image through.
	img := testImage(t, []spec{file("a", 3*mib)}, []spec{file("b", 3*mib)})
	if _, err := Walk(context.Background(), img, Options{MaxUncompressed: 8 * mib}); err != nil {
		t.Errorf("a 6 MiB image under an 8 MiB limit: %v", err)
	}
	if _, err := Walk(context.Background(), img, Options{MaxUncompressed: 5 * mib}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("a 6 MiB image under a 5 MiB limit: %v, want ErrTooLarge", err)
	}
}

func slicesConcat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func TestCorruptLayers(t *testing.T) {
	raw := imagetest.TarBytes(t, dir("etc"), file("etc/a", 70000), text("etc/b", "hello"))
	gz := gzipBytes(t, raw)
	zs := zstdBytes(t, raw)
	flip := func(b []byte, at int) []byte {
		c := bytes.Clone(b)
		c[at] ^= 0xff
		return c
	}
	cases := []struct {
		name   string
		stored []byte
	}{
		{"truncated gzip", gz[:len(gz)/2]},
		{"truncated gzip header", gz[:5]},
		{"corrupt gzip data", flip(gz, len(gz)/2)},
		{"gzip checksum mismatch", flip(gz, len(gz)-6)},
		{"truncated zstd", zs[:len(zs)/2]},
		{"truncated tar", raw[:600]},
		{"tar inside a file", raw[:512+70000/2]},
		{"corrupt tar header", flip(raw, 100)},
		{"not a tar", bytes.Repeat([]byte("not a tar "), 100)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bad := static.NewLayer(c.stored, types.DockerLayer)
			img := imagetest.Image(t, v1.Config{}, nil, imagetest.Layer(t, file("ok", 1)), bad)
			ix, err := Walk(context.Background(), img, Options{})
			if err == nil {
				t.Fatalf("Walk accepted a corrupt layer: %q", dumpEntries(ix))
			}
			d, _ := bad.Digest()
			if want := fmt.Sprintf("layer 1 (%s)", shortHash(d)); !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not name %q", err, want)
			}
		})
	}
}

// endlessLayer is a stored-uncompressed layer that claims a 1 TiB file and
// then streams zeros forever: only cancellation can end its walk.
type endlessLayer struct{ read chan struct{} }

func (l endlessLayer) Digest() (v1.Hash, error) {
	return v1.NewHash("sha256:" + strings.Repeat("ab", 32))
}
func (l endlessLayer) DiffID() (v1.Hash, error)            { return l.Digest() }
func (l endlessLayer) Size() (int64, error)                { return 1 << 40, nil }
func (l endlessLayer) MediaType() (types.MediaType, error) { return types.OCIUncompressedLayer, nil }
func (l endlessLayer) Uncompressed() (io.ReadCloser, error) {
	return l.Compressed()
}
func (l endlessLayer) Compressed() (io.ReadCloser, error) {
	hdr, err := headerBlock("huge", tar.TypeReg, 1<<40)
	if err != nil {
		return nil, err
	}
	return io.NopCloser(io.MultiReader(bytes.NewReader(hdr), &signalReader{r: zeroReader{}, once: &sync.Once{}, ch: l.read})), nil
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// signalReader closes ch on its first read.
type signalReader struct {
	r    io.Reader
	once *sync.Once
	ch   chan struct{}
}

func (s *signalReader) Read(p []byte) (int, error) {
	s.once.Do(func() { close(s.ch) })
	return s.r.Read(p)
}

func TestWalkCancel(t *testing.T) {
	t.Run("before the walk", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := Walk(ctx, testImage(t, []spec{file("a", 1)}), Options{}); !errors.Is(err, context.Canceled) {
			t.Errorf("Walk on a cancelled context: %v", err)
		}
	})
	t.Run("inside a large file", func(t *testing.T) {
		layer := endlessLayer{read: make(chan struct{})}
		img := imagetest.Image(t, v1.Config{}, nil, imagetest.Layer(t, file("a", 1)), layer)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go func() {
			<-layer.read
			time.Sleep(20 * time.Millisecond)
			cancel()
		}()
		done := make(chan error, 1)
		go func() {
			_, err := Walk(ctx, img, Options{})
			done <- err
		}()
		select {
		case err := <-done:
			if err != context.Canceled {
				t.Errorf("Walk returned %v, want context.Canceled itself", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Walk did not return after cancellation")
		}
	})
}

func TestHostilePaths(t *testing.T) {
	hostile := []spec{
		file("../../etc/passwd", 1),
		file("/abs/file", 2),
		file("./a/../../b", 3),
		dir("d"),
		file("d/.wh..", 4),
		file("d/.wh.", 5),
		file("d/.wh...", 6),
		file("../.wh.etc", 0),
		hardlink("x", "../../../etc/shadow"),
		file("a//b///c", 7),
		dir("./"),
		dir("."),
		dir("/"),
		file(".wh..wh.plnk/123.456", 8),
		symlink("s", "../../../../root"),
	}
	raw := imagetest.TarBytes(t, hostile...)
	l, err := ReadLayer(context.Background(), bytes.NewReader(raw), Options{})
	if err != nil {
		t.Fatalf("reading hostile layer: %v", err)
	}
	checkLayer(t, &l)
	var got []string
	for _, e := range l.Entries {
		got = append(got, fmt.Sprintf("%s %s %s", e.Path, e.Type, e.Link))
	}
	want := []string{
		"/etc/passwd file ",
		"/abs/file file ",
		"/b file ",
		"/d dir ",
		"/d/.wh.. meta ",
		"/d/.wh. meta ",
		"/d/.wh... meta ",
		"/etc whiteout ",
		"/x hardlink /etc/shadow",
		"/a/b/c file ",
		"/.wh..wh.plnk/123.456 meta ",
		"/s symlink ../../../../root",
	}
	if !reflectEqual(got, want) {
		t.Errorf("entries:\n got %q\nwant %q", got, want)
	}

	// Stacked on a normal layer, nothing escapes and /d survives its
	// hostile markers; the escaping whiteout only deletes /etc.
	ix := walkSpec(t, Options{}, []spec{dir("etc"), file("etc/hosts", 10), dir("d"), file("d/keep", 1)}, hostile)
	checkInvariants(t, ix)
	final := finalPaths(ix)
	for _, p := range []string{"/d@1", "/d/keep@0", "/etc/passwd@1"} {
		if !contains(final, p) {
			t.Errorf("final view %q lacks %s", final, p)
		}
	}
	if contains(final, "/etc/hosts@0") || contains(final, "/etc@0") {
		t.Errorf("final view %q keeps the whited-out /etc", final)
	}
}

func reflectEqual(a, b []string) bool { return reflect.DeepEqual(a, b) }

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func TestPAXGlobalHeaderIgnored(t *testing.T) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeXGlobalHeader, Name: "pax_global_header", PAXRecords: map[string]string{"comment": "x"}, Format: tar.FormatPAX}); err != nil {
		t.Fatalf("writing global header: %v", err)
	}
	if err := tw.WriteHeader(&tar.Header{Name: "a", Typeflag: tar.TypeReg, Size: 1, Mode: 0o644}); err != nil {
		t.Fatalf("writing header: %v", err)
	}
	tw.Write([]byte("x"))
	tw.Close()
	l, err := ReadLayer(context.Background(), &buf, Options{})
	if err != nil {
		t.Fatalf("reading: %v", err)
	}
	if len(l.Entries) != 1 || l.Entries[0].Path != "/a" {
		t.Errorf("entries %+v, want only /a", l.Entries)
	}
}

// TestSizeOverflow: header-only entries (dirs) may claim any size without
// carrying data; sums that would overflow int64 are refused, not wrapped.
func TestSizeOverflow(t *testing.T) {
	endOfArchive := make([]byte, 1024)
	layer := func(sizes ...int64) []byte {
		var b []byte
		for i, s := range sizes {
			b = append(b, tarHeader(t, fmt.Sprintf("d%d/", i), tar.TypeDir, s)...)
		}
		return append(b, endOfArchive...)
	}
	const half = int64(1) << 62
	if _, err := ReadLayer(context.Background(), bytes.NewReader(layer(half, half)), Options{}); err == nil {
		t.Error("ReadLayer summed 2^62 + 2^62 without an error")
	}
	full, err := ReadLayer(context.Background(), bytes.NewReader(layer(half, half-1)), Options{})
	if err != nil || full.Size != 1<<63-1 {
		t.Fatalf("a layer of exactly MaxInt64 bytes: size %d, %v", full.Size, err)
	}
	img := imagetest.Image(t, v1.Config{}, nil,
		static.NewLayer(layer(half, half-1), types.OCIUncompressedLayer),
		static.NewLayer(layer(1), types.OCIUncompressedLayer))
	if _, err := Walk(context.Background(), img, Options{}); err == nil || !strings.Contains(err.Error(), "layer 1 (") {
		t.Errorf("Walk on layers summing past MaxInt64: %v, want an error naming layer 1", err)
	}
}
