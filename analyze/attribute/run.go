package attribute

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/slimcheck/slimcheck/analyze"
	"github.com/slimcheck/slimcheck/report"
)

// evKey identifies a piece of evidence cheaply, so the table is
// deduplicated without hashing strings per entry; buildEvidence makes the
// evidence from the key alone.
type evKey struct {
	kind uint8
	a, b int32
}

// Evidence key kinds, with what a and b hold.
const (
	evPackage   uint8 = iota // package index, winning term or -1
	evRule                   // term
	evDep                    // depMatch id
	evHidden                 // analyze.Status, term or -1
	evUnmatched              // nothing
)

// buildEvidence makes the evidence k stands for.
func (a *attributor) buildEvidence(k evKey) report.Evidence {
	var ev report.Evidence
	term := int32(-1)
	switch k.kind {
	case evPackage:
		pi := a.st.pkgs[k.a]
		ev = report.Evidence{Kind: KindPackage, Package: pi.pkg.Name, Version: pi.pkg.Version, Manager: string(pi.pkg.Manager),
			Source: a.st.dbs[pi.db].db.Path, Detail: pi.why}
		term = k.b
	case evRule:
		ev = report.Evidence{Kind: KindRule}
		term = k.a
	case evDep:
		dm := a.deps.byID[k.a]
		return report.Evidence{Kind: KindLockfile, Package: dm.pkg.Name, Version: dm.pkg.Version,
			Source: dm.pkg.Evidence.Source, Detail: dm.detail}
	case evHidden:
		ev = report.Evidence{Kind: KindHidden, Detail: hiddenReason(analyze.Status(k.a))}
		term = k.b
	default:
		return report.Evidence{Kind: KindRule, Rule: UnmatchedRule, Pattern: "/", Detail: "no OS package owns it and no rule matches"}
	}
	if term >= 0 {
		mt := a.m.terms[term]
		ev.Rule, ev.Pattern = a.rules[mt.rule].ID, a.rules[mt.rule].Patterns[mt.pattern]
	}
	return ev
}

// chunk is a run of consecutive entries of one layer, attributed as a
// unit: its evidence indexes are first local to it (in first-seen order)
// and then mapped onto the shared table, chunk after chunk, which gives
// the table the order one pass over every entry would.
type chunk struct {
	layer, start, end int
	keys              []evKey // the chunk's evidence, first seen first
}

// spread says how run shares out its work.
type spread struct {
	chunk       int // the most entries in a chunk
	parallelMin int // the fewest entries worth more than one worker
	workers     int // the most workers
}

// defaultSpread is Attribute's: chunks of 16 Ki entries, and up to
// GOMAXPROCS (at most 8) workers from 64 Ki entries on.
func defaultSpread() spread {
	return spread{chunk: 16 << 10, parallelMin: 64 << 10, workers: min(runtime.GOMAXPROCS(0), 8)}
}

// run categorises every entry of every layer, spreading chunks of entries
// over workers as sp says. The result does not depend on how the work was
// spread.
func (a *attributor) run(ctx context.Context, sp spread) error {
	n := len(a.ix.Layers)
	a.res.Category = make([][]report.Category, n)
	a.res.Evidence = make([][]int32, n)
	links := make([]map[string]int, n)
	var chunks []chunk
	total := 0
	for li := range a.ix.Layers {
		entries := a.ix.Layers[li].Entries
		a.res.Category[li] = make([]report.Category, len(entries))
		a.res.Evidence[li] = make([]int32, len(entries))
		links[li] = visibleLinks(entries)
		for s := 0; s < len(entries); s += sp.chunk {
			chunks = append(chunks, chunk{layer: li, start: s, end: min(s+sp.chunk, len(entries))})
		}
		total += len(entries)
	}
	workers := 1
	if total >= sp.parallelMin {
		workers = max(1, min(sp.workers, len(chunks)))
	}
	ws := make([]*worker, workers)
	for i := range ws {
		ws[i] = a.newWorker(links)
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for _, w := range ws {
		wg.Go(func() {
			for {
				c := int(next.Add(1) - 1)
				if c >= len(chunks) || ctx.Err() != nil {
					return
				}
				w.do(&chunks[c])
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, w := range ws {
		for i, b := range w.bytes {
			a.st.pkgs[i].bytes += b
			a.st.pkgs[i].files += w.files[i]
		}
	}
	a.mergeEvidence(chunks)
	return nil
}

// mergeEvidence builds the evidence table from the chunks' keys, in chunk
// order, and turns their local evidence indexes into table indexes.
func (a *attributor) mergeEvidence(chunks []chunk) {
	index := map[evKey]int32{}
	var remap []int32
	for _, c := range chunks {
		remap = remap[:0]
		for _, k := range c.keys {
			i, ok := index[k]
			if !ok {
				i = int32(len(a.res.Table))
				a.res.Table = append(a.res.Table, a.buildEvidence(k))
				index[k] = i
			}
			remap = append(remap, i)
		}
		evs := a.res.Evidence[c.layer][c.start:c.end]
		for i, e := range evs {
			evs[i] = remap[e]
		}
	}
}

// worker attributes chunks with its own matching and lookup caches.
type worker struct {
	a     *attributor
	links []map[string]int // per layer: visibleLinks
	pm    *pathMatcher
	deps  depCursor
	bytes []int64 // per package: bytes of its files seen
	files []int   // per package: its non-directory entries seen

	// The current chunk's evidence: keys in first-seen order, their local
	// indexes, and recent hits.
	keys  []evKey
	local map[evKey]int32
	cache [evCacheSize]evSlot
}

func (a *attributor) newWorker(links []map[string]int) *worker {
	return &worker{a: a, links: links, pm: newPathMatcher(a.m), deps: depCursor{x: a.deps},
		bytes: make([]int64, len(a.st.pkgs)), files: make([]int, len(a.st.pkgs)), local: map[evKey]int32{}}
}

// do attributes the entries of c.
func (w *worker) do(c *chunk) {
	w.keys, w.cache = nil, [evCacheSize]evSlot{}
	clear(w.local)
	li := c.layer
	entries := w.a.ix.Layers[li].Entries
	cats, evs := w.a.res.Category[li], w.a.res.Evidence[li]
	for ei := c.start; ei < c.end; ei++ {
		e := &entries[ei]
		switch e.Status {
		case analyze.Visible:
			cats[ei], evs[ei] = w.visible(e.Path, w.a.st.ownerOf(li, ei), e.Type == analyze.TypeDir, e.Size)
		case analyze.Marker:
			cats[ei], evs[ei] = w.unowned(e.Path)
		default:
			if link, ok := w.links[li][e.Path]; ok && e.Type == analyze.TypeFile {
				// Kept alive by a visible hard link: the bytes are the
				// link's, so they take its path and owner.
				cats[ei], evs[ei] = w.visible(entries[link].Path, w.a.st.ownerOf(li, link), false, e.Size)
				continue
			}
			cats[ei], evs[ei] = report.Wasted, w.hidden(e)
		}
	}
	c.keys = w.keys
}

// evCacheSize is the number of slots of worker.cache (a power of 2).
const evCacheSize = 16

// evSlot is one remembered evidence index.
type evSlot struct {
	set bool
	k   evKey
	i   int32
}

// evidence returns the chunk-local index of k, adding it on first sight.
func (w *worker) evidence(k evKey) int32 {
	h := uint32(k.kind)*0x9e3779b1 ^ uint32(k.a)*0x85ebca6b ^ uint32(k.b)*0xc2b2ae35
	s := &w.cache[(h>>16)&(evCacheSize-1)]
	if s.set && s.k == k {
		return s.i
	}
	i, ok := w.local[k]
	if !ok {
		i = int32(len(w.keys))
		w.keys = append(w.keys, k)
		w.local[k] = i
	}
	*s = evSlot{set: true, k: k, i: i}
	return i
}

// visibleLinks maps the target of each visible hard link of one layer to
// the link's entry index.
func visibleLinks(entries []analyze.Entry) map[string]int {
	var m map[string]int
	for i, e := range entries {
		if e.Type == analyze.TypeHardlink && e.Status == analyze.Visible {
			if m == nil {
				m = map[string]int{}
			}
			if _, ok := m[e.Link]; !ok {
				m[e.Link] = i
			}
		}
	}
	return m
}

func (st *packageState) ownerOf(li, ei int) int32 {
	if li < len(st.owner) && ei < len(st.owner[li]) {
		return st.owner[li][ei]
	}
	return -1
}

// visible categorises an entry of the final filesystem.
func (w *worker) visible(p string, owner int32, isDir bool, size int64) (report.Category, int32) {
	if owner < 0 || isDir {
		return w.unowned(p)
	}
	w.bytes[owner] += size
	w.files[owner]++
	cat, rule := w.a.st.pkgs[owner].role, int32(-1)
	if t, ok := w.pm.match(p, true); ok {
		mt := &w.a.m.terms[t]
		if mt.rank < w.a.roleRank[owner] {
			cat, rule = w.a.rules[mt.rule].Category, t
		}
	}
	return cat, w.evidence(evKey{evPackage, owner, rule})
}

// unowned categorises a path no package owns: the best of the path rules
// and the dependency classification, by category precedence.
func (w *worker) unowned(p string) (report.Category, int32) {
	t, ruled := w.pm.match(p, false)
	var dm *depMatch
	if w.deps.x != nil {
		dm = w.deps.lookup(p)
	}
	// A package a dependency source places is installed, never a cache,
	// whatever cache rule covers its path: Yarn Plug'n'Play runs packages
	// from the zips in its cache.
	if dm != nil && (!ruled || dm.rank <= w.a.m.terms[t].rank || w.a.rules[w.a.m.terms[t].rule].Category == report.PackageCache) {
		return dm.category, w.evidence(evKey{evDep, dm.id, 0})
	}
	if ruled {
		return w.a.rules[w.a.m.terms[t].rule].Category, w.evidence(evKey{evRule, t, 0})
	}
	return report.OSBase, w.evidence(evKey{evUnmatched, 0, 0})
}

// hidden returns the evidence of a wasted entry: why it is hidden and which
// rule would have placed it.
func (w *worker) hidden(e *analyze.Entry) int32 {
	t, ok := w.pm.match(e.Path, false)
	if !ok {
		t = -1
	}
	return w.evidence(evKey{evHidden, int32(e.Status), t})
}
