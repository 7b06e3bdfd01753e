package gen

import (
	"github.com/slimcheck/slimcheck/internal/demo"

	"archive/tar"
	"errors"
	"io"
	"testing"
)

// BenchmarkWalkDemo reads every tar entry of every layer of the embedded demo
// image, the minimum any analysis of `slimcheck demo` has to do.
func BenchmarkWalkDemo(b *testing.B) {
	img, err := demo.Image()
	if err != nil {
		b.Fatal(err)
	}
	layers, err := img.Layers()
	if err != nil {
		b.Fatal(err)
	}
	var total int64
	for b.Loop() {
		total = 0
		for _, l := range layers {
			rc, err := l.Uncompressed()
			if err != nil {
				b.Fatal(err)
			}
			tr := tar.NewReader(rc)
			for {
				if _, err := tr.Next(); errors.Is(err, io.EOF) {
					break
				} else if err != nil {
					b.Fatal(err)
				}
				n, err := io.Copy(io.Discard, tr)
				if err != nil {
					b.Fatal(err)
				}
				total += n
			}
			rc.Close()
		}
	}
	b.SetBytes(total)
}
