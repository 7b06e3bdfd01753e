// Package tarstream reads a tar stream entry by entry, as archive/tar does,
// without allocating for the header forms that fill container layers.
//
// A layer walk spends a large share of its time in archive/tar's Next: it
// allocates a Header and a string per field for every entry and checks every
// header block for non-ASCII bytes rune by rune, to guess a format no layer
// reader needs. Reader parses the common blocks (USTAR and GNU headers with
// no extension records) in place and hands every other entry (PAX and GNU
// long-name records, global headers, old V7 and STAR blocks, sparse files,
// anything malformed) to archive/tar itself, so those are read exactly as
// archive/tar reads them, errors included. Tests check it against
// archive/tar on Go's own tar test suite and by differential fuzzing.
package tarstream

import (
	"archive/tar"
	"io"
	"io/fs"
)

const blockSize = 512

// Header is one entry's header. Name and Linkname are only valid until the
// next call to Next: copy them to keep them.
type Header struct {
	Name     []byte // as archive/tar's Header.Name (prefix and extension records applied)
	Linkname []byte // as archive/tar's Header.Linkname
	Size     int64  // logical size; for sparse files the expanded size
	Mode     int64  // permission and mode bits as stored
	Uid      int    //nolint:revive // archive/tar's spelling
	Gid      int    //nolint:revive // archive/tar's spelling
	Typeflag byte   // archive/tar's Type* constants; TypeRegA is reported as TypeReg or TypeDir
	// Sparse marks GNU sparse files (old GNU headers, or GNU.sparse PAX
	// records of a known version): their stored data is not Size bytes, and
	// Read returns them expanded, holes as zeros, as archive/tar does.
	Sparse bool
}

// FileMode is the fs.FileMode of the entry, as archive/tar's
// Header.FileInfo().Mode() computes it.
func (h *Header) FileMode() fs.FileMode {
	return fileMode(h.Mode, h.Typeflag)
}

// Reader reads the entries of a tar stream in order.
type Reader struct {
	src    countReader
	blk    [blockSize]byte
	name   []byte // scratch for prefix + "/" + name, and for names from archive/tar
	link   []byte // scratch for link names from archive/tar
	hdr    Header
	skip   []byte // for data skipped by Next, allocated on first use
	remain int64  // data bytes of the current entry not read yet
	err    error  // sticky, as archive/tar's

	// tail, once set, reads the rest of the stream: after a sparse file the
	// stored size of its data is archive/tar's to know.
	tail *tar.Reader
}

// NewReader returns a Reader reading from r. It never seeks r: data it
// skips is read (archive/tar seeks an io.Seeker, so on a seekable source
// the two can fail with other errors where a size overflows the source).
func NewReader(r io.Reader) *Reader {
	return &Reader{src: countReader{r: r}}
}

// Next advances to the next entry and returns its header, valid until the
// next call. Data left unread in the current entry is skipped. At the end
// of the archive it returns io.EOF; every error is the one archive/tar's
// Next returns for the same stream, except archive/tar's ErrInsecurePath
// (under GODEBUG=tarinsecurepath=0), which is not an error of the stream:
// Next returns such names as any other, and callers clean them.
func (r *Reader) Next() (*Header, error) {
	if r.err != nil {
		return nil, r.err
	}
	h, err := r.next()
	r.err = err
	if err != nil {
		return nil, err
	}
	return h, nil
}

func (r *Reader) next() (*Header, error) {
	if r.tail != nil {
		h, err := r.tail.Next()
		if err == tar.ErrInsecurePath && h != nil {
			err = nil // see Next
		}
		if err != nil {
			return nil, err
		}
		return r.adopt(h), nil
	}
	if err := r.skipRest(); err != nil {
		return nil, err
	}
	// Two blocks of zeros end the archive.
	if _, err := io.ReadFull(&r.src, r.blk[:]); err != nil {
		return nil, err
	}
	if r.blk == ([blockSize]byte{}) {
		if _, err := io.ReadFull(&r.src, r.blk[:]); err != nil {
			return nil, err
		}
		if r.blk == ([blockSize]byte{}) {
			return nil, io.EOF
		}
		return nil, tar.ErrHeader
	}
	if h, ok := r.parse(); ok {
		return h, nil
	}
	return r.slow()
}

// skipRest discards what is left of the current entry's data and its
// padding, with archive/tar's errors: a stream that ends inside the data is
// truncated, one that ends inside the padding simply ends, and an error
// that comes with the last byte of the data is dropped (io.CopyN drops it),
// one with the last byte of the padding is not.
func (r *Reader) skipRest() error {
	for r.remain > 0 {
		if r.skip == nil {
			r.skip = make([]byte, 32<<10)
		}
		n, err := r.src.Read(r.skip[:min(r.remain, int64(len(r.skip)))])
		r.remain -= int64(n)
		if r.remain == 0 {
			break
		}
		if err == io.EOF {
			return io.ErrUnexpectedEOF
		}
		if err != nil {
			return err
		}
	}
	_, err := tryReadFull(&r.src, r.blk[:blockPadding(r.src.n)]) // the block is read again next
	return err
}

// tryReadFull is archive/tar's: io.EOF when the stream ends before b is
// full (even part way), and any other error even when b is full.
func tryReadFull(r io.Reader, b []byte) (n int, err error) {
	for len(b) > n && err == nil {
		var nn int
		nn, err = r.Read(b[n:])
		n += nn
	}
	if len(b) == n && err == io.EOF {
		err = nil
	}
	return n, err
}

// prefixReader reads b, then r. Unlike io.MultiReader it asks r again after
// r returned io.EOF once, as archive/tar asks its source.
type prefixReader struct {
	b []byte
	r io.Reader
}

func (p *prefixReader) Read(q []byte) (int, error) {
	if len(p.b) > 0 {
		n := copy(q, p.b)
		p.b = p.b[n:]
		return n, nil
	}
	return p.r.Read(q)
}

// slow hands the entry whose first block is in r.blk to archive/tar, then
// takes the stream back at the entry's data.
func (r *Reader) slow() (*Header, error) {
	tr := tar.NewReader(&prefixReader{b: r.blk[:], r: &r.src})
	h, err := tr.Next()
	if err == tar.ErrInsecurePath && h != nil {
		err = nil // see Next
	}
	if err != nil {
		return nil, err
	}
	out := r.adopt(h)
	switch {
	case out.Sparse:
		r.tail = tr
	case isHeaderOnly(h.Typeflag) || h.Typeflag == tar.TypeXGlobalHeader:
		// No data: a global header's records were read by Next, and its
		// padding is skipped from the stream position.
	default:
		r.remain = h.Size
	}
	return out, nil
}

// adopt copies archive/tar's header into r.hdr.
func (r *Reader) adopt(h *tar.Header) *Header {
	r.name = append(r.name[:0], h.Name...)
	r.link = append(r.link[:0], h.Linkname...)
	r.hdr = Header{
		Name: r.name, Linkname: r.link, Size: h.Size, Mode: h.Mode,
		Uid: h.Uid, Gid: h.Gid, Typeflag: h.Typeflag, Sparse: isSparse(h),
	}
	return &r.hdr
}

// Read reads the current entry's data, as archive/tar's Reader.Read.
func (r *Reader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	var n int
	var err error
	if r.tail != nil {
		n, err = r.tail.Read(p)
	} else {
		if int64(len(p)) > r.remain {
			p = p[:r.remain]
		}
		if len(p) > 0 {
			n, err = r.src.Read(p)
			r.remain -= int64(n)
		}
		switch {
		case err == io.EOF && r.remain > 0:
			err = io.ErrUnexpectedEOF
		case err == nil && r.remain == 0:
			err = io.EOF
		}
	}
	if err != nil && err != io.EOF {
		r.err = err
	}
	return n, err
}

// isSparse reports whether archive/tar reads h as a sparse file: an old
// GNU sparse header, or GNU.sparse PAX records of a version it knows (as
// its readGNUSparsePAXHeaders decides). A record such as GNU.sparse.x alone
// does not make a sparse file: its data is read as any other.
func isSparse(h *tar.Header) bool {
	if h.Typeflag == tar.TypeGNUSparse {
		return true
	}
	major, minor := h.PAXRecords["GNU.sparse.major"], h.PAXRecords["GNU.sparse.minor"]
	switch {
	case major == "0" && (minor == "0" || minor == "1"), major == "1" && minor == "0":
		return true
	case major != "" || minor != "":
		return false // a version archive/tar does not know: read as a regular file
	}
	return h.PAXRecords["GNU.sparse.map"] != "" // 0.0 and 0.1 had no version records
}

func isHeaderOnly(flag byte) bool {
	switch flag {
	case tar.TypeLink, tar.TypeSymlink, tar.TypeChar, tar.TypeBlock, tar.TypeDir, tar.TypeFifo:
		return true
	}
	return false
}

func blockPadding(offset int64) int64 { return -offset & (blockSize - 1) }

// countReader counts the bytes read from the stream: headers and data are
// aligned to blocks from its start.
type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
