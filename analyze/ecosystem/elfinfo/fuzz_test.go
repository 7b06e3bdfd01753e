package elfinfo

import (
	"debug/elf"
	"testing"

	"github.com/slimcheck/slimcheck/analyze/ecosystem/elfinfo/elftest"
)

// FuzzParse feeds arbitrary bytes (seeded with generated ELF files and
// their prefixes) and checks Parse never panics and answers consistently.
func FuzzParse(f *testing.F) {
	for _, b := range [][]byte{
		elftest.GlibcAddon(), elftest.MuslAddon(), elftest.GlibcExecutable(), elftest.MuslExecutable(), elftest.StaticGo(),
		elftest.Build(elftest.Spec{Is32: true, BigEndian: true, Interp: "/lib/ld.so.1", Needed: []string{"libc.so.6"}, Versions: map[string][]string{"libc.so.6": {"GLIBC_2.0"}}}),
	} {
		f.Add(b)
		f.Add(b[:len(b)/2])
	}
	f.Add([]byte(elf.ELFMAG))
	f.Fuzz(func(t *testing.T, b []byte) {
		info, err := Parse(b)
		if err != nil {
			if info != nil {
				t.Fatal("info returned with an error")
			}
			return
		}
		switch info.Libc() {
		case Glibc, Musl, None, Unknown:
		default:
			t.Fatalf("Libc = %q", info.Libc())
		}
		if info.Static() && (info.HasInterp || len(info.Needed) > 0) {
			t.Fatalf("static yet interp %v needed %q", info.HasInterp, info.Needed)
		}
		if info.Static() && info.Libc() != None && info.Libc() != Glibc && info.Libc() != Musl {
			t.Fatalf("static with libc %q", info.Libc())
		}
		if len(info.Needed) > maxNeeded || len(info.Interp) > maxString {
			t.Fatalf("limits exceeded: %d needed, interp %d bytes", len(info.Needed), len(info.Interp))
		}
		if info.Interp != "" && !info.HasInterp {
			t.Fatal("interp without PT_INTERP")
		}
		_ = info.String()
	})
}
