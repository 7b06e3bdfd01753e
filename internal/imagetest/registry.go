package imagetest

import (
	"crypto/subtle"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// TestRegistry is an in-memory OCI registry served on loopback for one test.
type TestRegistry struct {
	Host string // "127.0.0.1:PORT", the registry part of image references
	URL  string // "http://127.0.0.1:PORT"

	user, pass string
}

// RegistryOption configures Registry.
type RegistryOption func(*registryConfig)

type registryConfig struct {
	user, pass string
	wrappers   []func(http.Handler) http.Handler
}

// WithBasicAuth makes the registry demand HTTP basic auth with these
// credentials on every request, answering 401 with a Basic challenge.
func WithBasicAuth(user, pass string) RegistryOption {
	return func(c *registryConfig) { c.user, c.pass = user, pass }
}

// WithHandlerWrapper wraps the registry handler (outside any basic auth), so a
// test can inject faults, delays or counters. Several wrappers nest in order:
// the first given is the outermost.
func WithHandlerWrapper(w func(http.Handler) http.Handler) RegistryOption {
	return func(c *registryConfig) { c.wrappers = append(c.wrappers, w) }
}

// Registry starts a loopback registry that is closed when the test ends.
func Registry(tb testing.TB, opts ...RegistryOption) *TestRegistry {
	tb.Helper()
	var cfg registryConfig
	for _, o := range opts {
		o(&cfg)
	}
	var h http.Handler = registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	if cfg.user != "" || cfg.pass != "" {
		h = basicAuth(h, cfg.user, cfg.pass)
	}
	for i := len(cfg.wrappers) - 1; i >= 0; i-- {
		h = cfg.wrappers[i](h)
	}
	srv := httptest.NewServer(h)
	tb.Cleanup(srv.Close)
	return &TestRegistry{
		Host: strings.TrimPrefix(srv.URL, "http://"),
		URL:  srv.URL,
		user: cfg.user,
		pass: cfg.pass,
	}
}

func basicAuth(next http.Handler, user, pass string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, p, ok := r.BasicAuth()
		if !ok || subtle.ConstantTimeCompare([]byte(u), []byte(user)) != 1 ||
			subtle.ConstantTimeCompare([]byte(p), []byte(pass)) != 1 {
			w.Header().Set("WWW-Authenticate", `Basic realm="imagetest"`)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}`)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// Ref returns the full reference "HOST/repoTag" for this registry.
func (r *TestRegistry) Ref(repoTag string) string { return r.Host + "/" + repoTag }

// Keychain returns a keychain holding this registry's basic-auth credentials
// (anonymous when the registry has none).
func (r *TestRegistry) Keychain() authn.Keychain {
	return StaticKeychain(r.Host, r.user, r.pass)
}

// StaticKeychain returns a keychain that answers user/pass for registry host
// and anonymous for every other registry.
func StaticKeychain(host, user, pass string) authn.Keychain {
	return staticKeychain{host: host, auth: &authn.Basic{Username: user, Password: pass}}
}

type staticKeychain struct {
	host string
	auth authn.Authenticator
}

func (k staticKeychain) Resolve(res authn.Resource) (authn.Authenticator, error) {
	if res.RegistryStr() == k.host {
		return k.auth, nil
	}
	return authn.Anonymous, nil
}

func (r *TestRegistry) remoteOpts(opts []remote.Option) []remote.Option {
	if r.user == "" && r.pass == "" {
		return opts
	}
	return append([]remote.Option{remote.WithAuth(&authn.Basic{Username: r.user, Password: r.pass})}, opts...)
}

// Push uploads img as repoTag ("repo:tag") and returns its digest reference
// "HOST/repo@sha256:…". Extra remote options are appended to the defaults.
func Push(tb testing.TB, reg *TestRegistry, repoTag string, img v1.Image, opts ...remote.Option) string {
	tb.Helper()
	ref, err := name.ParseReference(reg.Ref(repoTag))
	if err != nil {
		tb.Fatalf("parsing %q: %v", repoTag, err)
	}
	if err := remote.Write(ref, img, reg.remoteOpts(opts)...); err != nil {
		tb.Fatalf("pushing %s: %v", ref, err)
	}
	d, err := img.Digest()
	if err != nil {
		tb.Fatalf("digesting %s: %v", ref, err)
	}
	return ref.Context().Digest(d.String()).String()
}

// PushIndex uploads idx (and every image in it) as repoTag and returns its
// digest reference.
func PushIndex(tb testing.TB, reg *TestRegistry, repoTag string, idx v1.ImageIndex) string {
	tb.Helper()
	ref, err := name.ParseReference(reg.Ref(repoTag))
	if err != nil {
		tb.Fatalf("parsing %q: %v", repoTag, err)
	}
	if err := remote.WriteIndex(ref, idx, reg.remoteOpts(nil)...); err != nil {
		tb.Fatalf("pushing index %s: %v", ref, err)
	}
	d, err := idx.Digest()
	if err != nil {
		tb.Fatalf("digesting index %s: %v", ref, err)
	}
	return ref.Context().Digest(d.String()).String()
}

// MultiArch builds an OCI image index with one entry per platform
// ("os/arch[/variant]"), in sorted order. Each image's config is rewritten to
// that platform so descriptor and config agree, as in real multi-arch images.
func MultiArch(tb testing.TB, platforms map[string]v1.Image) v1.ImageIndex {
	tb.Helper()
	keys := make([]string, 0, len(platforms))
	for k := range platforms {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	for _, k := range keys {
		p, err := v1.ParsePlatform(k)
		if err != nil {
			tb.Fatalf("parsing platform %q: %v", k, err)
		}
		img := platforms[k]
		cf, err := img.ConfigFile()
		if err != nil {
			tb.Fatalf("reading config for %s: %v", k, err)
		}
		cf = cf.DeepCopy()
		cf.OS, cf.Architecture, cf.Variant = p.OS, p.Architecture, p.Variant
		if img, err = mutate.ConfigFile(img, cf); err != nil {
			tb.Fatalf("setting config for %s: %v", k, err)
		}
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{
			Add:        img,
			Descriptor: v1.Descriptor{Platform: p},
		})
	}
	return idx
}
