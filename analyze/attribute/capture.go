package attribute

import (
	"github.com/slimcheck/slimcheck/analyze/deps"
	"github.com/slimcheck/slimcheck/analyze/ecosystem"
	"github.com/slimcheck/slimcheck/analyze/pkgdb"
)

// CapturePath is the walk's capture predicate (analyze.Options.Capture):
// the package databases pkgdb reads, the manifests and lockfiles deps
// reads, and the small files ecosystem detection reads. The limit is the
// largest any of them asks for.
func CapturePath(path string) (limit int64, ok bool) {
	for _, c := range [...]func(string) (int64, bool){pkgdb.CapturePath, deps.CapturePath, ecosystem.CapturePath} {
		if l, yes := c(path); yes {
			ok = true
			limit = max(limit, l)
		}
	}
	return limit, ok
}

// CapturePrefix is the walk's prefix predicate (analyze.Options.CapturePrefix):
// the leading bytes of native addons and of files that could be the
// entrypoint or a runtime binary, for their ELF headers.
func CapturePrefix(path string) (n int64, ok bool) {
	return ecosystem.CapturePrefix(path)
}
