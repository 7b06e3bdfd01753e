package elfinfo

import (
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
)

// prog is one program header, widened to 64 bits.
type prog struct {
	typ    elf.ProgType
	off    uint64
	vaddr  uint64
	filesz uint64
}

// reader reads fixed-size fields of one ELF file from a byte prefix.
type reader struct {
	b     []byte
	order binary.ByteOrder
	is64  bool
	end   uint64 // one past the last byte a successful read looked at
}

// saw notes that bytes before end were read.
func (r *reader) saw(end uint64) { r.end = max(r.end, end) }

var errShort = errors.New("beyond the bytes read")

func (r *reader) slice(off, n uint64) ([]byte, error) {
	if off > uint64(len(r.b)) || n > uint64(len(r.b))-off {
		return nil, errShort
	}
	r.saw(off + n)
	return r.b[off : off+n], nil
}

func (r *reader) u16(off uint64) (uint16, error) {
	s, err := r.slice(off, 2)
	if err != nil {
		return 0, err
	}
	return r.order.Uint16(s), nil
}

func (r *reader) u32(off uint64) (uint32, error) {
	s, err := r.slice(off, 4)
	if err != nil {
		return 0, err
	}
	return r.order.Uint32(s), nil
}

// word reads an address-sized field (4 or 8 bytes).
func (r *reader) word(off uint64) (uint64, error) {
	if !r.is64 {
		v, err := r.u32(off)
		return uint64(v), err
	}
	s, err := r.slice(off, 8)
	if err != nil {
		return 0, err
	}
	return r.order.Uint64(s), nil
}

// cstring reads a NUL-terminated string at off, at most max bytes long.
func (r *reader) cstring(off uint64, max int) (string, error) {
	if off >= uint64(len(r.b)) {
		return "", errShort
	}
	s := r.b[off:]
	if len(s) > max {
		s = s[:max]
	}
	for i, c := range s {
		if c == 0 {
			r.saw(off + uint64(i) + 1)
			return string(s[:i]), nil
		}
	}
	if len(s) == max {
		r.saw(off + uint64(max))
		return "", fmt.Errorf("string at offset %d longer than %d bytes", off, max)
	}
	return "", errShort
}

// parseRaw reads the ELF header, program headers, interpreter, notes and
// dynamic segment without section headers.
func parseRaw(b []byte) (*Info, error) {
	info, _, err := parseRawExtent(b)
	return info, err
}

// parseRawExtent is parseRaw, also returning how many leading bytes of b it
// looked at.
func parseRawExtent(b []byte) (*Info, uint64, error) {
	r := &reader{b: b, end: elf.EI_NIDENT}
	info, err := r.parse()
	return info, r.end, err
}

func (r *reader) parse() (*Info, error) {
	b := r.b
	if len(b) < elf.EI_NIDENT {
		return nil, fmt.Errorf("reading ELF ident: %w", errShort)
	}
	info := &Info{Class: elf.Class(b[elf.EI_CLASS]), Data: elf.Data(b[elf.EI_DATA])}
	switch info.Data {
	case elf.ELFDATA2LSB:
		r.order = binary.LittleEndian
	case elf.ELFDATA2MSB:
		r.order = binary.BigEndian
	default:
		return nil, fmt.Errorf("reading ELF ident: unknown data encoding %d", b[elf.EI_DATA])
	}
	var phoffAt, phentAt, phnumAt, wantEnt uint64
	switch info.Class {
	case elf.ELFCLASS64:
		r.is64 = true
		phoffAt, phentAt, phnumAt, wantEnt = 32, 54, 56, 56
	case elf.ELFCLASS32:
		phoffAt, phentAt, phnumAt, wantEnt = 28, 42, 44, 32
	default:
		return nil, fmt.Errorf("reading ELF ident: unknown class %d", b[elf.EI_CLASS])
	}
	typ, err := r.u16(16)
	if err != nil {
		return nil, fmt.Errorf("reading ELF header: %w", err)
	}
	mach, err := r.u16(18)
	if err != nil {
		return nil, fmt.Errorf("reading ELF header: %w", err)
	}
	info.Type, info.Machine = elf.Type(typ), elf.Machine(mach)
	phoff, err := r.word(phoffAt)
	if err != nil {
		return nil, fmt.Errorf("reading ELF header: %w", err)
	}
	phent, err := r.u16(phentAt)
	if err != nil {
		return nil, fmt.Errorf("reading ELF header: %w", err)
	}
	phnum, err := r.u16(phnumAt)
	if err != nil {
		return nil, fmt.Errorf("reading ELF header: %w", err)
	}
	if phnum == 0 {
		return info, nil
	}
	if uint64(phent) < wantEnt {
		return nil, fmt.Errorf("reading program headers: entry size %d smaller than %d", phent, wantEnt)
	}
	if phnum == 0xffff || phnum > maxProgs {
		return nil, fmt.Errorf("reading program headers: %d entries not supported", phnum)
	}
	progs := make([]prog, 0, phnum)
	for i := uint64(0); i < uint64(phnum); i++ {
		p, err := r.prog(phoff + i*uint64(phent))
		if err != nil {
			return nil, fmt.Errorf("reading program header %d: %w", i, err)
		}
		progs = append(progs, p)
	}
	for _, p := range progs {
		switch p.typ {
		case elf.PT_INTERP:
			info.HasInterp = true
			s, err := r.cstring(p.off, int(min(p.filesz, maxString)))
			if err != nil {
				info.Truncated = true
				continue
			}
			info.Interp = s
		case elf.PT_NOTE:
			if !info.GoNote {
				found, complete := r.goNote(p)
				info.GoNote = found
				info.Truncated = info.Truncated || !complete
			}
		case elf.PT_DYNAMIC:
			info.HasDynamic = true
		}
	}
	for _, p := range progs {
		if p.typ == elf.PT_DYNAMIC {
			info.DynamicRead = r.dynamic(p, progs, info)
			info.Truncated = info.Truncated || !info.DynamicRead
			break
		}
	}
	return info, nil
}

func (r *reader) prog(off uint64) (prog, error) {
	var p prog
	t, err := r.u32(off)
	if err != nil {
		return p, err
	}
	p.typ = elf.ProgType(t)
	if r.is64 {
		// p_type, p_flags, p_offset, p_vaddr, p_paddr, p_filesz
		if p.off, err = r.word(off + 8); err != nil {
			return p, err
		}
		if p.vaddr, err = r.word(off + 16); err != nil {
			return p, err
		}
		p.filesz, err = r.word(off + 32)
		return p, err
	}
	// p_type, p_offset, p_vaddr, p_paddr, p_filesz
	if p.off, err = r.word(off + 4); err != nil {
		return p, err
	}
	if p.vaddr, err = r.word(off + 8); err != nil {
		return p, err
	}
	p.filesz, err = r.word(off + 16)
	return p, err
}

// goNote reports whether the note segment holds the Go build-ID note
// (owner "Go", type 4), and whether the segment was read to its end.
func (r *reader) goNote(p prog) (found, complete bool) {
	end := p.off + min(p.filesz, maxNoteBytes)
	if end < p.off {
		return false, true
	}
	align := func(n uint64) uint64 { return (n + 3) &^ 3 }
	for off := p.off; off+12 <= end; {
		namesz, err1 := r.u32(off)
		descsz, err2 := r.u32(off + 4)
		typ, err3 := r.u32(off + 8)
		if err1 != nil || err2 != nil || err3 != nil {
			return false, false
		}
		name, err := r.slice(off+12, uint64(namesz))
		if err != nil {
			return false, false
		}
		if typ == 4 && (string(name) == "Go\x00" || string(name) == "Go\x00\x00") {
			return true, true
		}
		next := off + 12 + align(uint64(namesz)) + align(uint64(descsz))
		if next <= off {
			break
		}
		off = next
	}
	return false, true
}

// vaddrToOff maps a virtual address to a file offset through the PT_LOAD
// segments.
func vaddrToOff(progs []prog, addr uint64) (uint64, bool) {
	for _, p := range progs {
		if p.typ == elf.PT_LOAD && addr >= p.vaddr && addr-p.vaddr < p.filesz {
			return p.off + (addr - p.vaddr), true
		}
	}
	return 0, false
}

// dynamic reads the dynamic segment and the strings it points at. It
// returns false when anything needed lay beyond the bytes given.
func (r *reader) dynamic(p prog, progs []prog, info *Info) bool {
	entSize := uint64(8)
	if r.is64 {
		entSize = 16
	}
	var (
		needed                []uint64
		soname                uint64
		hasSoname             bool
		strtab, strsz         uint64
		verneed, verneedNum   uint64
		hasStrtab, hasVerneed bool
		terminated            bool
	)
	n := min(p.filesz/entSize, maxDynamic)
	for i := uint64(0); i < n; i++ {
		off := p.off + i*entSize
		tag, err1 := r.word(off)
		val, err2 := r.word(off + entSize/2)
		if err1 != nil || err2 != nil {
			return false
		}
		switch elf.DynTag(tag) {
		case elf.DT_NULL:
			terminated = true
		case elf.DT_NEEDED:
			if len(needed) < maxNeeded {
				needed = append(needed, val)
			}
		case elf.DT_SONAME:
			soname, hasSoname = val, true
		case elf.DT_STRTAB:
			strtab, hasStrtab = val, true
		case elf.DT_STRSZ:
			strsz = val
		case elf.DT_VERNEED:
			verneed, hasVerneed = val, true
		case elf.DT_VERNEEDNUM:
			verneedNum = val
		case elf.DT_FLAGS_1:
			info.PIE = val&uint64(elf.DF_1_PIE) != 0
		}
		if terminated {
			break
		}
	}
	if !hasStrtab {
		return len(needed) == 0 && !hasSoname && !hasVerneed
	}
	strOff, ok := vaddrToOff(progs, strtab)
	if !ok {
		// Some linkers write file offsets rather than addresses when the
		// object has no PT_LOAD (unusual); fall back to that reading.
		strOff = strtab
	}
	str := func(idx uint64) (string, bool) {
		if strsz != 0 && idx >= strsz {
			return "", true // out of the table: ignore the entry
		}
		s, err := r.cstring(strOff+idx, maxString)
		if err != nil {
			return "", false
		}
		return s, true
	}
	complete := true
	info.Needed = nil
	for _, idx := range needed {
		s, ok := str(idx)
		if !ok {
			complete = false
			continue
		}
		info.Needed = append(info.Needed, s)
	}
	if hasSoname {
		s, ok := str(soname)
		if ok {
			info.Soname = s
		} else {
			complete = false
		}
	}
	if hasVerneed {
		if !r.verneeds(progs, verneed, verneedNum, str, info) {
			complete = false
		}
	}
	return complete
}

// verneeds reads the version-needed chain (Elf_Verneed / Elf_Vernaux).
func (r *reader) verneeds(progs []prog, addr, num uint64, str func(uint64) (string, bool), info *Info) bool {
	off, ok := vaddrToOff(progs, addr)
	if !ok {
		return false
	}
	seen := map[string]bool{}
	total := 0
	for i := uint64(0); i < num && i < maxVerneed; i++ {
		cnt, err1 := r.u16(off + 2)
		aux, err2 := r.u32(off + 8)
		next, err3 := r.u32(off + 12)
		if err1 != nil || err2 != nil || err3 != nil {
			return false
		}
		a := off + uint64(aux)
		for j := uint16(0); j < cnt && total < maxVerneed*4; j++ {
			total++
			name, err1 := r.u32(a + 8)
			anext, err2 := r.u32(a + 12)
			if err1 != nil || err2 != nil {
				return false
			}
			s, ok := str(uint64(name))
			if !ok {
				return false
			}
			if s != "" && !seen[s] {
				seen[s] = true
				info.VersionNeeds = append(info.VersionNeeds, s)
			}
			if anext == 0 {
				break
			}
			a += uint64(anext)
		}
		if next == 0 {
			break
		}
		off += uint64(next)
	}
	return true
}
