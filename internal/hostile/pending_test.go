//go:build hostile_pending

// Cases that fail today because of bugs outside this package's owners'
// reach; each names the package that must change. Run them with
//
//	go test -tags hostile_pending -run TestPending ./internal/hostile/
//
// and move a case into hostileCases (hostile_test.go) once it passes.
package hostile

import (
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/slimcheck/slimcheck/internal/imagetest"
)

func pendingCases() []imageCase {
	return []imageCase{
		{
			// BUG (analyze/dive.go and analyze/summary): cost is quadratic
			// in path depth. dnode.visit builds the full path string of
			// every node and stack() re-splits it; summary keys a map by
			// every ancestor directory. A 200 kB PAX name of 100k
			// components (tar allows 1 MiB) makes the run take minutes and
			// gigabytes.
			name: "one path of 100k components",
			build: func(t *testing.T) (string, []string) {
				deep := strings.Repeat("d/", 100_000) + "f"
				return archive(t, image(t, v1.Config{}, imagetest.Layer(t, imagetest.File(deep, 1)))), nil
			},
			time: 10 * time.Second,
			rss:  512 * mib,
		},
	}
}

// TestPendingHostileImages runs the pending image cases like
// TestHostileImages does.
func TestPendingHostileImages(t *testing.T) {
	for _, c := range pendingCases() {
		t.Run(c.name, func(t *testing.T) {
			ref, names := c.build(t)
			runCase(t, c, ref, names)
		})
	}
}
