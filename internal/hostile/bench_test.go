package hostile

import (
	"archive/tar"
	"context"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/slimcheck/slimcheck/analyze"
	"github.com/slimcheck/slimcheck/internal/imagetest"
)

// millionFiles is the number of files of BenchmarkMillionFiles.
const millionFiles = 1_000_000

// manyFilesLayer is an uncompressed layer of n empty files, generated as
// it is read, so that the benchmark's memory is the index's alone. Names
// look like a distribution's: /usr/share/doc/pkgNNNN/fileNNNN.txt, 1000
// files per directory.
type manyFilesLayer struct{ n int }

func (l manyFilesLayer) Digest() (v1.Hash, error) {
	return v1.NewHash("sha256:" + strings.Repeat("5e", 32))
}
func (l manyFilesLayer) DiffID() (v1.Hash, error)             { return l.Digest() }
func (l manyFilesLayer) Size() (int64, error)                 { return int64(l.n) * 512, nil }
func (l manyFilesLayer) MediaType() (types.MediaType, error)  { return types.OCIUncompressedLayer, nil }
func (l manyFilesLayer) Uncompressed() (io.ReadCloser, error) { return l.Compressed() }
func (l manyFilesLayer) Compressed() (io.ReadCloser, error) {
	pr, pw := io.Pipe()
	go func() {
		tw := tar.NewWriter(pw)
		for i := range l.n {
			if i%1000 == 0 {
				if err := tw.WriteHeader(&tar.Header{Name: fmt.Sprintf("usr/share/doc/pkg%04d/", i/1000), Typeflag: tar.TypeDir, Mode: 0o755}); err != nil {
					pw.CloseWithError(err)
					return
				}
			}
			if err := tw.WriteHeader(&tar.Header{Name: fmt.Sprintf("usr/share/doc/pkg%04d/file%04d.txt", i/1000, i%1000), Typeflag: tar.TypeReg, Mode: 0o644}); err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		pw.CloseWithError(tw.Close())
	}()
	return pr, nil
}

// BenchmarkMillionFiles walks an image of a million tiny files and reports
// the memory the resulting Index keeps per indexed file (heap in use after
// a forced GC, with the Index alive, minus the heap before the walk).
// Target: under 200 B/file.
func BenchmarkMillionFiles(b *testing.B) {
	img := imagetest.Image(b, v1.Config{}, nil, manyFilesLayer{n: millionFiles})
	b.ReportAllocs()
	var perFile float64
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		ix, err := analyze.Walk(context.Background(), img, analyze.Options{})
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		entries := 0
		for _, l := range ix.Layers {
			entries += len(l.Entries)
		}
		if entries != millionFiles+millionFiles/1000 {
			b.Fatalf("indexed %d entries, want %d", entries, millionFiles+millionFiles/1000)
		}
		perFile = float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / float64(entries)
		runtime.KeepAlive(ix)
	}
	b.ReportMetric(perFile, "B/file")
}
