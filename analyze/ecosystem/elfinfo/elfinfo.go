// Package elfinfo reads how an ELF file links — its program interpreter
// (PT_INTERP), the libraries it needs (DT_NEEDED), the library versions it
// asks for (DT_VERNEED) and whether it carries a Go toolchain note — from
// the leading bytes of the file only, as the image walk keeps them.
//
// Parse first tries debug/elf on the bytes; that needs the section headers,
// which usually sit at the very end of the file and so are missing from a
// prefix. It then reads the program headers and the dynamic segment itself,
// mapping virtual addresses through the PT_LOAD segments, and stops quietly
// (setting Truncated) where the data runs out. Both paths give the same Info
// on a complete file.
package elfinfo

import (
	"bytes"
	"debug/elf"
	"errors"
	"fmt"
	"reflect"
)

// Libc values.
const (
	Glibc   = "glibc"   // links the GNU C library
	Musl    = "musl"    // links musl libc
	None    = "none"    // statically linked: needs no libc at run time
	Unknown = "unknown" // cannot tell from the bytes at hand
)

// Info is what the leading bytes of an ELF file say about how it links.
type Info struct {
	Class        elf.Class   // 32 or 64 bit
	Data         elf.Data    // byte order
	Machine      elf.Machine // target architecture
	Type         elf.Type    // ET_EXEC, ET_DYN, ...
	Interp       string      // PT_INTERP contents, "" when absent
	HasInterp    bool        // a PT_INTERP segment exists
	HasDynamic   bool        // a PT_DYNAMIC segment exists
	DynamicRead  bool        // the dynamic segment was fully read
	Needed       []string    // DT_NEEDED entries, in order
	Soname       string      // DT_SONAME, when present
	VersionNeeds []string    // version names of DT_VERNEED (e.g. GLIBC_2.17), deduplicated in order
	PIE          bool        // DT_FLAGS_1 has DF_1_PIE
	GoNote       bool        // a PT_NOTE holds the Go toolchain's build-ID note
	Truncated    bool        // some of the above lay beyond the bytes given
}

// ErrNotELF is returned for data that does not start with the ELF magic.
var ErrNotELF = errors.New("not an ELF file")

// Limits that keep hostile headers from costing much.
const (
	maxProgs     = 4096
	maxDynamic   = 1 << 16
	maxNeeded    = 1024
	maxVerneed   = 256
	maxString    = 4096
	maxNoteBytes = 1 << 16
)

// IsELF reports whether b starts with the ELF magic.
func IsELF(b []byte) bool { return len(b) >= 4 && string(b[:4]) == elf.ELFMAG }

// Parse reads the linking facts from b, the first bytes of an ELF file
// (possibly all of it). It fails only when the ELF and program headers
// themselves are unreadable.
func Parse(b []byte) (*Info, error) {
	if !IsELF(b) {
		return nil, ErrNotELF
	}
	info, err := parseRaw(b)
	if err != nil {
		return nil, err
	}
	// debug/elf can read complete files; when it can, its view of the
	// dynamic section wins, which keeps the hand-written reader honest.
	if f, err := elf.NewFile(bytes.NewReader(b)); err == nil {
		fromDebugELF(f, info)
		_ = f.Close()
	}
	return info, nil
}

// Condense returns the leading part of b (the first bytes of an ELF file)
// that Parse needs to read the same Info from: what its reader looked at.
// When debug/elf could open all of b, or b is not ELF, or its headers are
// unreadable, it returns b whole.
func Condense(b []byte) []byte {
	if !IsELF(b) {
		return b
	}
	want, end, err := parseRawExtent(b)
	if err != nil || end >= uint64(len(b)) {
		return b
	}
	if f, err := elf.NewFile(bytes.NewReader(b)); err == nil {
		_ = f.Close()
		return b // debug/elf's view of the whole file wins in Parse
	}
	got, _, err := parseRawExtent(b[:end])
	if err != nil || !reflect.DeepEqual(got, want) {
		return b // never expected; the check keeps Condense honest
	}
	return b[:end]
}

// fromDebugELF fills info from a file debug/elf could open. Fields it cannot
// read are left as the raw parser found them.
func fromDebugELF(f *elf.File, info *Info) {
	if f.Section(".dynamic") == nil {
		return
	}
	needed, err := f.DynString(elf.DT_NEEDED)
	if err != nil {
		return
	}
	soname, err := f.DynString(elf.DT_SONAME)
	if err != nil {
		return
	}
	info.Needed = capStrings(needed, maxNeeded)
	info.Soname = ""
	if len(soname) > 0 {
		info.Soname = soname[0]
	}
	if vn, err := f.DynamicVersionNeeds(); err == nil {
		info.VersionNeeds = nil
		seen := map[string]bool{}
		for _, n := range vn {
			for _, d := range n.Needs {
				if d.Dep != "" && !seen[d.Dep] && len(info.VersionNeeds) < maxVerneed*4 {
					seen[d.Dep] = true
					info.VersionNeeds = append(info.VersionNeeds, d.Dep)
				}
			}
		}
	}
}

func capStrings(s []string, n int) []string {
	if len(s) > n {
		s = s[:n]
	}
	if len(s) == 0 {
		return nil
	}
	return append([]string(nil), s...)
}

// Static reports whether the file needs no dynamic loader: no program
// interpreter and either no dynamic segment or one that names no library.
// A shared library without an interpreter is not static when it needs
// libraries or when its dynamic segment could not be read.
func (i *Info) Static() bool {
	if i.HasInterp {
		return false
	}
	if !i.HasDynamic {
		return i.Type == elf.ET_EXEC || i.Type == elf.ET_DYN
	}
	return i.DynamicRead && len(i.Needed) == 0
}

// Libc names the C library the file links against: musl or glibc by its
// interpreter, its DT_NEEDED libc or its glibc symbol versions; None when
// it is static; Unknown otherwise.
func (i *Info) Libc() string {
	if l := libcOfInterp(i.Interp); l != "" {
		return l
	}
	for _, n := range i.Needed {
		if l := LibcOfLibrary(n); l != "" {
			return l
		}
	}
	for _, v := range i.VersionNeeds {
		if len(v) > 6 && v[:6] == "GLIBC_" {
			return Glibc
		}
	}
	if i.Static() {
		return None
	}
	return Unknown
}

// libcOfInterp maps a program interpreter path to its libc.
func libcOfInterp(interp string) string {
	base := interp
	for j := len(base) - 1; j >= 0; j-- {
		if base[j] == '/' {
			base = base[j+1:]
			break
		}
	}
	switch {
	case base == "":
		return ""
	case hasPrefix(base, "ld-musl-"):
		return Musl
	case hasPrefix(base, "ld-linux"), hasPrefix(base, "ld64.so."), hasPrefix(base, "ld.so."):
		return Glibc
	}
	return ""
}

// LibcOfLibrary maps a needed library name (DT_NEEDED, or a file name in
// /lib) to the libc it belongs to, or "" when it is not a libc.
func LibcOfLibrary(name string) string {
	switch {
	case hasPrefix(name, "libc.musl-"), hasPrefix(name, "ld-musl-"):
		return Musl
	case hasPrefix(name, "libc.so.6"), hasPrefix(name, "ld-linux"):
		return Glibc
	}
	return ""
}

func hasPrefix(s, p string) bool { return len(s) >= len(p) && s[:len(p)] == p }

// String summarises the info in one line, for evidence lists.
func (i *Info) String() string {
	kind := "dynamic"
	if i.Static() {
		kind = "static"
	}
	s := fmt.Sprintf("ELF %s %s %s, %s", classBits(i.Class), i.Machine, typeName(i.Type), kind)
	if i.Interp != "" {
		s += ", interpreter " + i.Interp
	}
	if len(i.Needed) > 0 {
		s += fmt.Sprintf(", needs %v", i.Needed)
	}
	if i.GoNote {
		s += ", Go build ID"
	}
	if i.Truncated {
		s += " (partly read)"
	}
	return s
}

func classBits(c elf.Class) string {
	switch c {
	case elf.ELFCLASS32:
		return "32-bit"
	case elf.ELFCLASS64:
		return "64-bit"
	}
	return "?-bit"
}

func typeName(t elf.Type) string {
	switch t {
	case elf.ET_EXEC:
		return "executable"
	case elf.ET_DYN:
		return "shared object"
	case elf.ET_REL:
		return "relocatable"
	case elf.ET_CORE:
		return "core"
	}
	return "type " + fmt.Sprint(uint16(t))
}
