package basesize

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/slimcheck/slimcheck/analyze/source"
	"github.com/slimcheck/slimcheck/internal/imagetest"
	"github.com/slimcheck/slimcheck/recommend"
	"github.com/slimcheck/slimcheck/recommend/internal/reporttest"
)

// baseImage is a two-layer image whose files sum to 1_500_123 bytes.
func baseImage(t *testing.T) v1.Image {
	t.Helper()
	l1 := imagetest.Layer(t, imagetest.Dir("usr/"), imagetest.File("usr/lib/libc.so.6", 1_000_000), imagetest.File("etc/passwd", 123))
	l2 := imagetest.Layer(t, imagetest.File("usr/bin/node", 500_000), imagetest.Symlink("usr/bin/nodejs", "node"))
	return imagetest.Image(t, v1.Config{}, []string{"ADD rootfs", "COPY node"}, l1, l2)
}

// counting counts blob downloads.
func counting(n *atomic.Int64) imagetest.RegistryOption {
	return imagetest.WithHandlerWrapper(func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/blobs/") {
				n.Add(1)
			}
			h.ServeHTTP(w, r)
		})
	})
}

func options(dir string) Options {
	o := DefaultOptions()
	o.Source = source.DefaultOptions()
	o.Source.Insecure = true
	o.Source.Timeout = 10 * time.Second
	o.CacheDir = dir
	o.Now = func() time.Time { return time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC) }
	return o
}

func TestReadWalksOnceThenCaches(t *testing.T) {
	var blobs atomic.Int64
	reg := imagetest.Registry(t, counting(&blobs))
	img := baseImage(t)
	imagetest.Push(t, reg, "base:1", img)
	m, err := img.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	var wantCompressed int64
	for _, l := range m.Layers {
		wantCompressed += l.Size
	}
	dir := t.TempDir()
	ctx := context.Background()

	got, err := Read(ctx, reg.Ref("base:1"), "linux/amd64", options(dir))
	if err != nil {
		t.Fatal(err)
	}
	if got.SizeBytes != 1_500_123 || got.CompressedBytes != wantCompressed || got.Source != "registry" {
		t.Fatalf("first read = %+v, want 1500123 bytes, %d compressed, from the registry", got, wantCompressed)
	}
	d, _ := img.Digest()
	if got.Digest != d.String() {
		t.Errorf("digest = %s, want %s", got.Digest, d)
	}
	cached := filepath.Join(dir, "sha256-"+d.Hex+".json")
	if _, err := os.Stat(cached); err != nil {
		t.Fatalf("cache file: %v", err)
	}
	walked := blobs.Load()
	if walked < 2 {
		t.Fatalf("the first read fetched %d blobs, want the config and layers", walked)
	}

	again, err := Read(ctx, reg.Ref("base:1"), "linux/amd64", options(dir))
	if err != nil {
		t.Fatal(err)
	}
	if again.Source != "cache" || again.SizeBytes != got.SizeBytes || again.CompressedBytes != got.CompressedBytes {
		t.Fatalf("second read = %+v, want the cached figures", again)
	}
	if extra := blobs.Load() - walked; extra > 1 {
		t.Errorf("the cached read fetched %d blobs, want at most the config", extra)
	}
}

func TestReadIgnoresCorruptCache(t *testing.T) {
	reg := imagetest.Registry(t)
	img := baseImage(t)
	imagetest.Push(t, reg, "base:1", img)
	d, _ := img.Digest()
	dir := t.TempDir()
	for _, junk := range []string{"{not json", `{"digest":"sha256:other","sizeBytes":5}`} {
		if err := os.WriteFile(filepath.Join(dir, "sha256-"+d.Hex+".json"), []byte(junk), 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := Read(context.Background(), reg.Ref("base:1"), "", options(dir))
		if err != nil {
			t.Fatal(err)
		}
		if got.Source != "registry" || got.SizeBytes != 1_500_123 {
			t.Errorf("with cache %q: %+v, want a fresh walk", junk, got)
		}
	}
}

func TestReadNoCache(t *testing.T) {
	reg := imagetest.Registry(t)
	imagetest.Push(t, reg, "base:1", baseImage(t))
	for i := 0; i < 2; i++ {
		got, err := Read(context.Background(), reg.Ref("base:1"), "", options("-"))
		if err != nil || got.Source != "registry" {
			t.Fatalf("read %d = %+v, %v; want a registry read every time", i, got, err)
		}
	}
}

func TestReadMissing(t *testing.T) {
	reg := imagetest.Registry(t)
	_, err := Read(context.Background(), reg.Ref("nothing:1"), "", options(t.TempDir()))
	if err == nil || !errors.Is(err, source.ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
}

// TestPlanLiveSize runs the recommender with the live reader against a
// loopback registry holding the chosen base under the catalog's name.
func TestPlanLiveSize(t *testing.T) {
	reg := imagetest.Registry(t)
	imagetest.Push(t, reg, "distroless/static-debian12:latest", baseImage(t))
	r := reporttest.GoStatic()
	opts := recommend.DefaultOptions()
	opts.RuntimeBase = reg.Ref("distroless/static-debian12:latest")
	opts.BaseSize = New(options(t.TempDir()))
	p, err := recommend.Plan(context.Background(), r, opts)
	if err != nil {
		t.Fatal(err)
	}
	e := p.Estimate
	if e.BaseSource != "registry" || e.BaseBytes != 1_500_123 || e.RuntimeBytes != 1_500_123+e.CopiedBytes {
		t.Fatalf("estimate = %+v, want the registry's 1500123 bytes plus the copied bytes", e)
	}
	if p.Runtime.Size.Digest == "" {
		t.Error("the runtime base's digest is not recorded")
	}
}

// TestPlanFallsBackWhenUnreachable: a registry that fails leaves the
// catalog's figure, and the plan says why.
func TestPlanFallsBackWhenUnreachable(t *testing.T) {
	reg := imagetest.Registry(t, imagetest.WithHandlerWrapper(func(http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNotFound) })
	}))
	o := options(t.TempDir())
	opts := recommend.DefaultOptions()
	opts.BaseSize = func(ctx context.Context, ref, platform string) (recommend.BaseInfo, error) {
		return Read(ctx, reg.Ref("gone:1"), platform, o)
	}
	p, err := recommend.Plan(context.Background(), reporttest.GoStatic(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if p.Estimate.BaseSource != "catalog" || !strings.Contains(p.Runtime.Size.Note, "registry read failed") {
		t.Fatalf("base = %+v, want the catalog figure with the failure noted", p.Runtime.Size)
	}
}
