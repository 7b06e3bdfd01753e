package slim

import (
	"errors"
	"fmt"
	"time"

	"github.com/slimcheck/slimcheck/analyze"
	"github.com/slimcheck/slimcheck/analyze/source"
)

// Options tunes Build.
type Options struct {
	// Base is the runtime base to build on; "" means the plan's.
	Base string
	// Source says how to open the base (registry access, platform). The
	// platform is the source image's when the report records it.
	Source source.Options
	// Walk tunes the walk of the base (concurrency, size guard).
	Walk analyze.Options
	// Created stamps every entry of the new layer, the config and the
	// history entry. Zero means the source image's creation time (so the
	// same source gives the same digest), or the Unix epoch when it has none.
	Created time.Time
	// ToolVersion is recorded in the history entry.
	ToolVersion string
	// CompressionLevel is the gzip level of the new layer (1-9); 0 means
	// the default (6).
	CompressionLevel int
}

// DefaultOptions returns the options the CLI starts from.
func DefaultOptions() Options {
	return Options{Source: source.DefaultOptions(), Walk: analyze.DefaultOptions(), ToolVersion: "dev"}
}

// Validate reports every problem with o at once.
func (o Options) Validate() error {
	var errs []error
	if err := o.Source.Validate(); err != nil {
		errs = append(errs, err)
	}
	if err := o.Walk.Validate(); err != nil {
		errs = append(errs, err)
	}
	if o.CompressionLevel < 0 || o.CompressionLevel > 9 {
		errs = append(errs, fmt.Errorf("compression level %d is outside 0..9", o.CompressionLevel))
	}
	return errors.Join(errs...)
}
