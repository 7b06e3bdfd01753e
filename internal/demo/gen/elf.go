package gen

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
)

// elfSpec describes a minimal x86-64 ELF64 image: just enough structure for
// debug/elf (and readelf/ldd-style tools) to see the file type, the program
// interpreter and the DT_NEEDED libraries. Code and data are absent; the
// generator pads the file with zeros to its real size.
type elfSpec struct {
	typ    elf.Type // elf.ET_EXEC or elf.ET_DYN
	interp string   // PT_INTERP, e.g. /lib64/ld-linux-x86-64.so.2; "" for shared objects
	needed []string // DT_NEEDED entries in order
	soname string   // DT_SONAME; "" for none
}

// buildELF lays out, in file order: ELF header, program headers, .interp,
// .dynstr, .dynamic, .shstrtab, section headers. Everything is mapped by one
// read-only PT_LOAD at vaddr base (0x400000 for executables, 0 for shared
// objects), so file offset + base = address.
func buildELF(s elfSpec) []byte {
	const (
		ehsize    = 64
		phentsize = 56
		shentsize = 64
	)
	base := uint64(0)
	if s.typ == elf.ET_EXEC {
		base = 0x400000
	}
	nph := 3 // PHDR, LOAD, DYNAMIC
	if s.interp != "" {
		nph++ // INTERP
	}
	off := uint64(ehsize + nph*phentsize)

	interpOff := off
	interp := []byte{}
	if s.interp != "" {
		interp = append([]byte(s.interp), 0)
	}
	off += uint64(len(interp))

	// .dynstr: leading NUL, then each string once.
	dynstr := []byte{0}
	strOff := map[string]uint64{}
	addStr := func(v string) uint64 {
		if o, ok := strOff[v]; ok {
			return o
		}
		o := uint64(len(dynstr))
		dynstr = append(append(dynstr, v...), 0)
		strOff[v] = o
		return o
	}
	type dyn struct{ tag, val uint64 }
	var dyns []dyn
	for _, n := range s.needed {
		dyns = append(dyns, dyn{uint64(elf.DT_NEEDED), addStr(n)})
	}
	if s.soname != "" {
		dyns = append(dyns, dyn{uint64(elf.DT_SONAME), addStr(s.soname)})
	}
	dynstrOff := off
	off += uint64(len(dynstr))
	off = align(off, 8)
	dynamicOff := off
	dyns = append(dyns,
		dyn{uint64(elf.DT_STRTAB), base + dynstrOff},
		dyn{uint64(elf.DT_STRSZ), uint64(len(dynstr))},
		dyn{uint64(elf.DT_NULL), 0},
	)
	dynamicSize := uint64(len(dyns) * 16)
	off += dynamicSize

	shstrtab := []byte("\x00.interp\x00.dynstr\x00.dynamic\x00.shstrtab\x00")
	shstrOff := off
	off += uint64(len(shstrtab))
	off = align(off, 8)
	shoff := off
	nsh := 4 // NULL, .dynstr, .dynamic, .shstrtab
	if s.interp != "" {
		nsh++
	}
	total := shoff + uint64(nsh*shentsize)

	var b bytes.Buffer
	le := binary.LittleEndian
	w := func(v any) { _ = binary.Write(&b, le, v) }

	// ELF header.
	b.Write([]byte{0x7f, 'E', 'L', 'F', byte(elf.ELFCLASS64), byte(elf.ELFDATA2LSB), byte(elf.EV_CURRENT), byte(elf.ELFOSABI_NONE)})
	b.Write(make([]byte, 8))
	w(uint16(s.typ))
	w(uint16(elf.EM_X86_64))
	w(uint32(elf.EV_CURRENT))
	w(uint64(0)) // e_entry: no code
	w(uint64(ehsize))
	w(shoff)
	w(uint32(0)) // e_flags
	w(uint16(ehsize))
	w(uint16(phentsize))
	w(uint16(nph))
	w(uint16(shentsize))
	w(uint16(nsh))
	w(uint16(nsh - 1)) // .shstrtab is last

	ph := func(typ elf.ProgType, flags elf.ProgFlag, o, size, alignment uint64) {
		w(uint32(typ))
		w(uint32(flags))
		w(o)
		w(base + o)
		w(base + o)
		w(size)
		w(size)
		w(alignment)
	}
	ph(elf.PT_PHDR, elf.PF_R, ehsize, uint64(nph*phentsize), 8)
	if s.interp != "" {
		ph(elf.PT_INTERP, elf.PF_R, interpOff, uint64(len(interp)), 1)
	}
	ph(elf.PT_LOAD, elf.PF_R, 0, total, 0x1000)
	ph(elf.PT_DYNAMIC, elf.PF_R|elf.PF_W, dynamicOff, dynamicSize, 8)

	b.Write(interp)
	b.Write(dynstr)
	pad(&b, dynamicOff)
	for _, d := range dyns {
		w(d.tag)
		w(d.val)
	}
	b.Write(shstrtab)
	pad(&b, shoff)

	sh := func(name uint32, typ elf.SectionType, flags elf.SectionFlag, o, size uint64, link uint32, alignment, entsize uint64) {
		w(name)
		w(uint32(typ))
		w(uint64(flags))
		addr := uint64(0)
		if flags&elf.SHF_ALLOC != 0 {
			addr = base + o
		}
		w(addr)
		w(o)
		w(size)
		w(link)
		w(uint32(0)) // sh_info
		w(alignment)
		w(entsize)
	}
	sh(0, elf.SHT_NULL, 0, 0, 0, 0, 0, 0)
	dynstrIdx := uint32(1)
	if s.interp != "" {
		sh(1, elf.SHT_PROGBITS, elf.SHF_ALLOC, interpOff, uint64(len(interp)), 0, 1, 0) // ".interp"
		dynstrIdx = 2
	}
	sh(9, elf.SHT_STRTAB, elf.SHF_ALLOC, dynstrOff, uint64(len(dynstr)), 0, 1, 0)                   // ".dynstr"
	sh(17, elf.SHT_DYNAMIC, elf.SHF_ALLOC|elf.SHF_WRITE, dynamicOff, dynamicSize, dynstrIdx, 8, 16) // ".dynamic"
	sh(26, elf.SHT_STRTAB, 0, shstrOff, uint64(len(shstrtab)), 0, 1, 0)                             // ".shstrtab"
	return b.Bytes()
}

func align(v, a uint64) uint64 { return (v + a - 1) &^ (a - 1) }

// pad appends zeros until b is n bytes long.
func pad(b *bytes.Buffer, n uint64) {
	for uint64(b.Len()) < n {
		b.WriteByte(0)
	}
}
