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
//
// The walk asks this for every file: each predicate it combines turns a
// path down after a look at its base name, allocating nothing.
func CapturePath(path string) (limit int64, ok bool) {
	if l, yes := pkgdb.CapturePath(path); yes {
		limit, ok = max(limit, l), true
	}
	if l, yes := deps.CapturePath(path); yes {
		limit, ok = max(limit, l), true
	}
	if l, yes := ecosystem.CapturePath(path); yes {
		limit, ok = max(limit, l), true
	}
	return limit, ok
}

// CapturePrefix is the walk's prefix predicate (analyze.Options.CapturePrefix):
// the leading bytes of native addons and of files that could be the
// entrypoint or a runtime binary, for their ELF headers, and of Yarn
// Plug'n'Play maps too large to capture whole (deps.CapturePrefix). The walk
// asks only about files it does not capture whole.
func CapturePrefix(path string) (n int64, ok bool) {
	n, ok = ecosystem.CapturePrefix(path)
	if d, yes := deps.CapturePrefix(path); yes {
		n, ok = max(n, d), true
	}
	return n, ok
}

// CondensePrefix is the walk's prefix condenser (analyze.Options.CondensePrefix):
// it keeps of each captured prefix only what detection reads, and the whole
// prefix of a Plug'n'Play map.
func CondensePrefix(path string, prefix []byte) []byte {
	if _, ok := deps.CapturePrefix(path); ok {
		return prefix
	}
	return ecosystem.CondensePrefix(path, prefix)
}
