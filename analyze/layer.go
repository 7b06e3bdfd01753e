package analyze

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"sync"

	"github.com/cespare/xxhash/v2"
)

// bufPool holds copy buffers for hashing file contents.
type bufPool struct{ p sync.Pool }

func newBufPool() *bufPool {
	return &bufPool{p: sync.Pool{New: func() any { b := make([]byte, 256<<10); return &b }}}
}

// ReadLayer indexes one uncompressed layer tar stream. It reads r to its end
// and keeps no contents except files that opts.Capture asks for.
func ReadLayer(ctx context.Context, r io.Reader, opts Options) (Layer, error) {
	return readLayer(ctx, r, opts, newBufPool(), nil)
}

// byteBudget is a shared limit on uncompressed bytes across layers.
type byteBudget struct {
	mu    sync.Mutex
	left  int64
	limit int64
}

func (b *byteBudget) take(n int64) error {
	if b == nil {
		return nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.left -= n
	if b.left < 0 {
		return fmt.Errorf("image expands past the %d-byte uncompressed limit", b.limit)
	}
	return nil
}

// ErrTooLarge is returned when an image expands past Options.MaxUncompressed.
var ErrTooLarge = errors.New("uncompressed size limit exceeded")

func readLayer(ctx context.Context, r io.Reader, opts Options, pool *bufPool, budget *byteBudget) (Layer, error) {
	cr := &countingReader{r: r}
	tr := tar.NewReader(cr)
	var l Layer
	bufp := pool.p.Get().(*[]byte)
	defer pool.p.Put(bufp)
	buf := *bufp
	for n := 0; ; n++ {
		if n&255 == 0 {
			if err := ctx.Err(); err != nil {
				return Layer{}, err
			}
		}
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return Layer{}, fmt.Errorf("reading tar entry %d: %w", n, err)
		}
		p := CleanPath(hdr.Name)
		if p == "/" {
			continue // the root itself; dive skips it too
		}
		e := Entry{
			Path: p,
			Size: hdr.Size,
			Mode: hdr.FileInfo().Mode(),
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
				e.Type, e.Link = TypeSymlink, hdr.Linkname
			case tar.TypeLink:
				e.Type, e.Link = TypeHardlink, CleanPath(hdr.Linkname)
			default:
				e.Type = TypeOther
			}
		}
		if e.Type == TypeFile {
			if err := budget.take(hdr.Size); err != nil {
				return Layer{}, fmt.Errorf("reading %s: %w: %w", p, ErrTooLarge, err)
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
				if !opts.NoHash {
					e.Hash = xxhash.Sum64(data)
				}
			default:
				if capture {
					l.Oversized = append(l.Oversized, p)
				}
				var body io.Reader = tr
				if opts.CapturePrefix != nil {
					if n, ok := opts.CapturePrefix(p); ok && n > 0 {
						prefix, err := readAllN(tr, min(n, hdr.Size))
						if err != nil {
							return Layer{}, fmt.Errorf("reading %s: %w", p, err)
						}
						if l.Prefixes == nil {
							l.Prefixes = make(map[string][]byte)
						}
						l.Prefixes[p] = prefix
						body = io.MultiReader(bytes.NewReader(prefix), tr)
					}
				}
				if !opts.NoHash {
					h := xxhash.New()
					if _, err := io.CopyBuffer(h, body, buf); err != nil {
						return Layer{}, fmt.Errorf("reading %s: %w", p, err)
					}
					e.Hash = h.Sum64()
				}
			}
		}
		l.Size += hdr.Size
		l.Entries = append(l.Entries, e)
	}
	// Drain trailing padding so that digest-verifying readers see EOF.
	if _, err := io.CopyBuffer(io.Discard, cr, buf); err != nil {
		return Layer{}, fmt.Errorf("reading end of tar: %w", err)
	}
	l.TarSize = cr.n
	return l, nil
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

// countingReader counts bytes passed through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
