package check

import (
	"context"
	"debug/elf"
	"errors"
	"fmt"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/slimcheck/slimcheck/analyze"
)

// Severity says how bad a finding is.
type Severity string

// Severities.
const (
	Error   Severity = "error"   // the container would not start as configured
	Warning Severity = "warning" // a problem on a path that may not be taken
)

// Finding kinds.
const (
	KindEntrypoint = "entrypoint" // the command itself cannot be executed
	KindLoader     = "loader"     // an ELF executable's program loader is missing
	KindLibc       = "libc"       // an ELF file links a C library the image lacks
	KindLibrary    = "library"    // a needed shared library is not found
	KindArch       = "arch"       // an ELF file is built for another architecture
	KindAppFile    = "app-file"   // a file the command names does not exist
	KindUser       = "user"       // the USER (or its group) does not exist
	KindWorkdir    = "workdir"    // WORKDIR is not a directory
	KindUnreadable = "unreadable" // a file could not be read far enough to check it
)

// Finding is one problem the check found.
type Finding struct {
	Severity Severity `json:"severity"`
	Kind     string   `json:"kind"`
	Path     string   `json:"path,omitempty"`
	Message  string   `json:"message"`
}

// Step is one link of the chain from the command to the program that runs.
type Step struct {
	Path string `json:"path"`
	What string `json:"what"`
}

// Result is what the check found.
type Result struct {
	Command  []string  `json:"command"`           // ENTRYPOINT + CMD
	Chain    []Step    `json:"chain,omitempty"`   // how the command resolves
	User     string    `json:"user"`              // USER, "" for root
	Libc     string    `json:"libc"`              // glibc, musl, glibc+musl, or none (no dynamic loader)
	Loaders  []string  `json:"loaders,omitempty"` // program loaders present
	ELFFiles int       `json:"elfFiles"`          // ELF files checked
	Findings []Finding `json:"findings"`
}

// Errors counts error findings.
func (r *Result) Errors() int { return r.count(Error) }

// Warnings counts warning findings.
func (r *Result) Warnings() int { return r.count(Warning) }

func (r *Result) count(s Severity) int {
	n := 0
	for _, f := range r.Findings {
		if f.Severity == s {
			n++
		}
	}
	return n
}

// Failed reports whether any finding is an error.
func (r *Result) Failed() bool { return r.Errors() > 0 }

// Options tunes Run.
type Options struct {
	// Layers are layer indexes whose ELF files are all checked, whether or
	// not the command reaches them (slim names its new layer). Native addons
	// are checked in every layer.
	Layers []int
	// ELFPrefix is how many leading bytes of an ELF file are kept while it
	// is read: its headers, .interp, .dynstr and version tables must lie in
	// them. The dynamic segment is read wherever it is.
	ELFPrefix int64
	// MaxCapture caps the bytes kept of a script, passwd, group, ld.so.conf or
	// package.json; larger files are not read.
	MaxCapture int64
	// CaptureBudget caps the bytes kept of all script bodies together.
	CaptureBudget int64
}

// DefaultOptions returns the options Run uses for zero values.
func DefaultOptions() Options {
	return Options{ELFPrefix: 16 << 20, MaxCapture: 256 << 10, CaptureBudget: 32 << 20}
}

// Validate reports options that cannot work.
func (o Options) Validate() error {
	var errs []error
	if o.ELFPrefix < 0 {
		errs = append(errs, fmt.Errorf("ELF prefix %d is negative", o.ELFPrefix))
	}
	if o.MaxCapture < 0 {
		errs = append(errs, fmt.Errorf("capture limit %d is negative", o.MaxCapture))
	}
	if o.CaptureBudget < 0 {
		errs = append(errs, fmt.Errorf("capture budget %d is negative", o.CaptureBudget))
	}
	return errors.Join(errs...)
}

func (o Options) withDefaults() Options {
	d := DefaultOptions()
	if o.ELFPrefix == 0 {
		o.ELFPrefix = d.ELFPrefix
	}
	if o.MaxCapture == 0 {
		o.MaxCapture = d.MaxCapture
	}
	if o.CaptureBudget == 0 {
		o.CaptureBudget = d.CaptureBudget
	}
	return o
}

// Run checks img, whose index ix (from analyze.Walk or the pipeline) gives
// the final filesystem and config. It reads the layers that hold the files
// it needs once more, and returns the findings; an error means the check
// itself could not be done (unreadable layers, cancelled ctx).
func Run(ctx context.Context, img v1.Image, ix *analyze.Index, opts Options) (*Result, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	if ix == nil || ix.Config == nil {
		return nil, errors.New("checking image: the index has no config")
	}
	opts = opts.withDefaults()
	c := newChecker(ix, opts)
	layers, err := img.Layers()
	if err != nil {
		return nil, fmt.Errorf("listing layers: %w", err)
	}
	if len(layers) != len(ix.Layers) {
		return nil, fmt.Errorf("checking image: it has %d layers, its index %d", len(layers), len(ix.Layers))
	}
	if err := c.scan(ctx, layers); err != nil {
		return nil, err
	}
	c.run()
	return c.result(), nil
}

// machines maps GOARCH names (the config's architecture) to ELF machines.
var machines = map[string]elf.Machine{
	"amd64": elf.EM_X86_64, "386": elf.EM_386, "arm64": elf.EM_AARCH64, "arm": elf.EM_ARM,
	"ppc64le": elf.EM_PPC64, "ppc64": elf.EM_PPC64, "s390x": elf.EM_S390, "riscv64": elf.EM_RISCV,
	"mips64le": elf.EM_MIPS, "mips64": elf.EM_MIPS, "mipsle": elf.EM_MIPS, "mips": elf.EM_MIPS,
	"loong64": elf.EM_LOONGARCH,
}
