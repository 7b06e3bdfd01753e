// Package basesize reads a runtime base image's size from its registry for
// the recommender: the compressed size from the manifest, and the
// uncompressed size (the sum of file sizes in its layers, as slimcheck
// measures every image) by walking the layers once. Walked figures are
// cached by manifest digest in the user cache directory, so a base is
// downloaded at most once per version.
package basesize

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/slimcheck/slimcheck/analyze"
	"github.com/slimcheck/slimcheck/analyze/source"
	"github.com/slimcheck/slimcheck/internal/atomicfile"
	"github.com/slimcheck/slimcheck/recommend"
)

// Options configures Read.
type Options struct {
	Source source.Options // registry access; Platform is set per call
	// CacheDir holds the cached figures; "" means
	// os.UserCacheDir()/slimcheck/basesize, "-" disables the cache.
	CacheDir string
	// Walk tunes the layer walk (concurrency, size guard).
	Walk analyze.Options
	// Now stamps cache entries; nil means time.Now.
	Now func() time.Time
}

// DefaultOptions returns the options the CLI starts from.
func DefaultOptions() Options {
	return Options{Source: source.DefaultOptions(), Walk: analyze.DefaultOptions()}
}

// entry is one cached figure.
type entry struct {
	Image           string    `json:"image"`
	Digest          string    `json:"digest"`
	Platform        string    `json:"platform,omitempty"`
	SizeBytes       int64     `json:"sizeBytes"`
	CompressedBytes int64     `json:"compressedBytes"`
	Measured        time.Time `json:"measured"`
}

// New returns a recommend.BaseSizeFunc reading through o.
func New(o Options) recommend.BaseSizeFunc {
	return func(ctx context.Context, ref, platform string) (recommend.BaseInfo, error) {
		return Read(ctx, ref, platform, o)
	}
}

// Read returns ref's size for platform ("os/arch[/variant]", "" for the
// default), from the cache when this digest was walked before.
func Read(ctx context.Context, ref, platform string, o Options) (recommend.BaseInfo, error) {
	so := o.Source
	if platform != "" {
		so.Platform = platform
	}
	img, _, err := source.Open(ctx, "registry:"+ref, so)
	if err != nil {
		return recommend.BaseInfo{}, fmt.Errorf("reading base image %s: %w", ref, err)
	}
	d, err := img.Digest()
	if err != nil {
		return recommend.BaseInfo{}, fmt.Errorf("reading the digest of base image %s: %w", ref, err)
	}
	m, err := img.Manifest()
	if err != nil {
		return recommend.BaseInfo{}, fmt.Errorf("reading the manifest of base image %s: %w", ref, err)
	}
	var compressed int64
	for _, l := range m.Layers {
		if l.Size > 0 {
			compressed += l.Size
		}
	}
	info := recommend.BaseInfo{Image: ref, Digest: d.String(), CompressedBytes: compressed}
	path, err := cachePath(o.CacheDir, d.String())
	if err != nil {
		return recommend.BaseInfo{}, err
	}
	if path != "" {
		if e, ok := readCache(path, d.String()); ok {
			info.SizeBytes, info.Source = e.SizeBytes, "cache"
			info.Note = "measured " + e.Measured.UTC().Format("2006-01-02") + " by walking the layers of " + d.String() + "; compressed size from the registry manifest"
			return info, nil
		}
	}
	wo := o.Walk
	wo.NoHash = true
	wo.Capture, wo.CapturePrefix, wo.Progress = nil, nil, nil
	ix, err := analyze.Walk(ctx, img, wo)
	if err != nil {
		return recommend.BaseInfo{}, fmt.Errorf("walking base image %s: %w", ref, err)
	}
	for _, l := range ix.Layers {
		info.SizeBytes += l.Size
	}
	info.Source = "registry"
	info.Note = "read from the registry: compressed size from the manifest, uncompressed by walking its layers"
	if path != "" {
		now := time.Now
		if o.Now != nil {
			now = o.Now
		}
		if err := writeCache(path, entry{Image: ref, Digest: d.String(), Platform: platform, SizeBytes: info.SizeBytes, CompressedBytes: compressed, Measured: now()}); err != nil {
			info.Note += " (not cached: " + err.Error() + ")"
		}
	}
	return info, nil
}

// cachePath is where the figure for digest is kept, "" when caching is off.
func cachePath(dir, digest string) (string, error) {
	if dir == "-" {
		return "", nil
	}
	if dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return "", nil // no cache directory: measure every time
		}
		dir = filepath.Join(base, "slimcheck", "basesize")
	}
	alg, hex, ok := strings.Cut(digest, ":")
	if !ok || alg == "" || hex == "" || strings.ContainsAny(digest, `/\.`) {
		return "", fmt.Errorf("caching base size: digest %q is malformed", digest)
	}
	return filepath.Join(dir, alg+"-"+hex+".json"), nil
}

// readCache returns the cached entry when it is whole and for digest.
func readCache(path, digest string) (entry, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return entry{}, false
	}
	var e entry
	if json.Unmarshal(b, &e) != nil || e.Digest != digest || e.SizeBytes < 0 {
		return entry{}, false
	}
	return e, true
}

// writeCache stores e atomically.
func writeCache(path string, e entry) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", filepath.Dir(path), err)
	}
	b, err := json.MarshalIndent(e, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding base size: %w", err)
	}
	return atomicfile.Write(path, append(b, '\n'), 0o644, true)
}
