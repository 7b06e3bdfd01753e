package rpm

import (
	"bytes"
	"encoding/binary"
)

// This file builds small, valid rpm databases in memory for tests and fuzz seeds.

// tagVal is one header entry to build.
type tagVal struct {
	tag   int32
	typ   uint32
	count uint32
	data  []byte
}

func tStr(tag int32, s string) tagVal {
	return tagVal{tag, typeString, 1, append([]byte(s), 0)}
}

func tStrs(tag int32, ss ...string) tagVal {
	var d []byte
	for _, s := range ss {
		d = append(append(d, s...), 0)
	}
	return tagVal{tag, typeStringArray, uint32(len(ss)), d}
}

func tI32(tag int32, vs ...uint32) tagVal {
	d := make([]byte, 4*len(vs))
	for i, v := range vs {
		binary.BigEndian.PutUint32(d[4*i:], v)
	}
	return tagVal{tag, typeInt32, uint32(len(vs)), d}
}

func tI16(tag int32, vs ...uint16) tagVal {
	d := make([]byte, 2*len(vs))
	for i, v := range vs {
		binary.BigEndian.PutUint16(d[2*i:], v)
	}
	return tagVal{tag, typeInt16, uint32(len(vs)), d}
}

func tI64(tag int32, v uint64) tagVal {
	d := make([]byte, 8)
	binary.BigEndian.PutUint64(d, v)
	return tagVal{tag, typeInt64, 1, d}
}

// buildHeader lays out a header blob: preamble, index entries, data.
func buildHeader(tags ...tagVal) []byte {
	var data []byte
	index := make([]byte, 0, 16*len(tags))
	for _, t := range tags {
		for len(data)%8 != 0 {
			data = append(data, 0)
		}
		index = binary.BigEndian.AppendUint32(index, uint32(t.tag))
		index = binary.BigEndian.AppendUint32(index, t.typ)
		index = binary.BigEndian.AppendUint32(index, uint32(len(data)))
		index = binary.BigEndian.AppendUint32(index, t.count)
		data = append(data, t.data...)
	}
	out := binary.BigEndian.AppendUint32(nil, uint32(len(tags)))
	out = binary.BigEndian.AppendUint32(out, uint32(len(data)))
	return append(append(out, index...), data...)
}

// samplePackage builds the header of a small package with two files in /usr/bin and their directory.
func samplePackage(name string) []byte {
	return buildHeader(
		tStr(tagName, name), tStr(tagVersion, "1.0"), tStr(tagRelease, "1.el9"), tI32(tagEpoch, 2),
		tI32(tagSize, 12345), tStr(tagArch, "x86_64"),
		tI16(tagFileModes, 0o100755, 0o120777, 0o040755),
		tI32(tagFileFlags, 0, fileGhost, 0),
		tStr(tagSourceRPM, name+"-1.0-1.el9.src.rpm"),
		tStrs(tagProvideName, name, "cmd("+name+")"),
		tStrs(tagRequireName, "/bin/sh", "libc.so.6()(64bit)", "rpmlib(CompressedFileNames)"),
		tI32(tagDirIndexes, 0, 0, 1),
		tStrs(tagBaseNames, name, name+"-link", name),
		tStrs(tagDirNames, "/usr/bin/", "/usr/share/"),
	)
}

// buildNDB stores blobs in an NDB file with one slot page.
func buildNDB(blobs ...[]byte) []byte {
	le := binary.LittleEndian
	b := make([]byte, ndbSlotPageSize)
	le.PutUint32(b, ndbHeaderMagic)
	le.PutUint32(b[12:], 1)
	for off := ndbHeaderSize; off < ndbSlotPageSize; off += ndbSlotSize {
		le.PutUint32(b[off:], ndbSlotMagic)
	}
	for i, blob := range blobs {
		blk := len(b) / ndbBlockSize
		n := (ndbBlobHeadSize + len(blob) + 12 + ndbBlockSize - 1) / ndbBlockSize
		slot := b[ndbHeaderSize+ndbSlotSize*i:]
		le.PutUint32(slot[4:], uint32(i+1))
		le.PutUint32(slot[8:], uint32(blk))
		le.PutUint32(slot[12:], uint32(n))
		h := make([]byte, n*ndbBlockSize)
		le.PutUint32(h, ndbBlobMagic)
		le.PutUint32(h[4:], uint32(i+1))
		le.PutUint32(h[12:], uint32(len(blob)))
		copy(h[ndbBlobHeadSize:], blob)
		b = append(b, h...)
	}
	return b
}

// buildBDB stores blobs in a BerkeleyDB hash file of ps-byte pages: page 1 holds the key-0 counter record
// inline, then one entry per blob, stored inline when inline is set and on overflow pages otherwise.
func buildBDB(ps int, bigEndian, inline bool, blobs ...[]byte) []byte {
	var bo binary.ByteOrder = binary.LittleEndian
	if bigEndian {
		bo = binary.BigEndian
	}
	pages := [][]byte{make([]byte, ps), make([]byte, ps)}
	meta, hash := pages[0], pages[1]
	bo.PutUint32(meta[12:], bdbHashMagic)
	bo.PutUint32(meta[20:], uint32(ps))
	meta[25] = bdbHashMetaPage
	hash[25] = bdbHashPage
	var items [][]byte
	key := func(n uint32) []byte { k := []byte{bdbKeyData, 0, 0, 0, 0}; bo.PutUint32(k[1:], n); return k }
	items = append(items, key(0), append([]byte{bdbKeyData}, 7, 0, 0, 0))
	for i, blob := range blobs {
		items = append(items, key(uint32(i+1)))
		if inline {
			items = append(items, append([]byte{bdbKeyData}, blob...))
			continue
		}
		first := uint32(len(pages))
		for rest := blob; len(rest) > 0; {
			p := make([]byte, ps)
			p[25] = bdbOverflowPage
			n := copy(p[bdbPageHeader:], rest)
			rest = rest[n:]
			bo.PutUint16(p[22:], uint16(n))
			if len(rest) > 0 {
				bo.PutUint32(p[16:], uint32(len(pages)+1))
			}
			pages = append(pages, p)
		}
		off := make([]byte, bdbOffPageLength)
		off[0] = bdbOffPage
		bo.PutUint32(off[4:], first)
		bo.PutUint32(off[8:], uint32(len(blob)))
		items = append(items, off)
	}
	bo.PutUint16(hash[20:], uint16(len(items)))
	end := ps
	for i, it := range items {
		end -= len(it)
		copy(hash[end:], it)
		bo.PutUint16(hash[bdbPageHeader+2*i:], uint16(end))
	}
	bo.PutUint32(meta[32:], uint32(len(pages)-1))
	return bytes.Join(pages, nil)
}

// sqliteVarint appends v as a SQLite varint (values below 2^56 only, enough for tests).
func sqliteVarint(b []byte, v uint64) []byte {
	var tmp []byte
	for {
		tmp = append(tmp, byte(v&0x7f))
		v >>= 7
		if v == 0 {
			break
		}
	}
	for i := len(tmp) - 1; i >= 0; i-- {
		c := tmp[i]
		if i > 0 {
			c |= 0x80
		}
		b = append(b, c)
	}
	return b
}

// sqliteRecord encodes columns given as string (text), []byte (blob), int (1-byte int) or nil.
func sqliteRecord(cols ...any) []byte {
	var hdr, body []byte
	for _, c := range cols {
		switch v := c.(type) {
		case nil:
			hdr = sqliteVarint(hdr, 0)
		case int:
			hdr = sqliteVarint(hdr, 1)
			body = append(body, byte(v))
		case string:
			hdr = sqliteVarint(hdr, uint64(13+2*len(v)))
			body = append(body, v...)
		case []byte:
			hdr = sqliteVarint(hdr, uint64(12+2*len(v)))
			body = append(body, v...)
		}
	}
	return append(append(sqliteVarint(nil, uint64(len(hdr)+1)), hdr...), body...)
}

// buildSQLite makes a database of ps-byte pages: the schema on page 1 and a Packages leaf on page 2 with
// one row per blob; payloads that do not fit spill to overflow pages.
func buildSQLite(ps int, blobs ...[]byte) []byte {
	u := ps
	pages := [][]byte{make([]byte, ps), make([]byte, ps)}
	leaf := func(p []byte, hdr int, cells [][]byte) {
		p[hdr] = sqliteTableLeaf
		binary.BigEndian.PutUint16(p[hdr+3:], uint16(len(cells)))
		end := ps
		for i, c := range cells {
			end -= len(c)
			copy(p[end:], c)
			binary.BigEndian.PutUint16(p[hdr+8+2*i:], uint16(end))
		}
	}
	cell := func(rowid uint64, payload []byte) []byte {
		c := sqliteVarint(sqliteVarint(nil, uint64(len(payload))), rowid)
		p, x := len(payload), u-35
		if p <= x {
			return append(c, payload...)
		}
		m := (u-12)*32/255 - 23
		local := m + (p-m)%(u-4)
		if local > x {
			local = m
		}
		c = append(c, payload[:local]...)
		c = binary.BigEndian.AppendUint32(c, uint32(len(pages)+1))
		for rest := payload[local:]; len(rest) > 0; {
			op := make([]byte, ps)
			n := copy(op[4:], rest)
			rest = rest[n:]
			if len(rest) > 0 {
				binary.BigEndian.PutUint32(op, uint32(len(pages)+2))
			}
			pages = append(pages, op)
		}
		return c
	}
	schema := cell(1, sqliteRecord("table", "Packages", "Packages", 2,
		"CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)"))
	var rows [][]byte
	for i, blob := range blobs {
		rows = append(rows, cell(uint64(i+1), sqliteRecord(nil, blob)))
	}
	leaf(pages[0], 100, [][]byte{schema})
	leaf(pages[1], 0, rows)
	p1 := pages[0]
	copy(p1, sqliteMagic)
	binary.BigEndian.PutUint16(p1[16:], uint16(ps))
	binary.BigEndian.PutUint32(p1[28:], uint32(len(pages)))
	binary.BigEndian.PutUint32(p1[56:], 1)
	return bytes.Join(pages, nil)
}
