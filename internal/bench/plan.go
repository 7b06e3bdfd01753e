package bench

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Kind names a generated image.
type Kind string

// The generated images.
const (
	// Big is a Debian image whose dominant layer carries over a GiB of
	// incompressible .deb caches, with a few thousand ordinary files around it.
	Big Kind = "big"
	// Many is a Node and Python builder image of over 200k files in 16 layers,
	// with overwrites, metadata-only rewrites, directory whiteouts that delete
	// large subtrees and an opaque directory. It measures the cost per entry,
	// so its files are a quarter of their usual size (manySize): about 400 MB
	// of tar, where Big measures the cost per byte.
	Many Kind = "many"
)

// Kinds lists the generated images in the order the benchmark runs them.
func Kinds() []Kind { return []Kind{Big, Many} }

// EntryKind is the kind of one planned tar entry.
type EntryKind uint8

// Planned entry kinds.
const (
	KindFile     EntryKind = iota // regular file
	KindDir                       // directory
	KindSymlink                   // symbolic link
	KindHardlink                  // hard link to an earlier entry of the same layer
	KindWhiteout                  // .wh.NAME marker deleting Name from lower layers
	KindOpaque                    // .wh..wh..opq marker inside directory Name
)

// Content says how a regular file's bytes are made.
type Content uint8

// Content kinds.
const (
	Text   Content = iota // word soup, compresses about 3:1 like source and docs
	Binary                // half random, half runs, compresses about 2:1 like ELF objects
	Random                // incompressible, like .deb, .gz and .jar payloads
	Inline                // the entry's Data, verbatim (package databases, manifests)
)

// Entry is one planned tar entry.
type Entry struct {
	Name    string    // path without a leading slash; for markers, the path they act on
	Kind    EntryKind // what the entry is
	Size    int64     // content length of regular files
	Mode    int64     // permission bits
	UID     int       // owner
	GID     int       // group
	Link    string    // symlink or hardlink target
	Content Content   // how contents are made
	Seed    uint64    // contents seed: equal seeds, sizes and kinds give equal bytes
	Data    []byte    // contents of Inline files
}

// TarName is the entry's name inside the layer tar: directories end in a
// slash and markers carry their .wh. prefix.
func (e Entry) TarName() string {
	switch e.Kind {
	case KindDir:
		return e.Name + "/"
	case KindWhiteout:
		dir, base := splitName(e.Name)
		return dir + whiteoutPrefix + base
	case KindOpaque:
		return e.Name + "/" + opaqueMarker
	}
	return e.Name
}

const (
	whiteoutPrefix = ".wh."
	opaqueMarker   = ".wh..wh..opq"
)

// splitName splits "a/b/c" into "a/b/" and "c".
func splitName(p string) (string, string) {
	i := strings.LastIndexByte(p, '/')
	return p[:i+1], p[i+1:]
}

// LayerPlan is one planned layer.
type LayerPlan struct {
	CreatedBy string  // the history line that made it
	Entries   []Entry // tar entries in order
}

// Plan is a planned image.
type Plan struct {
	Kind       Kind
	Layers     []LayerPlan
	Env        []string
	WorkingDir string
	Entrypoint []string
	User       string
}

// Stats summarises a plan.
type Stats struct {
	Layers        int   // layers
	Entries       int   // tar entries, markers included
	Files         int   // regular files
	Dirs          int   // directory entries
	Links         int   // symlinks and hardlinks
	Whiteouts     int   // .wh. markers
	Opaques       int   // opaque-directory markers
	Bytes         int64 // regular-file bytes
	RandomBytes   int64 // incompressible regular-file bytes
	MaxLayerBytes int64 // regular-file bytes of the largest layer
	MaxLayerIndex int   // index of that layer
	MaxLayerRand  int64 // incompressible bytes of that layer
}

// Stats counts the plan's entries.
func (p *Plan) Stats() Stats {
	s := Stats{Layers: len(p.Layers)}
	for li, l := range p.Layers {
		var lb, lr int64
		for _, e := range l.Entries {
			s.Entries++
			switch e.Kind {
			case KindFile:
				s.Files++
				lb += e.Size
				if e.Content == Random {
					lr += e.Size
				}
			case KindDir:
				s.Dirs++
			case KindSymlink, KindHardlink:
				s.Links++
			case KindWhiteout:
				s.Whiteouts++
			case KindOpaque:
				s.Opaques++
			}
		}
		s.Bytes += lb
		s.RandomBytes += lr
		if lb > s.MaxLayerBytes {
			s.MaxLayerBytes, s.MaxLayerIndex, s.MaxLayerRand = lb, li, lr
		}
	}
	return s
}

// PlanOptions tunes a plan.
type PlanOptions struct {
	// Seed selects the pseudo-random stream; the same seed gives the same image.
	Seed uint64
	// Scale multiplies file counts and byte totals; 1 is the benchmark size,
	// tests use small values. It must be in (0, 4].
	Scale float64
}

// DefaultPlanOptions returns the benchmark's options.
func DefaultPlanOptions() PlanOptions { return PlanOptions{Seed: 1, Scale: 1} }

// Validate reports options that cannot work.
func (o PlanOptions) Validate() error {
	if !(o.Scale > 0 && o.Scale <= 4) {
		return fmt.Errorf("scale must be in (0, 4], got %v", o.Scale)
	}
	return nil
}

// NewPlan plans the image of the given kind.
func NewPlan(kind Kind, opts PlanOptions) (*Plan, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	g := &planner{rng: rand.New(rand.NewPCG(opts.Seed, uint64(len(kind)))), scale: opts.Scale, size: 1}
	switch kind {
	case Big:
		return g.big(), nil
	case Many:
		return g.many(), nil
	}
	return nil, fmt.Errorf("unknown image kind %q (want %s or %s)", kind, Big, Many)
}
