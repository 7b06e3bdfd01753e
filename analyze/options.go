package analyze

import (
	"fmt"
	"runtime"
)

// Options tunes Walk.
type Options struct {
	// Concurrency bounds how many layers are decompressed at once; 0 means GOMAXPROCS.
	Concurrency int
	// Capture, when set, is asked for every regular file; when it answers ok the
	// file's contents are kept in memory if they fit in limit bytes. Its
	// answer must depend on the path alone: a later copy of a path in the
	// same layer then replaces what an earlier one kept.
	Capture func(path string) (limit int64, ok bool)
	// CapturePrefix, when set, is asked for every regular file that Capture
	// does not keep whole; when it answers ok the first n bytes are kept
	// (whatever the file's size), for readers of headers such as ELF's. Like
	// Capture, it must answer from the path alone.
	CapturePrefix func(path string) (n int64, ok bool)
	// CondensePrefix, when set, is given each prefix CapturePrefix asked for
	// and returns the part of it to keep (a leading sub-slice: say, only the
	// headers a later reader looks at); the walk keeps a copy of that part.
	CondensePrefix func(path string, prefix []byte) []byte
	// MaxUncompressed refuses images whose layers expand to more than this many
	// tar bytes in total (a gzip-bomb guard); 0 means no limit.
	MaxUncompressed int64
	// StoredUncompressed says layers are best read through Uncompressed and
	// their compressed digests are costly (docker archives: see
	// source.Info.ReadUncompressed). The walk then never asks for a layer's
	// digest and reports its diff ID instead; the stored size comes from an
	// optional StoredSize() int64 method, else it is the tar size.
	// Uncompressed must then return a plain tar stream, buffered: the walk
	// reads it as it is, without sniffing it for compression again.
	StoredUncompressed bool
	// NoHash skips hashing file contents (metadata-only rewrites then go undetected).
	NoHash bool
	// ReleaseMemory collects the read's garbage (runtime.GC) before the
	// merge builds its path table, so the table can take the pages the read
	// freed rather than the heap growing by all of it. The pages stay with
	// the process, where reusing them costs nothing; handing them to the
	// operating system (debug.FreeOSMemory) meant faulting them in again at
	// once, which cost more than the memory saved. It takes a few
	// milliseconds and waits for a full collection: for commands, not for
	// servers walking images side by side.
	ReleaseMemory bool
	// Progress, when set, is called as layers are read. It is called from the
	// walking goroutines and must be safe for concurrent use.
	Progress func(Progress)
}

// Progress is a snapshot of a walk in flight.
type Progress struct {
	Layers     int   // layers in the image
	LayersDone int   // layers fully indexed
	BytesRead  int64 // stored (compressed) bytes read so far
	BytesTotal int64 // stored bytes of all layers, when known (else 0)
}

// DefaultOptions returns the options Walk uses when given a zero Options.
func DefaultOptions() Options {
	return Options{Concurrency: runtime.GOMAXPROCS(0)}
}

// Validate reports options that cannot work.
func (o Options) Validate() error {
	if o.Concurrency < 0 {
		return fmt.Errorf("concurrency must not be negative, got %d", o.Concurrency)
	}
	if o.MaxUncompressed < 0 {
		return fmt.Errorf("max uncompressed size must not be negative, got %d", o.MaxUncompressed)
	}
	return nil
}
