package rpm

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/slimcheck/slimcheck/analyze/pkgdb/internal/errlist"
)

// NDB layout (rpm lib/backend/ndb/rpmpkg.c); all integers little-endian.
const (
	ndbHeaderMagic  = 'R' | 'p'<<8 | 'm'<<16 | 'P'<<24
	ndbSlotMagic    = 'S' | 'l'<<8 | 'o'<<16 | 't'<<24
	ndbBlobMagic    = 'B' | 'l'<<8 | 'b'<<16 | 'S'<<24
	ndbSlotPageSize = 4096
	ndbSlotSize     = 16
	ndbBlockSize    = 16
	ndbHeaderSize   = 32 // occupies the first two slots of slot page 0
	ndbBlobHeadSize = 16
)

// readNDB visits every package header in an NDB Packages.db: the slot pages after the header point at
// blobs, each a 16-byte blob header (magic, package index, generation, length) and the header bytes. The
// blocks visited may not add up to more than the file, which bounds the work for overlapping slots.
func readNDB(b []byte, visit visitFunc, errs *errlist.List) error {
	le := binary.LittleEndian
	if len(b) < ndbHeaderSize {
		return fmt.Errorf("file of %d bytes is shorter than the NDB header", len(b))
	}
	if le.Uint32(b) != ndbHeaderMagic {
		return errors.New("no NDB magic")
	}
	if v := le.Uint32(b[4:]); v != 0 {
		return fmt.Errorf("unsupported NDB version %d", v)
	}
	slotPages := uint64(le.Uint32(b[12:]))
	slotEnd := slotPages * ndbSlotPageSize
	if slotPages == 0 || slotEnd > uint64(len(b)) {
		return fmt.Errorf("file is truncated or corrupt: %d slot pages do not fit in %d bytes", slotPages, len(b))
	}
	var used uint64
	for off := uint64(ndbHeaderSize); off < slotEnd; off += ndbSlotSize {
		s := b[off:]
		if le.Uint32(s) != ndbSlotMagic {
			return fmt.Errorf("slot at offset %d has a bad magic", off)
		}
		idx, blk, cnt := le.Uint32(s[4:]), uint64(le.Uint32(s[8:])), uint64(le.Uint32(s[12:]))
		if idx == 0 {
			continue // free slot
		}
		where := location{what: "package", n: int64(idx)}
		start, size := blk*ndbBlockSize, cnt*ndbBlockSize
		if size < ndbBlobHeadSize || start+size > uint64(len(b)) {
			errs.Add(fmt.Errorf("%v: blocks %d+%d lie outside the file", where, blk, cnt))
			continue
		}
		if used += size; used > uint64(len(b)) {
			return errors.New("slots claim more blocks than the file holds")
		}
		h := b[start:]
		if le.Uint32(h) != ndbBlobMagic || le.Uint32(h[4:]) != idx {
			errs.Add(fmt.Errorf("%v: blob header at block %d does not match the slot", where, blk))
			continue
		}
		n := uint64(le.Uint32(h[12:]))
		if ndbBlobHeadSize+n > size {
			errs.Add(fmt.Errorf("%v: blob of %d bytes overruns its %d blocks", where, n, cnt))
			continue
		}
		if err := visit(where, h[ndbBlobHeadSize:ndbBlobHeadSize+n]); err != nil {
			return err
		}
	}
	return nil
}
