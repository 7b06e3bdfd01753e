package rpm

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/slimcheck/slimcheck/analyze/pkgdb/internal/errlist"
)

// BerkeleyDB hash database layout (db-5 dbinc/db_page.h and dbinc/hash.h).
const (
	bdbHashMagic     = 0x061561
	bdbPageHeader    = 26 // generic page header size
	bdbHashMetaPage  = 8  // P_HASHMETA
	bdbHashUnsorted  = 2  // P_HASH_UNSORTED (before BDB 4.6)
	bdbHashPage      = 13 // P_HASH
	bdbOverflowPage  = 7  // P_OVERFLOW
	bdbKeyData       = 1  // H_KEYDATA: item stored on the page
	bdbOffPage       = 3  // H_OFFPAGE: item stored on a chain of overflow pages
	bdbOffPageLength = 12 // size of an H_OFFPAGE item
)

// readBDB visits every package header in a BerkeleyDB hash database. It walks the hash pages in file
// order, as rpm's read-only backend does, and reassembles off-page values from their overflow chains. Each
// overflow page may belong to one chain only, which rules out cycles and bounds the work by the file size.
// The record with key 0 (rpm's header instance counter) is skipped.
func readBDB(b []byte, visit visitFunc, errs *errlist.List) error {
	if len(b) < 512 {
		return fmt.Errorf("file of %d bytes is shorter than a metadata page", len(b))
	}
	var bo binary.ByteOrder = binary.LittleEndian
	if binary.LittleEndian.Uint32(b[12:]) != bdbHashMagic {
		bo = binary.BigEndian
		if bo.Uint32(b[12:]) != bdbHashMagic {
			return errors.New("no BerkeleyDB hash magic")
		}
	}
	ps := bo.Uint32(b[20:])
	if ps < 512 || ps > 65536 || ps&(ps-1) != 0 {
		return fmt.Errorf("invalid page size %d", ps)
	}
	if b[24] != 0 {
		return fmt.Errorf("encrypted database (algorithm %d) is not supported", b[24])
	}
	if b[25] != bdbHashMetaPage {
		return fmt.Errorf("page 0 has type %d, want hash metadata (%d)", b[25], bdbHashMetaPage)
	}
	db := bdb{b: b, bo: bo, ps: int(ps), npages: len(b) / int(ps)}
	db.owned = make([]bool, db.npages)
	last := int64(bo.Uint32(b[32:]))
	if last >= int64(db.npages) {
		errs.Add(fmt.Errorf("file is truncated: metadata says %d pages, file holds %d", last+1, db.npages))
		last = int64(db.npages) - 1
	}
	for pg := 1; pg <= int(last); pg++ {
		if err := db.page(pg, visit, errs); err != nil {
			return err
		}
	}
	return nil
}

type bdb struct {
	b      []byte
	bo     binary.ByteOrder
	ps     int
	npages int
	owned  []bool   // overflow pages already used by a chain
	chain  [][]byte // scratch: the data of the chain being read
}

// page visits the values stored on hash page pg; only visit's error stops the read.
func (db *bdb) page(pg int, visit visitFunc, errs *errlist.List) error {
	p := db.b[pg*db.ps : (pg+1)*db.ps]
	if p[25] != bdbHashPage && p[25] != bdbHashUnsorted {
		return nil
	}
	n := int(db.bo.Uint16(p[20:]))
	indexEnd := bdbPageHeader + 2*n
	if n%2 != 0 || indexEnd > db.ps {
		errs.Add(fmt.Errorf("page %d: invalid entry count %d", pg, n))
		return nil
	}
	inp := func(i int) int { return int(db.bo.Uint16(p[bdbPageHeader+2*i:])) }
	for k := 0; k < n; k += 2 {
		where := location{"page", int64(pg), "entry", int64(k / 2)}
		// Items are packed from the end of the page down in index order (db-5 LEN_HITEM).
		keyEnd := db.ps
		if k > 0 {
			keyEnd = inp(k - 1)
		}
		keyOff, valOff := inp(k), inp(k+1)
		if !(indexEnd <= valOff && valOff < keyOff && keyOff < keyEnd && keyEnd <= db.ps) {
			errs.Add(fmt.Errorf("%v: item offsets %d/%d out of order", where, keyOff, valOff))
			continue
		}
		var blob []byte
		switch p[valOff] {
		case bdbOffPage:
			if valOff+bdbOffPageLength > keyOff {
				errs.Add(fmt.Errorf("%v: off-page item is cut short", where))
				continue
			}
			start := db.bo.Uint32(p[valOff+4:])
			length := db.bo.Uint32(p[valOff+8:])
			var err error
			if blob, err = db.overflow(start, length); err != nil {
				errs.Add(fmt.Errorf("%v: %w", where, err))
				continue
			}
		case bdbKeyData:
			key := p[keyOff+1 : keyEnd]
			if p[keyOff] == bdbKeyData && len(key) == 4 && db.bo.Uint32(key) == 0 {
				continue // header instance counter, not a package
			}
			blob = p[valOff+1 : keyOff]
		default:
			errs.Add(fmt.Errorf("%v: unsupported item type %d", where, p[valOff]))
			continue
		}
		if err := visit(where, blob); err != nil {
			return err
		}
	}
	return nil
}

// overflow reassembles an off-page item of length bytes starting at page start. The chain is checked
// first and the item copied once into a buffer of the exact size, so a bogus length costs no allocation.
func (db *bdb) overflow(start, length uint32) ([]byte, error) {
	db.chain = db.chain[:0]
	total := 0
	for pg := uint64(start); pg != 0; {
		if pg >= uint64(db.npages) {
			return nil, fmt.Errorf("overflow page %d is beyond the end of the file", pg)
		}
		if db.owned[pg] {
			return nil, fmt.Errorf("overflow page %d is used twice", pg)
		}
		db.owned[pg] = true
		p := db.b[int(pg)*db.ps : (int(pg)+1)*db.ps]
		if p[25] != bdbOverflowPage {
			return nil, fmt.Errorf("page %d in an overflow chain has type %d", pg, p[25])
		}
		n := int(db.bo.Uint16(p[22:])) // OV_LEN: bytes used on this page
		if total += n; bdbPageHeader+n > db.ps || total > int(length) {
			return nil, fmt.Errorf("overflow page %d holds %d bytes, more than the item or page allows", pg, n)
		}
		db.chain = append(db.chain, p[bdbPageHeader:bdbPageHeader+n])
		pg = uint64(db.bo.Uint32(p[16:]))
	}
	if total != int(length) {
		return nil, fmt.Errorf("overflow chain holds %d bytes, item says %d", total, length)
	}
	out := make([]byte, 0, total)
	for _, c := range db.chain {
		out = append(out, c...)
	}
	return out, nil
}
