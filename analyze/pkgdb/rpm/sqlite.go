package rpm

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/slimcheck/slimcheck/analyze/pkgdb/internal/errlist"
)

// SQLite b-tree page types (https://www.sqlite.org/fileformat2.html#b_tree_pages).
const (
	sqliteTableInterior = 0x05
	sqliteTableLeaf     = 0x0d
	sqliteMaxDepth      = 32 // a b-tree of 65536-byte pages is nowhere near this deep
)

// readSQLite visits every header in rpmdb.sqlite. rpm stores them in
// "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)", so this reads just
// enough of the file format for that: the schema table on page 1 to find the Packages root page, then that
// table's b-tree in rowid order, reassembling payloads from overflow pages. Every page is used at most
// once, which rules out cycles and bounds the work by the file size. Like go-rpmdb (which opens the file
// with immutable=1), it reads the main database file only: changes still in a -wal file are not seen.
func readSQLite(b []byte, visit visitFunc, errs *errlist.List) error {
	db, err := openSQLite(b)
	if err != nil {
		return err
	}
	root := uint32(0)
	err = db.walk(1, 0, func(rowid int64, payload []byte) error {
		cols, err := record(payload)
		if err != nil {
			return fmt.Errorf("schema row %d: %w", rowid, err)
		}
		if len(cols) >= 4 && cols[0].text() == "table" && strings.EqualFold(cols[1].text(), "Packages") {
			r, ok := cols[3].int()
			if !ok || r < 1 || r > math.MaxUint32 {
				return fmt.Errorf("schema row %d: invalid root page for Packages", rowid)
			}
			root = uint32(r)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("reading the schema: %w", err)
	}
	if root == 0 {
		return errors.New("no Packages table")
	}
	return db.walk(root, 0, func(rowid int64, payload []byte) error {
		cols, err := record(payload)
		if err != nil || len(cols) < 2 || (cols[1].typ < 12) {
			errs.Add(fmt.Errorf("%v: no header blob in the row", location{what: "row", n: rowid}))
			return nil
		}
		return visit(location{what: "row", n: rowid}, cols[1].data)
	})
}

type sqliteDB struct {
	b        []byte
	pageSize int
	usable   int
	npages   int
	used     []bool
}

func openSQLite(b []byte) (*sqliteDB, error) {
	if len(b) < 100 {
		return nil, fmt.Errorf("file of %d bytes is shorter than the SQLite header", len(b))
	}
	ps := int(binary.BigEndian.Uint16(b[16:]))
	if ps == 1 {
		ps = 65536
	}
	if ps < 512 || ps > 65536 || ps&(ps-1) != 0 {
		return nil, fmt.Errorf("invalid page size %d", ps)
	}
	usable := ps - int(b[20])
	if usable < 480 {
		return nil, fmt.Errorf("usable page size %d is below the SQLite minimum", usable)
	}
	if enc := binary.BigEndian.Uint32(b[56:]); enc > 1 {
		return nil, fmt.Errorf("text encoding %d is not supported (want UTF-8)", enc)
	}
	n := len(b) / ps
	// The in-header page count is only valid when the "version-valid-for" number matches the change
	// counter (fileformat2.html#in_header_database_size); SQLite ignores it otherwise, and so do we.
	declared := int64(binary.BigEndian.Uint32(b[28:]))
	valid := binary.BigEndian.Uint32(b[92:]) == binary.BigEndian.Uint32(b[24:])
	if valid && declared > int64(n) {
		return nil, fmt.Errorf("file is truncated: header says %d pages, file holds %d", declared, n)
	}
	return &sqliteDB{b: b, pageSize: ps, usable: usable, npages: n, used: make([]bool, n+1)}, nil
}

// page returns page n (1-based), marking it used; a page is handed out only once.
func (db *sqliteDB) page(n uint32) ([]byte, error) {
	if n < 1 || uint64(n) > uint64(db.npages) {
		return nil, fmt.Errorf("page %d is outside the file's %d pages", n, db.npages)
	}
	if db.used[n] {
		return nil, fmt.Errorf("page %d is referenced twice", n)
	}
	db.used[n] = true
	off := int(n-1) * db.pageSize
	return db.b[off : off+db.pageSize], nil
}

// walk visits the rows of the table b-tree rooted at page n in rowid order.
func (db *sqliteDB) walk(n uint32, depth int, row func(rowid int64, payload []byte) error) error {
	if depth > sqliteMaxDepth {
		return fmt.Errorf("b-tree deeper than %d levels", sqliteMaxDepth)
	}
	p, err := db.page(n)
	if err != nil {
		return err
	}
	hdr := 0
	if n == 1 {
		hdr = 100 // the database header precedes page 1's b-tree header
	}
	kind := p[hdr]
	cells := int(binary.BigEndian.Uint16(p[hdr+3:]))
	ptrs := hdr + 8
	if kind == sqliteTableInterior {
		ptrs = hdr + 12
	} else if kind != sqliteTableLeaf {
		return fmt.Errorf("page %d has type %#x, want a table b-tree page", n, kind)
	}
	if ptrs+2*cells > db.usable {
		return fmt.Errorf("page %d: %d cells do not fit", n, cells)
	}
	for i := range cells {
		c := int(binary.BigEndian.Uint16(p[ptrs+2*i:]))
		if c < ptrs+2*cells || c >= db.usable {
			return fmt.Errorf("page %d cell %d: offset %d outside the cell area", n, i, c)
		}
		cell := p[c:db.usable]
		if kind == sqliteTableInterior {
			if len(cell) < 4 {
				return fmt.Errorf("page %d cell %d is cut short", n, i)
			}
			if err := db.walk(binary.BigEndian.Uint32(cell), depth+1, row); err != nil {
				return err
			}
			continue
		}
		rowid, payload, err := db.leafCell(cell)
		if err != nil {
			return fmt.Errorf("page %d cell %d: %w", n, i, err)
		}
		if err := row(rowid, payload); err != nil {
			return err
		}
	}
	if kind == sqliteTableInterior {
		return db.walk(binary.BigEndian.Uint32(p[hdr+8:]), depth+1, row)
	}
	return nil
}

// leafCell decodes a table leaf cell: payload length, rowid, local payload and overflow chain.
func (db *sqliteDB) leafCell(cell []byte) (int64, []byte, error) {
	size, n1 := varint(cell)
	rowid, n2 := varint(cell[max(n1, 0):])
	if n1 <= 0 || n2 <= 0 {
		return 0, nil, errors.New("malformed cell header")
	}
	if size > uint64(len(db.b)) {
		return 0, nil, fmt.Errorf("payload of %d bytes is larger than the file", size)
	}
	cell = cell[n1+n2:]
	u, p := db.usable, int(size)
	x := u - 35
	local := p
	if p > x {
		m := ((u-12)*32/255 - 23)
		k := m + (p-m)%(u-4)
		local = m
		if k <= x {
			local = k
		}
	}
	if local > len(cell) || (local < p && local+4 > len(cell)) {
		return 0, nil, errors.New("payload overruns the page")
	}
	if local == p {
		return int64(rowid), cell[:p], nil
	}
	out := make([]byte, 0, min(p, 1<<16))
	out = append(out, cell[:local]...)
	for next := binary.BigEndian.Uint32(cell[local:]); len(out) < p; {
		if next == 0 {
			return 0, nil, fmt.Errorf("overflow chain ends after %d of %d bytes", len(out), p)
		}
		op, err := db.page(next)
		if err != nil {
			return 0, nil, fmt.Errorf("following overflow: %w", err)
		}
		take := min(p-len(out), u-4)
		out = append(out, op[4:4+take]...)
		next = binary.BigEndian.Uint32(op)
	}
	return int64(rowid), out, nil
}

// column is one value of a record.
type column struct {
	typ  uint64 // serial type
	data []byte
}

func (c column) text() string {
	if c.typ >= 13 && c.typ%2 == 1 {
		return string(c.data)
	}
	return ""
}

// int decodes an integer column (serial types 1-6, 8, 9).
func (c column) int() (int64, bool) {
	switch c.typ {
	case 8:
		return 0, true
	case 9:
		return 1, true
	case 1, 2, 3, 4, 5, 6:
		var v int64
		for _, b := range c.data {
			v = v<<8 | int64(b)
		}
		shift := 64 - 8*len(c.data)
		return v << shift >> shift, true // sign-extend
	}
	return 0, false
}

// record splits a record payload into columns (https://www.sqlite.org/fileformat2.html#record_format).
func record(p []byte) ([]column, error) {
	hsize, n := varint(p)
	if n <= 0 || hsize < uint64(n) || hsize > uint64(len(p)) {
		return nil, errors.New("malformed record header")
	}
	hdr, body := p[n:hsize], p[hsize:]
	var cols []column
	for len(hdr) > 0 {
		t, m := varint(hdr)
		if m <= 0 {
			return nil, errors.New("malformed serial type")
		}
		hdr = hdr[m:]
		var size uint64
		switch {
		case t <= 4:
			size = t
		case t == 5:
			size = 6
		case t == 6 || t == 7:
			size = 8
		case t == 8 || t == 9:
			size = 0
		case t == 10 || t == 11:
			return nil, fmt.Errorf("reserved serial type %d", t)
		default:
			size = (t - 12) / 2
		}
		if size > uint64(len(body)) {
			return nil, errors.New("record body is cut short")
		}
		cols = append(cols, column{typ: t, data: body[:size]})
		body = body[size:]
	}
	return cols, nil
}

// varint decodes a SQLite variable-length integer, returning the value and its length, or 0 bytes when b is
// too short.
func varint(b []byte) (uint64, int) {
	var v uint64
	for i := 0; i < 9; i++ {
		if i >= len(b) {
			return 0, 0
		}
		if i == 8 {
			return v<<8 | uint64(b[i]), 9
		}
		v = v<<7 | uint64(b[i]&0x7f)
		if b[i]&0x80 == 0 {
			return v, i + 1
		}
	}
	return 0, 0
}
