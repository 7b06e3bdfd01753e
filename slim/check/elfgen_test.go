package check

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
)

// elfSpec describes a test ELF file: 64-bit little-endian x86-64 (unless
// Machine says otherwise), one PT_LOAD mapping the whole file at 0x400000,
// and as asked PT_INTERP and PT_DYNAMIC. Pad puts that many zero bytes
// between the string table and the dynamic segment, as in a large binary
// whose dynamic section sits with its data near the end.
type elfSpec struct {
	Type     elf.Type
	Machine  elf.Machine
	Interp   string
	Needed   []string
	Soname   string
	Rpath    string
	Runpath  string
	Versions map[string][]string // library → version names (DT_VERNEED)
	Pad      int
}

func buildTestELF(s elfSpec) []byte {
	const base = 0x400000
	le := binary.LittleEndian
	if s.Type == 0 {
		s.Type = elf.ET_DYN
	}
	if s.Machine == 0 {
		s.Machine = elf.EM_X86_64
	}
	dynamic := len(s.Needed) > 0 || s.Soname != "" || s.Rpath != "" || s.Runpath != "" || len(s.Versions) > 0
	nph := 1
	if s.Interp != "" {
		nph++
	}
	if dynamic {
		nph++
	}
	hdrEnd := 64 + 56*nph
	var body bytes.Buffer
	at := func() uint64 { return uint64(hdrEnd + body.Len()) }
	var interpOff uint64
	if s.Interp != "" {
		interpOff = at()
		body.WriteString(s.Interp)
		body.WriteByte(0)
	}
	strOff := at()
	strtab := []byte{0}
	str := func(v string) uint64 {
		if i := bytes.Index(strtab, append([]byte(v), 0)); i > 0 && strtab[i-1] == 0 {
			return uint64(i)
		}
		o := uint64(len(strtab))
		strtab = append(append(strtab, v...), 0)
		return o
	}
	type dyn struct {
		tag elf.DynTag
		val uint64
	}
	var dyns []dyn
	for _, n := range s.Needed {
		dyns = append(dyns, dyn{elf.DT_NEEDED, str(n)})
	}
	if s.Soname != "" {
		dyns = append(dyns, dyn{elf.DT_SONAME, str(s.Soname)})
	}
	if s.Rpath != "" {
		dyns = append(dyns, dyn{elf.DT_RPATH, str(s.Rpath)})
	}
	if s.Runpath != "" {
		dyns = append(dyns, dyn{elf.DT_RUNPATH, str(s.Runpath)})
	}
	// Version-needed records, after the string table.
	var vn bytes.Buffer
	libs := make([]string, 0, len(s.Versions))
	for l := range s.Versions {
		libs = append(libs, l)
	}
	for i := 0; i < len(libs); i++ { // stable order
		for j := i + 1; j < len(libs); j++ {
			if libs[j] < libs[i] {
				libs[i], libs[j] = libs[j], libs[i]
			}
		}
	}
	for i, l := range libs {
		vers := s.Versions[l]
		next := uint32(16 + 16*len(vers))
		if i == len(libs)-1 {
			next = 0
		}
		_ = binary.Write(&vn, le, [2]uint16{1, uint16(len(vers))})
		_ = binary.Write(&vn, le, uint32(str(l)))
		_ = binary.Write(&vn, le, uint32(16))
		_ = binary.Write(&vn, le, next)
		for j, v := range vers {
			an := uint32(16)
			if j == len(vers)-1 {
				an = 0
			}
			_ = binary.Write(&vn, le, uint32(0))
			_ = binary.Write(&vn, le, uint16(0))
			_ = binary.Write(&vn, le, uint16(j+2))
			_ = binary.Write(&vn, le, uint32(str(v)))
			_ = binary.Write(&vn, le, an)
		}
	}
	body.Write(strtab)
	for body.Len()%8 != 0 {
		body.WriteByte(0)
	}
	var vnOff uint64
	if vn.Len() > 0 {
		vnOff = at()
		body.Write(vn.Bytes())
		dyns = append(dyns, dyn{elf.DT_VERNEED, base + vnOff}, dyn{elf.DT_VERNEEDNUM, uint64(len(libs))})
	}
	body.Write(make([]byte, s.Pad))
	for body.Len()%8 != 0 {
		body.WriteByte(0)
	}
	dynOff := at()
	if dynamic {
		dyns = append(dyns, dyn{elf.DT_STRTAB, base + strOff}, dyn{elf.DT_STRSZ, uint64(len(strtab))}, dyn{elf.DT_NULL, 0})
		for _, d := range dyns {
			_ = binary.Write(&body, le, uint64(d.tag))
			_ = binary.Write(&body, le, d.val)
		}
	}
	total := uint64(hdrEnd + body.Len())
	var out bytes.Buffer
	ident := [16]byte{0x7f, 'E', 'L', 'F', byte(elf.ELFCLASS64), byte(elf.ELFDATA2LSB), 1}
	out.Write(ident[:])
	_ = binary.Write(&out, le, uint16(s.Type))
	_ = binary.Write(&out, le, uint16(s.Machine))
	_ = binary.Write(&out, le, uint32(1))
	_ = binary.Write(&out, le, uint64(base)) // entry
	_ = binary.Write(&out, le, uint64(64))   // phoff
	_ = binary.Write(&out, le, uint64(0))    // shoff
	_ = binary.Write(&out, le, uint32(0))    // flags
	_ = binary.Write(&out, le, uint16(64))   // ehsize
	_ = binary.Write(&out, le, uint16(56))   // phentsize
	_ = binary.Write(&out, le, uint16(nph))
	_ = binary.Write(&out, le, [3]uint16{64, 0, 0})
	ph := func(typ elf.ProgType, off, size uint64) {
		_ = binary.Write(&out, le, uint32(typ))
		_ = binary.Write(&out, le, uint32(elf.PF_R))
		_ = binary.Write(&out, le, [6]uint64{off, base + off, base + off, size, size, 8})
	}
	ph(elf.PT_LOAD, 0, total)
	if s.Interp != "" {
		ph(elf.PT_INTERP, interpOff, uint64(len(s.Interp)+1))
	}
	if dynamic {
		ph(elf.PT_DYNAMIC, dynOff, total-dynOff)
	}
	out.Write(body.Bytes())
	return out.Bytes()
}
