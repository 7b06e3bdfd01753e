package rpm

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"path"
)

// Header tags (rpm lib/rpmtag.h).
const (
	tagName         = 1000
	tagVersion      = 1001
	tagRelease      = 1002
	tagEpoch        = 1003
	tagSize         = 1009
	tagArch         = 1022
	tagOldFileNames = 1027
	tagFileModes    = 1030
	tagFileFlags    = 1037
	tagSourceRPM    = 1044
	tagProvideName  = 1047
	tagRequireName  = 1049
	tagDirIndexes   = 1116
	tagBaseNames    = 1117
	tagDirNames     = 1118
	tagLongSize     = 5009
)

// Header data types (rpm lib/rpmtag.h, rpmTagType).
const (
	typeInt16       = 3
	typeInt32       = 4
	typeInt64       = 5
	typeString      = 6
	typeStringArray = 8
	typeI18NString  = 9
)

// Limits from rpm lib/header.c (hdrblobVerifyLengths).
const (
	maxTags     = 0xffff
	maxDataSize = 0x0fffffff
)

// slot maps the tags Package needs to their index in header.e, and every other tag to -1.
func slot(tag int32) int {
	switch tag {
	case tagName, tagVersion, tagRelease, tagEpoch:
		return int(tag - tagName) // 0..3
	case tagSize:
		return 4
	case tagArch:
		return 5
	case tagOldFileNames:
		return 6
	case tagFileModes:
		return 7
	case tagSourceRPM:
		return 8
	case tagProvideName:
		return 9
	case tagRequireName:
		return 10
	case tagDirIndexes:
		return 11
	case tagBaseNames:
		return 12
	case tagDirNames:
		return 13
	case tagLongSize:
		return 14
	case tagFileFlags:
		return 15
	}
	return -1
}

type entry struct {
	tag     int32
	typ     uint32
	off     uint32
	count   uint32
	present bool
}

type header struct {
	data []byte
	e    [16]entry
}

func (h *header) get(tag int32) entry { return h.e[slot(tag)] }

// ParseHeader decodes one package header as stored in an rpm database (the "header blob": index length,
// data length, index entries, data; no lead or signature). Only the tags Package needs are read, each with
// its type and bounds checked; when a tag occurs twice (a region entry and a later "dribble" entry), the
// later one wins, as in rpm's headerImport.
func ParseHeader(blob []byte) (Package, error) {
	if len(blob) < 8 {
		return Package{}, fmt.Errorf("blob of %d bytes is shorter than the 8-byte header preamble", len(blob))
	}
	il, dl := binary.BigEndian.Uint32(blob), binary.BigEndian.Uint32(blob[4:])
	if il < 1 || il > maxTags {
		return Package{}, fmt.Errorf("index length %d out of range", il)
	}
	if dl > maxDataSize {
		return Package{}, fmt.Errorf("data length %d out of range", dl)
	}
	start := 8 + 16*uint64(il)
	end := start + uint64(dl)
	if end > uint64(len(blob)) {
		return Package{}, fmt.Errorf("header is truncated: needs %d bytes, has %d", end, len(blob))
	}
	h := header{data: blob[start:end]}
	for n := range uint64(il) {
		ent := blob[8+16*n:]
		tag := int32(binary.BigEndian.Uint32(ent))
		i := slot(tag)
		if i < 0 {
			continue
		}
		h.e[i] = entry{
			tag:     tag,
			typ:     binary.BigEndian.Uint32(ent[4:]),
			off:     binary.BigEndian.Uint32(ent[8:]),
			count:   binary.BigEndian.Uint32(ent[12:]),
			present: true,
		}
	}
	return h.pkg()
}

func (h *header) pkg() (Package, error) {
	var (
		p    Package
		errs []error
	)
	str := func(tag int32) string {
		s, err := h.string(h.get(tag))
		errs = append(errs, err)
		return s
	}
	p.Name = str(tagName)
	p.Version = str(tagVersion)
	p.Release = str(tagRelease)
	p.Arch = str(tagArch)
	p.SourceRPM = str(tagSourceRPM)
	if p.SourceRPM == "(none)" {
		p.SourceRPM = ""
	}
	if e := h.get(tagEpoch); e.present {
		v, err := h.int32s(e)
		if err == nil && len(v) > 0 {
			epoch := int32(v[0])
			p.Epoch = &epoch
		}
		errs = append(errs, err)
	}
	if e := h.get(tagLongSize); e.present {
		v, err := h.int64s(e)
		if err == nil && len(v) > 0 && v[0] <= 1<<62 {
			p.Size = int64(v[0])
		}
		errs = append(errs, err)
	} else if e := h.get(tagSize); e.present {
		v, err := h.int32s(e)
		if err == nil && len(v) > 0 {
			p.Size = int64(v[0])
		}
		errs = append(errs, err)
	}
	var err error
	if p.Requires, err = h.strings(h.get(tagRequireName)); err != nil {
		errs = append(errs, err)
	}
	if p.Provides, err = h.strings(h.get(tagProvideName)); err != nil {
		errs = append(errs, err)
	}
	if p.Files, err = h.files(); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return Package{}, err
	}
	if p.Name == "" {
		return Package{}, errors.New("header has no package name")
	}
	return p, nil
}

// files assembles the owned paths from BASENAMES/DIRNAMES/DIRINDEXES, or OLDFILENAMES in headers from
// before rpm 4.
func (h *header) files() ([]File, error) {
	base, dirIdx, dirs := h.get(tagBaseNames), h.get(tagDirIndexes), h.get(tagDirNames)
	if !base.present {
		names, err := h.strings(h.get(tagOldFileNames))
		if err != nil || len(names) == 0 {
			return nil, err
		}
		files := make([]File, len(names))
		for i, n := range names {
			files[i].Path = path.Clean("/" + n)
		}
		return h.withModes(files), nil
	}
	bn, err := h.strings(base)
	if err != nil {
		return nil, err
	}
	di, err := h.int32s(dirIdx)
	if err != nil {
		return nil, err
	}
	dn, err := h.strings(dirs)
	if err != nil {
		return nil, err
	}
	if len(bn) == 0 {
		return nil, nil
	}
	if len(di) != len(bn) {
		return nil, fmt.Errorf("%d base names but %d directory indexes", len(bn), len(di))
	}
	// A long directory name shared by many base names could make the paths quadratic in the header size;
	// real headers spend more bytes per file than the file's path takes.
	budget := 8*len(h.data) + 1<<16
	files := make([]File, len(bn))
	for i, b := range bn {
		if int64(di[i]) >= int64(len(dn)) {
			return nil, fmt.Errorf("file %d: directory index %d out of %d directories", i, di[i], len(dn))
		}
		if budget -= len(dn[di[i]]) + len(b); budget < 0 {
			return nil, fmt.Errorf("file paths expand to over 8 times the header size")
		}
		files[i].Path = path.Clean("/" + dn[di[i]] + b)
	}
	return h.withModes(files), nil
}

// withModes fills File.Mode when FILEMODES matches the file list one to one (otherwise modes stay 0),
// then File.Flags.
func (h *header) withModes(files []File) []File {
	modes, err := h.int16s(h.get(tagFileModes))
	if err != nil || len(modes) != len(files) {
		return h.withFlags(files)
	}
	for i := range files {
		files[i].Mode = modes[i]
	}
	return h.withFlags(files)
}

// withFlags fills File.Flags when FILEFLAGS matches the file list one to one; otherwise flags stay 0.
func (h *header) withFlags(files []File) []File {
	flags, err := h.int32s(h.get(tagFileFlags))
	if err != nil || len(flags) != len(files) {
		return files
	}
	for i := range files {
		files[i].Flags = flags[i]
	}
	return files
}

// payload returns the data from e's offset on, checking the type.
func (h *header) payload(e entry, types ...uint32) ([]byte, error) {
	ok := false
	for _, t := range types {
		ok = ok || e.typ == t
	}
	if !ok {
		return nil, fmt.Errorf("tag %d has type %d, want %v", e.tag, e.typ, types)
	}
	if uint64(e.off) >= uint64(len(h.data)) {
		return nil, fmt.Errorf("tag %d: offset %d outside %d data bytes", e.tag, e.off, len(h.data))
	}
	return h.data[e.off:], nil
}

// string reads a STRING tag; an absent tag is "".
func (h *header) string(e entry) (string, error) {
	if !e.present {
		return "", nil
	}
	d, err := h.payload(e, typeString, typeI18NString)
	if err != nil {
		return "", err
	}
	i := bytes.IndexByte(d, 0)
	if i < 0 {
		return "", fmt.Errorf("tag %d: string has no terminating NUL", e.tag)
	}
	return string(d[:i]), nil
}

// strings reads a STRING_ARRAY tag; an absent tag is nil.
func (h *header) strings(e entry) ([]string, error) {
	if !e.present {
		return nil, nil
	}
	d, err := h.payload(e, typeStringArray, typeI18NString)
	if err != nil {
		return nil, err
	}
	if uint64(e.count) > uint64(len(d)) {
		return nil, fmt.Errorf("tag %d: %d strings cannot fit in %d bytes", e.tag, e.count, len(d))
	}
	out := make([]string, 0, e.count)
	for range e.count {
		i := bytes.IndexByte(d, 0)
		if i < 0 {
			return nil, fmt.Errorf("tag %d: string %d has no terminating NUL", e.tag, len(out))
		}
		out = append(out, string(d[:i]))
		d = d[i+1:]
	}
	return out, nil
}

// fixed returns count*size bytes of an integer tag.
func (h *header) fixed(e entry, typ uint32, size uint64) ([]byte, error) {
	d, err := h.payload(e, typ)
	if err != nil {
		return nil, err
	}
	n := uint64(e.count) * size
	if n > uint64(len(d)) {
		return nil, fmt.Errorf("tag %d: %d values of %d bytes exceed %d data bytes", e.tag, e.count, size, len(d))
	}
	return d[:n], nil
}

// int32s reads an INT32 tag as unsigned values; an absent tag is nil.
func (h *header) int32s(e entry) ([]uint32, error) {
	if !e.present {
		return nil, nil
	}
	d, err := h.fixed(e, typeInt32, 4)
	if err != nil {
		return nil, err
	}
	out := make([]uint32, e.count)
	for i := range out {
		out[i] = binary.BigEndian.Uint32(d[4*i:])
	}
	return out, nil
}

// int16s reads an INT16 tag; an absent tag is nil.
func (h *header) int16s(e entry) ([]uint16, error) {
	if !e.present {
		return nil, nil
	}
	d, err := h.fixed(e, typeInt16, 2)
	if err != nil {
		return nil, err
	}
	out := make([]uint16, e.count)
	for i := range out {
		out[i] = binary.BigEndian.Uint16(d[2*i:])
	}
	return out, nil
}

// int64s reads an INT64 tag; an absent tag is nil.
func (h *header) int64s(e entry) ([]uint64, error) {
	if !e.present {
		return nil, nil
	}
	d, err := h.fixed(e, typeInt64, 8)
	if err != nil {
		return nil, err
	}
	out := make([]uint64, e.count)
	for i := range out {
		out[i] = binary.BigEndian.Uint64(d[8*i:])
	}
	return out, nil
}
