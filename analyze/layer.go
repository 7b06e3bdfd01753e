package analyze

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/cespare/xxhash/v2"

	"github.com/slimcheck/slimcheck/analyze/tarstream"
)

// bufPool holds copy buffers for hashing file contents.
type bufPool struct{ p sync.Pool }

func newBufPool() *bufPool {
	return &bufPool{p: sync.Pool{New: func() any { b := make([]byte, 256<<10); return &b }}}
}

// ReadLayer indexes one uncompressed layer tar stream. It reads r to its end
// and keeps no contents except files that opts.Capture asks for;
// opts.MaxUncompressed bounds the bytes it reads.
func ReadLayer(ctx context.Context, r io.Reader, opts Options) (Layer, error) {
	return readLayer(ctx, r, opts, newBufPool(), newByteBudget(opts.MaxUncompressed))
}

// byteBudget is a shared limit on uncompressed bytes across layers. It is
// charged with every byte read from the decompressed streams (tar headers,
// contents, padding and trailing data alike), so no part of a stream can
// expand unchecked.
type byteBudget struct {
	left  atomic.Int64
	limit int64
}

// newByteBudget returns a budget of limit bytes, or nil (no limit) for 0.
func newByteBudget(limit int64) *byteBudget {
	if limit <= 0 {
		return nil
	}
	b := &byteBudget{limit: limit}
	b.left.Store(limit)
	return b
}

// take charges n bytes that were read.
func (b *byteBudget) take(n int64) error {
	if b == nil || n == 0 {
		return nil
	}
	if b.left.Add(-n) < 0 {
		return b.exceeded()
	}
	return nil
}

// fits reports early, before reading, that n more bytes cannot fit.
func (b *byteBudget) fits(n int64) error {
	if b == nil || n <= b.left.Load() {
		return nil
	}
	return b.exceeded()
}

func (b *byteBudget) exceeded() error {
	return fmt.Errorf("image expands past the %d-byte uncompressed limit: %w", b.limit, ErrTooLarge)
}

// ErrTooLarge is returned when an image expands past Options.MaxUncompressed.
var ErrTooLarge = errors.New("uncompressed size limit exceeded")

func readLayer(ctx context.Context, r io.Reader, opts Options, pool *bufPool, budget *byteBudget) (Layer, error) {
	cr := &guardReader{ctx: ctx, r: r, budget: budget}
	tr := tarstream.NewReader(cr)
	var l Layer
	var entries entryChunks
	var paths pathArena
	var scratch []byte           // prefixes are read here; only what is kept is copied
	var oversized map[string]int // index in l.Oversized of each path listed there
	// forgetOversized unlists p when a later copy of it in this layer is
	// not an oversized file: only the last copy of a path speaks for it.
	forgetOversized := func(p string) {
		if i, ok := oversized[p]; ok {
			l.Oversized[i] = "" // a tombstone: cleaned paths are never empty
			delete(oversized, p)
		}
	}
	bufp := pool.p.Get().(*[]byte)
	defer pool.p.Put(bufp)
	buf := *bufp
	h := xxhash.New() // reset for every file: one digest per layer, not one per file
	for n := 0; ; n++ {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return Layer{}, fmt.Errorf("reading tar entry %d: %w", n, err)
		}
		if hdr.Typeflag == tar.TypeXGlobalHeader {
			continue // PAX global metadata, not a file (containerd ignores it too)
		}
		p := paths.cleanPath(hdr.Name)
		if p == "/" {
			continue // the root itself; dive skips it too
		}
		if hdr.Size < 0 {
			// archive/tar refuses it for files but lets a directory or link
			// header carry it (base-256); no writer does, and summed into
			// the layer's size it would make every total a lie.
			return Layer{}, fmt.Errorf("reading %s: negative size %d in its tar header", p, hdr.Size)
		}
		if hdr.Size > math.MaxInt64-l.Size {
			return Layer{}, fmt.Errorf("reading %s: entry sizes overflow the layer size", p)
		}
		e := Entry{
			Path: p,
			Size: hdr.Size,
			Mode: hdr.FileMode(),
			UID:  clampID(hdr.Uid),
			GID:  clampID(hdr.Gid),
		}
		if t, target, ok := classify(p); ok {
			e.Type, e.Path = t, target
			e.Status, e.Change = Marker, Removal
		} else {
			switch hdr.Typeflag {
			case tar.TypeReg, tar.TypeRegA, tar.TypeGNUSparse:
				e.Type = TypeFile
			case tar.TypeDir:
				e.Type = TypeDir
			case tar.TypeSymlink:
				e.Type, e.Link = TypeSymlink, string(hdr.Linkname)
			case tar.TypeLink:
				e.Type, e.Link = TypeHardlink, CleanPath(string(hdr.Linkname))
			default:
				e.Type = TypeOther
			}
		}
		if e.Status != Marker && e.Type != TypeFile {
			// An earlier copy of p in this layer is shadowed: drop what was
			// kept of it. A file at p is asked the same path predicates as
			// the copy before it, so what it keeps replaces that copy's; the
			// branches below drop what it does not replace.
			delete(l.Captured, p)
			delete(l.Prefixes, p)
			forgetOversized(p)
		}
		if e.Type == TypeFile && hdr.Sparse {
			delete(l.Captured, p)
			delete(l.Prefixes, p)
			forgetOversized(p)
			// A sparse file's holes are not stored: reading it would
			// expand them (a 1.5 kB entry can declare a 1 TiB hole). Its
			// stored data is skipped by the next tr.Next; it is not hashed
			// or captured. Its declared size still counts against the
			// uncompressed limit, as it would when extracted.
			if err := budget.fits(hdr.Size); err != nil {
				return Layer{}, fmt.Errorf("reading %s: %w", p, err)
			}
			l.Size += hdr.Size
			entries.add(e)
			continue
		}
		if e.Type == TypeFile {
			if err := budget.fits(hdr.Size); err != nil {
				return Layer{}, fmt.Errorf("reading %s: %w", p, err)
			}
			limit, capture := int64(0), false
			if opts.Capture != nil {
				limit, capture = opts.Capture(p)
			}
			switch {
			case capture && hdr.Size <= limit:
				data, err := readAllN(tr, hdr.Size)
				if err != nil {
					return Layer{}, fmt.Errorf("reading %s: %w", p, err)
				}
				if l.Captured == nil {
					l.Captured = make(map[string][]byte)
				}
				l.Captured[p] = data
				delete(l.Prefixes, p) // an earlier, larger copy's
				forgetOversized(p)
				if !opts.NoHash {
					e.Hash = xxhash.Sum64(data)
				}
			default:
				if _, listed := oversized[p]; capture && !listed {
					if oversized == nil {
						oversized = make(map[string]int)
					}
					oversized[p] = len(l.Oversized)
					l.Oversized = append(l.Oversized, p)
				}
				if capture {
					delete(l.Captured, p) // an earlier, smaller copy's
				}
				h.Reset()
				if opts.CapturePrefix != nil {
					if n, ok := opts.CapturePrefix(p); ok && n > 0 {
						n = min(n, hdr.Size)
						if int64(cap(scratch)) < n {
							scratch = make([]byte, n)
						}
						prefix := scratch[:n]
						if _, err := io.ReadFull(tr, prefix); err != nil {
							return Layer{}, fmt.Errorf("reading %s: %w", p, err)
						}
						_, _ = h.Write(prefix) // the rest of the file follows below
						if opts.CondensePrefix != nil {
							prefix = opts.CondensePrefix(p, prefix)
						}
						if l.Prefixes == nil {
							l.Prefixes = make(map[string][]byte)
						}
						l.Prefixes[p] = append(make([]byte, 0, len(prefix)), prefix...)
					}
				}
				if !opts.NoHash { // else tr.Next skips the rest
					if _, err := io.CopyBuffer(h, tr, buf); err != nil {
						return Layer{}, fmt.Errorf("reading %s: %w", p, err)
					}
					e.Hash = h.Sum64()
				}
			}
		}
		l.Size += hdr.Size
		entries.add(e)
	}
	// Drain trailing padding so that digest-verifying readers see EOF.
	if _, err := io.CopyBuffer(io.Discard, cr, buf); err != nil {
		return Layer{}, fmt.Errorf("reading end of tar: %w", err)
	}
	l.TarSize = cr.n
	l.Entries = entries.join()
	if len(oversized) < len(l.Oversized) {
		l.Oversized = slices.DeleteFunc(l.Oversized, func(p string) bool { return p == "" })
	}
	return l, nil
}

// entryChunks collects a layer's entries in chunks of growing size and
// joins them once at the end: one copy of every entry, and a slice of exactly
// the right length, where append's growth copies the entries of a large
// layer several times over and leaves up to a quarter of its capacity unused.
type entryChunks struct {
	full [][]Entry
	cur  []Entry
	n    int
}

func (c *entryChunks) add(e Entry) {
	if len(c.cur) == cap(c.cur) {
		if c.cur != nil {
			c.full = append(c.full, c.cur)
		}
		c.cur = make([]Entry, 0, min(16<<10, max(64, 2*cap(c.cur))))
	}
	c.cur = append(c.cur, e)
	c.n++
}

// join returns the entries in order (nil for none).
func (c *entryChunks) join() []Entry {
	if c.n == 0 {
		return nil
	}
	if len(c.full) == 0 && len(c.cur) == cap(c.cur) {
		return c.cur
	}
	out := make([]Entry, 0, c.n)
	for _, f := range c.full {
		out = append(out, f...)
	}
	return append(out, c.cur...)
}

// readAllN reads exactly n bytes (n is a trusted, capped size).
func readAllN(r io.Reader, n int64) ([]byte, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return nil, err
	}
	return b, nil
}

func clampID(id int) uint32 {
	switch {
	case id < 0:
		return 0
	case int64(id) > math.MaxUint32:
		return math.MaxUint32
	default:
		return uint32(id)
	}
}

// guardReader counts the bytes of a decompressed layer stream, charges them
// to the budget, and stops the read as soon as ctx is done, even in the
// middle of a large file.
type guardReader struct {
	ctx    context.Context
	r      io.Reader
	budget *byteBudget
	n      int64
}

func (g *guardReader) Read(p []byte) (int, error) {
	if err := g.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := g.r.Read(p)
	g.n += int64(n)
	if berr := g.budget.take(int64(n)); berr != nil {
		return n, berr
	}
	return n, err
}
