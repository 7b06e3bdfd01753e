package analyze

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/slimcheck/slimcheck/internal/imagetest"
)

// benchImage stores each layer as precompressed gzip bytes, so the
// benchmark measures the walk, not ggcr compressing on every read.
func benchImage(b *testing.B, layers ...[]spec) (v1.Image, int64) {
	b.Helper()
	ls := make([]v1.Layer, len(layers))
	var tarBytes int64
	for i, es := range layers {
		raw := imagetest.TarBytes(b, es...)
		tarBytes += int64(len(raw))
		ls[i] = static.NewLayer(gzipBytes(b, raw), types.DockerLayer)
	}
	return imagetest.Image(b, v1.Config{}, nil, ls...), tarBytes
}

func BenchmarkWalk(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	smallFiles := func(layers, perLayer int) [][]spec {
		out := make([][]spec, layers)
		for li := range out {
			for d := range perLayer / 50 {
				dn := fmt.Sprintf("usr/share/pkg%d/d%d", li, d)
				out[li] = append(out[li], dir(dn))
				for f := range 49 {
					e := file(fmt.Sprintf("%s/file%d.txt", dn, f), int64(r.IntN(4096)))
					e.Fill = byte(r.IntN(256))
					out[li] = append(out[li], e)
				}
			}
		}
		return out
	}
	random := make([]byte, 64<<20)
	for i := range random {
		random[i] = byte(r.Uint32())
	}
	cases := []struct {
		name   string
		layers [][]spec
	}{
		{"many small files", smallFiles(4, 5000)},
		{"one big incompressible layer", [][]spec{{dir("data"), {Path: "data/blob.bin", Content: random}}}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			img, tarBytes := benchImage(b, c.layers...)
			files := 0
			for _, es := range c.layers {
				files += len(es)
			}
			// Memory kept per indexed entry: heap in use by a live Index.
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			ix, err := Walk(context.Background(), img, Options{})
			if err != nil {
				b.Fatalf("walking: %v", err)
			}
			runtime.GC()
			runtime.ReadMemStats(&after)
			perFile := float64(int64(after.HeapInuse)-int64(before.HeapInuse)) / float64(files)
			runtime.KeepAlive(ix)

			b.SetBytes(tarBytes)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := Walk(context.Background(), img, Options{}); err != nil {
					b.Fatalf("walking: %v", err)
				}
			}
			b.ReportMetric(perFile, "B/file")
		})
	}
}
