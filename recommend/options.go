package recommend

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/slimcheck/slimcheck/recommend/catalog"
)

// BaseInfo is a runtime base image's size.
type BaseInfo struct {
	Image           string `json:"image"`
	Digest          string `json:"digest,omitempty"`
	SizeBytes       int64  `json:"sizeBytes"`       // sum of file sizes in its layers, as slimcheck measures images
	CompressedBytes int64  `json:"compressedBytes"` // sum of layer blobs in its manifest
	Source          string `json:"source"`          // registry, cache (registry figure cached by digest), catalog or unknown
	Recorded        string `json:"recorded,omitempty"`
	Note            string `json:"note,omitempty"` // where the figure came from, or why the live read failed
}

// BaseSizeFunc reads a base image's size for a platform ("os/arch") from its
// registry. It is injected so that this package needs neither the network nor
// an image library; recommend/basesize implements it.
type BaseSizeFunc func(ctx context.Context, ref, platform string) (BaseInfo, error)

// Options tunes Plan.
type Options struct {
	// Catalog lists the runtime bases; nil means catalog.Default().
	Catalog *catalog.Catalog
	// RuntimeBase, when set, is used instead of a catalog choice.
	RuntimeBase string
	// BaseSize, when set, reads the chosen base's size live; nil (offline)
	// uses the catalog's recorded size.
	BaseSize BaseSizeFunc
	// SlimPercent and SlimBytes: an image whose proposed split would save
	// less than SlimPercent of its size or less than SlimBytes is already
	// slim, and no split is proposed.
	SlimPercent float64
	SlimBytes   int64
	// ForceSplit proposes a split even for an already slim image.
	ForceSplit bool
	// MaxCopyRoots caps the COPY instructions of the runtime stage: when
	// more roots share one parent directory, the parent is copied instead.
	MaxCopyRoots int
	// QuickWinMinBytes hides quick wins that would save less than this.
	QuickWinMinBytes int64
}

// DefaultOptions returns the options the CLI starts from.
func DefaultOptions() Options {
	return Options{
		SlimPercent:      10,
		SlimBytes:        20 << 20,
		MaxCopyRoots:     8,
		QuickWinMinBytes: 1 << 20,
	}
}

// Validate reports options that cannot work, all at once.
func (o Options) Validate() error {
	var errs []error
	if o.SlimPercent < 0 || o.SlimPercent > 100 {
		errs = append(errs, fmt.Errorf("slim percent must be within 0..100, got %g", o.SlimPercent))
	}
	if o.SlimBytes < 0 {
		errs = append(errs, fmt.Errorf("slim bytes must not be negative, got %d", o.SlimBytes))
	}
	if o.MaxCopyRoots < 1 {
		errs = append(errs, fmt.Errorf("max copy roots must be at least 1, got %d", o.MaxCopyRoots))
	}
	if o.QuickWinMinBytes < 0 {
		errs = append(errs, fmt.Errorf("quick win minimum must not be negative, got %d", o.QuickWinMinBytes))
	}
	if o.RuntimeBase != "" && (strings.ContainsAny(o.RuntimeBase, " \t\r\n\"'\\$`") || strings.HasPrefix(o.RuntimeBase, "-")) {
		errs = append(errs, fmt.Errorf("runtime base %q is not an image reference", o.RuntimeBase))
	}
	return errors.Join(errs...)
}
