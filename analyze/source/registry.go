package source

import (
	"context"
	"fmt"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// noGGCRRetry turns off ggcr's own retry layer: retryTransport does it.
var noGGCRRetry = remote.Backoff{Steps: 1}

// remoteOptions are the options every registry call (and every lazy blob
// read of the returned image) runs with.
func remoteOptions(ctx context.Context, o Options) []remote.Option {
	p := o.platform()
	opts := []remote.Option{
		remote.WithContext(ctx),
		remote.WithAuthFromKeychain(o.keychain()),
		remote.WithTransport(o.transport()),
		remote.WithRetryBackoff(noGGCRRetry),
		remote.WithRetryStatusCodes(),
	}
	opts = append(opts, remote.WithPlatform(v1Platform(p)))
	if o.UserAgent != "" {
		opts = append(opts, remote.WithUserAgent(o.UserAgent))
	}
	return opts
}

func nameOptions(o Options) []name.Option {
	if o.Insecure {
		return []name.Option{name.Insecure}
	}
	return nil
}

// openRegistry pulls the manifest of t.ref; layers are fetched lazily later,
// with the same ctx, keychain and retrying/timeout transport.
func openRegistry(ctx context.Context, typed string, t target, o Options) (chosen, error) {
	ref, err := name.ParseReference(t.ref, nameOptions(o)...)
	if err != nil {
		return chosen{}, fmt.Errorf("parsing registry reference: %w", err)
	}
	reg := ref.Context().RegistryStr()
	desc, err := remote.Get(ref, remoteOptions(ctx, o)...)
	if err != nil {
		return chosen{}, classify(fmt.Errorf("fetching manifest: %w", err), reg)
	}
	if desc.MediaType.IsIndex() {
		idx, err := desc.ImageIndex()
		if err != nil {
			return chosen{}, classify(fmt.Errorf("reading index: %w", err), reg)
		}
		c, err := pickFromIndex(idx, o.platform(), typed)
		if err != nil {
			return chosen{}, classify(err, reg)
		}
		return c, nil
	}
	img, err := desc.Image()
	if err != nil {
		return chosen{}, classify(fmt.Errorf("reading image: %w", err), reg)
	}
	return chosen{img: img, desc: desc.Descriptor}, nil
}
