package source

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// verifier passes reads through and, at EOF, fails unless the bytes hashed
// to the expected digest (only sha256 is checked; other algorithms pass).
type verifier struct {
	rc   io.ReadCloser
	what string // "blob" or "layer diff id", for the message
	want v1.Hash
	h    hash.Hash
}

// newVerifier checks a stored blob against its digest.
func newVerifier(rc io.ReadCloser, want v1.Hash) io.ReadCloser {
	return newHashVerifier(rc, want, "blob")
}

// newHashVerifier checks the stream rc against want; what names the kind
// of digest in the error.
func newHashVerifier(rc io.ReadCloser, want v1.Hash, what string) io.ReadCloser {
	if want.Algorithm != "sha256" {
		return rc
	}
	return &verifier{rc: rc, what: what, want: want, h: sha256.New()}
}

func (v *verifier) Read(p []byte) (int, error) {
	n, err := v.rc.Read(p)
	v.h.Write(p[:n])
	if err == io.EOF {
		if got := hex.EncodeToString(v.h.Sum(nil)); got != v.want.Hex {
			return n, fmt.Errorf("verifying %s %s: %w: the content hashes to sha256:%s", v.what, v.want, ErrDigestMismatch, got)
		}
	}
	return n, err
}

func (v *verifier) Close() error { return v.rc.Close() }

// checkBytes fails when b does not hash to want (a zero or non-sha256
// want is not checked).
func checkBytes(b []byte, want v1.Hash, what string) error {
	if want.Algorithm != "sha256" {
		return nil
	}
	if got := sha256Hash(b); got != want {
		return fmt.Errorf("verifying %s %s: %w: the content hashes to %s", what, want, ErrDigestMismatch, got)
	}
	return nil
}
