package source

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// Options controls how Open finds and fetches an image.
type Options struct {
	Platform  string            // "os/arch[/variant]" picked from multi-arch indexes; "" means linux/amd64
	Insecure  bool              // allow plain-HTTP registries; with the default Transport also unverified TLS
	Keychain  authn.Keychain    // registry credentials; nil means authn.DefaultKeychain
	Transport http.RoundTripper // base HTTP transport; nil means a clone of remote.DefaultTransport honouring proxy env vars
	Timeout   time.Duration     // per-request idle timeout for registry I/O: a response stalled this long fails; 0 = none
	Retries   int               // retries of a registry request on 408/429/5xx, reset or stalled connections
	UserAgent string            // prefix of the User-Agent header sent to registries
	// VerifyDiffIDs checks every docker-archive layer against the diff ID
	// in the image config, as `docker load` does. Registry, OCI layout and
	// OCI archive blobs are always checked against their digests (a pass
	// over the stored bytes); a docker archive records only diff IDs, whose
	// check is a sha256 pass over every uncompressed byte, which about
	// doubles the walk, so it is asked for.
	VerifyDiffIDs bool

	// daemonHosts replaces the daemon sockets probed by docker:/podman:
	// (tests only; nil means the environment and well-known sockets).
	daemonHosts []string
}

// DefaultOptions returns the options the CLI starts from.
func DefaultOptions() Options {
	return Options{
		Platform:  "linux/amd64",
		Keychain:  authn.DefaultKeychain,
		Timeout:   60 * time.Second,
		Retries:   3,
		UserAgent: "slimcheck",
	}
}

// maxRetries bounds Options.Retries so a typo cannot hammer a registry.
const maxRetries = 20

// Validate reports every problem with o at once.
func (o Options) Validate() error {
	var errs []error
	if o.Platform != "" {
		if _, err := parsePlatform(o.Platform); err != nil {
			errs = append(errs, err)
		}
	}
	if o.Timeout < 0 {
		errs = append(errs, fmt.Errorf("timeout %s is negative", o.Timeout))
	}
	if o.Retries < 0 || o.Retries > maxRetries {
		errs = append(errs, fmt.Errorf("retries %d is outside 0..%d", o.Retries, maxRetries))
	}
	return errors.Join(errs...)
}

func (o Options) keychain() authn.Keychain {
	if o.Keychain == nil {
		return authn.DefaultKeychain
	}
	return o.Keychain
}

func (o Options) platform() platform {
	p, err := parsePlatform(o.Platform)
	if err != nil || o.Platform == "" {
		return platform{OS: "linux", Arch: "amd64"}
	}
	return p
}

// transport returns the full registry transport: base → idle timeout → retry.
func (o Options) transport() http.RoundTripper {
	base := o.Transport
	if base == nil {
		t := remote.DefaultTransport.(*http.Transport).Clone()
		t.Proxy = http.ProxyFromEnvironment
		if o.Insecure {
			t.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // asked for by --insecure
		}
		base = t
	}
	return newRetryTransport(newTimeoutTransport(base, o.Timeout), o.Retries)
}
