package analyze

import (
	"bytes"
	"context"
	"io"
	"runtime"
	"slices"
	"testing"

	"github.com/google/go-containerregistry/pkg/compression"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"github.com/slimcheck/slimcheck/internal/imagetest"
)

// compressionSpec is the layer every compression case stores.
var compressionSpec = []spec{
	dir("usr"), dir("usr/bin"), file("usr/bin/tool", 300000), text("usr/bin/script", "#!/bin/sh\necho hi\n"),
	symlink("usr/bin/t", "tool"), hardlink("usr/bin/tool2", "usr/bin/tool"), wh("usr/old"), opq("usr/bin"),
}

func gzipBytes(tb testing.TB, raw []byte) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(raw); err != nil {
		tb.Fatalf("gzipping: %v", err)
	}
	if err := zw.Close(); err != nil {
		tb.Fatalf("gzipping: %v", err)
	}
	return buf.Bytes()
}

func zstdBytes(tb testing.TB, raw []byte) []byte {
	tb.Helper()
	zw, err := zstd.NewWriter(nil)
	if err != nil {
		tb.Fatalf("creating zstd writer: %v", err)
	}
	defer zw.Close()
	return zw.EncodeAll(raw, nil)
}

func TestCompressions(t *testing.T) {
	raw := imagetest.TarBytes(t, compressionSpec...)
	opener := func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(raw)), nil }
	zstdLayer, err := tarball.LayerFromOpener(opener, tarball.WithCompression(compression.ZStd), tarball.WithMediaType(types.OCILayerZStd))
	if err != nil {
		t.Fatalf("building zstd layer: %v", err)
	}
	if head := firstBytes(t, zstdLayer, 4); !bytes.Equal(head, zstdMagic) {
		t.Fatalf("zstd layer starts with %x, not the zstd magic", head)
	}
	cases := []struct {
		name  string
		layer v1.Layer
	}{
		{"gzip", imagetest.Layer(t, compressionSpec...)},
		{"zstd", zstdLayer},
		{"uncompressed", static.NewLayer(raw, types.OCIUncompressedLayer)},
		// Media types are not trusted: the bytes decide.
		{"gzip labelled uncompressed", static.NewLayer(gzipBytes(t, raw), types.OCIUncompressedLayer)},
		{"zstd labelled gzip", static.NewLayer(zstdBytes(t, raw), types.DockerLayer)},
		{"uncompressed labelled zstd", static.NewLayer(raw, types.OCILayerZStd)},
	}
	var want []string
	var wantHashes []uint64
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			img := imagetest.Image(t, v1.Config{}, nil, c.layer)
			ix, err := Walk(context.Background(), img, Options{})
			if err != nil {
				t.Fatalf("walking: %v", err)
			}
			checkInvariants(t, ix)
			l := ix.Layers[0]
			if l.TarSize != int64(len(raw)) {
				t.Errorf("tar size %d, want %d", l.TarSize, len(raw))
			}
			digest, _ := c.layer.Digest()
			size, _ := c.layer.Size()
			if l.Digest != digest || l.CompressedSize != size {
				t.Errorf("digest %s size %d, want %s %d", l.Digest, l.CompressedSize, digest, size)
			}
			var hashes []uint64
			for _, e := range l.Entries {
				hashes = append(hashes, e.Hash)
			}
			got := dumpEntries(ix)
			if want == nil {
				want, wantHashes = got, hashes
				if len(want) != len(compressionSpec) {
					t.Fatalf("%d entries, want %d", len(want), len(compressionSpec))
				}
				return
			}
			if !slices.Equal(got, want) || !slices.Equal(hashes, wantHashes) {
				t.Errorf("entries differ from the gzip layer:\n got %q %x\nwant %q %x", got, hashes, want, wantHashes)
			}
		})
	}
}

// TestStoredUncompressed reads layers through Uncompressed, as for an
// uncompressed docker-archive, and names them by diff id.
func TestStoredUncompressed(t *testing.T) {
	img := testImage(t, compressionSpec, []spec{file("usr/bin/tool", 10)})
	a, err := Walk(context.Background(), img, Options{})
	if err != nil {
		t.Fatalf("walking: %v", err)
	}
	b, err := Walk(context.Background(), img, Options{StoredUncompressed: true})
	if err != nil {
		t.Fatalf("walking uncompressed: %v", err)
	}
	if !slices.Equal(dumpEntries(a), dumpEntries(b)) {
		t.Errorf("entries differ:\n%q\n%q", dumpEntries(a), dumpEntries(b))
	}
	for i, l := range b.Layers {
		if l.Digest != l.DiffID || l.DiffID != a.Layers[i].DiffID || l.CompressedSize != l.TarSize {
			t.Errorf("layer %d: digest %s diff id %s stored %d tar %d", i, l.Digest, l.DiffID, l.CompressedSize, l.TarSize)
		}
	}
}

// firstBytes returns the first n stored bytes of l.
func firstBytes(tb testing.TB, l v1.Layer, n int) []byte {
	tb.Helper()
	rc, err := l.Compressed()
	if err != nil {
		tb.Fatalf("opening layer: %v", err)
	}
	defer rc.Close()
	b := make([]byte, n)
	if _, err := io.ReadFull(rc, b); err != nil {
		tb.Fatalf("reading layer: %v", err)
	}
	return b
}

// TestZstdWindowLimit feeds a 30-byte zstd layer whose frame header
// declares 256 MiB of content in a single segment: the decoder would
// allocate that window up front. It must be refused without the allocation.
func TestZstdWindowLimit(t *testing.T) {
	frame := []byte{0x28, 0xb5, 0x2f, 0xfd, 0xa0, 0, 0, 0, 0x10} // single segment, 4-byte content size 0x10000000
	frame = append(frame, 10<<3|1, 0, 0)                         // last block, raw, 10 bytes
	frame = append(frame, make([]byte, 10)...)
	img := imagetest.Image(t, v1.Config{}, nil, static.NewLayer(frame, types.OCILayerZStd))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := Walk(context.Background(), img, Options{})
	runtime.ReadMemStats(&after)
	if err == nil {
		t.Fatal("Walk accepted a frame declaring 256 MiB that holds 10 bytes")
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 32<<20 {
		t.Errorf("allocated %d MiB for a %d-byte layer", alloc>>20, len(frame))
	}
	t.Logf("refused: %v", err)
}
