package gen

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// rpm header tags that go-rpmdb's PackageInfo does not expose but the
// generator needs to lay out files faithfully.
const (
	tagFileLinkTos = 1036 // string array: symlink targets, "" for non-links
	tagFileInodes  = 1096 // int32 array: per-package inode numbers (equal = hard link)
	tagFileLangs   = 1097 // string array: language of each file, "" for none
)

// rpm header data types (rpm lib/rpmtag.h).
const (
	rpmTypeInt32       = 4
	rpmTypeStringArray = 8
)

// Limits from rpm's lib/header_internal.h; anything larger is corrupt.
const (
	headerMaxTags = 0x0000ffff
	headerMaxData = 0x0fffffff
)

// errHeaderTruncated reports a header blob shorter than its own index claims.
var errHeaderTruncated = errors.New("rpm header truncated")

// headerTags is a read-only view of an rpm header blob as stored in an rpmdb
// ("headerExport" format: il, dl, il index entries, dl data bytes).
type headerTags struct {
	entries map[int32]headerEntry
	data    []byte
}

type headerEntry struct {
	typ    uint32
	offset uint32
	count  uint32
}

// parseHeaderTags indexes the entries of an rpm header blob. It validates
// counts and offsets against the blob length and never panics on input.
func parseHeaderTags(blob []byte) (*headerTags, error) {
	if len(blob) < 8 {
		return nil, fmt.Errorf("reading header preamble: %w", errHeaderTruncated)
	}
	il := binary.BigEndian.Uint32(blob[0:4])
	dl := binary.BigEndian.Uint32(blob[4:8])
	if il == 0 || il > headerMaxTags {
		return nil, fmt.Errorf("reading header index: %d entries out of range", il)
	}
	if dl > headerMaxData {
		return nil, fmt.Errorf("reading header data: %d bytes out of range", dl)
	}
	indexEnd := 8 + uint64(il)*16
	if uint64(len(blob)) < indexEnd+uint64(dl) {
		return nil, fmt.Errorf("reading header of %d entries and %d data bytes from %d bytes: %w", il, dl, len(blob), errHeaderTruncated)
	}
	h := &headerTags{
		entries: make(map[int32]headerEntry, il),
		data:    blob[indexEnd : indexEnd+uint64(dl)],
	}
	for i := uint64(0); i < uint64(il); i++ {
		e := blob[8+i*16 : 8+i*16+16]
		tag := int32(binary.BigEndian.Uint32(e[0:4]))
		ent := headerEntry{
			typ:    binary.BigEndian.Uint32(e[4:8]),
			offset: binary.BigEndian.Uint32(e[8:12]),
			count:  binary.BigEndian.Uint32(e[12:16]),
		}
		if uint64(ent.offset) > uint64(dl) {
			return nil, fmt.Errorf("reading header entry %d (tag %d): offset %d beyond %d data bytes", i, tag, ent.offset, dl)
		}
		if _, dup := h.entries[tag]; !dup {
			h.entries[tag] = ent
		}
	}
	return h, nil
}

// stringArray returns the strings of a STRING_ARRAY tag, or nil when the tag is
// absent.
func (h *headerTags) stringArray(tag int32) ([]string, error) {
	ent, ok := h.entries[tag]
	if !ok {
		return nil, nil
	}
	if ent.typ != rpmTypeStringArray {
		return nil, fmt.Errorf("reading tag %d: type %d is not a string array", tag, ent.typ)
	}
	if uint64(ent.count) > uint64(len(h.data)) {
		return nil, fmt.Errorf("reading tag %d: %d strings in %d bytes: %w", tag, ent.count, len(h.data), errHeaderTruncated)
	}
	out := make([]string, 0, ent.count)
	rest := h.data[ent.offset:]
	for i := uint32(0); i < ent.count; i++ {
		end := bytes.IndexByte(rest, 0)
		if end < 0 {
			return nil, fmt.Errorf("reading tag %d string %d: %w", tag, i, errHeaderTruncated)
		}
		out = append(out, string(rest[:end]))
		rest = rest[end+1:]
	}
	return out, nil
}

// int32Array returns the values of an INT32 tag, or nil when the tag is absent.
func (h *headerTags) int32Array(tag int32) ([]int32, error) {
	ent, ok := h.entries[tag]
	if !ok {
		return nil, nil
	}
	if ent.typ != rpmTypeInt32 {
		return nil, fmt.Errorf("reading tag %d: type %d is not int32", tag, ent.typ)
	}
	end := uint64(ent.offset) + uint64(ent.count)*4
	if end > uint64(len(h.data)) {
		return nil, fmt.Errorf("reading tag %d: %d int32 values at offset %d: %w", tag, ent.count, ent.offset, errHeaderTruncated)
	}
	out := make([]int32, ent.count)
	for i := range out {
		o := uint64(ent.offset) + uint64(i)*4
		out[i] = int32(binary.BigEndian.Uint32(h.data[o : o+4]))
	}
	return out, nil
}

// headerExtras holds the per-file tags the generator reads from the raw blob.
type headerExtras struct {
	linkTos []string
	inodes  []int32
	langs   []string
}

// parseHeaderExtras reads FILELINKTOS, FILEINODES and FILELANGS from a blob.
// nFiles is the package's file count; arrays of another length are rejected so
// callers can index them by file position.
func parseHeaderExtras(blob []byte, nFiles int) (headerExtras, error) {
	h, err := parseHeaderTags(blob)
	if err != nil {
		return headerExtras{}, err
	}
	var x headerExtras
	if x.linkTos, err = h.stringArray(tagFileLinkTos); err != nil {
		return headerExtras{}, err
	}
	if x.inodes, err = h.int32Array(tagFileInodes); err != nil {
		return headerExtras{}, err
	}
	if x.langs, err = h.stringArray(tagFileLangs); err != nil {
		return headerExtras{}, err
	}
	for _, c := range []struct {
		name string
		n    int
	}{{"FILELINKTOS", len(x.linkTos)}, {"FILEINODES", len(x.inodes)}, {"FILELANGS", len(x.langs)}} {
		if c.n != 0 && c.n != nFiles {
			return headerExtras{}, fmt.Errorf("reading %s: %d values for %d files", c.name, c.n, nFiles)
		}
	}
	return x, nil
}
