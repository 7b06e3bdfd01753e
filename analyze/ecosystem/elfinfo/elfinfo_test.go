package elfinfo

import (
	"bytes"
	"debug/elf"
	"os"
	"reflect"
	"testing"

	"github.com/slimcheck/slimcheck/analyze/ecosystem/elfinfo/elftest"
)

func TestParseBuilt(t *testing.T) {
	tests := []struct {
		name     string
		spec     elftest.Spec
		libc     string
		static   bool
		interp   string
		needed   []string
		versions []string
		goNote   bool
	}{
		{name: "glibc addon", spec: elftest.Spec{Needed: []string{"libstdc++.so.6", "libc.so.6"}, Soname: "addon.node", Versions: map[string][]string{"libc.so.6": {"GLIBC_2.2.5"}}},
			libc: Glibc, needed: []string{"libstdc++.so.6", "libc.so.6"}, versions: []string{"GLIBC_2.2.5"}},
		{name: "musl addon", spec: elftest.Spec{Needed: []string{"libc.musl-x86_64.so.1"}}, libc: Musl, needed: []string{"libc.musl-x86_64.so.1"}},
		{name: "glibc only by symbol versions", spec: elftest.Spec{Needed: []string{"libstdc++.so.6"}, Versions: map[string][]string{"libstdc++.so.6": {"GLIBCXX_3.4"}, "libm.so.6": {"GLIBC_2.29"}}},
			libc: Glibc, needed: []string{"libstdc++.so.6"}, versions: []string{"GLIBC_2.29", "GLIBCXX_3.4"}},
		{name: "addon needing only libstdc++", spec: elftest.Spec{Needed: []string{"libstdc++.so.6"}}, libc: Unknown, needed: []string{"libstdc++.so.6"}},
		{name: "glibc executable", spec: elftest.Spec{Interp: "/lib64/ld-linux-x86-64.so.2", Needed: []string{"libc.so.6"}, PIE: true},
			libc: Glibc, interp: "/lib64/ld-linux-x86-64.so.2", needed: []string{"libc.so.6"}},
		{name: "musl executable", spec: elftest.Spec{Interp: "/lib/ld-musl-aarch64.so.1", Machine: elf.EM_AARCH64},
			libc: Musl, interp: "/lib/ld-musl-aarch64.so.1"},
		{name: "static go", spec: elftest.Spec{Type: elf.ET_EXEC, GoNote: true}, libc: None, static: true, goNote: true},
		{name: "static pie", spec: elftest.Spec{PIE: true}, libc: None, static: true},
		{name: "32-bit big-endian glibc", spec: elftest.Spec{Is32: true, BigEndian: true, Machine: elf.EM_PPC, Interp: "/lib/ld.so.1", Needed: []string{"libc.so.6"}},
			libc: Glibc, interp: "/lib/ld.so.1", needed: []string{"libc.so.6"}},
		{name: "32-bit static", spec: elftest.Spec{Is32: true, Type: elf.ET_EXEC}, libc: None, static: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := elftest.Build(tc.spec)
			info, err := Parse(b)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := info.Libc(); got != tc.libc {
				t.Errorf("Libc = %q, want %q (%s)", got, tc.libc, info)
			}
			if info.Static() != tc.static {
				t.Errorf("Static = %v, want %v", info.Static(), tc.static)
			}
			if info.Interp != tc.interp || info.HasInterp != (tc.interp != "") {
				t.Errorf("Interp = %q (%v), want %q", info.Interp, info.HasInterp, tc.interp)
			}
			if !reflect.DeepEqual(info.Needed, tc.needed) {
				t.Errorf("Needed = %q, want %q", info.Needed, tc.needed)
			}
			if !reflect.DeepEqual(info.VersionNeeds, tc.versions) {
				t.Errorf("VersionNeeds = %q, want %q", info.VersionNeeds, tc.versions)
			}
			if info.GoNote != tc.goNote {
				t.Errorf("GoNote = %v, want %v", info.GoNote, tc.goNote)
			}
			if info.Truncated {
				t.Errorf("Truncated on a complete file")
			}
			if tc.spec.Soname != "" && info.Soname != tc.spec.Soname {
				t.Errorf("Soname = %q, want %q", info.Soname, tc.spec.Soname)
			}
		})
	}
}

// TestParsePrefix cuts a file at every length: Parse either fails (headers
// cut) or returns a subset of the full answer, flagging Truncated, and never
// claims a different libc.
func TestParsePrefix(t *testing.T) {
	for _, b := range [][]byte{elftest.GlibcAddon(), elftest.MuslAddon(), elftest.GlibcExecutable(), elftest.MuslExecutable(), elftest.StaticGo()} {
		full, err := Parse(b)
		if err != nil {
			t.Fatal(err)
		}
		for n := 0; n < len(b); n++ {
			info, err := Parse(b[:n])
			if err != nil {
				continue
			}
			if l := info.Libc(); l != full.Libc() && l != Unknown {
				t.Fatalf("prefix %d/%d: Libc %q, full file says %q", n, len(b), l, full.Libc())
			}
			if !info.Truncated && !reflect.DeepEqual(info, full) {
				t.Fatalf("prefix %d/%d: not truncated but differs:\n%+v\n%+v", n, len(b), info, full)
			}
			if len(info.Needed) > len(full.Needed) {
				t.Fatalf("prefix %d: more needed libraries than the full file", n)
			}
		}
	}
}

// TestAgainstDebugELF checks the hand-written reader against debug/elf on
// real, complete binaries of the machine running the test.
func TestAgainstDebugELF(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	paths := []string{self, "/bin/ls", "/bin/sh", "/lib/x86_64-linux-gnu/libc.so.6", "/lib/ld-musl-x86_64.so.1", "/usr/lib/x86_64-linux-gnu/libstdc++.so.6"}
	checked := 0
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil || !IsELF(b) {
			continue
		}
		checked++
		t.Run(p, func(t *testing.T) {
			raw, err := parseRaw(b)
			if err != nil {
				t.Fatalf("parseRaw: %v", err)
			}
			f, err := elf.NewFile(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("debug/elf: %v", err)
			}
			defer f.Close()
			var interp string
			for _, p := range f.Progs {
				if p.Type == elf.PT_INTERP {
					s := make([]byte, p.Filesz)
					if _, err := p.ReadAt(s, 0); err != nil {
						t.Fatal(err)
					}
					interp = string(bytes.TrimRight(s, "\x00"))
				}
			}
			if raw.Interp != interp {
				t.Errorf("Interp = %q, debug/elf %q", raw.Interp, interp)
			}
			libs, _ := f.ImportedLibraries()
			if len(libs) == 0 {
				libs = nil
			}
			if !reflect.DeepEqual(raw.Needed, libs) {
				t.Errorf("Needed = %q, debug/elf %q", raw.Needed, libs)
			}
			if f.Section(".dynamic") != nil {
				vn, _ := f.DynamicVersionNeeds()
				var want []string
				seen := map[string]bool{}
				for _, n := range vn {
					for _, d := range n.Needs {
						if !seen[d.Dep] {
							seen[d.Dep] = true
							want = append(want, d.Dep)
						}
					}
				}
				if !reflect.DeepEqual(raw.VersionNeeds, want) {
					t.Errorf("VersionNeeds = %q, debug/elf %q", raw.VersionNeeds, want)
				}
			}
			if raw.Truncated {
				t.Errorf("Truncated on a complete file")
			}
			full, err := Parse(b)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(full, raw) {
				t.Errorf("Parse and parseRaw differ:\n%+v\n%+v", full, raw)
			}
			// The first 4 KiB always suffice for the interpreter, and so for
			// telling static from dynamic executables.
			pre, err := Parse(b[:min(len(b), 4096)])
			if err != nil {
				t.Fatalf("Parse(prefix): %v", err)
			}
			if (raw.Type == elf.ET_EXEC || raw.PIE) && (pre.Interp != raw.Interp || pre.Static() != raw.Static()) {
				t.Errorf("prefix: interp %q static %v; full: %q %v", pre.Interp, pre.Static(), raw.Interp, raw.Static())
			}
		})
	}
	if checked == 0 {
		t.Skip("no ELF binaries readable on this machine")
	}
	if self != "" {
		b, _ := os.ReadFile(self)
		info, err := Parse(b)
		if err == nil && !info.GoNote {
			t.Errorf("the test binary (built by Go) has no Go note: %s", info)
		}
	}
}

func TestParseRejects(t *testing.T) {
	for _, b := range [][]byte{nil, []byte("\x7fEL"), []byte("#!/bin/sh\n"), append([]byte(elf.ELFMAG), 9, 9, 1)} {
		if _, err := Parse(b); err == nil {
			t.Errorf("Parse(%q) succeeded", b)
		}
	}
}
