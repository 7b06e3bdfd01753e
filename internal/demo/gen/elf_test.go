package gen

import (
	"bytes"
	"debug/elf"
	"slices"
	"testing"
)

func TestBuildELF(t *testing.T) {
	tests := []struct {
		name string
		spec elfSpec
	}{
		{"shared object", elfSpec{typ: elf.ET_DYN, needed: []string{"libstdc++.so.6", "libc.so.6"}}},
		{"executable", elfSpec{typ: elf.ET_EXEC, interp: "/lib64/ld-linux-x86-64.so.2", needed: []string{"libdl.so.2", "libc.so.6"}}},
		{"soname", elfSpec{typ: elf.ET_DYN, needed: []string{"libc.so.6"}, soname: "libdemo.so.1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			raw := buildELF(tc.spec)
			// Pad like the generator does: trailing zeros must not matter.
			padded := append(bytes.Clone(raw), make([]byte, 4096)...)
			for _, b := range [][]byte{raw, padded} {
				f, err := elf.NewFile(bytes.NewReader(b))
				if err != nil {
					t.Fatalf("parsing: %v", err)
				}
				if f.Type != tc.spec.typ || f.Machine != elf.EM_X86_64 || f.Class != elf.ELFCLASS64 {
					t.Errorf("header = %v %v %v", f.Type, f.Machine, f.Class)
				}
				libs, err := f.ImportedLibraries()
				if err != nil {
					t.Fatalf("ImportedLibraries: %v", err)
				}
				if !slices.Equal(libs, tc.spec.needed) {
					t.Errorf("DT_NEEDED = %q, want %q", libs, tc.spec.needed)
				}
				soname, err := f.DynString(elf.DT_SONAME)
				if err != nil {
					t.Fatal(err)
				}
				if want := tc.spec.soname; (want == "" && len(soname) != 0) || (want != "" && (len(soname) != 1 || soname[0] != want)) {
					t.Errorf("DT_SONAME = %q, want %q", soname, want)
				}
				interp := ""
				for _, p := range f.Progs {
					if p.Type == elf.PT_INTERP {
						data := make([]byte, p.Filesz)
						if _, err := p.ReadAt(data, 0); err != nil {
							t.Fatal(err)
						}
						interp = string(bytes.TrimRight(data, "\x00"))
					}
				}
				if interp != tc.spec.interp {
					t.Errorf("PT_INTERP = %q, want %q", interp, tc.spec.interp)
				}
				if s := f.Section(".dynamic"); s == nil {
					t.Error("no .dynamic section")
				}
			}
		})
	}
}
