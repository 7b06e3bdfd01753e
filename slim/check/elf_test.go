package check

import (
	"bytes"
	"debug/elf"
	"errors"
	"reflect"
	"testing"

	"github.com/slimcheck/slimcheck/analyze/ecosystem/elfinfo"
	"github.com/slimcheck/slimcheck/analyze/ecosystem/elfinfo/elftest"
)

func TestReadELF(t *testing.T) {
	glibcExe := elfSpec{Type: elf.ET_EXEC, Interp: "/lib64/ld-linux-x86-64.so.2", Needed: []string{"libstdc++.so.6", "libc.so.6"},
		Runpath: "$ORIGIN/../lib:/opt/x", Versions: map[string][]string{"libc.so.6": {"GLIBC_2.2.5", "GLIBC_2.17"}}}
	tests := []struct {
		name   string
		data   []byte
		prefix int64
		want   ELF
		libc   string
	}{
		{"glibc executable", buildTestELF(glibcExe), 1 << 20, ELF{Class: elf.ELFCLASS64, Machine: elf.EM_X86_64, Type: elf.ET_EXEC,
			Interp: "/lib64/ld-linux-x86-64.so.2", Dynamic: true, Needed: []string{"libstdc++.so.6", "libc.so.6"},
			Runpath: []string{"$ORIGIN/../lib", "/opt/x"}, VersionNeeds: []string{"GLIBC_2.2.5", "GLIBC_2.17"}}, elfinfo.Glibc},
		{"dynamic segment beyond the prefix is read by skipping to it", buildTestELF(elfSpec{Needed: []string{"libfoo.so.1", "libc.musl-x86_64.so.1"}, Rpath: "/r", Soname: "libbar.so.2", Pad: 3 << 20}), 64 << 10,
			ELF{Class: elf.ELFCLASS64, Machine: elf.EM_X86_64, Type: elf.ET_DYN, Dynamic: true, Needed: []string{"libfoo.so.1", "libc.musl-x86_64.so.1"},
				Soname: "libbar.so.2", Rpath: []string{"/r"}}, elfinfo.Musl},
		{"strings beyond the prefix are truncated", buildTestELF(elfSpec{Needed: []string{"libfoo.so.1"}, Pad: 1 << 20}), 180,
			ELF{Class: elf.ELFCLASS64, Machine: elf.EM_X86_64, Type: elf.ET_DYN, Dynamic: true, Truncated: true}, elfinfo.Unknown},
		{"static", elftest.StaticGo(), 1 << 20, ELF{Class: elf.ELFCLASS64, Machine: elf.EM_X86_64, Type: elf.ET_EXEC}, elfinfo.None},
		{"elftest glibc addon", elftest.GlibcAddon(), 1 << 20, ELF{Class: elf.ELFCLASS64, Machine: elf.EM_X86_64, Type: elf.ET_DYN, Dynamic: true,
			Needed: []string{"libstdc++.so.6", "libc.so.6"}, VersionNeeds: []string{"GLIBC_2.2.5", "GLIBC_2.14"}}, elfinfo.Glibc},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadELF(bytes.NewReader(tt.data), int64(len(tt.data)), tt.prefix)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", *got, tt.want)
			}
			if l := got.Libc(); l != tt.libc {
				t.Errorf("libc %s, want %s", l, tt.libc)
			}
		})
	}
}

// TestReadELFAgreesWithElfinfo: on complete files the streaming reader and
// the analyzer's elfinfo see the same loader, libraries and versions.
func TestReadELFAgreesWithElfinfo(t *testing.T) {
	files := map[string][]byte{
		"glibc addon": elftest.GlibcAddon(), "musl addon": elftest.MuslAddon(),
		"glibc exe": elftest.GlibcExecutable(), "musl exe": elftest.MuslExecutable(), "static go": elftest.StaticGo(),
		"32-bit big-endian": elftest.Build(elftest.Spec{Is32: true, BigEndian: true, Interp: "/lib/ld.so.1", Needed: []string{"libc.so.6", "libz.so.1"},
			Versions: map[string][]string{"libc.so.6": {"GLIBC_2.4"}}}),
	}
	for name, b := range files {
		t.Run(name, func(t *testing.T) {
			want, err := elfinfo.Parse(b)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ParseELF(b)
			if err != nil {
				t.Fatal(err)
			}
			if got.Interp != want.Interp || !reflect.DeepEqual(got.Needed, want.Needed) || got.Soname != want.Soname ||
				!reflect.DeepEqual(got.VersionNeeds, want.VersionNeeds) || got.Machine != want.Machine || got.Libc() != want.Libc() {
				t.Errorf("got %+v (libc %s)\nelfinfo %+v (libc %s)", got, got.Libc(), want, want.Libc())
			}
		})
	}
}

func TestReadELFErrors(t *testing.T) {
	for name, b := range map[string][]byte{
		"empty": nil, "not elf": []byte("#!/bin/sh\n"), "bad class": []byte("\x7fELF\x09\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00"),
		"short header": []byte("\x7fELF\x02\x01\x01"), "program headers cut": buildTestELF(elfSpec{Needed: []string{"a"}})[:80],
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := ParseELF(b); err == nil {
				t.Fatal("no error")
			}
		})
	}
	if _, err := ParseELF([]byte("plain")); !errors.Is(err, ErrNotELF) {
		t.Errorf("err = %v, want ErrNotELF", err)
	}
}

func FuzzReadELF(f *testing.F) {
	f.Add(buildTestELF(elfSpec{Type: elf.ET_EXEC, Interp: "/lib/ld-musl-x86_64.so.1", Needed: []string{"libc.musl-x86_64.so.1"}, Runpath: "$ORIGIN"}), int64(64))
	f.Add(buildTestELF(elfSpec{Needed: []string{"libc.so.6"}, Versions: map[string][]string{"libc.so.6": {"GLIBC_2.17"}}, Pad: 300}), int64(200))
	f.Add(elftest.GlibcAddon(), int64(1<<20))
	f.Add(elftest.Build(elftest.Spec{Is32: true, BigEndian: true, Needed: []string{"x"}}), int64(1<<20))
	f.Fuzz(func(t *testing.T, b []byte, prefix int64) {
		if prefix < 0 {
			prefix = -prefix
		}
		prefix %= 1 << 20
		e, err := ReadELF(bytes.NewReader(b), int64(len(b)), prefix)
		if err != nil {
			return
		}
		if len(e.Needed) > maxStrings || len(e.Rpath) > maxStrings || len(e.Runpath) > maxStrings || len(e.VersionNeeds) > maxVerneed {
			t.Fatalf("unbounded lists: %d needed", len(e.Needed))
		}
		for _, n := range append(append([]string{e.Interp, e.Soname}, e.Needed...), e.VersionNeeds...) {
			if len(n) > maxString || bytes.IndexByte([]byte(n), 0) >= 0 {
				t.Fatalf("bad string %q", n)
			}
		}
		_ = e.Libc()
		_ = e.String()
	})
}
