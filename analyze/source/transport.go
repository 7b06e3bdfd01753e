package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Retry policy: exponential backoff from retryBase, capped at retryMaxWait;
// a Retry-After longer than maxRetryAfter is not waited for.
const (
	retryBase     = 200 * time.Millisecond
	retryMaxWait  = 10 * time.Second
	maxRetryAfter = 60 * time.Second
)

// retryStatus lists the statuses worth another try.
var retryStatus = map[int]bool{
	http.StatusRequestTimeout:      true,
	http.StatusTooManyRequests:     true,
	http.StatusInternalServerError: true,
	http.StatusBadGateway:          true,
	http.StatusServiceUnavailable:  true,
	http.StatusGatewayTimeout:      true,
}

// retryTransport retries idempotent requests on retryable statuses and
// transient network errors, honouring Retry-After and ctx. It replaces
// ggcr's retry transport, which ignores Retry-After and sleeps through a
// cancelled context.
type retryTransport struct {
	inner   http.RoundTripper
	retries int
}

func newRetryTransport(inner http.RoundTripper, retries int) http.RoundTripper {
	return &retryTransport{inner: inner, retries: retries}
}

// RoundTrip implements http.RoundTripper.
func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	replayable := req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
	for attempt := 0; ; attempt++ {
		if attempt > 0 && req.GetBody != nil {
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			req = req.Clone(req.Context())
			req.Body = body
		}
		resp, err := t.inner.RoundTrip(req)
		last := attempt >= t.retries || !replayable
		if err != nil {
			if last || !retryableErr(req.Context(), err) {
				return nil, markNetwork(err)
			}
			if werr := sleep(req.Context(), backoff(attempt)); werr != nil {
				return nil, werr
			}
			continue
		}
		if !retryStatus[resp.StatusCode] || last {
			if req.Method == http.MethodGet && resp.StatusCode == http.StatusOK && resp.ContentLength > 0 && replayable && t.retries > attempt {
				resp.Body = &resumableBody{t: t, req: req, rc: resp.Body, total: resp.ContentLength, left: t.retries - attempt}
			}
			resp.Body = markedBody{rc: resp.Body}
			return resp, nil
		}
		wait, ok := retryAfter(resp.Header.Get("Retry-After"))
		if !ok {
			wait = backoff(attempt)
		}
		if wait > maxRetryAfter {
			return resp, nil
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		if werr := sleep(req.Context(), wait); werr != nil {
			return nil, werr
		}
	}
}

// resumableBody continues a GET whose body broke off (reset, early EOF,
// stall) with a Range request for the rest, so one hiccup late in a large
// layer does not restart it. A server that does not answer 206 for exactly
// the missing range ends the read with the original error; ggcr verifies
// the digest of the whole stream either way.
type resumableBody struct {
	t     *retryTransport
	req   *http.Request
	rc    io.ReadCloser
	off   int64
	total int64
	left  int
}

func (b *resumableBody) Read(p []byte) (int, error) {
	for {
		n, err := b.rc.Read(p)
		b.off += int64(n)
		if err == nil || err == io.EOF || b.off >= b.total || b.left <= 0 || !retryableErr(b.req.Context(), err) {
			return n, err
		}
		if rerr := b.resume(); rerr != nil {
			return n, err
		}
		if n > 0 {
			return n, nil
		}
	}
}

func (b *resumableBody) resume() error {
	b.rc.Close()
	attempt := b.t.retries - b.left
	b.left--
	if err := sleep(b.req.Context(), backoff(attempt)); err != nil {
		return err
	}
	req := b.req.Clone(b.req.Context())
	req.Header.Set("Range", fmt.Sprintf("bytes=%d-%d", b.off, b.total-1))
	resp, err := b.t.inner.RoundTrip(req)
	if err != nil {
		b.rc = io.NopCloser(errReader{err})
		return err
	}
	want := fmt.Sprintf("bytes %d-%d/", b.off, b.total-1)
	if resp.StatusCode != http.StatusPartialContent || !strings.HasPrefix(resp.Header.Get("Content-Range"), want) {
		resp.Body.Close()
		err := fmt.Errorf("resuming at byte %d: server answered %s", b.off, resp.Status)
		b.rc = io.NopCloser(errReader{err})
		return err
	}
	b.rc = resp.Body
	return nil
}

func (b *resumableBody) Close() error { return b.rc.Close() }

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func backoff(attempt int) time.Duration {
	d := retryBase << min(attempt, 10)
	d = min(d, retryMaxWait)
	// ±20% jitter so parallel layer fetches do not retry in lockstep.
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}

// retryAfter parses a Retry-After header (seconds or an HTTP date).
func retryAfter(v string) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(v); err == nil {
		if s < 0 {
			return 0, false
		}
		if s > int(maxRetryAfter/time.Second)+1 {
			return maxRetryAfter + time.Second, true
		}
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0), true
	}
	return 0, false
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-tm.C:
		return nil
	}
}

// retryableErr reports transient failures: resets, broken pipes, early EOF
// and stalled responses; not refused connections, DNS or TLS failures, and
// never a cancelled or expired caller context.
func retryableErr(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	var st *stallError
	return errors.As(err, &st) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed)
}

// networkError marks a transport failure as ErrNetwork, so errors from
// layers fetched lazily (long after Open) still match the sentinel.
type networkError struct{ err error }

func (e *networkError) Error() string   { return e.err.Error() }
func (e *networkError) Unwrap() []error { return []error{e.err, ErrNetwork} }

// markNetwork marks an error of the registry transport (a failed round trip
// or body read) as ErrNetwork; a cancelled context stays as it is.
func markNetwork(err error) error {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, ErrNetwork) {
		return err
	}
	return &networkError{err: err}
}

// markedBody marks the read errors of a response body as ErrNetwork.
type markedBody struct{ rc io.ReadCloser }

func (b markedBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if err != nil && err != io.EOF {
		err = markNetwork(err)
	}
	return n, err
}

func (b markedBody) Close() error { return b.rc.Close() }

// stallError reports a response that made no progress for the idle timeout.
type stallError struct {
	url     string
	timeout time.Duration
}

func (e *stallError) Error() string {
	return fmt.Sprintf("%s: no data for %s (idle timeout)", e.url, e.timeout)
}

// Timeout lets net.Error-style checks see a timeout.
func (e *stallError) Timeout() bool { return true }

// Temporary reports the stall as transient.
func (e *stallError) Temporary() bool { return true }

// Unwrap makes a stall match os.ErrDeadlineExceeded.
func (e *stallError) Unwrap() error { return os.ErrDeadlineExceeded }

// timeoutTransport fails a request when the response headers, or any later
// read of the body, make no progress for the timeout.
type timeoutTransport struct {
	inner   http.RoundTripper
	timeout time.Duration
}

func newTimeoutTransport(inner http.RoundTripper, d time.Duration) http.RoundTripper {
	if d <= 0 {
		return inner
	}
	return &timeoutTransport{inner: inner, timeout: d}
}

// RoundTrip implements http.RoundTripper.
func (t *timeoutTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithCancel(req.Context())
	w := &watchdog{cancel: cancel, timeout: t.timeout}
	w.timer = time.AfterFunc(t.timeout, w.fire)
	resp, err := t.inner.RoundTrip(req.WithContext(ctx))
	if err != nil {
		w.stop()
		if w.fired.Load() {
			return nil, &stallError{url: req.Method + " " + req.URL.Redacted(), timeout: t.timeout}
		}
		return nil, err
	}
	w.timer.Reset(t.timeout)
	resp.Body = &idleBody{rc: resp.Body, w: w, url: req.Method + " " + req.URL.Redacted()}
	return resp, nil
}

// watchdog cancels a request when its timer fires.
type watchdog struct {
	timer   *time.Timer
	cancel  context.CancelFunc
	timeout time.Duration
	fired   atomic.Bool
	once    sync.Once
}

func (w *watchdog) fire() {
	w.fired.Store(true)
	w.cancel()
}

func (w *watchdog) stop() {
	w.once.Do(func() {
		w.timer.Stop()
		w.cancel()
	})
}

// idleBody re-arms the watchdog on every read and turns its firing into a
// stallError.
type idleBody struct {
	rc  io.ReadCloser
	w   *watchdog
	url string
}

func (b *idleBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if n > 0 && !b.w.fired.Load() {
		b.w.timer.Reset(b.w.timeout)
	}
	if err != nil && err != io.EOF && b.w.fired.Load() {
		return n, &stallError{url: b.url, timeout: b.w.timeout}
	}
	if err == io.EOF {
		b.w.stop()
	}
	return n, err
}

func (b *idleBody) Close() error {
	b.w.stop()
	return b.rc.Close()
}
