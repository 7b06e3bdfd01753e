// Package elftest writes small, valid ELF files for tests: an ELF header,
// program headers (PT_LOAD, and as asked PT_INTERP, PT_NOTE, PT_DYNAMIC),
// a dynamic string table and a version-needed chain. There are no sections,
// so readers must work from program headers, as they must with a prefix.
package elftest

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"sort"
)

// Spec says what the generated file links against.
type Spec struct {
	Is32      bool                // ELFCLASS32 instead of ELFCLASS64
	BigEndian bool                // ELFDATA2MSB instead of ELFDATA2LSB
	Type      elf.Type            // 0 means ET_DYN
	Machine   elf.Machine         // 0 means EM_X86_64 (EM_386 for 32-bit)
	Interp    string              // PT_INTERP contents; "" for none
	Dynamic   bool                // write a PT_DYNAMIC segment (implied by Needed, Soname, VersionNeeds)
	Needed    []string            // DT_NEEDED names
	Soname    string              // DT_SONAME
	Versions  map[string][]string // DT_VERNEED: library -> version names
	PIE       bool                // DT_FLAGS_1 with DF_1_PIE
	GoNote    bool                // a PT_NOTE with the Go build-ID note
	Pad       int                 // bytes of zero padding between headers and the data that follows
}

const base = 0x400000

// Build returns the bytes of an ELF file as spec describes.
func Build(s Spec) []byte {
	var order binary.ByteOrder = binary.LittleEndian
	if s.BigEndian {
		order = binary.BigEndian
	}
	is64 := !s.Is32
	ehsize, phentsize := 52, 32
	if is64 {
		ehsize, phentsize = 64, 56
	}
	dynamic := s.Dynamic || len(s.Needed) > 0 || s.Soname != "" || len(s.Versions) > 0 || s.PIE
	nph := 1
	if s.Interp != "" {
		nph++
	}
	if s.GoNote {
		nph++
	}
	if dynamic {
		nph++
	}
	var data bytes.Buffer // everything after the program headers
	dataOff := ehsize + nph*phentsize + s.Pad
	at := func() uint64 { return uint64(dataOff + data.Len()) }
	align := func(n int) {
		for data.Len()%n != 0 {
			data.WriteByte(0)
		}
	}
	var interpOff, interpLen, noteOff, noteLen uint64
	if s.Interp != "" {
		interpOff = at()
		data.WriteString(s.Interp)
		data.WriteByte(0)
		interpLen = uint64(len(s.Interp) + 1)
	}
	if s.GoNote {
		align(4)
		noteOff = at()
		w32 := func(v uint32) { _ = binary.Write(&data, order, v) }
		w32(3)
		w32(8)
		w32(4)
		data.WriteString("Go\x00\x00")
		data.WriteString("buildid!")
		noteLen = at() - noteOff
	}
	// String table.
	var strtab bytes.Buffer
	strtab.WriteByte(0)
	strIdx := map[string]uint64{}
	str := func(v string) uint64 {
		if i, ok := strIdx[v]; ok {
			return i
		}
		i := uint64(strtab.Len())
		strtab.WriteString(v)
		strtab.WriteByte(0)
		strIdx[v] = i
		return i
	}
	type dyn struct{ tag, val uint64 }
	var dyns []dyn
	for _, n := range s.Needed {
		dyns = append(dyns, dyn{uint64(elf.DT_NEEDED), str(n)})
	}
	if s.Soname != "" {
		dyns = append(dyns, dyn{uint64(elf.DT_SONAME), str(s.Soname)})
	}
	libs := make([]string, 0, len(s.Versions))
	for l := range s.Versions {
		libs = append(libs, l)
	}
	sort.Strings(libs)
	var vn bytes.Buffer
	for li, l := range libs {
		vers := s.Versions[l]
		w16 := func(v uint16) { _ = binary.Write(&vn, order, v) }
		w32 := func(v uint32) { _ = binary.Write(&vn, order, v) }
		next := uint32(16 + 16*len(vers))
		if li == len(libs)-1 {
			next = 0
		}
		w16(1)
		w16(uint16(len(vers)))
		w32(uint32(str(l)))
		w32(16)
		w32(next)
		for vi, v := range vers {
			anext := uint32(16)
			if vi == len(vers)-1 {
				anext = 0
			}
			w32(0)
			w16(0)
			w16(uint16(vi + 2))
			w32(uint32(str(v)))
			w32(anext)
		}
	}
	var strtabOff, vnOff, dynOff, dynLen uint64
	if dynamic {
		align(8)
		strtabOff = at()
		data.Write(strtab.Bytes())
		if vn.Len() > 0 {
			align(8)
			vnOff = at()
			data.Write(vn.Bytes())
			dyns = append(dyns, dyn{uint64(elf.DT_VERNEED), base + vnOff}, dyn{uint64(elf.DT_VERNEEDNUM), uint64(len(libs))})
		}
		dyns = append(dyns, dyn{uint64(elf.DT_STRTAB), base + strtabOff}, dyn{uint64(elf.DT_STRSZ), uint64(strtab.Len())})
		if s.PIE {
			dyns = append(dyns, dyn{uint64(elf.DT_FLAGS_1), uint64(elf.DF_1_PIE)})
		}
		dyns = append(dyns, dyn{uint64(elf.DT_NULL), 0})
		align(8)
		dynOff = at()
		for _, d := range dyns {
			if is64 {
				_ = binary.Write(&data, order, d.tag)
				_ = binary.Write(&data, order, d.val)
			} else {
				_ = binary.Write(&data, order, uint32(d.tag))
				_ = binary.Write(&data, order, uint32(d.val))
			}
		}
		dynLen = at() - dynOff
	}
	total := at()

	var out bytes.Buffer
	ident := make([]byte, elf.EI_NIDENT)
	copy(ident, elf.ELFMAG)
	ident[elf.EI_CLASS] = byte(elf.ELFCLASS64)
	if !is64 {
		ident[elf.EI_CLASS] = byte(elf.ELFCLASS32)
	}
	ident[elf.EI_DATA] = byte(elf.ELFDATA2LSB)
	if s.BigEndian {
		ident[elf.EI_DATA] = byte(elf.ELFDATA2MSB)
	}
	ident[elf.EI_VERSION] = byte(elf.EV_CURRENT)
	out.Write(ident)
	typ := s.Type
	if typ == 0 {
		typ = elf.ET_DYN
	}
	mach := s.Machine
	if mach == 0 {
		mach = elf.EM_X86_64
		if !is64 {
			mach = elf.EM_386
		}
	}
	w16 := func(v uint16) { _ = binary.Write(&out, order, v) }
	w32 := func(v uint32) { _ = binary.Write(&out, order, v) }
	word := func(v uint64) {
		if is64 {
			_ = binary.Write(&out, order, v)
		} else {
			w32(uint32(v))
		}
	}
	w16(uint16(typ))
	w16(uint16(mach))
	w32(uint32(elf.EV_CURRENT))
	word(base)           // e_entry
	word(uint64(ehsize)) // e_phoff
	word(0)              // e_shoff
	w32(0)               // e_flags
	w16(uint16(ehsize))
	w16(uint16(phentsize))
	w16(uint16(nph))
	w16(0) // e_shentsize
	w16(0) // e_shnum
	w16(0) // e_shstrndx
	ph := func(t elf.ProgType, flags uint32, off, size uint64) {
		w32(uint32(t))
		if is64 {
			w32(flags)
		}
		word(off)
		word(base + off)
		word(base + off)
		word(size)
		word(size)
		if !is64 {
			w32(flags)
		}
		word(8)
	}
	if s.Interp != "" {
		ph(elf.PT_INTERP, uint32(elf.PF_R), interpOff, interpLen)
	}
	ph(elf.PT_LOAD, uint32(elf.PF_R|elf.PF_X), 0, total)
	if s.GoNote {
		ph(elf.PT_NOTE, uint32(elf.PF_R), noteOff, noteLen)
	}
	if dynamic {
		ph(elf.PT_DYNAMIC, uint32(elf.PF_R|elf.PF_W), dynOff, dynLen)
	}
	out.Write(make([]byte, s.Pad))
	out.Write(data.Bytes())
	return out.Bytes()
}

// GlibcAddon returns a 64-bit x86 shared object that needs libc.so.6 and
// asks for GLIBC_2.2.5, as a node addon built on Debian does.
func GlibcAddon() []byte {
	return Build(Spec{Needed: []string{"libstdc++.so.6", "libc.so.6"}, Versions: map[string][]string{"libc.so.6": {"GLIBC_2.2.5", "GLIBC_2.14"}}})
}

// MuslAddon returns a 64-bit x86 shared object that needs musl's libc, as a
// node addon built on Alpine does.
func MuslAddon() []byte {
	return Build(Spec{Needed: []string{"libstdc++.so.6", "libc.musl-x86_64.so.1"}})
}

// StaticGo returns a static 64-bit x86 executable with a Go build-ID note.
func StaticGo() []byte { return Build(Spec{Type: elf.ET_EXEC, GoNote: true}) }

// GlibcExecutable returns a dynamically linked PIE using glibc's loader.
func GlibcExecutable() []byte {
	return Build(Spec{Interp: "/lib64/ld-linux-x86-64.so.2", Needed: []string{"libc.so.6"}, PIE: true})
}

// MuslExecutable returns a dynamically linked PIE using musl's loader.
func MuslExecutable() []byte {
	return Build(Spec{Interp: "/lib/ld-musl-x86_64.so.1", Needed: []string{"libc.musl-x86_64.so.1"}, PIE: true})
}
