package check

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/slimcheck/slimcheck/analyze/ecosystem/elfinfo"
)

// ELF is how an ELF file links: what the dynamic loader reads before it
// runs the file.
type ELF struct {
	Class        elf.Class   // 32 or 64 bit
	Machine      elf.Machine // target architecture
	Type         elf.Type    // ET_EXEC, ET_DYN…
	Interp       string      // PT_INTERP: the program loader, "" when absent
	Dynamic      bool        // a PT_DYNAMIC segment exists
	Needed       []string    // DT_NEEDED, in order
	Soname       string      // DT_SONAME
	Rpath        []string    // DT_RPATH entries, as written ($ORIGIN unexpanded)
	Runpath      []string    // DT_RUNPATH entries, as written
	VersionNeeds []string    // DT_VERNEED version names (GLIBC_2.17…), deduplicated in order
	Truncated    bool        // part of the dynamic data lay beyond what was read
}

// ErrNotELF is returned for data that does not start with the ELF magic.
var ErrNotELF = errors.New("not an ELF file")

// Limits that keep hostile headers cheap.
const (
	maxProgs   = 4096
	maxDynamic = 1 << 20 // bytes of the dynamic segment read
	maxStrings = 1024    // DT_NEEDED / rpath entries kept
	maxString  = 4096    // bytes of one string
	maxVerneed = 1024    // version-needed records followed
)

// ReadELF reads an ELF file of size bytes from r, front to back, without
// seeking: the first prefix bytes (the headers, .interp, .dynstr and the
// version tables, which linkers place at the front) are kept, then, when the
// dynamic segment lies beyond them (as in large binaries, where it sits with
// the data near the end), the stream is skipped up to it and only it is read.
// It reads at most prefix + 1 MiB bytes of contents and fails only when the
// ELF and program headers are unreadable.
func ReadELF(r io.Reader, size, prefix int64) (*ELF, error) {
	return readELF(r, size, prefix, nil)
}

// readELF is ReadELF reading the prefix into scratch when it is large
// enough (the ELF keeps no reference to it).
func readELF(r io.Reader, size, prefix int64, scratch []byte) (*ELF, error) {
	if size < 0 {
		size = 0
	}
	n := min(size, prefix)
	buf := scratch
	if int64(cap(buf)) < n {
		buf = make([]byte, n)
	}
	buf = buf[:n]
	got, err := io.ReadFull(r, buf)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("reading ELF header: %w", err)
	}
	buf = buf[:got]
	img := &sparse{parts: []part{{off: 0, b: buf}}}
	f, err := parseHeaders(img)
	if err != nil {
		return nil, err
	}
	e := f.elf
	if f.dyn.size > 0 {
		end := f.dyn.off + f.dyn.size
		if f.dyn.off >= int64(len(buf)) && end <= size {
			// Skip to the dynamic segment and read it alone.
			if _, err := io.CopyN(io.Discard, r, f.dyn.off-int64(len(buf))); err == nil {
				seg := make([]byte, f.dyn.size)
				if k, _ := io.ReadFull(r, seg); k > 0 {
					img.parts = append(img.parts, part{off: f.dyn.off, b: seg[:k]})
				}
			}
		} else if f.dyn.off < int64(len(buf)) && end > int64(len(buf)) && end <= size {
			rest := make([]byte, end-int64(len(buf)))
			if k, _ := io.ReadFull(r, rest); k > 0 {
				img.parts[0].b = append(img.parts[0].b, rest[:k]...)
			}
		}
		f.readDynamic(img)
	}
	if int64(len(buf)) == size {
		fromDebugELF(buf, e)
	}
	return e, nil
}

// fromDebugELF lets debug/elf have the last word on a file read whole that
// has section headers: its view of the dynamic section keeps the
// program-header reader above honest.
func fromDebugELF(b []byte, e *ELF) {
	f, err := elf.NewFile(bytes.NewReader(b))
	if err != nil {
		return
	}
	defer f.Close()
	if f.Section(".dynamic") == nil {
		return
	}
	get := func(tag elf.DynTag) ([]string, bool) {
		v, err := f.DynString(tag)
		return v, err == nil
	}
	needed, ok1 := get(elf.DT_NEEDED)
	soname, ok2 := get(elf.DT_SONAME)
	rpath, ok3 := get(elf.DT_RPATH)
	runpath, ok4 := get(elf.DT_RUNPATH)
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return
	}
	if len(needed) > maxStrings {
		needed = needed[:maxStrings]
	}
	e.Needed = append([]string(nil), needed...)
	e.Soname, e.Rpath, e.Runpath = "", nil, nil
	if len(soname) > 0 {
		e.Soname = soname[0]
	}
	if len(rpath) > 0 {
		e.Rpath = splitPathList(rpath[0])
	}
	if len(runpath) > 0 {
		e.Runpath = splitPathList(runpath[0])
	}
	if vn, err := f.DynamicVersionNeeds(); err == nil {
		e.VersionNeeds = nil
		seen := map[string]bool{}
		for _, n := range vn {
			for _, d := range n.Needs {
				if d.Dep != "" && !seen[d.Dep] && len(e.VersionNeeds) < maxVerneed {
					seen[d.Dep] = true
					e.VersionNeeds = append(e.VersionNeeds, d.Dep)
				}
			}
		}
	}
	e.Truncated = false
}

// ParseELF reads an ELF file held whole in memory.
func ParseELF(b []byte) (*ELF, error) {
	return ReadELF(bytes.NewReader(b), int64(len(b)), int64(len(b)))
}

// Libc names the C library the file links: musl or glibc by its loader,
// its DT_NEEDED libc or its GLIBC_ symbol versions; "none" for a file that
// needs no loader; "unknown" otherwise.
func (e *ELF) Libc() string {
	i := elfinfo.Info{Interp: e.Interp, HasInterp: e.Interp != "", HasDynamic: e.Dynamic, DynamicRead: !e.Truncated,
		Needed: e.Needed, VersionNeeds: e.VersionNeeds, Type: e.Type, Class: e.Class, Machine: e.Machine}
	return i.Libc()
}

// Static reports whether the file needs no dynamic loader at all.
func (e *ELF) Static() bool { return e.Interp == "" && len(e.Needed) == 0 && !e.Truncated }

// String summarises the file in one line.
func (e *ELF) String() string {
	kind := "shared object"
	switch {
	case e.Type == elf.ET_EXEC || e.Type == elf.ET_DYN && e.Interp != "":
		kind = "executable"
	case e.Type != elf.ET_DYN:
		kind = fmt.Sprintf("type %d", uint16(e.Type))
	}
	s := fmt.Sprintf("ELF %s %s", kind, e.Machine)
	if l := e.Libc(); l != elfinfo.Unknown {
		s += ", " + l
	}
	if len(e.Needed) > 0 {
		s += ", needs " + strings.Join(e.Needed, " ")
	}
	return s
}

// part is one range of the file that was read.
type part struct {
	off int64
	b   []byte
}

// sparse is the parts of a file that were read; reads outside them fail.
type sparse struct{ parts []part }

// at returns n bytes at off, or false when they were not read.
func (s *sparse) at(off, n int64) ([]byte, bool) {
	if off < 0 || n < 0 {
		return nil, false
	}
	for _, p := range s.parts {
		if off >= p.off && off-p.off <= int64(len(p.b)) && n <= int64(len(p.b))-(off-p.off) {
			return p.b[off-p.off : off-p.off+n], true
		}
	}
	return nil, false
}

// cstring returns the NUL-terminated string at off (at most maxString bytes).
func (s *sparse) cstring(off int64) (string, bool) {
	for _, p := range s.parts {
		if off < p.off || off-p.off >= int64(len(p.b)) {
			continue
		}
		b := p.b[off-p.off:]
		if len(b) > maxString {
			b = b[:maxString]
		}
		if i := bytes.IndexByte(b, 0); i >= 0 {
			return string(b[:i]), true
		}
		return "", false
	}
	return "", false
}

// load is one PT_LOAD segment: virtual addresses mapped to file offsets.
type load struct{ vaddr, off, filesz uint64 }

// span is a file range.
type span struct{ off, size int64 }

// file is the header-level view of an ELF file while it is read.
type file struct {
	elf   *ELF
	order binary.ByteOrder
	is64  bool
	loads []load
	dyn   span
}

// parseHeaders reads the ELF header, program headers and PT_INTERP.
func parseHeaders(s *sparse) (*file, error) {
	ident, ok := s.at(0, elf.EI_NIDENT)
	if !ok || string(ident[:4]) != elf.ELFMAG {
		return nil, ErrNotELF
	}
	f := &file{elf: &ELF{Class: elf.Class(ident[elf.EI_CLASS])}}
	switch elf.Data(ident[elf.EI_DATA]) {
	case elf.ELFDATA2LSB:
		f.order = binary.LittleEndian
	case elf.ELFDATA2MSB:
		f.order = binary.BigEndian
	default:
		return nil, fmt.Errorf("reading ELF header: unknown byte order %d", ident[elf.EI_DATA])
	}
	var phoff uint64
	var phentsize, phnum int
	switch f.elf.Class {
	case elf.ELFCLASS64:
		f.is64 = true
		b, ok := s.at(0, 64)
		if !ok {
			return nil, fmt.Errorf("reading ELF header: %w", io.ErrUnexpectedEOF)
		}
		f.elf.Type = elf.Type(f.order.Uint16(b[16:]))
		f.elf.Machine = elf.Machine(f.order.Uint16(b[18:]))
		phoff = f.order.Uint64(b[32:])
		phentsize, phnum = int(f.order.Uint16(b[54:])), int(f.order.Uint16(b[56:]))
		if phnum > 0 && phentsize < 56 {
			return nil, fmt.Errorf("reading ELF header: program header size %d", phentsize)
		}
	case elf.ELFCLASS32:
		b, ok := s.at(0, 52)
		if !ok {
			return nil, fmt.Errorf("reading ELF header: %w", io.ErrUnexpectedEOF)
		}
		f.elf.Type = elf.Type(f.order.Uint16(b[16:]))
		f.elf.Machine = elf.Machine(f.order.Uint16(b[18:]))
		phoff = uint64(f.order.Uint32(b[28:]))
		phentsize, phnum = int(f.order.Uint16(b[42:])), int(f.order.Uint16(b[44:]))
		if phnum > 0 && phentsize < 32 {
			return nil, fmt.Errorf("reading ELF header: program header size %d", phentsize)
		}
	default:
		return nil, fmt.Errorf("reading ELF header: unknown class %d", ident[elf.EI_CLASS])
	}
	if phnum > maxProgs {
		return nil, fmt.Errorf("reading ELF header: %d program headers", phnum)
	}
	if phoff > 1<<40 {
		return nil, fmt.Errorf("reading ELF header: program headers at offset %d", phoff)
	}
	var interp span
	for i := 0; i < phnum; i++ {
		b, ok := s.at(int64(phoff)+int64(i*phentsize), int64(phentsize))
		if !ok {
			return nil, fmt.Errorf("reading program header %d: %w", i, io.ErrUnexpectedEOF)
		}
		var typ uint32
		var off, vaddr, filesz uint64
		if f.is64 {
			typ, off, vaddr, filesz = f.order.Uint32(b[0:]), f.order.Uint64(b[8:]), f.order.Uint64(b[16:]), f.order.Uint64(b[32:])
		} else {
			typ, off, vaddr, filesz = f.order.Uint32(b[0:]), uint64(f.order.Uint32(b[4:])), uint64(f.order.Uint32(b[8:])), uint64(f.order.Uint32(b[16:]))
		}
		if off > 1<<48 || filesz > 1<<48 {
			continue
		}
		switch elf.ProgType(typ) {
		case elf.PT_LOAD:
			f.loads = append(f.loads, load{vaddr: vaddr, off: off, filesz: filesz})
		case elf.PT_INTERP:
			interp = span{off: int64(off), size: int64(min(filesz, maxString))}
		case elf.PT_DYNAMIC:
			f.elf.Dynamic = true
			f.dyn = span{off: int64(off), size: int64(min(filesz, maxDynamic))}
		}
	}
	if interp.size > 0 {
		if b, ok := s.at(interp.off, interp.size); ok {
			f.elf.Interp = string(bytes.TrimRight(b, "\x00"))
			if i := strings.IndexByte(f.elf.Interp, 0); i >= 0 {
				f.elf.Interp = f.elf.Interp[:i]
			}
		} else {
			f.elf.Truncated = true
		}
	}
	return f, nil
}

// offset maps a virtual address to a file offset through the PT_LOAD segments.
func (f *file) offset(vaddr uint64) (int64, bool) {
	for _, l := range f.loads {
		if vaddr >= l.vaddr && vaddr-l.vaddr < l.filesz {
			return int64(l.off + (vaddr - l.vaddr)), true
		}
	}
	return 0, false
}

// readDynamic reads the dynamic segment and the strings and version tables
// it points at, setting Truncated for anything that was not read.
func (f *file) readDynamic(s *sparse) {
	e := f.elf
	b, ok := s.at(f.dyn.off, f.dyn.size)
	if !ok {
		e.Truncated = true
		return
	}
	entSize := 8
	if f.is64 {
		entSize = 16
	}
	var strtab, verneed uint64
	var verneedNum int
	var needed, soname, rpath, runpath []uint64
	for i := 0; i+entSize <= len(b); i += entSize {
		var tag int64
		var val uint64
		if f.is64 {
			tag, val = int64(f.order.Uint64(b[i:])), f.order.Uint64(b[i+8:])
		} else {
			tag, val = int64(int32(f.order.Uint32(b[i:]))), uint64(f.order.Uint32(b[i+4:]))
		}
		switch elf.DynTag(tag) {
		case elf.DT_NULL:
			i = len(b)
		case elf.DT_NEEDED:
			if len(needed) < maxStrings {
				needed = append(needed, val)
			}
		case elf.DT_SONAME:
			soname = append(soname[:0], val)
		case elf.DT_RPATH:
			rpath = append(rpath[:0], val)
		case elf.DT_RUNPATH:
			runpath = append(runpath[:0], val)
		case elf.DT_STRTAB:
			strtab = val
		case elf.DT_VERNEED:
			verneed = val
		case elf.DT_VERNEEDNUM:
			verneedNum = int(min(val, maxVerneed))
		}
	}
	if len(needed)+len(soname)+len(rpath)+len(runpath)+verneedNum == 0 {
		return
	}
	base, ok := f.offset(strtab)
	if !ok {
		e.Truncated = true
		return
	}
	str := func(off uint64) (string, bool) {
		if off > 1<<40 {
			return "", false
		}
		v, ok := s.cstring(base + int64(off))
		if !ok {
			e.Truncated = true
		}
		return v, ok
	}
	for _, o := range needed {
		if v, ok := str(o); ok {
			e.Needed = append(e.Needed, v)
		}
	}
	if len(soname) > 0 {
		e.Soname, _ = str(soname[0])
	}
	if len(rpath) > 0 {
		if v, ok := str(rpath[0]); ok {
			e.Rpath = splitPathList(v)
		}
	}
	if len(runpath) > 0 {
		if v, ok := str(runpath[0]); ok {
			e.Runpath = splitPathList(v)
		}
	}
	if verneedNum > 0 {
		f.readVerneed(s, verneed, verneedNum, str)
	}
}

// readVerneed follows the Elf_Verneed chain and collects the version names
// of its Elf_Vernaux records (both are 16 bytes in either class).
func (f *file) readVerneed(s *sparse, vaddr uint64, num int, str func(uint64) (string, bool)) {
	off, ok := f.offset(vaddr)
	if !ok {
		f.elf.Truncated = true
		return
	}
	seen := map[string]bool{}
	aux := 0
	for i := 0; i < num; i++ {
		b, ok := s.at(off, 16)
		if !ok {
			f.elf.Truncated = true
			return
		}
		cnt, auxOff, next := int(f.order.Uint16(b[2:])), f.order.Uint32(b[8:]), f.order.Uint32(b[12:])
		a := off + int64(auxOff)
		for j := 0; j < cnt && aux < maxVerneed; j++ {
			aux++
			ab, ok := s.at(a, 16)
			if !ok {
				f.elf.Truncated = true
				return
			}
			if v, ok := str(uint64(f.order.Uint32(ab[8:]))); ok && v != "" && !seen[v] {
				seen[v] = true
				f.elf.VersionNeeds = append(f.elf.VersionNeeds, v)
			}
			an := f.order.Uint32(ab[12:])
			if an == 0 {
				break
			}
			a += int64(an)
		}
		if next == 0 {
			return
		}
		off += int64(next)
	}
}

// splitPathList splits a colon-separated search path, dropping empty entries.
func splitPathList(v string) []string {
	var out []string
	for _, d := range strings.Split(v, ":") {
		if d != "" && len(out) < maxStrings {
			out = append(out, d)
		}
	}
	return out
}
