package analyze

import (
	"context"
	"fmt"
	"io"
	"math"
	"runtime"
	"sort"
	"sync/atomic"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"golang.org/x/sync/errgroup"
)

// Walk streams every layer of img exactly once, decompressing layers
// concurrently, and returns the merged Index with dive's metrics. Layer
// indexes are computed independently and merged in layer order, so the
// result is deterministic.
func Walk(ctx context.Context, img v1.Image, opts Options) (*Index, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	if opts.Concurrency == 0 {
		opts.Concurrency = DefaultOptions().Concurrency
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		return nil, fmt.Errorf("reading image config: %w", err)
	}
	layers, err := img.Layers()
	if err != nil {
		return nil, fmt.Errorf("listing layers: %w", err)
	}
	ix := &Index{Config: cfg, Layers: make([]Layer, len(layers)), History: cfg.History}
	budget := newByteBudget(opts.MaxUncompressed)
	meta := make([]layerMeta, len(layers))
	var total int64
	for i, l := range layers {
		m, err := describe(l, i, cfg, opts.StoredUncompressed)
		if err != nil {
			return nil, err
		}
		meta[i] = m
		if !opts.StoredUncompressed {
			total += m.size // progress counts stored bytes only when it reads them
		}
	}
	tr := &tracker{opts: opts, layers: len(layers), total: total}
	pool := newBufPool()
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(opts.Concurrency)
	for _, i := range largestFirst(meta) {
		l := layers[i]
		g.Go(func() error {
			li, err := walkLayer(gctx, l, meta[i], opts, pool, budget, tr)
			if err != nil {
				return fmt.Errorf("reading layer %d (%s): %w", i, shortHash(meta[i].id), err)
			}
			ix.Layers[i] = li
			tr.layerDone()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	var sum int64
	for i := range ix.Layers {
		if ix.Layers[i].Size > math.MaxInt64-sum {
			return nil, fmt.Errorf("reading layer %d (%s): entry sizes overflow the image size", i, shortHash(meta[i].id))
		}
		sum += ix.Layers[i].Size
	}
	attachHistory(ix)
	if opts.ReleaseMemory {
		runtime.GC()
	}
	finish(ix)
	return ix, nil
}

// largestFirst orders layer indexes by stored size, largest first (ties in
// layer order). Starting the big layers first keeps the slowest one from
// running alone at the end of the walk while other workers sit idle.
func largestFirst(meta []layerMeta) []int {
	order := make([]int, len(meta))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return meta[order[a]].size > meta[order[b]].size })
	return order
}

// storedSizer is implemented by layers that know their stored blob size
// without hashing or recompressing it (docker archives read in place).
type storedSizer interface{ StoredSize() int64 }

type layerMeta struct {
	digest, diffID v1.Hash
	id             v1.Hash // what error messages name
	mediaType      string
	size           int64 // stored size, 0 if unknown
}

func describe(l v1.Layer, i int, cfg *v1.ConfigFile, storedUncompressed bool) (layerMeta, error) {
	var m layerMeta
	var err error
	if i < len(cfg.RootFS.DiffIDs) {
		m.diffID = cfg.RootFS.DiffIDs[i]
	} else if m.diffID, err = l.DiffID(); err != nil {
		return m, fmt.Errorf("reading diff id of layer %d: %w", i, err)
	}
	m.id = m.diffID
	if mt, err := l.MediaType(); err == nil {
		m.mediaType = string(mt)
	}
	if storedUncompressed {
		if s, ok := l.(storedSizer); ok {
			m.size = s.StoredSize()
		}
		return m, nil
	}
	if m.digest, err = l.Digest(); err != nil {
		return m, fmt.Errorf("reading digest of layer %d: %w", i, err)
	}
	m.id = m.digest
	if m.size, err = l.Size(); err != nil {
		return m, fmt.Errorf("reading size of layer %d (%s): %w", i, shortHash(m.digest), err)
	}
	return m, nil
}

func walkLayer(ctx context.Context, l v1.Layer, m layerMeta, opts Options, pool *bufPool, budget *byteBudget, tr *tracker) (Layer, error) {
	var rc io.ReadCloser
	var err error
	if opts.StoredUncompressed {
		rc, err = l.Uncompressed()
	} else {
		rc, err = l.Compressed()
	}
	if err != nil {
		return Layer{}, fmt.Errorf("opening blob: %w", err)
	}
	defer rc.Close()
	stored := &progressReader{r: rc, tr: tr}
	var tarStream io.Reader = stored // Uncompressed is a tar stream already
	if !opts.StoredUncompressed {
		zr, err := decompress(stored)
		if err != nil {
			return Layer{}, err
		}
		defer zr.Close()
		tarStream = zr
	}
	li, err := readLayer(ctx, tarStream, opts, pool, budget)
	if err != nil {
		return Layer{}, err
	}
	// Let verifying readers (remote blobs) reach EOF and check the digest.
	if _, err := io.Copy(io.Discard, stored); err != nil {
		return Layer{}, fmt.Errorf("reading end of blob: %w", err)
	}
	li.Index = -1
	li.Digest, li.DiffID, li.MediaType = m.digest, m.diffID, m.mediaType
	li.CompressedSize = m.size
	if li.CompressedSize == 0 {
		li.CompressedSize = stored.n
	}
	if opts.StoredUncompressed {
		li.Digest = m.diffID
	}
	return li, nil
}

// attachHistory maps non-empty history entries to layers in order, as
// docker and dive do; layers without one keep HasHistory false.
func attachHistory(ix *Index) {
	for i := range ix.Layers {
		ix.Layers[i].Index = i
	}
	for h, li := range ix.HistoryLayers() {
		if li >= 0 {
			ix.Layers[li].History = ix.History[h]
			ix.Layers[li].HasHistory = true
		}
	}
}

// HistoryLayers returns, for each entry of ix.History, the index of the
// layer it created, or -1: for empty_layer entries (ENV, LABEL, CMD…), and
// for non-empty entries past the last layer. Non-empty entries map to
// layers in order, as docker and dive map them.
func (ix *Index) HistoryLayers() []int {
	out := make([]int, len(ix.History))
	next := 0
	for h, e := range ix.History {
		out[h] = -1
		if !e.EmptyLayer && next < len(ix.Layers) {
			out[h] = next
			next++
		}
	}
	return out
}

func shortHash(h v1.Hash) string {
	s := h.String()
	if len(s) > len("sha256:")+12 {
		return s[:len("sha256:")+12]
	}
	return s
}

// tracker aggregates progress across concurrent layer walks.
type tracker struct {
	opts   Options
	layers int
	total  int64
	read   atomic.Int64
	done   atomic.Int64
}

func (t *tracker) add(n int) {
	if t.opts.Progress == nil || n == 0 {
		return
	}
	t.opts.Progress(Progress{Layers: t.layers, LayersDone: int(t.done.Load()), BytesRead: t.read.Add(int64(n)), BytesTotal: t.total})
}

func (t *tracker) layerDone() {
	d := t.done.Add(1)
	if t.opts.Progress != nil {
		t.opts.Progress(Progress{Layers: t.layers, LayersDone: int(d), BytesRead: t.read.Load(), BytesTotal: t.total})
	}
}

// progressReader counts stored bytes and reports them.
type progressReader struct {
	r  io.Reader
	tr *tracker
	n  int64
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.n += int64(n)
	p.tr.add(n)
	return n, err
}
