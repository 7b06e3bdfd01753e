package analyze

import (
	"path"
	"unsafe"
)

// arenaChunk is the size of the blocks a pathArena carves strings from.
const arenaChunk = 32 << 10

// pathArena keeps the cleaned paths of one layer's entries in large
// pointer-free blocks rather than one allocation each: less memory (no size
// class rounding, no per-object header) and less for the collector to track.
// Bytes are only ever appended to fresh capacity, never changed, so the
// strings handed out stay immutable.
type pathArena struct{ buf []byte }

// cleanPath is CleanPath(name), its bytes in the arena when name is clean
// already (as tar writers write names), else on the heap. name may be
// reused once it returns.
func (a *pathArena) cleanPath(name []byte) string {
	n := len(name) + 1
	if n > arenaChunk/8 {
		return CleanPath(string(name)) // long names: their own allocation
	}
	if cap(a.buf)-len(a.buf) < n {
		a.buf = make([]byte, 0, arenaChunk)
	}
	start := len(a.buf)
	a.buf = append(append(a.buf, '/'), name...)
	s := unsafe.String(&a.buf[start], n)
	// path.Clean returns s itself, or a prefix of it (a trailing slash cut),
	// when nothing else needs cleaning; otherwise a new string.
	return path.Clean(s)
}
