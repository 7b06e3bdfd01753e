package bench

import (
	"fmt"
	"math"
	"math/rand/v2"
	"path"
	"slices"
	"strings"

	"github.com/slimcheck/slimcheck/analyze"
)

// planner holds the random stream and scale of one plan.
type planner struct {
	rng     *rand.Rand
	scale   float64  // multiplies counts and the large fixed sizes
	size    float64  // multiplies every file size
	pyTests []string // Python test suites planned so far, removed by a later layer
}

// n scales a count, keeping at least one.
func (g *planner) n(count int) int {
	return max(1, int(math.Round(float64(count)*g.scale)))
}

// bytes scales a byte count, keeping at least one byte.
func (g *planner) bytes(n int64) int64 {
	return max(1, int64(math.Round(float64(n)*g.scale*g.size)))
}

// logNormal draws a size with the given median and spread, clamped to [lo, hi].
func (g *planner) logNormal(median float64, sigma float64, lo, hi int64) int64 {
	v := int64(median * g.size * math.Exp(sigma*g.rng.NormFloat64()))
	return min(max(v, int64(float64(lo)*g.size)), int64(float64(hi)*g.size))
}

// count draws a count with the given median and spread, clamped to [lo, hi].
func (g *planner) count(median float64, sigma float64, lo, hi int) int {
	v := int(median * math.Exp(sigma*g.rng.NormFloat64()))
	return min(max(v, lo), hi)
}

// pick returns a random element of xs.
func pick[T any](g *planner, xs []T) T { return xs[g.rng.IntN(len(xs))] }

var syllables = []string{
	"ba", "be", "bi", "bo", "ca", "co", "cu", "da", "de", "di", "do", "fa", "fe", "fi", "ga", "go", "ha",
	"he", "jo", "ka", "ke", "ki", "la", "le", "li", "lo", "lu", "ma", "me", "mi", "mo", "mu", "na", "ne",
	"ni", "no", "pa", "pe", "pi", "po", "ra", "re", "ri", "ro", "ru", "sa", "se", "si", "so", "ta", "te",
	"ti", "to", "tu", "va", "ve", "vi", "xo", "ya", "za", "zo", "str", "ex", "in", "on", "ar", "er", "or",
}

// word makes a lower-case pseudo word of 1 to maxSyl syllables.
func (g *planner) word(maxSyl int) string {
	var b strings.Builder
	for range 1 + g.rng.IntN(maxSyl) {
		b.WriteString(pick(g, syllables))
	}
	return b.String()
}

// layerBuilder appends entries to one layer the way a layer diff looks:
// every changed path comes after directory entries for its parents.
type layerBuilder struct {
	g        *planner
	l        LayerPlan
	dirs     map[string]bool // directories already emitted in this layer
	names    map[string]bool // other paths already emitted in this layer
	uid, gid int
}

func (g *planner) layer(createdBy string) *layerBuilder {
	return &layerBuilder{g: g, l: LayerPlan{CreatedBy: createdBy}, dirs: map[string]bool{}, names: map[string]bool{}}
}

// parents emits directory entries for the ancestors of p.
func (b *layerBuilder) parents(p string) {
	for i := 0; i < len(p); i++ {
		if p[i] == '/' {
			b.dir(p[:i])
		}
	}
}

// dir emits directory p and its ancestors, once per layer.
func (b *layerBuilder) dir(p string) {
	if p == "" || b.dirs[p] {
		return
	}
	b.parents(p)
	b.dirs[p] = true
	b.l.Entries = append(b.l.Entries, Entry{Name: p, Kind: KindDir, Mode: 0o755, UID: b.uid, GID: b.gid})
}

// file emits a regular file with generated contents and returns it.
func (b *layerBuilder) file(p string, size int64, c Content) Entry {
	mode := int64(0o644)
	if c == Binary && (strings.Contains(p, "/bin/") || strings.HasSuffix(p, ".so") || strings.Contains(p, ".so.")) {
		mode = 0o755
	}
	return b.put(Entry{Name: p, Kind: KindFile, Size: size, Mode: mode, Content: c, Seed: b.g.rng.Uint64()})
}

// inline emits a regular file with the given contents.
func (b *layerBuilder) inline(p string, data []byte) Entry {
	return b.put(Entry{Name: p, Kind: KindFile, Size: int64(len(data)), Mode: 0o644, Content: Inline, Data: data})
}

// readd emits an earlier file again with the same contents: an overwrite
// that only changes owner or mode (a `chown -R` layer).
func (b *layerBuilder) readd(e Entry) Entry { return b.put(e) }

// put emits e after its parents, owned by the builder's user. A path is
// emitted once per layer, as in a real layer diff: a second entry for it
// is dropped.
func (b *layerBuilder) put(e Entry) Entry {
	if b.names[e.Name] || b.dirs[e.Name] {
		return e
	}
	b.names[e.Name] = true
	b.parents(e.Name)
	e.UID, e.GID = b.uid, b.gid
	b.l.Entries = append(b.l.Entries, e)
	return e
}

func (b *layerBuilder) symlink(p, target string) {
	b.put(Entry{Name: p, Kind: KindSymlink, Mode: 0o777, Link: target})
}

func (b *layerBuilder) hardlink(p, target string) {
	b.put(Entry{Name: p, Kind: KindHardlink, Mode: 0o755, Link: target})
}

// whiteout deletes p (a file or a whole directory) from lower layers.
func (b *layerBuilder) whiteout(p string) {
	b.put(Entry{Name: p, Kind: KindWhiteout})
}

// opaque hides everything lower layers put in directory p.
func (b *layerBuilder) opaque(p string) {
	b.dir(p)
	b.l.Entries = append(b.l.Entries, Entry{Name: p, Kind: KindOpaque})
}

// done returns the layer with its entries in the order docker and BuildKit
// write a layer diff: a lexical walk of the tree, each directory before its
// contents, siblings by name (markers by their .wh. names).
func (b *layerBuilder) done() LayerPlan {
	keys := make([]string, len(b.l.Entries))
	order := make([]int, len(b.l.Entries))
	for i, e := range b.l.Entries {
		keys[i], order[i] = strings.TrimSuffix(e.TarName(), "/"), i
	}
	slices.SortStableFunc(order, func(x, y int) int { return analyze.ComparePaths(keys[x], keys[y]) })
	sorted := make([]Entry, len(order))
	for i, k := range order {
		sorted[i] = b.l.Entries[k]
	}
	b.l.Entries = sorted
	return b.l
}

// treeSpec describes a generated directory tree, like a package's sources.
type treeSpec struct {
	files    int      // regular files
	dirNames []string // names subdirectories are drawn from
	maxDepth int      // deepest subdirectory level below the root
	exts     []string // file extensions, drawn uniformly
	median   float64  // median file size
	sigma    float64  // log-normal spread of file sizes
	content  Content  // contents of the files
}

// tree adds spec.files files below root with names and depths drawn like a
// real source tree: shared subdirectories, a few files at the top, most of
// them one to three levels down. It returns the files it added.
func (b *layerBuilder) tree(root string, spec treeSpec) []Entry {
	g := b.g
	out := make([]Entry, 0, spec.files)
	seen := map[string]bool{}
	// A pool of subdirectories per level keeps directories shared by many files.
	pool := make([][]string, spec.maxDepth+1)
	for d := 1; d <= spec.maxDepth; d++ {
		for range 1 + g.rng.IntN(3+spec.files/(40*d)) {
			pool[d] = append(pool[d], pick(g, spec.dirNames))
		}
	}
	for i := 0; i < spec.files; i++ {
		depth := min(spec.maxDepth, int(math.Abs(g.rng.NormFloat64())*1.6))
		dir := root
		for d := 1; d <= depth; d++ {
			dir += "/" + pick(g, pool[d])
		}
		name := g.word(3) + pick(g, spec.exts)
		p := dir + "/" + name
		if seen[p] {
			p = fmt.Sprintf("%s/%s-%d%s", dir, strings.TrimSuffix(name, path.Ext(name)), i, path.Ext(name))
		}
		seen[p] = true
		out = append(out, b.file(p, g.logNormal(spec.median, spec.sigma, 0, 8<<20), spec.content))
	}
	return out
}
