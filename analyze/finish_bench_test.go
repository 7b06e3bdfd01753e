package analyze

import (
	"context"
	"os"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// BenchmarkFinish times what Walk does after reading the layers (interning
// the paths, the merge and dive's metrics beside it) on the docker-archive
// named by $BENCH_ARCHIVE:
//
//	BENCH_ARCHIVE=$PWD/bench-out/many.tar go test -run '^$' -bench Finish ./analyze/
func BenchmarkFinish(b *testing.B) {
	archive := os.Getenv("BENCH_ARCHIVE")
	if archive == "" {
		b.Skip("set BENCH_ARCHIVE to a docker-archive (make bench writes bench-out/many.tar)")
	}
	img, err := tarball.ImageFromPath(archive, nil)
	if err != nil {
		b.Fatal(err)
	}
	ix, err := Walk(context.Background(), img, Options{})
	if err != nil {
		b.Fatal(err)
	}
	for _, stage := range []struct {
		name string
		run  func(*Index)
	}{
		{"intern", func(ix *Index) { internIndex(ix) }},
		{"merge", merge},
		{"dive", func(ix *Index) { Dive(ix) }},
		{"finish", finish},
	} {
		b.Run(stage.name, func(b *testing.B) {
			for b.Loop() {
				for li := range ix.Layers {
					for ei := range ix.Layers[li].Entries {
						if e := &ix.Layers[li].Entries[ei]; e.Status != Marker {
							e.Status = Visible
						}
					}
				}
				stage.run(ix)
			}
		})
	}
}
