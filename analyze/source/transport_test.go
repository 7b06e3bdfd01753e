package source

import (
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slimcheck/slimcheck/internal/imagetest"
)

func TestRetryAfter(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{"3", 3 * time.Second, true},
		{"-1", 0, false},
		{"99999999999", maxRetryAfter + time.Second, true},
		{"soon", 0, false},
		{time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat), 0, true},
	}
	for _, tt := range tests {
		got, ok := retryAfter(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("retryAfter(%q) = %s, %v; want %s, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	if d, ok := retryAfter(time.Now().Add(30 * time.Second).UTC().Format(http.TimeFormat)); !ok || d < 25*time.Second || d > 31*time.Second {
		t.Errorf("retryAfter(date in 30s) = %s, %v", d, ok)
	}
}

func TestBackoffGrowsAndCaps(t *testing.T) {
	for attempt, lo := range []time.Duration{160 * time.Millisecond, 320 * time.Millisecond, 640 * time.Millisecond} {
		if d := backoff(attempt); d < lo || d > lo*3/2 {
			t.Errorf("backoff(%d) = %s, want about %s", attempt, d, lo*5/4)
		}
	}
	if d := backoff(40); d > retryMaxWait*6/5 {
		t.Errorf("backoff(40) = %s, over the cap", d)
	}
}

// hangup closes the connection without an answer on the first request to
// each path: the client sees the connection drop (EOF/reset) and retries.
func hangup(next http.Handler) http.Handler {
	var mu sync.Mutex
	seen := map[string]bool{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		first := !seen[r.URL.Path]
		seen[r.URL.Path] = true
		mu.Unlock()
		if first {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
			return
		}
		next.ServeHTTP(w, r)
	})
}

func TestOpenRegistryRetriesDroppedConnections(t *testing.T) {
	wrap, enable := switchable(hangup)
	reg := imagetest.Registry(t, imagetest.WithHandlerWrapper(wrap))
	imagetest.Push(t, reg, "app:1", testImage(t, "drop"))
	imagetest.Push(t, reg, "app:2", testImage(t, "drop2"))
	enable(true)
	o := testOptions()
	o.Retries = 0
	if _, _, err := Open(ctxT(t), reg.Ref("app:1"), o); !errors.Is(err, ErrNetwork) {
		t.Fatalf("Open without retries = %v, want ErrNetwork", err)
	}
	// app:2's manifest and new blobs have not been dropped yet: one retry each.
	o.Retries = 1
	img, _, err := Open(ctxT(t), reg.Ref("app:2"), o)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if n, _, _, err := layerStats(img); err != nil || n != 2 {
		t.Fatalf("reading layers: %d, %v", n, err)
	}
}

func TestOpenRegistryLongRetryAfterGivesUp(t *testing.T) {
	wrap, enable := switchable(func(http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "3600")
			http.Error(w, "come back in an hour", http.StatusTooManyRequests)
		})
	})
	reg := imagetest.Registry(t, imagetest.WithHandlerWrapper(wrap))
	enable(true)
	start := time.Now()
	ref := reg.Ref("app:1")
	_, _, err := Open(ctxT(t), ref, testOptions())
	if err == nil || !strings.Contains(err.Error(), "429") {
		t.Fatalf("Open = %v, want the 429", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("waited %s for an hour-long Retry-After", d)
	}
}

// cutBody sends the first half of each blob on the first request for it and
// then aborts the connection; later requests (ranged or not) pass through.
func cutBody(next http.Handler) http.Handler {
	var mu sync.Mutex
	seen := map[string]bool{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		first := !seen[r.URL.Path]
		seen[r.URL.Path] = true
		mu.Unlock()
		if !first || r.Method != http.MethodGet || !strings.Contains(r.URL.Path, "/blobs/") {
			next.ServeHTTP(w, r)
			return
		}
		rec := &bufferedWriter{header: http.Header{}}
		next.ServeHTTP(rec, r)
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.status)
		w.Write(rec.body[:len(rec.body)/2])
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler)
	})
}

func TestOpenRegistryResumesBrokenBlob(t *testing.T) {
	var ranged atomic.Int64
	wrap, enable := switchable(cutBody)
	reg := imagetest.Registry(t, imagetest.WithHandlerWrapper(wrap), imagetest.WithHandlerWrapper(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Range") != "" {
				ranged.Add(1)
			}
			next.ServeHTTP(w, r)
		})
	}))
	imagetest.Push(t, reg, "a:1", testImage(t, "resume-a"))
	imagetest.Push(t, reg, "b:1", testImage(t, "resume-b"))
	enable(true)

	o := testOptions()
	o.Retries = 0
	img, _, err := Open(ctxT(t), reg.Ref("a:1"), o)
	if !errors.Is(err, ErrNetwork) {
		// The config blob breaks during Open; without retries that fails.
		t.Fatalf("Open without retries = %v (img %v), want ErrNetwork", err, img)
	}

	o.Retries = 2
	img, _, err = Open(ctxT(t), reg.Ref("b:1"), o)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	layers, _, size, err := layerStats(img)
	if err != nil || layers != 2 || size != 4096+800 {
		t.Fatalf("reading resumed layers: %d layers, %d bytes, %v", layers, size, err)
	}
	if ranged.Load() == 0 {
		t.Fatal("no Range request was made")
	}
}
