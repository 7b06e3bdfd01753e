package tarstream

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
)

// This file is an adversarial review of Reader against archive/tar:
// hand-built header blocks for each quirk of archive/tar's parser, and
// underlying readers that fail, stall or end at every position.

// fields are the raw contents of a header block by offset; the checksum is
// computed by sum unless fields sets it.
type fields map[int]string

// sumFunc formats the checksum field from the block's unsigned and signed
// byte sums.
type sumFunc func(unsigned, signed int64) string

func unsignedSum(u, _ int64) string { return fmt.Sprintf("%06o\x00 ", u) }
func signedSum(_, s int64) string   { return fmt.Sprintf("%06o\x00 ", s) }

// block builds a header block from base with over applied on top.
func block(sum sumFunc, base fields, over fields) []byte {
	b := make([]byte, blockSize)
	for _, f := range []fields{base, over} {
		for off, v := range f {
			copy(b[off:], v)
		}
	}
	if _, ok := over[offChksum]; ok {
		return b
	}
	var u, s int64
	for i, c := range b {
		if i >= offChksum && i < offChksum+8 {
			c = ' '
		}
		u += int64(c)
		s += int64(int8(c))
	}
	copy(b[offChksum:offChksum+8], sum(u, s))
	return b
}

// v7, ustar and gnu are the fields of a plain regular file in each format.
func v7(name string, flag byte, size int64) fields {
	return fields{
		offName: name, offMode: "0000644\x00", offUID: "0000000\x00", offGID: "0000000\x00",
		offSize: fmt.Sprintf("%011o\x00", size), offMtime: "14507652000\x00", offType: string(flag),
	}
}

func ustar(name string, flag byte, size int64) fields {
	f := v7(name, flag, size)
	f[offMagic], f[offVersion] = "ustar\x00", "00"
	f[offDevMajor], f[offDevMinor] = "0000000\x00", "0000000\x00"
	return f
}

func gnu(name string, flag byte, size int64) fields {
	f := v7(name, flag, size)
	f[offMagic], f[offVersion] = "ustar ", " \x00"
	return f
}

// hdr is block with the unsigned checksum.
func hdr(base fields, over fields) []byte { return block(unsignedSum, base, over) }

// payload is n bytes of data padded to a block.
func payload(n int) []byte {
	b := make([]byte, n+int(blockPadding(int64(n))))
	for i := range n {
		b[i] = byte('a' + i%26)
	}
	return b
}

// paxData is the padded data of an extended header holding records.
func paxData(kv ...string) []byte {
	var b bytes.Buffer
	for i := 0; i+1 < len(kv); i += 2 {
		rec := " " + kv[i] + "=" + kv[i+1] + "\n"
		n := len(rec) + 1
		for n != len(rec)+len(strconv.Itoa(n)) {
			n = len(rec) + len(strconv.Itoa(n))
		}
		fmt.Fprintf(&b, "%d%s", n, rec)
	}
	return append(b.Bytes(), make([]byte, blockPadding(int64(b.Len())))...)
}

// paxEntry is an extended header of type flag holding records.
func paxEntry(flag byte, kv ...string) []byte {
	d := paxData(kv...)
	n := len(bytes.TrimRight(d, "\x00"))
	return cat(hdr(ustar("PaxHeaders/x", flag, int64(n)), nil), d)
}

// longEntry is a GNU long name or link record holding s.
func longEntry(flag byte, s string) []byte {
	return cat(hdr(gnu("././@LongLink", flag, int64(len(s))), nil), []byte(s), make([]byte, blockPadding(int64(len(s)))))
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func zeros(blocks int) []byte { return make([]byte, blocks*blockSize) }

// b256 is an n-byte base-256 field holding x.
func b256(n int, x int64) string {
	b := make([]byte, n)
	for i := n - 1; i >= 0; i-- {
		b[i] = byte(x)
		x >>= 8
	}
	b[0] |= 0x80
	return string(b)
}

// reviewCases are streams built to hit each quirk of archive/tar's header
// parser; every one must read exactly as archive/tar reads it.
func reviewCases() []struct {
	name string
	data []byte
} {
	end := zeros(2)
	reg := func(name string, n int) []byte { return cat(hdr(ustar(name, tar.TypeReg, int64(n)), nil), payload(n)) }
	tail := cat(reg("after", 3), end)
	high := fields{offName: "caf\xc3\xa9-\xff\xfe\x80"} // bytes with the top bit set
	type tc = struct {
		name string
		data []byte
	}
	return []tc{
		// Checksums.
		{"chksum/unsigned-high-bytes", cat(block(unsignedSum, ustar("x", '0', 5), high), payload(5), tail)},
		{"chksum/signed-high-bytes", cat(block(signedSum, ustar("x", '0', 5), high), payload(5), tail)},
		{"chksum/signed-gnu", cat(block(signedSum, gnu("x", '0', 5), high), payload(5), tail)},
		{"chksum/signed-v7", cat(block(signedSum, v7("x", '0', 5), high), payload(5), tail)},
		{"chksum/leading-space", cat(block(func(u, _ int64) string { return fmt.Sprintf(" %06o\x00", u) }, ustar("x", '0', 1), nil), payload(1), tail)},
		{"chksum/leading-nuls", cat(block(func(u, _ int64) string { return fmt.Sprintf("\x00\x00%06o", u) }, ustar("x", '0', 1), nil), payload(1), tail)},
		{"chksum/eight-digits", cat(block(func(u, _ int64) string { return fmt.Sprintf("%08o", u) }, ustar("x", '0', 1), nil), payload(1), tail)},
		{"chksum/nul-then-junk", cat(block(func(u, _ int64) string { return fmt.Sprintf("%o\x00Z9", u) }, ustar("x", '0', 1), nil), payload(1), tail)},
		{"chksum/space-inside", cat(block(func(u, _ int64) string { s := fmt.Sprintf("%06o", u); return s[:3] + " " + s[3:] + "\x00" }, ustar("x", '0', 1), nil), payload(1), tail)},
		{"chksum/off-by-one", cat(block(func(u, _ int64) string { return fmt.Sprintf("%06o\x00 ", u+1) }, ustar("x", '0', 1), nil), payload(1), tail)},
		{"chksum/all-spaces", cat(hdr(ustar("x", '0', 1), fields{offChksum: "        "}), payload(1), tail)},
		{"chksum/all-nuls", cat(hdr(ustar("x", '0', 1), fields{offChksum: "\x00\x00\x00\x00\x00\x00\x00\x00"}), payload(1), tail)},
		{"chksum/base256", cat(block(func(u, _ int64) string { return b256(8, u) }, ustar("x", '0', 1), nil), payload(1), tail)},
		{"chksum/digit-8", cat(block(func(u, _ int64) string { return "8" + fmt.Sprintf("%06o\x00", u) }, ustar("x", '0', 1), nil), payload(1), tail)},

		// Octal fields.
		{"octal/size-spaces", cat(hdr(ustar("x", '0', 0), fields{offSize: "    12     \x00"}), payload(10), tail)},
		{"octal/size-leading-nuls", cat(hdr(ustar("x", '0', 0), fields{offSize: "\x00\x00\x0000000012\x00"}), payload(10), tail)},
		{"octal/size-nul-inside", cat(hdr(ustar("x", '0', 0), fields{offSize: "12\x0034567777"}), payload(10), tail)},
		{"octal/size-nul-then-8", cat(hdr(ustar("x", '0', 0), fields{offSize: "12\x00 \x00 8     "}), payload(10), tail)},
		{"octal/size-space-inside", cat(hdr(ustar("x", '0', 0), fields{offSize: "1 2\x00\x00\x00\x00\x00\x00\x00\x00\x00"}), payload(10), tail)},
		{"octal/size-plus", cat(hdr(ustar("x", '0', 0), fields{offSize: "+12\x00"}), payload(10), tail)},
		{"octal/size-digit-8", cat(hdr(ustar("x", '0', 0), fields{offSize: "00000000018\x00"}), payload(10), tail)},
		{"octal/size-all-spaces", cat(hdr(ustar("x", '0', 0), fields{offSize: "            "}), tail)},
		{"octal/size-twelve-digits", cat(hdr(ustar("x", '0', 0), fields{offSize: "000000000012"}), payload(10), tail)},
		{"octal/size-underscore", cat(hdr(ustar("x", '0', 0), fields{offSize: "0000000_012\x00"}), payload(10), tail)},
		{"octal/mode-0o", cat(hdr(ustar("x", '0', 0), fields{offMode: "0o755\x00\x00\x00"}), tail)},
		{"octal/uid-eight-digits", cat(hdr(ustar("x", '0', 0), fields{offUID: "77777777"}), tail)},
		{"octal/mtime-bad", cat(hdr(ustar("x", '0', 0), fields{offMtime: "zz\x00"}), tail)},
		{"octal/mtime-bad-v7", cat(hdr(v7("x", '0', 0), fields{offMtime: "zz\x00"}), tail)},
		{"octal/devmajor-bad-ustar", cat(hdr(ustar("x", '0', 0), fields{offDevMajor: "9\x00"}), tail)},
		{"octal/devminor-bad-gnu", cat(hdr(gnu("x", '0', 0), fields{offDevMinor: "x\x00"}), tail)},
		{"octal/devmajor-bad-v7", cat(hdr(v7("x", '0', 0), fields{offDevMajor: "9\x00"}), tail)},
		{"octal/mode-all-bits", cat(hdr(ustar("x", '0', 0), fields{offMode: "7777777\x00"}), tail)},
		{"octal/mode-socket", cat(hdr(ustar("s", '0', 0), fields{offMode: "0140755\x00"}), tail)},
		{"octal/mode-dir-bits-on-reg", cat(hdr(ustar("s", '0', 0), fields{offMode: "0040755\x00"}), tail)},

		// Base-256 fields.
		{"b256/size-256", cat(hdr(ustar("x", '0', 0), fields{offSize: b256(12, 256)}), payload(256), tail)},
		{"b256/size-gnu", cat(hdr(gnu("x", '0', 0), fields{offSize: b256(12, 700)}), payload(700), tail)},
		{"b256/size-overflow", cat(hdr(ustar("x", '0', 0), fields{offSize: "\x80\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"}), tail)},
		{"b256/size-max", cat(hdr(ustar("x", '0', 0), fields{offSize: b256(12, 1<<63-1)}), payload(2000))},
		{"b256/size-neg-reg", cat(hdr(ustar("x", '0', 0), fields{offSize: b256(12, -1)}), tail)},
		{"b256/size-neg-rega", cat(hdr(ustar("x/", 0, 0), fields{offSize: b256(12, -1)}), tail)},
		{"b256/size-neg-dir", cat(hdr(ustar("d/", '5', 0), fields{offSize: b256(12, -1)}), tail)},
		{"b256/size-neg-symlink", cat(hdr(gnu("l", '2', 0), fields{offSize: "\xc0\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", offLink: "t"}), tail)},
		{"b256/size-minint-fifo", cat(hdr(ustar("f", '6', 0), fields{offSize: "\xff\xff\xff\xff\x80\x00\x00\x00\x00\x00\x00\x00"}), tail)},
		{"b256/uid-neg", cat(hdr(ustar("x", '0', 0), fields{offUID: b256(8, -2), offGID: b256(8, 1<<40)}), tail)},
		{"b256/mode-big", cat(hdr(ustar("x", '0', 0), fields{offMode: b256(8, 1<<40|0o120755)}), tail)},
		{"b256/mode-neg", cat(hdr(ustar("x", '0', 0), fields{offMode: b256(8, -1)}), tail)},
		{"b256/mtime-overflow", cat(hdr(ustar("x", '0', 0), fields{offMtime: "\x80\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"}), tail)},
		{"b256/devmajor", cat(hdr(ustar("c", '3', 0), fields{offDevMajor: b256(8, -7)}), tail)},

		// TypeRegA.
		{"rega/file", cat(hdr(ustar("f", 0, 10), nil), payload(10), tail)},
		{"rega/slash-with-data", cat(hdr(ustar("d/", 0, 10), nil), payload(10), tail)},
		{"rega/slash-no-data", cat(hdr(ustar("d/", 0, 10), nil), tail)},
		{"rega/prefix-empty-name", cat(hdr(ustar("", 0, 0), fields{offPrefix: "p"}), tail)},
		{"rega/gnu-slash", cat(hdr(gnu("g/", 0, 0), nil), tail)},
		{"rega/v7-slash", cat(hdr(v7("v/", 0, 5), nil), tail)},
		{"rega/slash-in-pax-path", cat(paxEntry('x', "path", "dir/"), hdr(ustar("f", 0, 3), nil), tail)},
		{"reg/slash", cat(hdr(ustar("d/", '0', 3), nil), payload(3), tail)},

		// USTAR names.
		{"ustar/prefix", cat(hdr(ustar("n", '0', 1), fields{offPrefix: "a/b"}), payload(1), tail)},
		{"ustar/prefix-full", cat(hdr(ustar(strings.Repeat("n", 100), '0', 1), fields{offPrefix: strings.Repeat("p", 155)}), payload(1), tail)},
		{"ustar/version-junk", cat(hdr(ustar("n", '0', 1), fields{offVersion: "\xff\xff"}), payload(1), tail)},
		{"ustar/name-nul-inside", cat(hdr(ustar("a\x00b", '0', 1), nil), payload(1), tail)},
		{"ustar/empty-name", cat(hdr(ustar("", '0', 1), nil), payload(1), tail)},
		{"ustar/unknown-flag", cat(hdr(ustar("z", 'Z', 7), nil), payload(7), tail)},
		{"ustar/gnu-sparse-flag", cat(hdr(ustar("s", 'S', 7), nil), payload(7), tail)},
		{"ustar/hardlink-size", cat(hdr(ustar("h", '1', 600), fields{offLink: "t"}), tail)},
		{"ustar/char-size-with-data", cat(hdr(ustar("c", '3', 600), nil), payload(600), tail)},

		// GNU.
		{"gnu/atime-valid", cat(hdr(gnu("n", '0', 1), fields{offAtime: "14507652000\x00"}), payload(1), tail)},
		{"gnu/ctime-valid", cat(hdr(gnu("n", '0', 1), fields{offCtime: "14507652000\x00"}), payload(1), tail)},
		{"gnu/atime-bad-ascii-prefix", cat(hdr(gnu("n", '0', 1), fields{offAtime: "pre/fix"}), payload(1), tail)},
		{"gnu/atime-bad-non-ascii", cat(hdr(gnu("n", '0', 1), fields{offAtime: "pr\xe9"}), payload(1), tail)},
		{"gnu/ctime-bad-long-prefix", cat(hdr(gnu("n", '0', 1), fields{offAtime: "", offCtime: "x", offPrefix + 1: "yz"}), payload(1), tail)},
		{"gnu/atime-zero-first-byte", cat(hdr(gnu("n", '0', 1), fields{offAtime + 1: "garbage"}), payload(1), tail)},
		{"gnu/wrong-version", cat(hdr(gnu("n", '0', 1), fields{offVersion: "00"}), payload(1), tail)},
		{"gnu/prefix-area-ignored", cat(hdr(gnu("n", '0', 1), fields{offCtime + 20: "junk"}), payload(1), tail)},

		// STAR and V7.
		{"star/prefix-times", cat(hdr(ustar("n", '0', 1), fields{offPrefix: "sp", 476: "14507652000\x00", 488: "14507652000\x00", offTrailer: "tar\x00"}), payload(1), tail)},
		{"star/bad-ctime", cat(hdr(ustar("n", '0', 1), fields{488: "zz", offTrailer: "tar\x00"}), payload(1), tail)},
		{"star/trailer-only", cat(hdr(ustar("n", '5', 0), fields{offTrailer: "tar\x00"}), tail)},
		{"v7/reg", cat(hdr(v7("v", '0', 5), nil), payload(5), tail)},
		{"v7/dir-size", cat(hdr(v7("v/", '5', 5), nil), tail)},
		{"v7/pax", cat(hdr(v7("PaxHeaders/v", 'x', int64(len(bytes.TrimRight(paxData("path", "longer"), "\x00")))), nil), paxData("path", "longer"), reg("v", 2), end)},
		{"v7/longname", cat(hdr(v7("././@LongLink", 'L', 4), nil), payload(4), reg("v", 2), end)},
		{"v7/prefix-ignored", cat(hdr(v7("v", '0', 1), fields{offPrefix: "no"}), payload(1), tail)},

		// PAX extended headers.
		{"pax/size-on-symlink", cat(paxEntry('x', "size", "1000"), hdr(ustar("l", '2', 0), fields{offLink: "t"}), tail)},
		{"pax/size-on-reg", cat(paxEntry('x', "size", "1000"), hdr(ustar("f", '0', 0), nil), payload(1000), tail)},
		{"pax/size-neg-reg", cat(paxEntry('x', "size", "-1"), hdr(ustar("f", '0', 0), nil), tail)},
		{"pax/size-neg-dir", cat(paxEntry('x', "size", "-1"), hdr(ustar("d", '5', 0), nil), tail)},
		{"pax/size-empty", cat(paxEntry('x', "size", ""), hdr(ustar("f", '0', 3), nil), payload(3), tail)},
		{"pax/size-bad", cat(paxEntry('x', "size", "1e3"), hdr(ustar("f", '0', 3), nil), payload(3), tail)},
		{"pax/uid-huge", cat(paxEntry('x', "uid", "99999999999999999", "gid", "-5"), hdr(ustar("f", '0', 3), nil), payload(3), tail)},
		{"pax/path-linkpath", cat(paxEntry('x', "path", "p\xffath", "linkpath", "l"), hdr(ustar("f", '1', 3), nil), tail)},
		{"pax/bad-record", cat(hdr(ustar("PaxHeaders/x", 'x', 5), nil), payload(5), reg("f", 1), end)},
		{"pax/twice", cat(paxEntry('x', "path", "one"), paxEntry('x', "linkpath", "two"), reg("f", 1), end)},
		{"pax/then-global", cat(paxEntry('x', "path", "lost"), paxEntry('g', "path", "g"), reg("f", 1), end)},
		{"pax/then-end", cat(paxEntry('x', "path", "p"), end)},
		{"pax/then-eof", paxEntry('x', "path", "p")},
		{"pax/then-zero-junk", cat(paxEntry('x', "path", "p"), zeros(1), reg("f", 1))},
		{"pax/truncated-records", hdr(ustar("PaxHeaders/x", 'x', 100), nil)},
		{"pax/gnu-header-after", cat(paxEntry('x', "path", "p"), hdr(gnu("g", '0', 2), nil), payload(2), tail)},
		{"pax/sparse-name-only", cat(paxEntry('x', "GNU.sparse.name", "sn"), reg("f", 5), reg("g", 600), end)},
		{"pax/sparse-unknown-version", cat(paxEntry('x', "GNU.sparse.major", "9", "GNU.sparse.minor", "0"), reg("f", 5), reg("g", 600), end)},
		{"pax/sparse-0.1", cat(paxEntry('x', "GNU.sparse.major", "0", "GNU.sparse.minor", "1", "GNU.sparse.name", "sp",
			"GNU.sparse.realsize", "3000", "GNU.sparse.numblocks", "2", "GNU.sparse.map", "0,5,2000,700"), reg("f", 705), reg("g", 600), reg("h", 3), end)},
		{"pax/sparse-1.0", cat(paxEntry('x', "GNU.sparse.major", "1", "GNU.sparse.minor", "0", "GNU.sparse.name", "sp",
			"GNU.sparse.realsize", "3000"), hdr(ustar("f", '0', 512+10), nil), []byte("1\n0\n10\n"), make([]byte, 512-7), payload(10), reg("g", 600), end)},
		{"pax/sparse-0.1-bad-map", cat(paxEntry('x', "GNU.sparse.major", "0", "GNU.sparse.minor", "1",
			"GNU.sparse.realsize", "3000", "GNU.sparse.numblocks", "2", "GNU.sparse.map", "0,5"), reg("f", 5), end)},
		{"pax/sparse-on-dir", cat(paxEntry('x', "GNU.sparse.map", "0,0", "GNU.sparse.numblocks", "1"), hdr(ustar("d", '5', 0), nil), tail)},

		// Global headers with odd sizes: the padding after them must line up.
		{"global/size-1", cat(hdr(ustar("g", 'g', 1), nil), payload(1), reg("f", 1), end)},
		{"global/size-511", cat(paxEntry('g', "comment", strings.Repeat("c", 498)), reg("f", 1), end)},
		{"global/size-512", cat(hdr(ustar("g", 'g', 512), nil), []byte("512 comment="+strings.Repeat("c", 499)+"\n"), reg("f", 1), end)},
		{"global/size-513", cat(paxEntry('g', "comment", strings.Repeat("c", 500)), reg("f", 1), end)},
		{"global/size-0", cat(hdr(ustar("g", 'g', 0), nil), reg("f", 1), end)},
		// Not "path" with a bad record: archive/tar ignores mergePAX's error
		// for global headers, and whether the path was set before it
		// depends on map order, so archive/tar disagrees with itself.
		{"global/path", cat(paxEntry('g', "path", "gp", "mtime", "1.5"), reg("f", 1), end)},
		{"global/bad-size-uid", cat(paxEntry('g', "size", "abc", "uid", "x"), reg("f", 1), end)},
		{"global/bad-record", cat(hdr(ustar("g", 'g', 5), nil), payload(5), reg("f", 1), end)},
		{"global/ends-in-padding", cat(paxEntry('g', "comment", "c"))[:blockSize+30]},
		{"global/ends-after-data", cat(paxEntry('g', "comment", "c"))[:blockSize+12]},
		{"global/too-large", cat(hdr(ustar("g", 'g', 1<<20+1), nil), payload(1<<20+1), end)},
		{"global/size-neg", cat(hdr(ustar("g", 'g', 0), fields{offSize: b256(12, -1)}), end)},
		{"global/v7", cat(hdr(v7("g", 'g', 12), nil), []byte("12 path=vg\n"), make([]byte, 500), reg("f", 1), end)},

		// GNU long names and links.
		{"long/name", cat(longEntry('L', strings.Repeat("n", 300)), hdr(gnu("short", '0', 2), nil), payload(2), tail)},
		{"long/link", cat(longEntry('K', strings.Repeat("k", 200)), hdr(gnu("s", '2', 0), fields{offLink: "short"}), tail)},
		{"long/name-nul", cat(longEntry('L', "abc\x00def"), hdr(gnu("s", '0', 0), nil), tail)},
		{"long/name-twice", cat(longEntry('L', "one"), longEntry('L', "two"), hdr(gnu("s", '0', 0), nil), tail)},
		{"long/name-empty", cat(longEntry('L', ""), hdr(gnu("s", '0', 0), nil), tail)},
		{"long/name-odd", cat(longEntry('L', "abc"), longEntry('K', "de"), hdr(ustar("s", '1', 0), nil), tail)},
		{"long/then-eof", longEntry('L', "abc")},
		{"long/then-global", cat(longEntry('L', "abc"), paxEntry('g', "path", "g"), reg("f", 1), end)},
		{"long/name-slash-rega", cat(longEntry('L', "dir/"), hdr(gnu("s", 0, 4), nil), tail)},
		{"long/too-large", cat(hdr(gnu("././@LongLink", 'L', 1<<20+1), nil), payload(1<<20+1), end)},
		{"long/truncated", cat(hdr(gnu("././@LongLink", 'L', 1000), nil), payload(600)[:600])},

		// Ends of archives.
		{"end/empty", nil},
		{"end/partial-header", hdr(ustar("x", '0', 0), nil)[:100]},
		{"end/one-zero-block", zeros(1)},
		{"end/zero-then-partial", zeros(2)[:700]},
		{"end/zero-then-junk", cat(zeros(1), reg("f", 1), end)},
		{"end/zero-zero-junk", cat(reg("f", 1), end, []byte("junk"))},
		{"end/no-end-blocks", reg("f", 1)},
		{"end/in-data", reg("f", 1000)[:blockSize+300]},
		{"end/data-no-padding", reg("f", 1000)[:blockSize+1000]},
		{"end/in-padding", reg("f", 1000)[:blockSize+1010]},
		{"end/between-end-blocks", cat(reg("f", 3), zeros(1))},
		{"end/partial-second-end-block", cat(reg("f", 3), zeros(1), zeros(1)[:5])},
		{"end/header-only-size-no-data", cat(hdr(ustar("d", '5', 4000), nil), end)},
		{"end/junk-block", cat(bytes.Repeat([]byte{'j'}, blockSize), end)},
		{"end/near-zero-block", cat(hdr(ustar("", 0, 0), fields{offMode: "", offUID: "", offGID: "", offSize: "", offMtime: "", offMagic: "", offVersion: "", offDevMajor: "", offDevMinor: ""}), end)},
	}
}

// TestReviewCases reads each crafted stream whole and cut at every byte.
func TestReviewCases(t *testing.T) {
	for _, c := range reviewCases() {
		checkSame(t, c.name, c.data)
		if len(c.data) > 64<<10 {
			continue
		}
		for cut := range len(c.data) {
			if d := differ(c.data[:cut], 512, false); d != "" {
				t.Errorf("%s cut at %d: %s", c.name, cut, d)
				break
			}
		}
	}
}

// TestReviewCasesValid checks the cases were built as intended: the plain
// ones read without error through archive/tar.
func TestReviewCasesValid(t *testing.T) {
	valid := []string{"chksum/signed-high-bytes", "chksum/leading-space", "octal/size-nul-then-8", "b256/size-256",
		"rega/slash-no-data", "gnu/atime-bad-ascii-prefix", "pax/size-on-reg", "pax/sparse-0.1", "pax/sparse-1.0",
		"global/size-511", "global/size-513", "long/name", "star/prefix-times", "v7/pax"}
	byName := map[string][]byte{}
	for _, c := range reviewCases() {
		byName[c.name] = c.data
	}
	for _, name := range valid {
		tr := tar.NewReader(bytes.NewReader(byName[name]))
		for {
			_, err := tr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Errorf("%s: archive/tar: %v", name, err)
				break
			}
			if _, err := io.Copy(io.Discard, tr); err != nil {
				t.Errorf("%s: archive/tar Read: %v", name, err)
				break
			}
		}
	}
}

// entryReader is archive/tar's Reader or ours, seen the same way.
type entryReader interface {
	next() (string, error)
	Read(p []byte) (int, error)
}

type goTar struct{ *tar.Reader }

func (g goTar) next() (string, error) {
	h, err := g.Next()
	if h == nil {
		return "-", err
	}
	return fmt.Sprintf("%q %q %d %o %d %d %q %v %v", stableName(h.Name, h.Typeflag), h.Linkname, h.Size, h.Mode, h.Uid, h.Gid, h.Typeflag, h.FileInfo().Mode(), isSparse(h)), err
}

type ourTar struct{ *Reader }

func (o ourTar) next() (string, error) {
	h, err := o.Next()
	if h == nil {
		return "-", err
	}
	return fmt.Sprintf("%q %q %d %o %d %d %q %v %v", stableName(string(h.Name), h.Typeflag), h.Linkname, h.Size, h.Mode, h.Uid, h.Gid, h.Typeflag, h.FileMode(), h.Sparse), err
}

// stableName leaves out the name of global headers: archive/tar applies
// their records in map order and ignores errors, so with a record that does
// not parse the name it returns is random.
func stableName(name string, flag byte) string {
	if flag == tar.TypeXGlobalHeader {
		return "(global)"
	}
	return name
}

// trace reads every entry (skipping the data of one in skip, reading it in
// chunks otherwise) and records each header, the data and every error,
// then what Next and Read return after the end or an error.
func trace(r entryReader, chunk, skip int) []string {
	var ev []string
	buf := make([]byte, chunk)
	for i := 0; i < 1000; i++ {
		h, err := r.next()
		ev = append(ev, fmt.Sprintf("next %d: %s, %v", i, h, err))
		if err != nil {
			_, err2 := r.next()
			n, err3 := r.Read(buf)
			return append(ev, fmt.Sprintf("then next %v, read %d %v", err2, n, err3))
		}
		if skip > 0 && i%skip == skip-1 {
			continue
		}
		var data bytes.Buffer
		for data.Len() < maxCompared {
			n, err := r.Read(buf)
			data.Write(buf[:n])
			if err != nil {
				ev = append(ev, fmt.Sprintf("read %d: %d bytes %x..., %v", i, data.Len(), data.Bytes()[:min(data.Len(), 16)], err))
				n, err := r.Read(buf)
				ev = append(ev, fmt.Sprintf("read again %d: %d, %v", i, n, err))
				if err != io.EOF {
					_, err2 := r.next()
					return append(ev, fmt.Sprintf("then next %v", err2))
				}
				break
			}
		}
	}
	return ev
}

// traceDiff is the first event where our Reader and archive/tar part ways.
func traceDiff(mk func() io.Reader, chunk, skip int) string {
	want := trace(goTar{tar.NewReader(mk())}, chunk, skip)
	got := trace(ourTar{NewReader(mk())}, chunk, skip)
	for i := range max(len(want), len(got)) {
		var w, g string
		if i < len(want) {
			w = want[i]
		}
		if i < len(got) {
			g = got[i]
		}
		if w != g {
			return fmt.Sprintf("event %d:\n\tgot  %s\n\twant %s", i, g, w)
		}
	}
	return ""
}

var errBoom = fmt.Errorf("boom")

// faultReader serves data and fails with err once the stream reaches
// position at: with the last bytes before it (withData) or on the read
// after. The error is sticky unless once is set, when reads go on after it.
type faultReader struct {
	data     []byte
	pos, at  int
	err      error
	withData bool
	once     bool
	fired    bool
}

func (f *faultReader) Read(p []byte) (int, error) {
	if f.fired && !f.once {
		return 0, f.err
	}
	if len(p) == 0 {
		return 0, nil
	}
	if !f.fired && f.pos == f.at {
		f.fired = true
		return 0, f.err
	}
	if !f.fired && f.pos < f.at {
		p = p[:min(len(p), f.at-f.pos)]
	}
	if f.pos >= len(f.data) {
		return 0, io.EOF
	}
	n := copy(p, f.data[f.pos:])
	f.pos += n
	if !f.fired && f.withData && f.pos == f.at {
		f.fired = true
		return n, f.err
	}
	return n, nil
}

// stallReader returns (0, nil) before every other read and at most max bytes.
type stallReader struct {
	r     io.Reader
	max   int
	stall bool
}

func (s *stallReader) Read(p []byte) (int, error) {
	s.stall = !s.stall
	if s.stall {
		return 0, nil
	}
	return s.r.Read(p[:min(len(p), s.max)])
}

// mixedArchive has fast entries, extension records, a global header with
// odd padding, header-only types with sizes, and a sparse file last.
func mixedArchive() []byte {
	reg := func(name string, n int) []byte { return cat(hdr(ustar(name, tar.TypeReg, int64(n)), nil), payload(n)) }
	return cat(
		reg("a", 700),
		paxEntry('g', "comment", "odd"),
		hdr(ustar("d/", 0, 0), nil),
		reg("b", 512),
		paxEntry('x', "path", "long/"+strings.Repeat("p", 120), "size", "300"), hdr(ustar("c", '0', 0), nil), payload(300),
		hdr(ustar("l", '2', 900), fields{offLink: "a"}),
		longEntry('L', strings.Repeat("q", 130)), hdr(gnu("e", '0', 5), nil), payload(5),
		reg("f", 0),
		paxEntry('x', "GNU.sparse.major", "0", "GNU.sparse.minor", "1", "GNU.sparse.name", "sp",
			"GNU.sparse.realsize", "3000", "GNU.sparse.numblocks", "2", "GNU.sparse.map", "0,5,2000,700"), reg("s", 705),
		reg("g", 33),
		zeros(2),
	)
}

// faultPositions are where a fault is most likely to matter: around every
// block boundary, at the end of every run of non-zero bytes (data and
// records end there), and every 37th byte.
func faultPositions(data []byte) []int {
	var at []int
	for p := 0; p <= len(data); p++ {
		edge := p%blockSize <= 1 || p%blockSize == blockSize-1
		runEnd := p > 0 && data[p-1] != 0 && (p == len(data) || data[p] == 0)
		if edge || runEnd || p%37 == 0 {
			at = append(at, p)
		}
	}
	return at
}

// TestReviewUnderlyingReaders reads archives through readers that fail at
// many positions (sticky errors, sticky EOF, one-shot errors and EOFs that
// come alone), with EOF and data together, in short reads and with
// (0, nil) reads. The traces include Read after Next's io.EOF, and Next and
// Read after every error.
func TestReviewUnderlyingReaders(t *testing.T) {
	archives := map[string][]byte{"mixed": mixedArchive(), "layer": writeTar(t, tar.FormatUnknown, layerHeaders())}
	for name, data := range archives {
		readers := map[string]func() io.Reader{
			"plain":      func() io.Reader { return struct{ io.Reader }{bytes.NewReader(data)} },
			"one-byte":   func() io.Reader { return iotest.OneByteReader(bytes.NewReader(data)) },
			"data-err":   func() io.Reader { return iotest.DataErrReader(struct{ io.Reader }{bytes.NewReader(data)}) },
			"half":       func() io.Reader { return iotest.HalfReader(bytes.NewReader(data)) },
			"stall":      func() io.Reader { return &stallReader{r: bytes.NewReader(data), max: 100} },
			"stall-data": func() io.Reader { return &stallReader{r: iotest.DataErrReader(bytes.NewReader(data)), max: 333} },
		}
		for rname, mk := range readers {
			for _, chunk := range []int{1, 100, 512, 64 << 10} {
				for _, skip := range []int{0, 1, 2, 3} {
					if d := traceDiff(mk, chunk, skip); d != "" {
						t.Errorf("%s through %s (chunk %d, skip %d): %s", name, rname, chunk, skip, d)
					}
				}
			}
		}
		for _, at := range faultPositions(data) {
			for _, f := range []faultReader{
				{err: errBoom}, {err: errBoom, withData: true}, {err: io.EOF}, {err: io.EOF, withData: true},
				{err: errBoom, once: true}, {err: io.EOF, once: true}, // one-shot faults with data: TestReviewOneShotFaults
			} {
				mk := func() io.Reader { f := f; f.data, f.at = data, at; return &f }
				for _, c := range []struct{ chunk, skip int }{{512, 0}, {100, 2}, {7, 1}} {
					if d := traceDiff(mk, c.chunk, c.skip); d != "" {
						t.Errorf("%s failing with %v at %d (with data %v, once %v, chunk %d, skip %d): %s",
							name, f.err, at, f.withData, f.once, c.chunk, c.skip, d)
					}
				}
			}
		}
	}
}

// TestReviewOneShotFaults has a reader return an error once, with the last
// bytes before a boundary, then go on. archive/tar's answer depends on
// where the bytes fall (discard drops an error that comes with the last
// byte skipped, tryReadFull keeps one that comes with the last byte of
// padding) and it reads the raw stream after an EOF, while Reader's
// io.MultiReader keeps returning EOF once its source has returned it.
func TestReviewOneShotFaults(t *testing.T) {
	reg := func(name string, n int) []byte { return cat(hdr(ustar(name, tar.TypeReg, int64(n)), nil), payload(n)) }
	sparse := cat(paxEntry('x', "GNU.sparse.major", "0", "GNU.sparse.minor", "1", "GNU.sparse.name", "sp",
		"GNU.sparse.realsize", "3000", "GNU.sparse.numblocks", "2", "GNU.sparse.map", "0,5,2000,700"), reg("s", 705))
	for _, c := range []struct {
		name        string
		data        []byte
		at          int
		err         error
		chunk, skip int
	}{
		// archive/tar: Next fails with boom. Reader: io.ReadFull drops the
		// error that came with the last byte of padding (skipRest).
		{"error-with-last-padding-byte", cat(reg("a", 700), reg("b", 1), zeros(2)), 1536, errBoom, 512, 0},
		// archive/tar: io.CopyN drops the error that came with the last
		// byte skipped. Reader: skipRest returns it.
		{"error-with-last-skipped-byte", cat(reg("a", 512), reg("b", 1), zeros(2)), 1024, errBoom, 512, 1},
		// archive/tar: reads the padding after the records from the raw
		// stream. Reader: the MultiReader in slow has latched the EOF.
		{"eof-with-last-record-byte", cat(paxEntry('x', "path", "p"), reg("f", 1), zeros(2)), blockSize + len("9 path=p\n"), io.EOF, 512, 0},
		// The same in tail mode, after a sparse file.
		{"eof-with-last-sparse-byte", cat(sparse, reg("g", 3), zeros(2)), len(sparse) - int(blockPadding(705)), io.EOF, 512, 0},
	} {
		mk := func() io.Reader { return &faultReader{data: c.data, at: c.at, err: c.err, withData: true, once: true} }
		if d := traceDiff(mk, c.chunk, c.skip); d != "" {
			t.Errorf("%s: %s", c.name, d)
		}
	}
}

// TestReviewSeeker hands both readers a source that could seek, hidden
// from archive/tar: Reader never seeks (see NewReader), so it must read as
// archive/tar reads a source that cannot.
func TestReviewSeeker(t *testing.T) {
	cases := append(reviewCases(), struct {
		name string
		data []byte
	}{"mixed", mixedArchive()})
	for _, c := range cases {
		mk := func() io.Reader { return struct{ io.Reader }{bytes.NewReader(c.data)} }
		for _, skip := range []int{0, 1, 2} {
			if d := traceDiff(mk, 512, skip); d != "" {
				t.Errorf("%s (skip %d): %s", c.name, skip, d)
			}
		}
	}
}

// TestReviewInsecurePath runs with GODEBUG=tarinsecurepath=0, where
// archive/tar's Next returns non-local names with ErrInsecurePath, an error
// that is not sticky: Reader must read the same headers, whichever of its
// paths reads them, and not stop at the first such name.
func TestReviewInsecurePath(t *testing.T) {
	t.Setenv("GODEBUG", "tarinsecurepath=0")
	reg := func(name string, n int) []byte { return cat(hdr(ustar(name, tar.TypeReg, int64(n)), nil), payload(n)) }
	data := cat(reg("../fast", 3), paxEntry('x', "path", "../pax"), reg("x", 3), longEntry('L', "/abs"), reg("y", 1), reg("ok", 3), zeros(2))
	want, got := tar.NewReader(bytes.NewReader(data)), NewReader(bytes.NewReader(data))
	insecure := 0
	for i := 0; ; i++ {
		hw, ew := want.Next()
		hg, eg := got.Next()
		if ew == tar.ErrInsecurePath {
			insecure++
			ew = nil
		}
		if eg == tar.ErrInsecurePath && hg == nil {
			t.Fatalf("entry %d (%q): Next = nil, %v; archive/tar returns the header (and goes on)", i, hw.Name, eg)
		}
		if ew != nil || eg != nil {
			if !sameErr(ew, eg) {
				t.Fatalf("entry %d: Next error %v, archive/tar %v", i, eg, ew)
			}
			break
		}
		if d := headerDiff(hw, hg); d != "" {
			t.Fatalf("entry %d: %s", i, d)
		}
	}
	if insecure != 3 {
		t.Errorf("archive/tar reported %d insecure names, want 3: is GODEBUG read at run time?", insecure)
	}
}
