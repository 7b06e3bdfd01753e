package analyze

import (
	"context"
	"fmt"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/slimcheck/slimcheck/internal/imagetest"
)

// spec is one tar entry of a generated layer.
type spec = imagetest.Entry

var (
	file     = imagetest.File
	text     = imagetest.Text
	dir      = imagetest.Dir
	wh       = imagetest.Whiteout
	opq      = imagetest.Opaque
	hardlink = imagetest.Hardlink
	symlink  = imagetest.Symlink
)

// withOwner returns a copy of e with the given mode and owner.
func withOwner(e spec, mode int64, uid, gid int) spec {
	e.Mode, e.UID, e.GID = mode, uid, gid
	return e
}

// testImage builds a gzip-layered image from layer specs, one history
// entry per layer ("step N").
func testImage(tb testing.TB, layers ...[]spec) v1.Image {
	tb.Helper()
	ls := make([]v1.Layer, len(layers))
	created := make([]string, len(layers))
	for i, es := range layers {
		ls[i] = imagetest.Layer(tb, es...)
		created[i] = fmt.Sprintf("step %d", i)
	}
	return imagetest.Image(tb, v1.Config{}, created, ls...)
}

// walkSpec walks a generated image and fails the test on error.
func walkSpec(tb testing.TB, opts Options, layers ...[]spec) *Index {
	tb.Helper()
	ix, err := Walk(context.Background(), testImage(tb, layers...), opts)
	if err != nil {
		tb.Fatalf("walking image: %v", err)
	}
	return ix
}

var changeNames = [...]string{"added", "modified", "removal"}

// dumpEntries renders every entry as "layer path type status change".
func dumpEntries(ix *Index) []string {
	var out []string
	for li, l := range ix.Layers {
		for _, e := range l.Entries {
			out = append(out, fmt.Sprintf("%d %s %s %s %s", li, e.Path, e.Type, e.Status, changeNames[e.Change]))
		}
	}
	return out
}

// finalPaths lists the final view as "path@layer".
func finalPaths(ix *Index) []string {
	var out []string
	for _, r := range ix.Final {
		out = append(out, fmt.Sprintf("%s@%d", ix.Entry(r).Path, r.Layer))
	}
	return out
}

// merge stacks the layers of ix without dive's metrics (see mergeNodes),
// for tests that check the merge alone.
func merge(ix *Index) {
	t, nodes := internIndex(ix)
	mergeNodes(ix, t, nodes)
}

// lookup returns the node of key, or -1 if it was never interned: the
// trie's invariants in FuzzMergeAndDiveOracle.
func (t *pathTrie) lookup(key string) int32 {
	n := int32(0)
	for i, more := 0, key != ""; more; {
		end := len(key)
		if k := strings.IndexByte(key[i:], '/'); k >= 0 {
			end = i + k
		} else {
			more = false
		}
		if n = t.childNamed(n, key[i:end]); n < 0 {
			return -1
		}
		i = end + 1
	}
	return n
}
