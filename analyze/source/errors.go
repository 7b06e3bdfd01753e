package source

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"

	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// Sentinel errors returned (wrapped) by Open; test them with errors.Is.
var (
	// ErrNotFound: the registry, layout or archive has no such image or tag.
	ErrNotFound = errors.New("image not found")
	// ErrUnauthorized: the registry refused the credentials (401/403).
	ErrUnauthorized = errors.New("access denied by the registry")
	// ErrNetwork: the registry could not be reached (dial, DNS, TLS, timeout, reset).
	ErrNetwork = errors.New("registry unreachable")
	// ErrNoDaemon: no Docker or Podman daemon answered on any known socket.
	ErrNoDaemon = errors.New("no Docker or Podman daemon is reachable")
	// ErrUnknownScheme: the reference has a "scheme:" prefix this package does not know.
	ErrUnknownScheme = errors.New("unknown image source scheme")
	// ErrNotImage: the file or directory exists but holds no container image.
	ErrNotImage = errors.New("not a container image")
	// ErrDigestMismatch: a blob's bytes do not hash to the digest that names
	// it (a corrupt, truncated-and-padded or tampered image). Layers are
	// checked as they are read, so this may come from the walk, after Open.
	ErrDigestMismatch = errors.New("digest mismatch")
)

// PlatformError reports that an image index has no image for the wanted platform.
type PlatformError struct {
	Reference string   // the reference as typed
	Want      string   // os/arch[/variant]
	Available []string // platforms present in the index
}

// Error implements error.
func (e *PlatformError) Error() string {
	avail := "none"
	if len(e.Available) > 0 {
		avail = strings.Join(e.Available, ", ")
	}
	return fmt.Sprintf("no image for platform %s in %q (available: %s)", e.Want, e.Reference, avail)
}

// AmbiguousError reports that a layout or archive holds several images and
// the reference did not say which one.
type AmbiguousError struct {
	Reference string   // the reference as typed
	Choices   []string // names (":NAME") or digests ("@sha256:…") that pick one image
}

// Error implements error.
func (e *AmbiguousError) Error() string {
	return fmt.Sprintf("%q holds %d images; choose one of: %s", e.Reference, len(e.Choices), strings.Join(e.Choices, ", "))
}

// kindError ties a sentinel to the underlying error and, for registry
// failures, the registry host (used by Hint).
type kindError struct {
	kind     error
	registry string
	err      error
}

func (e *kindError) Error() string {
	msg := e.kind.Error()
	if e.kind == ErrUnauthorized && e.registry != "" {
		msg += fmt.Sprintf(" (try \"docker login %s\")", e.registry)
	}
	if e.err == nil {
		return msg
	}
	return msg + ": " + e.err.Error()
}

func (e *kindError) Unwrap() []error { return []error{e.kind, e.err} }

// classify wraps err with the matching sentinel (ErrNotFound, ErrUnauthorized,
// ErrNetwork) when it recognises a registry or network failure. Errors that
// already carry a sentinel, and ctx cancellation, are returned as they are.
func classify(err error, registry string) error {
	if err == nil {
		return nil
	}
	var ke *kindError
	if errors.As(err, &ke) || errors.Is(err, context.Canceled) {
		return err
	}
	if kind := kindOf(err); kind != nil {
		return &kindError{kind: kind, registry: registry, err: err}
	}
	return err
}

func kindOf(err error) error {
	var te *transport.Error
	if errors.As(err, &te) {
		switch te.StatusCode {
		case http.StatusUnauthorized, http.StatusForbidden:
			return ErrUnauthorized
		case http.StatusNotFound:
			return ErrNotFound
		}
		for _, d := range te.Errors {
			switch d.Code {
			case transport.ManifestUnknownErrorCode, transport.NameUnknownErrorCode, transport.BlobUnknownErrorCode:
				return ErrNotFound
			case transport.UnauthorizedErrorCode, transport.DeniedErrorCode:
				return ErrUnauthorized
			}
		}
		return nil
	}
	if isNetworkError(err) {
		return ErrNetwork
	}
	return nil
}

// isNetworkError recognises transport failures that reach classify or Hint
// unmarked. (Errors from the registry transport are marked ErrNetwork where
// they happen; this is deliberately narrower so that a truncated local
// archive, say, is not blamed on the network.)
func isNetworkError(err error) bool {
	var (
		opErr   *net.OpError
		dnsErr  *net.DNSError
		netErr  net.Error
		certErr *tls.CertificateVerificationError
		unkAuth x509.UnknownAuthorityError
		hostErr x509.HostnameError
		invErr  x509.CertificateInvalidError
		recErr  tls.RecordHeaderError
	)
	switch {
	case errors.As(err, &opErr), errors.As(err, &dnsErr),
		errors.As(err, &certErr), errors.As(err, &unkAuth), errors.As(err, &hostErr),
		errors.As(err, &invErr), errors.As(err, &recErr):
		return true
	case errors.Is(err, os.ErrDeadlineExceeded),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET):
		return true
	case errors.As(err, &netErr) && netErr.Timeout():
		return true
	}
	return false
}

// Hint returns a short hint for the user about err, or "" when there is none.
// It knows this package's sentinels and typed errors, and also raw registry
// and network errors (such as those from layers read lazily after Open).
func Hint(err error) string {
	if err == nil {
		return ""
	}
	var (
		ke  *kindError
		pe  *PlatformError
		ae  *AmbiguousError
		reg = "REGISTRY"
	)
	if errors.As(err, &ke) && ke.registry != "" {
		reg = ke.registry
	}
	if !errors.As(err, &ke) {
		if k := kindOf(err); k != nil {
			err = &kindError{kind: k, err: err}
		}
	}
	switch {
	case errors.As(err, &pe):
		return "pick one of the available platforms with --platform"
	case errors.As(err, &ae):
		return `add ":NAME" or "@DIGEST" to the reference to pick one image`
	case errors.Is(err, ErrUnauthorized):
		return fmt.Sprintf("run \"docker login %s\" (or fix the credentials in your docker config)", reg)
	case errors.Is(err, ErrNotFound):
		return "check the image name, tag or digest"
	case errors.Is(err, ErrNetwork):
		return "check the registry host, your network and proxy settings (HTTPS_PROXY); use --insecure for a plain-HTTP registry"
	case errors.Is(err, ErrNoDaemon):
		return `start Docker or Podman (or set DOCKER_HOST), or run "docker save IMAGE -o image.tar" and pass docker-archive:image.tar`
	case errors.Is(err, ErrUnknownScheme):
		return "use one of " + strings.Join(schemeList(), ", ") + " or a plain registry reference or path"
	case errors.Is(err, ErrDigestMismatch):
		return "the image is corrupt or was altered after it was built: pull or save it again"
	case errors.Is(err, ErrNotImage):
		return "pass a `docker save` tarball, an OCI layout (directory or tar) or a registry reference"
	case errors.Is(err, fs.ErrNotExist):
		return "check the path"
	}
	return ""
}

// maxErrorLen caps the message of an Open error (registries may answer with
// a whole HTML page).
const maxErrorLen = 2000

// openError is the error Open returns: one line that names the reference.
type openError struct {
	ref string
	err error
}

func (e *openError) Error() string {
	return oneLine(fmt.Sprintf("opening %q: %s", e.ref, e.err.Error()))
}

func (e *openError) Unwrap() error { return e.err }

// oneLine flattens newlines (errors.Join output) into "; " and caps the length.
func oneLine(s string) string {
	if strings.ContainsAny(s, "\r\n") {
		lines := strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' })
		kept := lines[:0]
		for _, l := range lines {
			if l = strings.TrimSpace(l); l != "" {
				kept = append(kept, l)
			}
		}
		s = strings.Join(kept, "; ")
	}
	if len(s) > maxErrorLen {
		cut := maxErrorLen
		for cut > 0 && !utf8RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
