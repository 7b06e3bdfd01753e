package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"
)

// randomReport is a report with n files whose paths and links hold what
// JSON must escape or may not: HTML characters, quotes, backslashes,
// control bytes, non-ASCII and invalid UTF-8.
func randomReport(rng *rand.Rand, n int) *Report {
	parts := []string{"usr", "lib", "<script>", "a&b", `q"uote`, `back\slash`, "tab\there", "ünï", "\xff\xfe", "\u2028", "node_modules", "x"}
	r := &Report{SchemaVersion: SchemaVersion, Tool: Tool{Name: "slimcheck", Version: "test"}, Rewrites: []Rewrite{},
		Packages: []Package{{Name: "libc6", Version: "2.36", Manager: "dpkg"}}, Databases: []Database{}, Problems: []Problem{{Path: "/x", Reason: "<bad>"}}}
	r.Image.Reference = "demo & <test>"
	for i := range n {
		p := ""
		for range 1 + rng.IntN(5) {
			p += "/" + parts[rng.IntN(len(parts))]
		}
		f := File{Path: p, Layer: rng.IntN(9), Type: "file", Status: "visible", Change: "added", Bytes: rng.Int64N(1 << 40),
			Mode: uint32(rng.IntN(0o7777)), UID: uint32(rng.IntN(70000)), Category: Categories()[rng.IntN(len(Categories()))], Evidence: rng.IntN(3) - 1}
		if i%7 == 0 {
			f.Type, f.Link = "symlink", "../"+parts[rng.IntN(len(parts))]
		}
		r.Files = append(r.Files, f)
	}
	r.Evidence = []Evidence{{Kind: "rule", Rule: "docs", Pattern: "/usr/share/doc/**"}, {Kind: "package", Package: "libc6", Manager: "dpkg"}}
	return r
}

// TestWriteJSONStreamsFilesIdentically checks that a report whose file
// table is written entry by entry is byte-for-byte what encoding/json
// writes for the whole report.
func TestWriteJSONStreamsFilesIdentically(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{streamFilesFrom, streamFilesFrom + 1, 5000} {
		r := randomReport(rng, n)
		var want, got bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(r); err != nil {
			t.Fatal(err)
		}
		if err := WriteJSON(&got, r); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			i := 0
			for i < min(got.Len(), want.Len()) && got.Bytes()[i] == want.Bytes()[i] {
				i++
			}
			t.Fatalf("%d files: output differs at byte %d: got %q, want %q", n, i,
				got.Bytes()[max(0, i-40):min(got.Len(), i+40)], want.Bytes()[max(0, i-40):min(want.Len(), i+40)])
		}
		if !json.Valid(got.Bytes()) {
			t.Fatalf("%d files: not valid JSON", n)
		}
	}
}

// BenchmarkWriteJSONFiles writes a report of 100k files.
func BenchmarkWriteJSONFiles(b *testing.B) {
	r := randomReport(rand.New(rand.NewPCG(1, 1)), 100_000)
	for _, stream := range []bool{false, true} {
		b.Run(fmt.Sprintf("stream=%v", stream), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if stream {
					if err := WriteJSON(writerOnly{}, r); err != nil {
						b.Fatal(err)
					}
					continue
				}
				enc := json.NewEncoder(writerOnly{})
				enc.SetIndent("", "  ")
				enc.SetEscapeHTML(false)
				if err := enc.Encode(r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

type writerOnly struct{}

func (writerOnly) Write(p []byte) (int, error) { return len(p), nil }
