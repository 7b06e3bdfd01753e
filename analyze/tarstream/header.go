package tarstream

import (
	"archive/tar"
	"bytes"
	"encoding/binary"
	"io/fs"
	"math"
	"math/bits"
)

// Field offsets of a header block (POSIX USTAR and GNU layouts).
const (
	offName     = 0
	offMode     = 100
	offUID      = 108
	offGID      = 116
	offSize     = 124
	offMtime    = 136
	offChksum   = 148
	offType     = 156
	offLink     = 157
	offMagic    = 257
	offVersion  = 263
	offDevMajor = 329
	offDevMinor = 337
	offPrefix   = 345 // USTAR
	offAtime    = 345 // GNU
	offCtime    = 357 // GNU
	offTrailer  = 508 // STAR
)

// parse reads the header in r.blk when it is one of the forms archive/tar
// reads without extension records or format quirks, and sets up its data.
// It reports false for every other block, valid or not: archive/tar reads
// those.
func (r *Reader) parse() (*Header, bool) {
	b := &r.blk
	if !checksumOK(b) {
		return nil, false
	}
	var ustar bool
	switch magic := b[offMagic : offMagic+6]; {
	case string(magic) == "ustar\x00":
		if string(b[offTrailer:offTrailer+4]) == "tar\x00" {
			return nil, false // STAR
		}
		ustar = true
	case string(magic) == "ustar " && string(b[offVersion:offVersion+2]) == " \x00":
		// GNU. archive/tar reads the access and change times when they are
		// set and, when they do not parse, takes the field for a pre-Go 1.8
		// prefix: leave all of that to it.
		if b[offAtime] != 0 || b[offCtime] != 0 {
			return nil, false
		}
	default:
		return nil, false // V7 or unknown
	}
	flag := b[offType]
	switch flag {
	case tar.TypeXHeader, tar.TypeXGlobalHeader, tar.TypeGNULongName, tar.TypeGNULongLink, tar.TypeGNUSparse:
		return nil, false
	}
	size, ok1 := parseNumeric(b[offSize : offSize+12])
	mode, ok2 := parseNumeric(b[offMode : offMode+8])
	uid, ok3 := parseNumeric(b[offUID : offUID+8])
	gid, ok4 := parseNumeric(b[offGID : offGID+8])
	// Parsed only for their errors, as archive/tar does.
	_, ok5 := parseNumeric(b[offMtime : offMtime+12])
	_, ok6 := parseNumeric(b[offDevMajor : offDevMajor+8])
	_, ok7 := parseNumeric(b[offDevMinor : offDevMinor+8])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7) {
		return nil, false
	}
	headerOnly := isHeaderOnly(flag)
	if size < 0 && !headerOnly {
		return nil, false
	}
	name := cstring(b[offName : offName+100])
	if ustar {
		if prefix := cstring(b[offPrefix : offPrefix+155]); len(prefix) > 0 {
			r.name = append(append(append(r.name[:0], prefix...), '/'), name...)
			name = r.name
		}
	}
	if flag == tar.TypeRegA {
		flag = tar.TypeReg
		if len(name) > 0 && name[len(name)-1] == '/' {
			flag = tar.TypeDir // legacy archives mark directories with a slash
			headerOnly = true
		}
	}
	r.remain = 0
	if !headerOnly {
		r.remain = size
	}
	r.hdr = Header{
		Name: name, Linkname: cstring(b[offLink : offLink+100]), Size: size, Mode: mode,
		Uid: int(uid), Gid: int(gid), Typeflag: flag,
	}
	return &r.hdr, true
}

// checksumOK reports whether the stored checksum matches the block's
// unsigned or signed byte sum (the checksum field counted as spaces).
func checksumOK(b *[blockSize]byte) bool {
	want, ok := parseOctal(b[offChksum : offChksum+8])
	if !ok {
		return false
	}
	// Eight bytes at a time: the bytes summed in four 16-bit lanes (at most
	// 64 words of 2*255 each, no carry between lanes) and the bytes with
	// their top bit set counted, which the signed sum takes 256 from.
	const lo = 0x00ff00ff00ff00ff
	var lanes uint64
	high := 0
	for i := 0; i < blockSize; i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		lanes += w&lo + (w>>8)&lo
		high += bits.OnesCount64(w & 0x8080808080808080)
	}
	unsigned := int64(lanes&0xffff + (lanes>>16)&0xffff + (lanes>>32)&0xffff + lanes>>48)
	// The checksum field itself counts as eight spaces.
	for _, c := range b[offChksum : offChksum+8] {
		unsigned -= int64(c)
		high -= int(c >> 7)
	}
	unsigned += 8 * ' '
	signed := unsigned - 256*int64(high)
	return want == unsigned || want == signed
}

// cstring is b up to its first NUL.
func cstring(b []byte) []byte {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return b[:i]
	}
	return b
}

// parseNumeric reads a base-256 (high bit set) or octal field, reporting
// false where archive/tar reports ErrHeader.
func parseNumeric(b []byte) (int64, bool) {
	if len(b) == 0 || b[0]&0x80 == 0 {
		return parseOctal(b)
	}
	// Two's complement, big-endian, the first byte's top bit a marker.
	var inv byte
	if b[0]&0x40 != 0 {
		inv = 0xff
	}
	var x uint64
	for i, c := range b {
		c ^= inv
		if i == 0 {
			c &= 0x7f
		}
		if x>>56 > 0 {
			return 0, false
		}
		x = x<<8 | uint64(c)
	}
	if x>>63 > 0 {
		return 0, false
	}
	if inv == 0xff {
		return ^int64(x), true
	}
	return int64(x), true
}

// parseOctal reads an octal field padded with spaces or NULs on either side
// and cut at its first NUL.
func parseOctal(b []byte) (int64, bool) {
	b = bytes.Trim(b, " \x00")
	b = cstring(b)
	if len(b) == 0 {
		return 0, true
	}
	var x uint64
	for _, c := range b {
		if c < '0' || c > '7' {
			return 0, false
		}
		if x > math.MaxUint64>>3 {
			return 0, false
		}
		x = x<<3 | uint64(c-'0')
	}
	return int64(x), true
}

// Mode bits as tar stores them (from archive/tar, which takes them from
// POSIX).
const (
	cISUID  = 0o4000
	cISGID  = 0o2000
	cISVTX  = 0o1000
	cISDIR  = 0o40000
	cISFIFO = 0o10000
	cISLNK  = 0o120000
	cISBLK  = 0o60000
	cISCHR  = 0o20000
	cISSOCK = 0o140000
)

// fileMode is archive/tar's headerFileInfo.Mode.
func fileMode(m int64, flag byte) fs.FileMode {
	mode := fs.FileMode(m).Perm()
	if m&cISUID != 0 {
		mode |= fs.ModeSetuid
	}
	if m&cISGID != 0 {
		mode |= fs.ModeSetgid
	}
	if m&cISVTX != 0 {
		mode |= fs.ModeSticky
	}
	switch fs.FileMode(m) &^ 0o7777 {
	case cISDIR:
		mode |= fs.ModeDir
	case cISFIFO:
		mode |= fs.ModeNamedPipe
	case cISLNK:
		mode |= fs.ModeSymlink
	case cISBLK:
		mode |= fs.ModeDevice
	case cISCHR:
		mode |= fs.ModeDevice | fs.ModeCharDevice
	case cISSOCK:
		mode |= fs.ModeSocket
	}
	switch flag {
	case tar.TypeSymlink:
		mode |= fs.ModeSymlink
	case tar.TypeChar:
		mode |= fs.ModeDevice | fs.ModeCharDevice
	case tar.TypeBlock:
		mode |= fs.ModeDevice
	case tar.TypeDir:
		mode |= fs.ModeDir
	case tar.TypeFifo:
		mode |= fs.ModeNamedPipe
	}
	return mode
}
