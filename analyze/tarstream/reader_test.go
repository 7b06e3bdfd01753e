package tarstream

import (
	"archive/tar"
	"bytes"
	"compress/bzip2"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

// maxCompared bounds the data compared per entry: sparse entries in Go's
// suite (and in fuzzed input) expand to gigabytes of holes.
const maxCompared = 1 << 20

// differ reads data with archive/tar and with Reader side by side and
// describes the first difference: headers, data (read in chunks of the
// given size, some entries only in part) and errors must all agree.
func differ(data []byte, chunk int, half bool) string {
	wrap := func() io.Reader {
		var r io.Reader = struct{ io.Reader }{bytes.NewReader(data)} // no Seek, as a decompressed layer
		if half {
			r = iotest.HalfReader(r)
		}
		return r
	}
	want, got := tar.NewReader(wrap()), NewReader(wrap())
	bw, bg := make([]byte, chunk), make([]byte, chunk)
	for i := 0; ; i++ {
		hw, ew := want.Next()
		hg, eg := got.Next()
		if ew != nil || eg != nil {
			if !sameErr(ew, eg) {
				return fmt.Sprintf("entry %d: Next error %v, archive/tar %v", i, eg, ew)
			}
			return ""
		}
		if d := headerDiff(hw, hg); d != "" {
			return fmt.Sprintf("entry %d (%q): %s", i, hw.Name, d)
		}
		// Read every third entry only in part, and skip every fifth: Next
		// must skip what is left either way.
		limit := int64(maxCompared)
		switch {
		case i%5 == 4:
			continue
		case i%3 == 2:
			limit = int64(chunk) / 2
		}
		var read int64
		for read < limit {
			n := int(min(int64(chunk), limit-read))
			nw, ew := io.ReadFull(want, bw[:n])
			ng, eg := io.ReadFull(got, bg[:n])
			if nw != ng || !bytes.Equal(bw[:nw], bg[:ng]) {
				return fmt.Sprintf("entry %d (%q): data differs at %d (read %d, archive/tar %d)", i, hw.Name, read, ng, nw)
			}
			read += int64(nw)
			if ew != nil || eg != nil {
				if !sameErr(ew, eg) {
					return fmt.Sprintf("entry %d (%q): Read error %v, archive/tar %v", i, hw.Name, eg, ew)
				}
				break
			}
		}
	}
}

func sameErr(a, b error) bool {
	return a == b || (a != nil && b != nil && a.Error() == b.Error())
}

func headerDiff(w *tar.Header, g *Header) string {
	var d []string
	add := func(field string, got, want any) {
		if got != want {
			d = append(d, fmt.Sprintf("%s %v, archive/tar %v", field, got, want))
		}
	}
	// archive/tar applies a global header's records in map order and
	// ignores their errors, so its Name is random when one does not parse.
	if w.Typeflag != tar.TypeXGlobalHeader {
		add("Name", string(g.Name), w.Name)
	}
	add("Linkname", string(g.Linkname), w.Linkname)
	add("Size", g.Size, w.Size)
	add("Mode", g.Mode, w.Mode)
	add("Uid", g.Uid, w.Uid)
	add("Gid", g.Gid, w.Gid)
	add("Typeflag", g.Typeflag, w.Typeflag)
	add("FileMode", g.FileMode(), w.FileInfo().Mode())
	add("Sparse", g.Sparse, isSparse(w))
	return strings.Join(d, "; ")
}

// checkSame runs differ with several chunk sizes and short reads.
func checkSame(t *testing.T, name string, data []byte) {
	t.Helper()
	for _, c := range []struct {
		chunk int
		half  bool
	}{{64 << 10, false}, {1000, true}, {7, false}} {
		if d := differ(data, c.chunk, c.half); d != "" {
			t.Errorf("%s (chunk %d, short reads %v): %s", name, c.chunk, c.half, d)
		}
	}
}

// goSuite returns the archives of Go's own archive/tar tests (GOROOT's
// src/archive/tar/testdata), decoded; nil when GOROOT has no sources.
func goSuite(tb testing.TB) map[string][]byte {
	tb.Helper()
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		tb.Logf("no GOROOT: %v", err)
		return nil
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "src", "archive", "tar", "testdata")
	files, _ := filepath.Glob(filepath.Join(dir, "*.tar*"))
	suite := map[string][]byte{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		switch {
		case strings.HasSuffix(f, ".base64"):
			if b, err = base64.StdEncoding.DecodeString(string(b)); err != nil {
				tb.Fatalf("%s: %v", f, err)
			}
		case strings.HasSuffix(f, ".bz2"):
			if b, err = io.ReadAll(bzip2.NewReader(bytes.NewReader(b))); err != nil {
				tb.Fatalf("%s: %v", f, err)
			}
		}
		suite[filepath.Base(f)] = b
	}
	return suite
}

// TestGoSuite reads every archive of Go's own tar tests (PAX, GNU, STAR,
// V7, sparse formats, malformed headers) as archive/tar reads them.
func TestGoSuite(t *testing.T) {
	suite := goSuite(t)
	if len(suite) == 0 {
		t.Skip("Go's archive/tar test data is not installed")
	}
	for name, data := range suite {
		if len(data) > 4<<20 {
			continue // the multi-gigabyte sparse ones: read in TestGoSuiteTruncated's prefixes
		}
		checkSame(t, name, data)
	}
}

// TestGoSuiteTruncated cuts every archive of Go's suite at many points:
// inside headers, data, padding and extension records.
func TestGoSuiteTruncated(t *testing.T) {
	suite := goSuite(t)
	if len(suite) == 0 {
		t.Skip("Go's archive/tar test data is not installed")
	}
	for name, data := range suite {
		data = data[:min(len(data), 16<<10)]
		for cut := 0; cut < len(data); cut += 97 {
			if d := differ(data[:cut], 512, false); d != "" {
				t.Errorf("%s cut at %d: %s", name, cut, d)
			}
		}
	}
}

// writeTar writes entries with archive/tar in format f.
func writeTar(t testing.TB, f tar.Format, hdrs []*tar.Header) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := tar.NewWriter(&buf)
	for _, h := range hdrs {
		h := *h
		h.Format = f
		if err := w.WriteHeader(&h); err != nil {
			t.Fatalf("writing %s in %v: %v", h.Name, f, err)
		}
		if h.Typeflag == tar.TypeReg {
			if _, err := w.Write(bytes.Repeat([]byte{byte(len(h.Name))}, int(h.Size))); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// layerHeaders are entries as container layers hold them, and the names
// and numbers that push archive/tar's writer into each encoding.
func layerHeaders() []*tar.Header {
	mt := time.Unix(1700000000, 0)
	long := strings.Repeat("node_modules/@scope/package-name/", 5) + "index.js" // > 100: prefix or records
	return []*tar.Header{
		{Name: "usr/", Typeflag: tar.TypeDir, Mode: 0o755, ModTime: mt},
		{Name: "usr/bin/", Typeflag: tar.TypeDir, Mode: 0o755 | 0o1000, ModTime: mt},
		{Name: "usr/bin/env", Typeflag: tar.TypeReg, Mode: 0o4755, Size: 1500, ModTime: mt, Uid: 0, Gid: 0},
		{Name: "usr/bin/sh", Typeflag: tar.TypeSymlink, Linkname: "/bin/dash", Mode: 0o777, ModTime: mt},
		{Name: "usr/bin/env2", Typeflag: tar.TypeLink, Linkname: "usr/bin/env", ModTime: mt},
		{Name: "opt/app-root/src/" + long, Typeflag: tar.TypeReg, Mode: 0o644, Size: 513, Uid: 1001, Gid: 0, ModTime: mt},
		{Name: "opt/.wh..wh..opq", Typeflag: tar.TypeReg, Mode: 0o644, ModTime: mt},
		{Name: "opt/.wh.gone", Typeflag: tar.TypeReg, Mode: 0o644, ModTime: mt},
		{Name: "dev/null", Typeflag: tar.TypeChar, Mode: 0o666, Devmajor: 1, Devminor: 3, ModTime: mt},
		{Name: "dev/sda", Typeflag: tar.TypeBlock, Mode: 0o660, Devmajor: 8, ModTime: mt},
		{Name: "run/fifo", Typeflag: tar.TypeFifo, Mode: 0o600, ModTime: mt},
		{Name: "home/big-ids", Typeflag: tar.TypeReg, Mode: 0o600, Size: 3, Uid: 1 << 30, Gid: 1 << 22, ModTime: mt},
		{Name: "home/empty", Typeflag: tar.TypeReg, Mode: 0o600, ModTime: mt},
		{Name: "home/block", Typeflag: tar.TypeReg, Mode: 0o600, Size: 512, ModTime: mt},
		{Name: "var/" + strings.Repeat("x", 150) + "/" + strings.Repeat("y", 99), Typeflag: tar.TypeReg, Size: 10, ModTime: mt},
		{Name: "usr/lib/x86_64-linux-gnu/ping", Typeflag: tar.TypeReg, Mode: 0o755, Size: 20, ModTime: mt,
			PAXRecords: map[string]string{"SCHILY.xattr.security.capability": "\x01\x00\x00\x02"}},
		{Name: "home/caf\u00e9", Typeflag: tar.TypeReg, Size: 4, ModTime: mt},
		{Name: "home/nanos", Typeflag: tar.TypeReg, Size: 4, ModTime: time.Unix(1700000000, 123456789)},
		{Name: "home/" + strings.Repeat("z", 120), Typeflag: tar.TypeSymlink, Linkname: strings.Repeat("t/", 60), ModTime: mt},
	}
}

// TestWrittenArchives reads archives archive/tar writes in each format,
// with global records between entries.
func TestWrittenArchives(t *testing.T) {
	hdrs := layerHeaders()
	global := &tar.Header{Typeflag: tar.TypeXGlobalHeader, Name: "global", PAXRecords: map[string]string{"comment": strings.Repeat("c", 700)}}
	for _, f := range []tar.Format{tar.FormatUnknown, tar.FormatPAX, tar.FormatGNU} {
		var ok []*tar.Header
		for _, h := range hdrs {
			h := *h
			h.Format = f
			if f == tar.FormatGNU {
				h.PAXRecords = nil
			}
			var probe bytes.Buffer
			if tar.NewWriter(&probe).WriteHeader(&h) == nil {
				ok = append(ok, &h)
			}
		}
		if len(ok) < len(hdrs)-3 {
			t.Fatalf("format %v: only %d of %d headers writable", f, len(ok), len(hdrs))
		}
		data := writeTar(t, f, ok)
		checkSame(t, fmt.Sprint(f), data)
		if f != tar.FormatGNU {
			mixed := writeTar(t, f, append(append([]*tar.Header{global}, ok[:5]...), append([]*tar.Header{global}, ok[5:]...)...))
			checkSame(t, fmt.Sprint(f, "+global"), mixed)
		}
	}
}

// TestFastPathTaken checks that the common headers do not go through
// archive/tar (the point of the package), and PAX records do.
func TestFastPathTaken(t *testing.T) {
	hdrs := layerHeaders()[:14]
	data := writeTar(t, tar.FormatUnknown, hdrs)
	r := NewReader(bytes.NewReader(data))
	for i := 0; ; i++ {
		h, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		// Fast headers point into the block or the name scratch; names
		// from archive/tar are copied into r.name.
		inBlock := len(h.Name) > 0 && &h.Name[0] == &r.blk[0]
		// These two need PAX records: a long name, an id past octal.
		records := strings.Contains(hdrs[i].Name, "@scope") || strings.Contains(hdrs[i].Name, "big-ids")
		if !inBlock && !records {
			t.Errorf("%s: read through archive/tar", h.Name)
		}
	}
	if r.tail != nil {
		t.Error("no sparse file, yet archive/tar reads the tail")
	}
}

// TestErrorsSticky checks that an error stays: Next and Read return it again.
func TestErrorsSticky(t *testing.T) {
	data := writeTar(t, tar.FormatUnknown, layerHeaders()[:4])
	data[600] ^= 0xff // the second header's checksum no longer holds
	r := NewReader(bytes.NewReader(data))
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	_, err := r.Next()
	if !errors.Is(err, tar.ErrHeader) {
		t.Fatalf("Next = %v, want %v", err, tar.ErrHeader)
	}
	if _, err2 := r.Next(); err2 != err {
		t.Errorf("Next after an error = %v, want %v again", err2, err)
	}
	if _, err2 := r.Read(make([]byte, 10)); err2 != err {
		t.Errorf("Read after an error = %v, want %v", err2, err)
	}
}

// FuzzReader checks Reader against archive/tar on arbitrary streams.
func FuzzReader(f *testing.F) {
	for _, data := range goSuite(f) {
		if len(data) <= 64<<10 {
			f.Add(data)
		}
	}
	f.Add(writeTar(f, tar.FormatUnknown, layerHeaders()))
	f.Add(writeTar(f, tar.FormatGNU, layerHeaders()[:10]))
	f.Fuzz(func(t *testing.T, data []byte) {
		if d := differ(data, 4096, false); d != "" {
			t.Fatal(d)
		}
		if d := differ(data, 100, true); d != "" {
			t.Fatal("short reads:", d)
		}
	})
}

// TestChecksum checks the word-at-a-time checksum against the byte sums
// archive/tar computes, on blocks of random bytes (high bytes included).
func TestChecksum(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 2000 {
		var b [blockSize]byte
		for j := range b {
			b[j] = byte(rng.IntN(256))
			if i%3 == 0 {
				b[j] &= 0x7f
			}
		}
		var unsigned, signed int64
		for j, c := range b {
			if j >= offChksum && j < offChksum+8 {
				c = ' '
			}
			unsigned += int64(c)
			signed += int64(int8(c))
		}
		sum := unsigned
		if i%2 == 1 {
			sum = signed
		}
		if sum < 0 {
			continue // not writable in octal
		}
		copy(b[offChksum:], fmt.Sprintf("%06o\x00 ", sum))
		if !checksumOK(&b) {
			t.Fatalf("block %d: checksum %o (unsigned %d, signed %d) refused", i, sum, unsigned, signed)
		}
		copy(b[offChksum:], fmt.Sprintf("%06o\x00 ", sum+1))
		if checksumOK(&b) && sum+1 != unsigned && sum+1 != signed {
			t.Fatalf("block %d: wrong checksum accepted", i)
		}
	}
}

// TestSparseAsArchiveTar checks which entries are sparse: every GNU sparse
// format of Go's suite is, and a PAX header with a GNU.sparse record of no
// known version is not: archive/tar reads its data as any file's, and so
// must the walker (a hostile layer could otherwise hide a file's contents
// from it behind such a record).
func TestSparseAsArchiveTar(t *testing.T) {
	if data := goSuite(t)["sparse-formats.tar"]; data != nil {
		r := NewReader(bytes.NewReader(data))
		var sparse []string
		for {
			h, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if h.Sparse {
				sparse = append(sparse, string(h.Name))
			}
		}
		if want := []string{"sparse-gnu", "sparse-posix-0.0", "sparse-posix-0.1", "sparse-posix-1.0"}; !slices.Equal(sparse, want) {
			t.Errorf("sparse entries %q, want %q", sparse, want)
		}
	}
	for _, records := range [][]string{
		{"GNU.sparse.x", "1"},
		{"GNU.sparse.major", "2", "GNU.sparse.minor", "0", "GNU.sparse.map", "0,4"},
		{"GNU.sparse.name", "elsewhere"},
	} {
		// archive/tar's writer drops GNU.sparse records: written by hand.
		data := cat(paxEntry(tar.TypeXHeader, records...), hdr(ustar("etc/os-release", tar.TypeReg, 6), nil),
			[]byte("ID=x\n\n"), make([]byte, blockSize-6), zeros(2))
		checkSame(t, fmt.Sprint(records), data)
		r := NewReader(bytes.NewReader(data))
		h, err := r.Next()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		if h.Sparse || err != nil || string(b) != "ID=x\n\n" {
			t.Errorf("%v: sparse %v, data %q, %v", records, h.Sparse, b, err)
		}
	}
	// The same records with a version archive/tar knows make a sparse file.
	sparse := cat(paxEntry(tar.TypeXHeader, "GNU.sparse.major", "0", "GNU.sparse.minor", "1", "GNU.sparse.numblocks", "1", "GNU.sparse.map", "0,4",
		"GNU.sparse.size", "1099511627776"), hdr(ustar("big", tar.TypeReg, 4), nil), payload(4), zeros(2))
	r := NewReader(bytes.NewReader(sparse))
	if h, err := r.Next(); err != nil || !h.Sparse || h.Size != 1<<40 {
		t.Fatalf("PAX 0.1 sparse file: %+v, %v", h, err)
	}
	if _, err := r.Next(); err != io.EOF {
		t.Fatalf("after the sparse file: %v, want EOF", err)
	}
}
