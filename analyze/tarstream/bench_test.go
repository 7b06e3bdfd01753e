package tarstream

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"testing"
	"time"
)

// benchArchive writes n small files (and a directory per 50) in format f;
// with nanos, every header carries a sub-second mtime, which makes
// archive/tar's writer add a PAX record to every entry (as GNU tar's posix
// format and some image builders do).
func benchArchive(b *testing.B, n int, f tar.Format, nanos bool) []byte {
	b.Helper()
	var buf bytes.Buffer
	w := tar.NewWriter(&buf)
	mt := time.Unix(1700000000, 0)
	if nanos {
		mt = mt.Add(123456789)
	}
	for i := range n {
		if i%50 == 0 {
			if err := w.WriteHeader(&tar.Header{Name: fmt.Sprintf("usr/lib/node_modules/pkg%d/", i/50), Typeflag: tar.TypeDir, Mode: 0o755, ModTime: mt, Format: f}); err != nil {
				b.Fatal(err)
			}
		}
		h := &tar.Header{Name: fmt.Sprintf("usr/lib/node_modules/pkg%d/lib/file%d.js", i/50, i), Typeflag: tar.TypeReg, Mode: 0o644, Size: 700, ModTime: mt, Format: f}
		if err := w.WriteHeader(h); err != nil {
			b.Fatal(err)
		}
		if _, err := w.Write(make([]byte, 700)); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkNext reads every entry and its data with Reader and with
// archive/tar, on plain USTAR headers and on headers that all carry a PAX
// record (which Reader hands to archive/tar):
//
//	go test -run '^$' -bench Next -benchmem ./analyze/tarstream/
func BenchmarkNext(b *testing.B) {
	buf := make([]byte, 32<<10)
	for _, c := range []struct {
		name  string
		f     tar.Format
		nanos bool
	}{{"ustar", tar.FormatUnknown, false}, {"pax-every-entry", tar.FormatPAX, true}} {
		data := benchArchive(b, 20000, c.f, c.nanos)
		for _, rd := range []struct {
			name string
			open func(io.Reader) (next func() error, data io.Reader)
		}{
			{"tarstream", func(src io.Reader) (func() error, io.Reader) {
				r := NewReader(src)
				return func() error { _, err := r.Next(); return err }, r
			}},
			{"archive-tar", func(src io.Reader) (func() error, io.Reader) {
				r := tar.NewReader(src)
				return func() error { _, err := r.Next(); return err }, r
			}},
		} {
			b.Run(c.name+"/"+rd.name, func(b *testing.B) {
				b.SetBytes(int64(len(data)))
				b.ReportAllocs()
				for b.Loop() {
					next, r := rd.open(bytes.NewReader(data))
					for {
						if err := next(); err == io.EOF {
							break
						} else if err != nil {
							b.Fatal(err)
						}
						if _, err := io.CopyBuffer(io.Discard, r, buf); err != nil {
							b.Fatal(err)
						}
					}
				}
			})
		}
	}
}
