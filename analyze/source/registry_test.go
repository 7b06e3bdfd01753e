package source

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"

	"github.com/slimcheck/slimcheck/internal/imagetest"
)

func TestOpenRegistry(t *testing.T) {
	reg := imagetest.Registry(t)
	img := testImage(t, "single")
	digestRef := imagetest.Push(t, reg, "app:1", img)
	wantDigest, _ := img.Digest()

	multi := imagetest.MultiArch(t, map[string]v1.Image{
		"linux/amd64":    testImage(t, "amd"),
		"linux/arm64/v8": testImage(t, "arm"),
		"linux/arm/v7":   testImage(t, "armv7"),
	})
	// buildx adds attestation manifests as unknown/unknown entries; they are
	// neither chosen nor listed as platforms.
	withAttestation := mutate.AppendManifests(multi, mutate.IndexAddendum{
		Add: testImage(t, "attestation"),
		Descriptor: v1.Descriptor{
			Platform:    &v1.Platform{OS: "unknown", Architecture: "unknown"},
			Annotations: map[string]string{"vnd.docker.reference.type": "attestation-manifest"},
		},
	})
	imagetest.PushIndex(t, reg, "multi:1", withAttestation)
	idxManifest, err := multi.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	childDigest := map[string]string{}
	for _, d := range idxManifest.Manifests {
		childDigest[d.Platform.String()] = d.Digest.String()
	}

	tests := []struct {
		name         string
		ref          string
		platform     string
		wantDigest   string
		wantPlatform string
		wantErr      error
		wantPlatErr  []string // Available in *PlatformError
	}{
		{name: "by tag", ref: reg.Ref("app:1"), wantDigest: wantDigest.String(), wantPlatform: "linux/amd64"},
		{name: "by digest", ref: digestRef, wantDigest: wantDigest.String(), wantPlatform: "linux/amd64"},
		{name: "registry scheme", ref: "registry:" + reg.Ref("app:1"), wantDigest: wantDigest.String(), wantPlatform: "linux/amd64"},
		{name: "index default platform", ref: reg.Ref("multi:1"), wantDigest: childDigest["linux/amd64"], wantPlatform: "linux/amd64"},
		{name: "index arm64/v8", ref: reg.Ref("multi:1"), platform: "linux/arm64/v8", wantDigest: childDigest["linux/arm64/v8"], wantPlatform: "linux/arm64/v8"},
		{name: "index arm64 without variant", ref: reg.Ref("multi:1"), platform: "linux/arm64", wantDigest: childDigest["linux/arm64/v8"], wantPlatform: "linux/arm64/v8"},
		{name: "index arm/v7", ref: reg.Ref("multi:1"), platform: "linux/arm/v7", wantDigest: childDigest["linux/arm/v7"], wantPlatform: "linux/arm/v7"},
		{name: "index missing platform", ref: reg.Ref("multi:1"), platform: "linux/s390x",
			wantPlatErr: []string{"linux/amd64", "linux/arm/v7", "linux/arm64/v8"}},
		{name: "single image ignores platform", ref: reg.Ref("app:1"), platform: "linux/s390x", wantDigest: wantDigest.String(), wantPlatform: "linux/amd64"},
		{name: "unknown tag", ref: reg.Ref("app:nope"), wantErr: ErrNotFound},
		{name: "unknown repository", ref: reg.Ref("nothing:1"), wantErr: ErrNotFound},
		{name: "unknown digest", ref: reg.Ref("app@sha256:" + strings.Repeat("0", 64)), wantErr: ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := testOptions()
			if tt.platform != "" {
				o.Platform = tt.platform
			}
			got, info, err := Open(ctxT(t), tt.ref, o)
			if tt.wantErr != nil || tt.wantPlatErr != nil {
				if err == nil {
					t.Fatalf("Open(%q) succeeded, want error", tt.ref)
				}
				mustOneLine(t, err, tt.ref)
				if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
					t.Fatalf("Open(%q) = %v, want %v", tt.ref, err, tt.wantErr)
				}
				if tt.wantPlatErr != nil {
					var pe *PlatformError
					if !errors.As(err, &pe) {
						t.Fatalf("Open(%q) = %v, want *PlatformError", tt.ref, err)
					}
					if strings.Join(pe.Available, ",") != strings.Join(tt.wantPlatErr, ",") || pe.Want != tt.platform {
						t.Fatalf("PlatformError = %+v, want available %v", pe, tt.wantPlatErr)
					}
					for _, p := range tt.wantPlatErr {
						if !strings.Contains(err.Error(), p) {
							t.Errorf("error %q does not list %s", err, p)
						}
					}
				}
				if Hint(err) == "" {
					t.Errorf("no hint for %v", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Open(%q): %v", tt.ref, err)
			}
			validateImage(t, got)
			if info.Kind != KindRegistry || info.Reference != tt.ref || info.Digest != tt.wantDigest || info.Platform != tt.wantPlatform {
				t.Fatalf("Info = %+v, want kind registry, digest %s, platform %s", info, tt.wantDigest, tt.wantPlatform)
			}
			if !strings.HasPrefix(info.Name, reg.Host+"/") || info.MediaType == "" || !strings.HasPrefix(info.ID, "sha256:") {
				t.Fatalf("Info = %+v", info)
			}
			if d, _ := got.Digest(); d.String() != tt.wantDigest {
				t.Fatalf("image digest %s, want %s", d, tt.wantDigest)
			}
			if n, entries, _, err := layerStats(got); err != nil || n != 2 || entries != 3 {
				t.Fatalf("layers = %d, entries = %d, err = %v; want 2, 3", n, entries, err)
			}
		})
	}
}

func TestOpenRegistryBasicAuth(t *testing.T) {
	reg := imagetest.Registry(t, imagetest.WithBasicAuth("alice", "s3cret"))
	imagetest.Push(t, reg, "private:1", testImage(t, "private"))
	ref := reg.Ref("private:1")
	tests := []struct {
		name    string
		keys    func() Options
		wantErr bool
	}{
		{name: "right credentials", keys: func() Options { o := testOptions(); o.Keychain = reg.Keychain(); return o }},
		{name: "wrong password", wantErr: true, keys: func() Options {
			o := testOptions()
			o.Keychain = imagetest.StaticKeychain(reg.Host, "alice", "wrong")
			return o
		}},
		{name: "no credentials", wantErr: true, keys: testOptions},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img, _, err := Open(ctxT(t), ref, tt.keys())
			if !tt.wantErr {
				if err != nil {
					t.Fatalf("Open: %v", err)
				}
				if _, _, _, err := layerStats(img); err != nil {
					t.Fatalf("reading layers: %v", err)
				}
				return
			}
			if !errors.Is(err, ErrUnauthorized) {
				t.Fatalf("Open = %v, want ErrUnauthorized", err)
			}
			mustOneLine(t, err, ref)
			want := `docker login ` + reg.Host
			if !strings.Contains(err.Error(), want) || !strings.Contains(Hint(err), want) {
				t.Fatalf("error %q / hint %q do not say %q", err, Hint(err), want)
			}
		})
	}
}

func TestOpenRegistryClosedPort(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	ref := addr + "/app:1"
	start := time.Now()
	_, _, err = Open(ctxT(t), ref, testOptions())
	if !errors.Is(err, ErrNetwork) {
		t.Fatalf("Open = %v, want ErrNetwork", err)
	}
	mustOneLine(t, err, ref)
	if Hint(err) == "" {
		t.Error("no hint for a network error")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("refused connection took %s; it should not be retried", d)
	}
}

// flaky fails each distinct request path with 500, then 429 (Retry-After: 0),
// before letting it through.
type flaky struct {
	mu   sync.Mutex
	seen map[string]int
}

func (f *flaky) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		key := r.Method + " " + r.URL.Path
		n := f.seen[key]
		f.seen[key]++
		f.mu.Unlock()
		switch n {
		case 0:
			http.Error(w, "boom", http.StatusInternalServerError)
		case 1:
			w.Header().Set("Retry-After", "0")
			http.Error(w, "slow down", http.StatusTooManyRequests)
		default:
			next.ServeHTTP(w, r)
		}
	})
}

func TestOpenRegistryRetries(t *testing.T) {
	f := &flaky{}
	wrap, enable := switchable(f.wrap)
	reg := imagetest.Registry(t, imagetest.WithHandlerWrapper(wrap))
	img := testImage(t, "flaky")
	imagetest.Push(t, reg, "flaky:1", img)
	enable(true)

	t.Run("two retries succeed", func(t *testing.T) {
		f.mu.Lock()
		f.seen = map[string]int{}
		f.mu.Unlock()
		o := testOptions()
		o.Retries = 2
		got, _, err := Open(ctxT(t), reg.Ref("flaky:1"), o)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		// Layers are fetched lazily through the same retrying transport.
		if n, _, _, err := layerStats(got); err != nil || n != 2 {
			t.Fatalf("reading layers: %d, %v", n, err)
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		for k, n := range f.seen {
			if n != 3 {
				t.Errorf("%s requested %d times, want 3", k, n)
			}
		}
	})
	t.Run("one retry is not enough", func(t *testing.T) {
		f.mu.Lock()
		f.seen = map[string]int{}
		f.mu.Unlock()
		o := testOptions()
		o.Retries = 1
		ref := reg.Ref("flaky:1")
		_, _, err := Open(ctxT(t), ref, o)
		if err == nil {
			t.Fatal("Open succeeded with too few retries")
		}
		mustOneLine(t, err, ref)
		if !strings.Contains(err.Error(), "429") && !strings.Contains(err.Error(), "TOOMANYREQUESTS") && !strings.Contains(strings.ToLower(err.Error()), "too many") {
			t.Errorf("error %q does not mention the 429", err)
		}
	})
}

// staller blocks requests whose path matches until the client goes away.
func staller(match func(*http.Request) bool, stalled chan<- struct{}) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if match(r) {
				select {
				case stalled <- struct{}{}:
				default:
				}
				<-r.Context().Done()
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

func TestOpenRegistryStalledManifest(t *testing.T) {
	stalled := make(chan struct{}, 8)
	reg := imagetest.Registry(t, imagetest.WithHandlerWrapper(staller(func(r *http.Request) bool {
		return strings.Contains(r.URL.Path, "/manifests/") && r.URL.Path != "/v2/"
	}, stalled)))
	ref := reg.Ref("app:1")
	o := testOptions()
	o.Timeout = 300 * time.Millisecond
	o.Retries = 1
	start := time.Now()
	_, _, err := Open(ctxT(t), ref, o)
	if !errors.Is(err, ErrNetwork) {
		t.Fatalf("Open = %v, want ErrNetwork", err)
	}
	mustOneLine(t, err, ref)
	if !strings.Contains(err.Error(), "idle timeout") {
		t.Errorf("error %q does not say it stalled", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("stalled registry held Open for %s", d)
	}
}

// stallBody sends half of each blob and then stalls.
// switchable returns a wrapper that applies w only while enabled.
func switchable(w func(http.Handler) http.Handler) (func(http.Handler) http.Handler, func(bool)) {
	var mu sync.Mutex
	on := false
	wrap := func(next http.Handler) http.Handler {
		faulty := w(next)
		return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			mu.Lock()
			e := on
			mu.Unlock()
			if e {
				faulty.ServeHTTP(rw, r)
				return
			}
			next.ServeHTTP(rw, r)
		})
	}
	return wrap, func(b bool) { mu.Lock(); on = b; mu.Unlock() }
}

func stallBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || !strings.Contains(r.URL.Path, "/blobs/") {
			next.ServeHTTP(w, r)
			return
		}
		rec := &bufferedWriter{header: http.Header{}}
		next.ServeHTTP(rec, r)
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.status)
		_, _ = w.Write(rec.body[:len(rec.body)/2])
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	})
}

type bufferedWriter struct {
	header http.Header
	status int
	body   []byte
}

func (b *bufferedWriter) Header() http.Header { return b.header }
func (b *bufferedWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	b.body = append(b.body, p...)
	return len(p), nil
}
func (b *bufferedWriter) WriteHeader(s int) { b.status = s }

func TestOpenRegistryLazyLayerStall(t *testing.T) {
	wrap, enable := switchable(stallBody)
	reg := imagetest.Registry(t, imagetest.WithHandlerWrapper(wrap))
	imagetest.Push(t, reg, "app:1", testImage(t, "lazy"))
	o := testOptions()
	o.Timeout = 300 * time.Millisecond
	o.Retries = 0
	img, _, err := Open(ctxT(t), reg.Ref("app:1"), o)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	enable(true)
	start := time.Now()
	_, _, _, err = layerStats(img)
	if !errors.Is(err, ErrNetwork) {
		t.Fatalf("reading a stalled layer = %v, want ErrNetwork", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("stalled layer read took %s", d)
	}
	if Hint(err) == "" {
		t.Errorf("no hint for lazy error %v", err)
	}
}

func TestOpenRegistryLazyLayerHonoursContext(t *testing.T) {
	wrap, enable := switchable(staller(func(r *http.Request) bool {
		return strings.Contains(r.URL.Path, "/blobs/")
	}, nil))
	reg := imagetest.Registry(t, imagetest.WithHandlerWrapper(wrap))
	imagetest.Push(t, reg, "app:1", testImage(t, "ctx"))
	ctx, cancel := context.WithCancel(context.Background())
	o := testOptions()
	o.Timeout = 0 // only the context can end the stall
	img, _, err := Open(ctx, reg.Ref("app:1"), o)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	enable(true)
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	_, _, _, err = layerStats(img)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("layer read after cancel = %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("cancelled layer read took %s", d)
	}
}
