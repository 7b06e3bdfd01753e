package analyze

import (
	"strings"
	"testing"
)

// TestPathArena: the arena's paths are CleanPath's, and stay what they
// were however many paths follow them.
func TestPathArena(t *testing.T) {
	names := []string{
		"usr/bin/gcc", "usr/lib/", "./etc/passwd", "a/../../b", "//x//y/", "/abs", ".", "..", "",
		"a/./b/.", ".wh..wh..opq", "dir/.wh.file", strings.Repeat("n", arenaChunk/8), strings.Repeat("n", arenaChunk/8-1),
		strings.Repeat("d/", 3000) + "f", "trailing/slashes///",
	}
	for i := range 5000 {
		names = append(names, strings.Repeat("x", i%300)+"/f")
	}
	var a pathArena
	got := make([]string, len(names))
	want := make([]string, len(names))
	var buf []byte // one buffer for every name, as the tar reader's header block
	for i, n := range names {
		buf = append(buf[:0], n...)
		got[i] = a.cleanPath(buf)
		want[i] = strings.Clone(CleanPath(n))
	}
	for i := range names {
		if got[i] != want[i] {
			t.Errorf("cleanPath(%.40q) = %.40q, want %.40q", names[i], got[i], want[i])
		}
	}
}

func FuzzPathArena(f *testing.F) {
	for _, s := range []string{"usr/bin/", "./a/../b", "//", strings.Repeat("a", 5000)} {
		f.Add(s, "next/name")
	}
	f.Fuzz(func(t *testing.T, a1, a2 string) {
		var a pathArena
		buf := []byte(a1)
		p1 := a.cleanPath(buf)
		keep := strings.Clone(p1)
		buf = append(buf[:0], a2...) // the caller reuses its buffer
		p2 := a.cleanPath(buf)
		if p1 != CleanPath(a1) || p2 != CleanPath(a2) || p1 != keep {
			t.Fatalf("cleanPath(%q), cleanPath(%q) = %q, %q", a1, a2, p1, p2)
		}
	})
}
