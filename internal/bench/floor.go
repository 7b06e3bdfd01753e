package bench

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"sync/atomic"

	"github.com/cespare/xxhash/v2"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"golang.org/x/sync/errgroup"

	"github.com/slimcheck/slimcheck/analyze/tarstream"
)

// FloorOptions tunes Floor.
type FloorOptions struct {
	// Concurrency is how many layers are read at once; 0 means GOMAXPROCS.
	Concurrency int
	// Hash hashes every regular file's contents with xxhash64, as the walker does.
	Hash bool
	// Stream reads tar entries with analyze/tarstream, as the walker does,
	// instead of archive/tar (the floor the benchmark's bar is set against).
	Stream bool
}

// FloorStats is what Floor read.
type FloorStats struct {
	Layers   int    // layer blobs read
	Entries  int64  // tar entries
	Content  int64  // bytes of entry contents
	TarBytes int64  // decompressed tar bytes, padding and trailer included
	Stored   int64  // stored (compressed) blob bytes
	HashSum  uint64 // xor of all content hashes (with Hash), so the work cannot be skipped
}

// Floor reads the docker-archive at path in place and does the least an
// image analyzer must: decompress every layer (klauspost gzip or zstd, or
// none), visit every tar entry and read every content byte, a layer per
// goroutine up to Concurrency at once, largest layers first.
func Floor(ctx context.Context, path string, opts FloorOptions) (FloorStats, error) {
	if opts.Concurrency < 0 {
		return FloorStats{}, fmt.Errorf("concurrency must not be negative, got %d", opts.Concurrency)
	}
	if opts.Concurrency == 0 {
		opts.Concurrency = runtime.GOMAXPROCS(0)
	}
	f, err := os.Open(path)
	if err != nil {
		return FloorStats{}, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return FloorStats{}, err
	}
	layers, err := ArchiveLayers(f, fi.Size())
	if err != nil {
		return FloorStats{}, fmt.Errorf("reading %s: %w", path, err)
	}
	var entries, content, tarBytes, stored atomic.Int64
	var sum atomic.Uint64
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(opts.Concurrency)
	// Largest first, as the walker does.
	order := make([]int, len(layers))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return layers[order[a]].Size() > layers[order[b]].Size() })
	for _, i := range order {
		l := layers[i]
		g.Go(func() error {
			st, err := FloorLayer(gctx, l, opts.Hash, opts.Stream)
			if err != nil {
				return fmt.Errorf("reading layer %d: %w", i, err)
			}
			entries.Add(st.Entries)
			content.Add(st.Content)
			tarBytes.Add(st.TarBytes)
			stored.Add(l.Size())
			for {
				old := sum.Load()
				if sum.CompareAndSwap(old, old^st.HashSum) {
					break
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return FloorStats{}, err
	}
	return FloorStats{Layers: len(layers), Entries: entries.Load(), Content: content.Load(), TarBytes: tarBytes.Load(), Stored: stored.Load(), HashSum: sum.Load()}, nil
}

// FloorLayer decompresses one stored layer blob and reads all of its tar
// entries, with archive/tar or (stream) analyze/tarstream.
func FloorLayer(ctx context.Context, blob io.Reader, hash, stream bool) (FloorStats, error) {
	br := bufio.NewReaderSize(blob, 64<<10)
	head, err := br.Peek(4)
	if err != nil && err != io.EOF {
		return FloorStats{}, fmt.Errorf("reading layer header: %w", err)
	}
	var r io.Reader = br
	switch {
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		zr, err := gzip.NewReader(br)
		if err != nil {
			return FloorStats{}, fmt.Errorf("opening gzip stream: %w", err)
		}
		defer zr.Close()
		r = zr
	case bytes.HasPrefix(head, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true), zstd.WithDecoderMaxWindow(128<<20))
		if err != nil {
			return FloorStats{}, fmt.Errorf("opening zstd stream: %w", err)
		}
		defer zr.Close()
		r = zr
	}
	cr := &countReader{r: r}
	var tr entryReader = &stdReader{Reader: tar.NewReader(cr)}
	if stream {
		tr = &streamReader{Reader: tarstream.NewReader(cr)}
	}
	buf := make([]byte, 256<<10)
	var st FloorStats
	for {
		if err := ctx.Err(); err != nil {
			return FloorStats{}, err
		}
		typeflag, err := tr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return FloorStats{}, fmt.Errorf("reading tar entry %d: %w", st.Entries, err)
		}
		st.Entries++
		var h *xxhash.Digest
		if hash && typeflag == tar.TypeReg {
			h = xxhash.New()
		}
		for {
			n, err := tr.Read(buf)
			st.Content += int64(n)
			if h != nil {
				_, _ = h.Write(buf[:n]) // xxhash never fails
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				return FloorStats{}, fmt.Errorf("reading %s: %w", tr.name(), err)
			}
		}
		if h != nil {
			st.HashSum ^= h.Sum64()
		}
	}
	// The trailer and padding after the end-of-archive blocks.
	for {
		_, err := cr.Read(buf)
		if err == io.EOF {
			break
		}
		if err != nil {
			return FloorStats{}, fmt.Errorf("reading end of tar: %w", err)
		}
	}
	st.TarBytes = cr.n
	return st, nil
}

// entryReader is a tar reader as the floor uses it: the next entry's type,
// then its contents; its name only for errors.
type entryReader interface {
	io.Reader
	next() (typeflag byte, err error)
	name() string
}

type stdReader struct {
	*tar.Reader
	h *tar.Header
}

func (r *stdReader) next() (byte, error) {
	h, err := r.Next()
	if err != nil {
		return 0, err
	}
	r.h = h
	return h.Typeflag, nil
}

func (r *stdReader) name() string { return r.h.Name }

type streamReader struct {
	*tarstream.Reader
	h *tarstream.Header
}

func (r *streamReader) next() (byte, error) {
	h, err := r.Next()
	if err != nil {
		return 0, err
	}
	r.h = h
	return h.Typeflag, nil
}

func (r *streamReader) name() string { return string(r.h.Name) }

// countReader counts the bytes read through it.
type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
