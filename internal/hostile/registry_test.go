package hostile

import (
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/slimcheck/slimcheck/internal/imagetest"
)

// fault is what the registry does to a request for the faulty blob; it
// has the whole real response at hand.
type fault func(w http.ResponseWriter, r *http.Request, resp *recorded)

// recorded is the response the registry would have sent.
type recorded struct {
	header http.Header
	status int
	body   []byte
}

func (b *recorded) Header() http.Header { return b.header }
func (b *recorded) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	b.body = append(b.body, p...)
	return len(p), nil
}
func (b *recorded) WriteHeader(s int) { b.status = s }

// faultyBlob injects f into the first n GETs of one blob (n < 0: all of
// them) and counts the requests for it.
type faultyBlob struct {
	mu       sync.Mutex
	digest   string
	n        int
	f        fault
	requests int
	ranges   []string
}

func (fb *faultyBlob) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fb.mu.Lock()
		match := fb.digest != "" && r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/blobs/"+fb.digest)
		apply := false
		if match {
			fb.requests++
			if rg := r.Header.Get("Range"); rg != "" {
				fb.ranges = append(fb.ranges, rg)
			}
			apply = fb.n < 0 || fb.requests <= fb.n
		}
		f := fb.f
		fb.mu.Unlock()
		if !apply {
			next.ServeHTTP(w, r)
			return
		}
		rec := &recorded{header: http.Header{}}
		next.ServeHTTP(rec, r)
		f(w, r, rec)
	})
}

func (fb *faultyBlob) set(digest string, n int, f fault) {
	fb.mu.Lock()
	defer fb.mu.Unlock()
	fb.digest, fb.n, fb.f, fb.requests, fb.ranges = digest, n, f, 0, nil
}

func (fb *faultyBlob) count() (int, []string) {
	fb.mu.Lock()
	defer fb.mu.Unlock()
	return fb.requests, append([]string(nil), fb.ranges...)
}

// Faults.

func status(code int, retryAfter string) fault {
	return func(w http.ResponseWriter, r *http.Request, _ *recorded) {
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		http.Error(w, http.StatusText(code), code)
	}
}

// rawResponse hijacks the connection, writes a 200 with the given
// Content-Length and body, and closes the connection, with a TCP reset
// when reset is set.
func rawResponse(w http.ResponseWriter, resp *recorded, contentLength int, body []byte, reset bool) {
	conn, buf, err := w.(http.Hijacker).Hijack()
	if err != nil {
		return
	}
	fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nDocker-Content-Digest: %s\r\nContent-Length: %d\r\n\r\n",
		resp.header.Get("Docker-Content-Digest"), contentLength)
	buf.Write(body)
	buf.Flush()
	if tc, ok := conn.(*net.TCPConn); ok && reset {
		// Let the client take the headers and part of the body first: a
		// reset discards what the peer has received but not yet read.
		time.Sleep(100 * time.Millisecond)
		_ = tc.SetLinger(0)
	}
	conn.Close()
}

// resetMidBody sends half the blob and then resets the connection.
func resetMidBody(w http.ResponseWriter, r *http.Request, resp *recorded) {
	rawResponse(w, resp, len(resp.body), resp.body[:len(resp.body)/2], true)
}

// contentLengthLong declares 1000 bytes more than it sends.
func contentLengthLong(w http.ResponseWriter, r *http.Request, resp *recorded) {
	rawResponse(w, resp, len(resp.body)+1000, resp.body, false)
}

// contentLengthShort declares (and sends) 1000 bytes less than the blob.
func contentLengthShort(w http.ResponseWriter, r *http.Request, resp *recorded) {
	rawResponse(w, resp, len(resp.body)-1000, resp.body[:len(resp.body)-1000], false)
}

// tampered sends another blob of the same length that decompresses to
// the same tar: byte 4 is the gzip header's MTIME, which no decoder checks,
// so only the digest can tell.
func tampered(w http.ResponseWriter, r *http.Request, resp *recorded) {
	body := append([]byte(nil), resp.body...)
	body[4] ^= 0xff
	for k, v := range resp.header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.status)
	w.Write(body)
}

// stallAfterHalf sends half the blob and then sends nothing until the
// client goes away (or 30 s pass).
func stallAfterHalf(w http.ResponseWriter, r *http.Request, resp *recorded) {
	for k, v := range resp.header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.status)
	w.Write(resp.body[:len(resp.body)/2])
	w.(http.Flusher).Flush()
	select {
	case <-r.Context().Done():
	case <-time.After(30 * time.Second):
	}
}

// faultRegistry serves an image whose second layer is 2 MiB of
// incompressible bytes, and returns the registry, the image reference,
// the layer's digest and the fault switch.
func faultRegistry(t *testing.T) (ref, digest string, fb *faultyBlob) {
	t.Helper()
	fb = &faultyBlob{}
	reg := imagetest.Registry(t, imagetest.WithHandlerWrapper(fb.wrap))
	rng := rand.New(rand.NewPCG(1, 2))
	noise := make([]byte, 2*mib)
	for i := range noise {
		noise[i] = byte(rng.UintN(256))
	}
	img := image(t, v1.Config{}, imagetest.Layer(t, imagetest.Entry{Path: "app/noise.bin", Content: noise}))
	imagetest.Push(t, reg, "hostile/app:1", img)
	ls, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	d, err := ls[1].Digest()
	if err != nil {
		t.Fatal(err)
	}
	return reg.Ref("hostile/app:1"), d.String(), fb
}

// TestRegistryFaults runs `slimcheck analyze` against a loopback registry
// that misbehaves on the layer blob: retries must succeed where the fault
// is transient, and failures must be one line naming the blob.
func TestRegistryFaults(t *testing.T) {
	t.Parallel()
	ref, digest, fb := faultRegistry(t)
	short := digest[:len("sha256:")+12]
	for _, c := range registryCases(short) {
		t.Run(c.name, func(t *testing.T) {
			fb.set(digest, c.n, c.f)
			defer fb.set("", 0, nil)
			out := t.TempDir()
			args := append([]string{"analyze", "--format", "json", "-o", out + "/report.json"}, c.args...)
			r := slimcheck(t, runOpts{}, append(args, ref)...)
			requests, ranges := fb.count()
			t.Logf("exit %d in %s after %d requests of the blob (ranges %q): %s", r.code, r.elapsed.Round(time.Millisecond), requests, ranges, strings.TrimSpace(r.stderr))
			wantBounded(t, r, 15*time.Second, defaultMaxRSS)
			if c.ok {
				wantOK(t, r)
			} else {
				wantError(t, r, append([]string{ref}, c.names...)...)
				if left := dirNames(t, out); len(left) > 0 {
					t.Errorf("failed run left %q", left)
				}
			}
			if r.elapsed < c.minTime {
				t.Errorf("took %s: the Retry-After of %s was not honoured", r.elapsed, c.minTime)
			}
			if c.requests > 0 && requests != c.requests {
				t.Errorf("%d requests of the blob, want %d", requests, c.requests)
			}
			if c.ranged && len(ranges) == 0 {
				t.Error("the broken blob was fetched again from the start instead of resumed with a Range request")
			}
		})
	}
}

// registryCase is one registry fault and what slimcheck must make of it.
type registryCase struct {
	name     string
	n        int // faulty requests (-1: all)
	f        fault
	args     []string
	ok       bool
	minTime  time.Duration // e.g. a Retry-After honoured
	requests int           // requests of the blob expected (0: not checked)
	names    []string      // what the error names
	ranged   bool          // a Range request resumed the blob
}

// registryCases lists the faults; short is the blob's short digest, which
// errors must name.
func registryCases(short string) []registryCase {
	return []registryCase{
		{name: "429 with Retry-After then success", n: 1, f: status(http.StatusTooManyRequests, "1"), ok: true, minTime: time.Second, requests: 2},
		{name: "500 then success", n: 1, f: status(http.StatusInternalServerError, ""), ok: true, requests: 2},
		{name: "503 twice then success", n: 2, f: status(http.StatusServiceUnavailable, "0"), ok: true, requests: 3},
		{name: "500 past the retries", n: -1, f: status(http.StatusInternalServerError, ""), args: []string{"--retries", "2"}, names: []string{short, "500"}, requests: 3},
		{name: "429 with a Retry-After of an hour", n: -1, f: status(http.StatusTooManyRequests, "3600"), names: []string{short, "429"}},
		{name: "connection reset mid-blob, resumed", n: 1, f: resetMidBody, ok: true, ranged: true},
		{name: "connection reset mid-blob, no retries", n: -1, f: resetMidBody, args: []string{"--retries", "0"}, names: []string{short}},
		{name: "connection reset on every try", n: -1, f: resetMidBody, args: []string{"--retries", "2"}, names: []string{short}},
		{name: "stalled blob, --timeout ends it", n: -1, f: stallAfterHalf, args: []string{"--timeout", "500ms", "--retries", "0"}, names: []string{short, "idle timeout"}},
		{name: "stalled blob once, resumed", n: 1, f: stallAfterHalf, args: []string{"--timeout", "500ms"}, ok: true, ranged: true},
		{name: "Content-Length too long", n: -1, f: contentLengthLong, args: []string{"--retries", "1"}, names: []string{short}},
		// ggcr refuses a Content-Length that disagrees with the manifest at
		// once, without a retry: a protocol error, not a transient one.
		{name: "Content-Length too long once", n: 1, f: contentLengthLong, names: []string{short, "Content-Length"}, requests: 1},
		{name: "Content-Length too short", n: -1, f: contentLengthShort, names: []string{short}},
		{name: "blob does not match its digest", n: -1, f: tampered, names: []string{short, "checksum"}},
		{name: "blob missing", n: -1, f: status(http.StatusNotFound, ""), names: []string{short}},
	}
}
