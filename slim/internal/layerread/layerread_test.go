package layerread

import (
	"archive/tar"
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/slimcheck/slimcheck/analyze"
	"github.com/slimcheck/slimcheck/internal/imagetest"
)

// TestNumbering: entries are numbered as analyze.ReadLayer numbers them,
// whatever a tar holds besides files (global headers, the root, markers).
func TestNumbering(t *testing.T) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, h := range []*tar.Header{
		{Typeflag: tar.TypeXGlobalHeader, Name: "pax_global_header", PAXRecords: map[string]string{"comment": "x"}},
		{Typeflag: tar.TypeDir, Name: "./", Mode: 0o755},
		{Typeflag: tar.TypeDir, Name: "app/", Mode: 0o755},
		{Typeflag: tar.TypeReg, Name: "app/.wh.old", Mode: 0o644},
		{Typeflag: tar.TypeReg, Name: "app/a", Mode: 0o644, Size: 1},
		{Typeflag: tar.TypeReg, Name: "../../app/a", Mode: 0o644, Size: 2},
		{Typeflag: tar.TypeSymlink, Name: "app/s", Linkname: "a"},
	} {
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		io.WriteString(tw, strings.Repeat("x", int(h.Size)))
	}
	tw.Close()
	raw := buf.Bytes()
	l, err := analyze.ReadLayer(context.Background(), bytes.NewReader(raw), analyze.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	err = EachReader(context.Background(), bytes.NewReader(raw), nil,
		func(i int) (string, bool) {
			e := l.Entries[i]
			return e.Path, e.Type != analyze.TypeWhiteout
		},
		func(i int, hdr *tar.Header, r io.Reader) error {
			b, _ := io.ReadAll(r)
			got = append(got, analyze.CleanPath(hdr.Name)+"="+string(b))
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	want := "/app= /app/.wh.old= /app/a=x /app/a=xx /app/s="
	if strings.Join(got, " ") != want || len(got) != len(l.Entries) {
		t.Errorf("got %q (%d entries indexed), want %q", got, len(l.Entries), want)
	}
	err = EachReader(context.Background(), bytes.NewReader(raw), func(i int) bool { return i == 2 },
		func(int) (string, bool) { return "/app/elsewhere", true }, func(int, *tar.Header, io.Reader) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "the layer changed") {
		t.Errorf("mismatch: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := EachReader(ctx, bytes.NewReader(imagetest.TarBytes(t, imagetest.File("a", 10))), nil, nil,
		func(int, *tar.Header, io.Reader) error { return nil }); err == nil {
		t.Error("a cancelled context did not stop the read")
	}
}
