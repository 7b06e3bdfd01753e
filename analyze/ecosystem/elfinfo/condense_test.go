package elfinfo

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/slimcheck/slimcheck/analyze/ecosystem/elfinfo/elftest"
)

// checkCondense asserts that Parse reads the same from Condense(b) as from b.
func checkCondense(t testing.TB, name string, b []byte) []byte {
	c := Condense(b)
	if len(c) > len(b) || string(c) != string(b[:len(c)]) {
		t.Fatalf("%s: Condense returned %d bytes that are not a prefix of the %d given", name, len(c), len(b))
	}
	want, werr := Parse(b)
	got, gerr := Parse(c)
	if (werr == nil) != (gerr == nil) || werr != nil && werr.Error() != gerr.Error() || !reflect.DeepEqual(got, want) {
		t.Fatalf("%s: Parse of %d condensed bytes = %+v, %v; of all %d = %+v, %v", name, len(c), got, gerr, len(b), want, werr)
	}
	return c
}

// TestCondense: on generated binaries and on the host's own executables and
// shared libraries, cut to the prefixes the walk keeps (4 and 256 KiB),
// Condense keeps only what Parse reads and Parse reads the same.
func TestCondense(t *testing.T) {
	bins := map[string][]byte{
		"glibc addon": elftest.GlibcAddon(), "musl addon": elftest.MuslAddon(), "static go": elftest.StaticGo(),
		"glibc exec": elftest.GlibcExecutable(), "musl exec": elftest.MuslExecutable(),
		"32-bit big endian": elftest.Build(elftest.Spec{Is32: true, BigEndian: true, Interp: "/lib/ld.so.1", Needed: []string{"libc.so.6"}}),
		"not elf":           []byte("#!/bin/sh\nexec node server.js\n"),
	}
	for _, glob := range []string{"/usr/bin/*", "/usr/lib/x86_64-linux-gnu/*.so*", "/usr/local/go/pkg/tool/*/*"} {
		paths, _ := filepath.Glob(glob)
		for i, p := range paths {
			if i >= 150 {
				break
			}
			b, err := os.ReadFile(p)
			if err == nil && IsELF(b) {
				bins[p] = b
			}
		}
	}
	var kept, given, host int
	for name, b := range bins {
		for _, n := range []int{4 << 10, 256 << 10, len(b)} {
			p := b[:min(n, len(b))]
			c := checkCondense(t, name, p)
			if n < len(b) {
				kept += len(c)
				given += len(p)
			}
		}
		if name[0] == '/' {
			host++
		}
	}
	t.Logf("%d binaries (%d from the host): kept %d of %d prefix bytes (%.1f%%)", len(bins), host, kept, given, 100*float64(kept)/float64(max(given, 1)))
	if host > 20 && kept*4 > given {
		t.Errorf("kept %d of %d bytes: Condense saves less than expected on real binaries", kept, given)
	}
}

func FuzzCondense(f *testing.F) {
	for _, b := range [][]byte{elftest.GlibcAddon(), elftest.MuslExecutable(), elftest.StaticGo()} {
		f.Add(b)
		f.Add(b[:len(b)/2])
	}
	f.Fuzz(func(t *testing.T, b []byte) { checkCondense(t, "input", b) })
}
