package analyze

import (
	"bytes"
	"context"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/slimcheck/slimcheck/internal/imagetest"
)

// FuzzReadLayer feeds arbitrary bytes to the layer reader, through the same
// compression sniffing Walk uses. It must never panic, and must return an
// error or a self-consistent layer that merges cleanly.
func FuzzReadLayer(f *testing.F) {
	seeds := [][]spec{
		compressionSpec,
		{dir("etc"), text("etc/os-release", "ID=x\n"), wh("etc/old"), opq("etc"), hardlink("etc/h", "etc/os-release")},
		{file("../../etc/passwd", 3), file("d/.wh..", 1), file(".wh..wh.plnk/1", 2), symlink("s", "/x"), dir("./"), file("a//b", 1)},
		{},
	}
	for _, s := range seeds {
		raw := imagetest.TarBytes(f, s...)
		f.Add(raw)
		f.Add(raw[:len(raw)/2])
		f.Add(gzipBytes(f, raw))
		f.Add(zstdBytes(f, raw))
	}
	f.Add([]byte{})
	f.Add(gzipMagic)
	f.Add(zstdMagic)
	opts := Options{
		MaxUncompressed: 64 << 20,
		Capture:         func(p string) (int64, bool) { return 256, strings.HasPrefix(p, "/etc/") },
		CapturePrefix:   func(p string) (int64, bool) { return 8, true },
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rc, err := decompress(bytes.NewReader(data))
		if err != nil {
			return
		}
		defer rc.Close()
		l, err := ReadLayer(context.Background(), rc, opts)
		if err != nil {
			return
		}
		checkLayer(t, &l)
		for p, b := range l.Prefixes {
			checkPath(t, "prefix path", p)
			if len(b) > 8 {
				t.Errorf("prefix of %s has %d bytes, want at most 8", p, len(b))
			}
		}
		l2 := l
		l2.Entries = slices.Clone(l.Entries)
		ix := &Index{Layers: []Layer{l, l2}}
		merge(ix)
		checkInvariants(t, ix)
		Dive(ix)
	})
}

// fuzzPaths are the paths FuzzMerge's op language can name; they overlap
// so that files, dirs, whiteouts and opaque markers collide.
var fuzzPaths = []string{"/a", "/a/b", "/a/b/c", "/a/x", "/a-b", "/d", "/d/e", "/d/e/f", "/z", "/"}

// layersFromOps decodes FuzzMerge's op language: each op is three bytes
// (op, path, size); op 0 starts a new layer.
func layersFromOps(ops []byte) [][]Entry {
	layers := [][]Entry{nil}
	for i := 0; i+2 < len(ops); i += 3 {
		p := fuzzPaths[int(ops[i+1])%len(fuzzPaths)]
		size := int64(ops[i+2]) * 37
		cur := &layers[len(layers)-1]
		if p == "/" && ops[i]%8 != 0 && ops[i]%8 != 4 {
			continue // only an opaque marker may name the root
		}
		marker := func(t EntryType, path string) Entry {
			return Entry{Path: path, Type: t, Status: Marker, Change: Removal}
		}
		switch ops[i] % 8 {
		case 0:
			layers = append(layers, nil)
		case 1:
			*cur = append(*cur, Entry{Path: p, Type: TypeFile, Size: size, Hash: uint64(ops[i+2]) + 1})
		case 2:
			*cur = append(*cur, Entry{Path: p, Type: TypeDir})
		case 3:
			*cur = append(*cur, marker(TypeWhiteout, p))
		case 4:
			*cur = append(*cur, marker(TypeOpaque, p))
		case 5:
			target := fuzzPaths[int(ops[i+2])%(len(fuzzPaths)-1)]
			*cur = append(*cur, Entry{Path: p, Type: TypeHardlink, Link: target})
		case 6:
			*cur = append(*cur, Entry{Path: p, Type: TypeSymlink, Link: "x"})
		case 7:
			*cur = append(*cur, marker(TypeMeta, p+"/.wh..wh.aufs"))
		}
	}
	return layers
}

// modelFinal applies layers to a flat map, the naive way an OCI unpacker
// does, and returns the final paths with the layer that provides each.
func modelFinal(layers [][]Entry) []string {
	fs := map[string]int{}
	drop := func(p string, self bool) {
		for q := range fs {
			if (self && q == p) || isUnder(q, p) {
				delete(fs, q)
			}
		}
	}
	for li, es := range layers {
		for _, e := range es {
			switch e.Type {
			case TypeWhiteout:
				drop(e.Path, true)
			case TypeOpaque:
				drop(e.Path, false)
			}
		}
		for _, e := range es {
			if e.Status == Marker {
				continue
			}
			for d := parentOf(e.Path); d != "/"; d = parentOf(d) {
				if l, ok := fs[d]; ok && entryType(layers, l, d) != TypeDir {
					delete(fs, d) // a non-directory on the way down becomes an implied dir
				}
			}
			if e.Type != TypeDir {
				drop(e.Path, false)
			}
			fs[e.Path] = li
		}
	}
	var out []string
	for p := range fs {
		out = append(out, p)
	}
	sort.Strings(out)
	for i, p := range out {
		out[i] = p + "@" + strconv.Itoa(fs[p])
	}
	return out
}

func parentOf(p string) string {
	i := strings.LastIndexByte(p, '/')
	if i <= 0 {
		return "/"
	}
	return p[:i]
}

// entryType returns the type of the last non-marker entry at p in layer li.
func entryType(layers [][]Entry, li int, p string) EntryType {
	t := TypeOther
	for _, e := range layers[li] {
		if e.Path == p && e.Status != Marker {
			t = e.Type
		}
	}
	return t
}

// FuzzMerge builds layers from a small op language and checks the merge
// against its invariants, against a naive flat-map model of OCI layer
// application, and, with dive's metrics, against the code they replaced.
func FuzzMerge(f *testing.F) {
	f.Add([]byte{1, 0, 10, 1, 1, 20, 0, 0, 0, 3, 0, 0})          // file, nested file, whiteout of the dir
	f.Add([]byte{2, 5, 0, 1, 6, 5, 0, 0, 0, 4, 5, 0, 1, 6, 9})   // opaque dir and re-add
	f.Add([]byte{1, 2, 10, 5, 3, 2, 0, 0, 0, 3, 2, 0})           // hard link to a deleted file
	f.Add([]byte{1, 0, 10, 1, 0, 20, 1, 1, 5, 0, 0, 0, 2, 0, 0}) // same path twice, file to dir
	f.Add([]byte{1, 0, 1, 0, 0, 0, 4, 9, 0, 1, 8, 3, 7, 1, 0})   // opaque root, meta
	f.Add([]byte{6, 6, 0, 1, 7, 1, 0, 0, 0, 1, 6, 2, 2, 6, 0})   // symlink, implied parents
	f.Fuzz(func(t *testing.T, ops []byte) {
		layers := layersFromOps(ops)
		ix := indexOf(layers)
		merge(ix)
		checkInvariants(t, ix)
		if got, want := finalPaths(ix), modelFinal(layers); !slices.Equal(got, want) {
			t.Errorf("final view %q, model %q", got, want)
		}
		var written, removed int
		for _, st := range ix.Stats {
			written += st.FilesAdded + st.FilesModified
			removed += st.FilesRemoved
		}
		if removed > written {
			t.Errorf("%d files removed but only %d ever written", removed, written)
		}
		m := Dive(ix)
		if m.SizeBytes < 0 || m.WastedBytes < 0 || m.WastedBytes > 0 && len(m.Inefficient) == 0 {
			t.Errorf("dive metrics inconsistent: %+v", m)
		}
		checkMatchesOracle(t, layers)
	})
}
