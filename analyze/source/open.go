package source

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Info describes the image Open chose.
type Info struct {
	Reference string `json:"reference"`          // as typed
	Kind      Kind   `json:"kind"`               // registry, docker-archive, oci or docker
	Name      string `json:"name"`               // resolved name:tag, or path[:name|@digest]
	Digest    string `json:"digest,omitempty"`   // manifest digest; empty for archives and daemons, which store none
	ID        string `json:"id,omitempty"`       // config digest (the image ID)
	Platform  string `json:"platform,omitempty"` // os/arch[/variant] from the image config
	MediaType string `json:"mediaType,omitempty"`
	// ReadUncompressed says the layers are best read through
	// v1.Layer.Uncompressed and their compressed digests are costly (docker
	// archives): analyze.Options.StoredUncompressed should follow it. Those
	// layers' Uncompressed is a plain, buffered tar stream.
	ReadUncompressed bool `json:"-"`
}

// Open resolves ref (a registry reference, "scheme:…" or a path) to an image.
// Registry images keep ctx and the retrying, timeout-guarded transport for
// the layer reads that come later. Every error is one line naming ref; test
// it with errors.Is against the sentinels or errors.As for *PlatformError and
// *AmbiguousError.
func Open(ctx context.Context, ref string, opts Options) (v1.Image, Info, error) {
	img, info, err := open(ctx, ref, opts)
	if err != nil {
		return nil, Info{}, &openError{ref: ref, err: err}
	}
	return img, info, nil
}

func open(ctx context.Context, ref string, o Options) (v1.Image, Info, error) {
	if err := o.Validate(); err != nil {
		return nil, Info{}, fmt.Errorf("checking options: %w", err)
	}
	targets, err := parseReference(ref, os.Stat, nameOptions(o)...)
	if err != nil {
		return nil, Info{}, err
	}
	var errs []error
	for _, t := range targets {
		c, err := openTarget(ctx, ref, t, o)
		if err == nil {
			info, ierr := describe(ref, t, c)
			if ierr != nil {
				return nil, Info{}, ierr
			}
			return c.img, info, nil
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, Info{}, ctxErr
		}
		errs = append(errs, err)
		// Only "this is not my format" moves on to the next candidate; any
		// other failure means the candidate recognised the input.
		if !errors.Is(err, ErrNotImage) {
			break
		}
	}
	return nil, Info{}, errors.Join(errs...)
}

func openTarget(ctx context.Context, typed string, t target, o Options) (chosen, error) {
	switch t.kind {
	case KindRegistry:
		return openRegistry(ctx, typed, t, o)
	case KindDaemon:
		return openDaemon(ctx, t, o)
	case KindOCI:
		if t.isDir {
			c, err := openLayoutDir(typed, t, o)
			return c, wrapKind(err, "OCI layout")
		}
		tf, err := scanTar(t.path)
		if err != nil {
			return chosen{}, wrapKind(err, "OCI archive")
		}
		c, err := openLayoutTar(typed, t, tf, o)
		return c, wrapKind(err, "OCI archive")
	case KindDockerArchive:
		tf, err := scanTar(t.path)
		if err != nil {
			return chosen{}, wrapKind(err, "archive")
		}
		var errs []error
		if t.digest == (v1.Hash{}) {
			c, err := openDockerArchive(typed, t, tf, o)
			if err == nil || !t.fallbackOCI || !errors.Is(err, ErrNotImage) {
				return c, wrapKind(err, "docker archive")
			}
			errs = append(errs, wrapKind(err, "docker archive"))
		}
		if t.fallbackOCI {
			c, err := openLayoutTar(typed, t, tf, o)
			if err == nil {
				c.kind = KindOCI
				return c, nil
			}
			errs = append(errs, wrapKind(err, "OCI archive"))
		}
		return chosen{}, errors.Join(errs...)
	}
	return chosen{}, fmt.Errorf("opening source kind %q: %w", t.kind, ErrUnknownScheme)
}

// wrapKind prefixes err with the kind of source tried.
func wrapKind(err error, kind string) error {
	if err == nil {
		return nil
	}
	var pe *PlatformError
	var ae *AmbiguousError
	if errors.As(err, &pe) || errors.As(err, &ae) {
		return err
	}
	return fmt.Errorf("as %s: %w", kind, err)
}

// describe fills Info from the chosen image (one small config read).
func describe(typed string, t target, c chosen) (Info, error) {
	info := Info{Reference: typed, Kind: t.kind, MediaType: string(c.desc.MediaType), ReadUncompressed: c.readUncompressed}
	if c.kind != "" {
		info.Kind = c.kind
	}
	switch t.kind {
	case KindRegistry, KindDaemon:
		info.Name = t.ref
	default:
		info.Name = t.path
		if t.tag != "" {
			info.Name += ":" + t.tag
		}
		if t.digest != (v1.Hash{}) {
			info.Name += "@" + t.digest.String()
		}
	}
	if c.desc.Digest != (v1.Hash{}) {
		info.Digest = c.desc.Digest.String()
	}
	if info.MediaType == "" {
		mt, err := c.img.MediaType()
		if err != nil {
			return Info{}, fmt.Errorf("reading media type: %w", err)
		}
		info.MediaType = string(mediaTypeOr(mt, types.DockerManifestSchema2))
	}
	reg := ""
	if t.kind == KindRegistry {
		if r, err := name.ParseReference(t.ref, name.Insecure); err == nil {
			reg = r.Context().RegistryStr()
		}
	}
	id, err := c.img.ConfigName()
	if err != nil {
		return Info{}, classify(fmt.Errorf("reading config digest: %w", err), reg)
	}
	info.ID = id.String()
	cf, err := c.img.ConfigFile()
	if err != nil {
		return Info{}, classify(fmt.Errorf("reading config: %w", err), reg)
	}
	if p := fromV1(cf.Platform()); p.OS != "" || p.Arch != "" {
		info.Platform = p.String()
	}
	return info, nil
}
