package analyze

import (
	"path"
	"strings"
	"testing"
)

// checkPath fails when p is not a cleaned absolute path inside the root.
func checkPath(t testing.TB, what, p string) {
	t.Helper()
	if !strings.HasPrefix(p, "/") || path.Clean(p) != p || strings.Contains(p+"/", "/../") {
		t.Errorf("%s %q is not a cleaned absolute path", what, p)
	}
}

// checkLayer asserts what one layer's index must satisfy on its own.
func checkLayer(t testing.TB, l *Layer) {
	t.Helper()
	if l.Size < 0 || l.TarSize < 0 || l.CompressedSize < 0 {
		t.Errorf("negative layer size: size %d, tar %d, compressed %d", l.Size, l.TarSize, l.CompressedSize)
	}
	var sum int64
	for _, e := range l.Entries {
		checkPath(t, "entry path", e.Path)
		if e.Type == TypeHardlink {
			checkPath(t, "hard link target", e.Link)
		}
		if e.Size < 0 {
			t.Errorf("%s: negative size %d", e.Path, e.Size)
		}
		marker := e.Type == TypeWhiteout || e.Type == TypeOpaque || e.Type == TypeMeta
		if marker != (e.Status == Marker) {
			t.Errorf("%s: type %s with status %s", e.Path, e.Type, e.Status)
		}
		sum += e.Size
	}
	if sum != l.Size {
		t.Errorf("layer size %d, entries sum to %d", l.Size, sum)
	}
	for p, b := range l.Captured {
		checkPath(t, "captured path", p)
		found := false
		for _, e := range l.Entries {
			if e.Path == p && e.Type == TypeFile && e.Size == int64(len(b)) {
				found = true
			}
		}
		if !found {
			t.Errorf("captured %s (%d bytes) matches no file entry of the layer", p, len(b))
		}
	}
}

// checkInvariants asserts what every merged Index must satisfy.
func checkInvariants(t testing.TB, ix *Index) {
	t.Helper()
	if len(ix.Stats) != len(ix.Layers) {
		t.Fatalf("%d stats for %d layers", len(ix.Stats), len(ix.Layers))
	}
	inFinal := make(map[Ref]bool, len(ix.Final))
	for i, r := range ix.Final {
		if i > 0 && ix.Entry(ix.Final[i-1]).Path >= ix.Entry(r).Path {
			t.Errorf("final view not sorted and unique at %d: %q then %q", i, ix.Entry(ix.Final[i-1]).Path, ix.Entry(r).Path)
		}
		if e := ix.Entry(r); e.Status != Visible {
			t.Errorf("final %s has status %s", e.Path, e.Status)
		}
		if got, ok := ix.Lookup(ix.Entry(r).Path); !ok || got != r {
			t.Errorf("Lookup(%q) = %v, %v; want %v", ix.Entry(r).Path, got, ok, r)
		}
		inFinal[r] = true
	}
	for li := range ix.Layers {
		l := &ix.Layers[li]
		checkLayer(t, l)
		st := ix.Stats[li]
		if st.Entries != len(l.Entries) {
			t.Errorf("layer %d: stats count %d entries, layer has %d", li, st.Entries, len(l.Entries))
		}
		if st.HiddenBytes < 0 || st.HiddenBytes > l.Size {
			t.Errorf("layer %d: hidden bytes %d outside [0, %d]", li, st.HiddenBytes, l.Size)
		}
		if st.BytesAdded < 0 || st.BytesModified < 0 || st.BytesRemoved < 0 || st.BytesAdded+st.BytesModified > l.Size {
			t.Errorf("layer %d: byte counts %+v inconsistent with size %d", li, st, l.Size)
		}
		for ei, e := range l.Entries {
			r := Ref{Layer: int32(li), Entry: int32(ei)}
			if (e.Status == Visible) != inFinal[r] {
				t.Errorf("layer %d %s: status %s, in final view %v", li, e.Path, e.Status, inFinal[r])
			}
		}
	}
	for _, rw := range ix.Rewrites {
		if rw.Lower >= rw.Layer || rw.Bytes <= 0 {
			t.Errorf("rewrite %+v: lower layer must be below, bytes positive", rw)
		}
	}
}
