// Package analyze walks the layers of a container image once, streaming, and
// builds an Index of every tar entry; merge and metric functions derive the
// final filesystem view, hidden bytes and dive-compatible efficiency from it.
package analyze

import (
	"io/fs"
	"sort"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// EntryType is the kind of one tar entry.
type EntryType uint8

// Entry types. Whiteouts and opaque markers are kept as entries so that a
// layer's index is a faithful, self-contained record of its tar stream.
const (
	TypeFile     EntryType = iota // regular file
	TypeDir                       // directory
	TypeSymlink                   // symbolic link
	TypeHardlink                  // hard link to another entry of the same layer
	TypeOther                     // device, fifo and other special files
	TypeWhiteout                  // .wh.NAME: deletes Path from lower layers
	TypeOpaque                    // .wh..wh..opq: hides lower contents of directory Path
	TypeMeta                      // other .wh..wh.* AUFS bookkeeping entries
)

var typeNames = [...]string{"file", "dir", "symlink", "hardlink", "other", "whiteout", "opaque", "meta"}

// String returns the lower-case name of the type.
func (t EntryType) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "unknown"
}

// Status says whether an entry is visible in the final filesystem and, if
// not, why.
type Status uint8

// Entry statuses, set by the merge step.
const (
	Visible     Status = iota // present in the final filesystem
	Overwritten               // replaced by the same path in a later layer
	Deleted                   // removed by a whiteout or opaque directory in a later layer
	Shadowed                  // the same path appears again later in the same layer
	Marker                    // a whiteout, opaque or meta entry: never part of a filesystem
)

var statusNames = [...]string{"visible", "overwritten", "deleted", "shadowed", "marker"}

// String returns the lower-case name of the status.
func (s Status) String() string {
	if int(s) < len(statusNames) {
		return statusNames[s]
	}
	return "unknown"
}

// Change says how an entry relates to the filesystem below its layer.
type Change uint8

// Entry changes, set by the merge step.
const (
	Added    Change = iota // the path did not exist below this layer
	Modified               // the path existed below this layer and is replaced
	Removal                // a whiteout or opaque marker
)

// Entry is one tar entry of a layer. Paths are cleaned and absolute: nothing
// escapes "/". Contents are never kept; Hash identifies them.
type Entry struct {
	Path   string      // cleaned absolute path ("/usr/bin/gcc"); for whiteouts the deleted path, for opaque markers the directory
	Link   string      // symlink target as written, or the cleaned absolute hardlink target
	Size   int64       // size from the tar header (what dive counts)
	Hash   uint64      // xxhash64 of the contents of regular files
	Mode   fs.FileMode // permission and type bits
	UID    uint32      // owner user id
	GID    uint32      // owner group id
	Type   EntryType   // kind of entry
	Status Status      // set by Merge
	Change Change      // set by Merge
}

// Layer is the index of one layer, computed from that layer's bytes alone
// (plus its position in the history), so it can be cached by DiffID.
type Layer struct {
	Index          int               // position in the image, from 0
	Digest         v1.Hash           // digest of the stored (usually compressed) blob
	DiffID         v1.Hash           // digest of the uncompressed tar
	MediaType      string            // media type as reported by the source
	CompressedSize int64             // stored blob size in bytes
	TarSize        int64             // uncompressed tar stream length in bytes
	Size           int64             // sum of entry header sizes (dive's layer size)
	Entries        []Entry           // every tar entry, in tar order
	Captured       map[string][]byte // contents of files asked for by Options.Capture
	Oversized      []string          // paths asked for by Options.Capture but larger than their cap
	Prefixes       map[string][]byte // leading bytes of files asked for by Options.CapturePrefix
	History        v1.History        // the non-empty history entry that created the layer
	HasHistory     bool              // false when the config has fewer non-empty history entries than layers
}

// Index is everything the walk learned about an image.
type Index struct {
	Config  *v1.ConfigFile // image config (history, env, entrypoint, labels...)
	Layers  []Layer        // one per layer, bottom first
	History []v1.History   // full history including empty layers

	Stats    []LayerStats // per layer, parallel to Layers
	Final    []Ref        // the final filesystem, sorted by path
	Rewrites []Rewrite    // metadata-only rewrites, in layer order
	Dive     DiveMetrics  // dive's efficiency metrics, set by Walk (Dive computes them for an Index built otherwise)
}

// Lookup returns the entry visible at path in the final filesystem.
func (ix *Index) Lookup(path string) (Ref, bool) {
	i := sort.Search(len(ix.Final), func(i int) bool { return ix.entry(ix.Final[i]).Path >= path })
	if i < len(ix.Final) && ix.entry(ix.Final[i]).Path == path {
		return ix.Final[i], true
	}
	return Ref{}, false
}

// Captured returns the captured contents of the file visible at path in the
// final filesystem, and the layer that holds it.
func (ix *Index) Captured(path string) ([]byte, int, bool) {
	r, ok := ix.Lookup(path)
	if !ok {
		return nil, -1, false
	}
	b, ok := ix.Layers[r.Layer].Captured[path]
	return b, int(r.Layer), ok
}

// CapturedFiles returns every captured file visible in the final filesystem.
func (ix *Index) CapturedFiles() map[string][]byte {
	out := make(map[string][]byte)
	for li := range ix.Layers {
		for p, b := range ix.Layers[li].Captured {
			if r, ok := ix.Lookup(p); ok && int(r.Layer) == li {
				out[p] = b
			}
		}
	}
	return out
}
