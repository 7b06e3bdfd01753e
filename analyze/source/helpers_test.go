package source

import (
	"archive/tar"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/validate"

	"github.com/slimcheck/slimcheck/internal/imagetest"
)

// diveFixtures is shared/fixtures/dive relative to this package directory.
const diveFixtures = "../../../shared/fixtures/dive"

// testImage builds a small single-layer image whose one file names it.
func testImage(t *testing.T, label string) v1.Image {
	t.Helper()
	return imagetest.Image(t, v1.Config{Cmd: []string{label}}, []string{"COPY " + label},
		imagetest.Layer(t, imagetest.Dir("app/"), imagetest.Text("app/"+label, strings.Repeat(label, 100))),
		imagetest.Layer(t, imagetest.File("app/data.bin", 4096)))
}

// testOptions are DefaultOptions without the docker keychain and with a
// short timeout, so tests never read the host's credentials or hang.
func testOptions() Options {
	o := DefaultOptions()
	o.Keychain = anonymousKeychain{}
	o.Timeout = 5 * time.Second
	return o
}

// layerStats reads every layer's uncompressed tar and returns the number
// of entries and the sum of regular file sizes.
func layerStats(img v1.Image) (layers, entries int, bytes int64, err error) {
	ls, err := img.Layers()
	if err != nil {
		return 0, 0, 0, err
	}
	for _, l := range ls {
		rc, err := l.Uncompressed()
		if err != nil {
			return 0, 0, 0, err
		}
		tr := tar.NewReader(rc)
		for {
			hdr, err := tr.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				rc.Close()
				return 0, 0, 0, err
			}
			entries++
			if hdr.Typeflag == tar.TypeReg {
				n, err := io.Copy(io.Discard, tr)
				if err != nil {
					rc.Close()
					return 0, 0, 0, err
				}
				bytes += n
			}
		}
		if err := rc.Close(); err != nil {
			return 0, 0, 0, err
		}
	}
	return len(ls), entries, bytes, nil
}

// mustOneLine fails when err's message spans lines or omits ref.
func mustOneLine(t *testing.T, err error, ref string) {
	t.Helper()
	msg := err.Error()
	if strings.ContainsAny(msg, "\r\n") {
		t.Errorf("error is not one line: %q", msg)
	}
	if !strings.Contains(msg, ref) {
		t.Errorf("error %q does not name the reference %q", msg, ref)
	}
}

func validateImage(t *testing.T, img v1.Image) {
	t.Helper()
	if err := validate.Image(img, validate.Fast); err != nil {
		t.Fatalf("validate.Image: %v", err)
	}
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// anonymousKeychain never finds credentials.
type anonymousKeychain struct{}

func (anonymousKeychain) Resolve(authn.Resource) (authn.Authenticator, error) {
	return authn.Anonymous, nil
}
