package imagetest

import (
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/validate"
)

func smallImage(t *testing.T, label string) v1.Image {
	t.Helper()
	return Image(t, v1.Config{Cmd: []string{label}}, []string{"ADD " + label}, Layer(t, Text(label, label)))
}

func TestRegistryPushAndPull(t *testing.T) {
	var hits atomic.Int64
	reg := Registry(t, WithHandlerWrapper(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			hits.Add(1)
			next.ServeHTTP(w, r)
		})
	}))
	img := smallImage(t, "one")
	digestRef := Push(t, reg, "app:1", img)
	for _, ref := range []string{reg.Ref("app:1"), digestRef} {
		got, err := remote.Image(mustRef(t, ref))
		if err != nil {
			t.Fatalf("pulling %s: %v", ref, err)
		}
		if err := validate.Image(got); err != nil {
			t.Fatalf("validating %s: %v", ref, err)
		}
		want, _ := img.Digest()
		if d, _ := got.Digest(); d != want {
			t.Fatalf("%s digest %s, want %s", ref, d, want)
		}
	}
	if hits.Load() == 0 {
		t.Error("handler wrapper saw no request")
	}
}

func TestRegistryBasicAuth(t *testing.T) {
	reg := Registry(t, WithBasicAuth("u", "p"))
	Push(t, reg, "private:1", smallImage(t, "secret")) // Push uses the registry's credentials
	resp, err := http.Get(reg.URL + "/v2/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("WWW-Authenticate") != `Basic realm="imagetest"` {
		t.Fatalf("anonymous /v2/ = %d %q, want 401 with a Basic challenge", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
	}
	ref := mustRef(t, reg.Ref("private:1"))
	if _, err := remote.Image(ref); err == nil {
		t.Fatal("anonymous pull succeeded")
	}
	if _, err := remote.Image(ref, remote.WithAuthFromKeychain(reg.Keychain())); err != nil {
		t.Fatalf("pull with the registry keychain: %v", err)
	}
	if _, err := remote.Image(ref, remote.WithAuthFromKeychain(StaticKeychain(reg.Host, "u", "wrong"))); err == nil {
		t.Fatal("pull with a wrong password succeeded")
	}
}

func TestMultiArch(t *testing.T) {
	reg := Registry(t)
	idx := MultiArch(t, map[string]v1.Image{
		"linux/arm64/v8": smallImage(t, "arm"),
		"linux/amd64":    smallImage(t, "amd"),
	})
	m, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"linux/amd64", "linux/arm64/v8"}
	if len(m.Manifests) != len(want) {
		t.Fatalf("%d manifests, want %d", len(m.Manifests), len(want))
	}
	for i, d := range m.Manifests {
		if d.Platform.String() != want[i] {
			t.Errorf("manifest %d platform %s, want %s", i, d.Platform, want[i])
		}
		img, err := idx.Image(d.Digest)
		if err != nil {
			t.Fatal(err)
		}
		cf, _ := img.ConfigFile()
		if cf.Platform().String() != want[i] {
			t.Errorf("manifest %d config platform %s, want %s", i, cf.Platform(), want[i])
		}
	}
	ref := PushIndex(t, reg, "multi:1", idx)
	got, err := remote.Index(mustRef(t, ref))
	if err != nil {
		t.Fatalf("pulling index: %v", err)
	}
	// Validated after the round trip: in memory, tarball layers report
	// empty (non-nil) annotations that validate.Index flags as a mismatch.
	if err := validate.Index(got); err != nil {
		t.Fatalf("validating index: %v", err)
	}
	wantDigest, _ := idx.Digest()
	if d, _ := got.Digest(); d != wantDigest {
		t.Fatalf("pulled index %s, want %s", d, wantDigest)
	}
}

func mustRef(t *testing.T, s string) name.Reference {
	t.Helper()
	r, err := name.ParseReference(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
