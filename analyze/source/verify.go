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
	want v1.Hash
	h    hash.Hash
}

func newVerifier(rc io.ReadCloser, want v1.Hash) io.ReadCloser {
	if want.Algorithm != "sha256" {
		return rc
	}
	return &verifier{rc: rc, want: want, h: sha256.New()}
}

func (v *verifier) Read(p []byte) (int, error) {
	n, err := v.rc.Read(p)
	v.h.Write(p[:n])
	if err == io.EOF {
		if got := hex.EncodeToString(v.h.Sum(nil)); got != v.want.Hex {
			return n, fmt.Errorf("verifying blob %s: content digest is sha256:%s", v.want, got)
		}
	}
	return n, err
}

func (v *verifier) Close() error { return v.rc.Close() }
