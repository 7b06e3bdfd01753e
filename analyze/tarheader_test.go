package analyze

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
)

// rawTar writes entries by hand, so that PAX records archive/tar's writer
// refuses (GNU.sparse.*) can be put in front of a file: each entry is its
// records (may be nil), name, type flag and data.
func rawTar(t *testing.T, entries ...rawEntry) []byte {
	t.Helper()
	var out bytes.Buffer
	block := func(name string, flag byte, size int) {
		var b [512]byte
		copy(b[0:], name)
		copy(b[100:], "0000644\x00")
		copy(b[108:], "0000000\x00")
		copy(b[116:], "0000000\x00")
		copy(b[124:], fmt.Sprintf("%011o\x00", size))
		copy(b[136:], "00000000000\x00")
		b[156] = flag
		copy(b[257:], "ustar\x0000")
		copy(b[148:], "        ")
		sum := 0
		for _, c := range b {
			sum += int(c)
		}
		copy(b[148:], fmt.Sprintf("%06o\x00 ", sum))
		out.Write(b[:])
	}
	data := func(d []byte) {
		out.Write(d)
		out.Write(make([]byte, (512-len(d)%512)%512))
	}
	for _, e := range entries {
		if len(e.records) > 0 {
			var recs bytes.Buffer
			for i := 0; i+1 < len(e.records); i += 2 {
				rec := " " + e.records[i] + "=" + e.records[i+1] + "\n"
				n := len(rec) + 1
				for n != len(rec)+len(fmt.Sprint(n)) {
					n = len(rec) + len(fmt.Sprint(n))
				}
				fmt.Fprintf(&recs, "%d%s", n, rec)
			}
			block("PaxHeaders/"+e.name, tar.TypeXHeader, recs.Len())
			data(recs.Bytes())
		}
		block(e.name, e.flag, len(e.data))
		data(e.data)
	}
	out.Write(make([]byte, 1024))
	return out.Bytes()
}

type rawEntry struct {
	records []string
	name    string
	flag    byte
	data    []byte
}

// TestSparseRecords checks that only a sparse file archive/tar knows as
// one is indexed without reading its data: a GNU.sparse record of no known
// version in front of a file must not hide its contents (captured, hashed)
// from attribution, and a real sparse file declaring a 1 TiB hole is
// indexed at its declared size without the hole being expanded.
func TestSparseRecords(t *testing.T) {
	osRelease := []byte("ID=alpine\nVERSION_ID=3.20.0\n")
	layer := rawTar(t,
		rawEntry{records: []string{"GNU.sparse.x", "1"}, name: "etc/os-release", flag: tar.TypeReg, data: osRelease},
		rawEntry{records: []string{"GNU.sparse.major", "0", "GNU.sparse.minor", "1", "GNU.sparse.numblocks", "1",
			"GNU.sparse.map", "0,4", "GNU.sparse.size", "1099511627776"}, name: "var/big", flag: tar.TypeReg, data: []byte("data")},
		rawEntry{name: "etc/hostname", flag: tar.TypeReg, data: []byte("box\n")},
	)
	l, err := ReadLayer(context.Background(), bytes.NewReader(layer), Options{
		Capture: func(p string) (int64, bool) { return 1 << 10, p == "/etc/os-release" },
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := string(l.Captured["/etc/os-release"]); got != string(osRelease) {
		t.Errorf("os-release captured as %q, want %q", got, osRelease)
	}
	byPath := map[string]Entry{}
	for _, e := range l.Entries {
		byPath[e.Path] = e
	}
	if e := byPath["/etc/os-release"]; e.Hash == 0 || e.Size != int64(len(osRelease)) {
		t.Errorf("os-release indexed as %+v", e)
	}
	if e := byPath["/var/big"]; e.Size != 1<<40 || e.Hash != 0 || e.Type != TypeFile {
		t.Errorf("sparse file indexed as %+v", e)
	}
	if e, ok := byPath["/etc/hostname"]; !ok || e.Hash == 0 {
		t.Errorf("the file after the sparse one: %+v, %v", e, ok)
	}
}

// TestNegativeSizeRefused checks that a directory header with a negative
// size (base-256; archive/tar allows it on header-only types) is refused
// with an error naming the path, rather than summed into the layer's size.
func TestNegativeSizeRefused(t *testing.T) {
	layer := rawTar(t, rawEntry{name: "etc/", flag: tar.TypeDir}, rawEntry{name: "etc/x", flag: tar.TypeReg, data: []byte("x")})
	b := layer[:512]
	for i := 124; i < 136; i++ {
		b[i] = 0xff // -1 in base-256
	}
	copy(b[148:156], "        ")
	sum := 0
	for _, c := range b {
		sum += int(c)
	}
	copy(b[148:], fmt.Sprintf("%06o\x00 ", sum))
	_, err := ReadLayer(context.Background(), bytes.NewReader(layer), Options{})
	if err == nil || !strings.Contains(err.Error(), "/etc: negative size -1") {
		t.Fatalf("ReadLayer = %v, want a negative size error naming /etc", err)
	}
}
