package demo

import (
	_ "embed" // the committed artifact
	"fmt"
	"io"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// Reference is the tag the demo image carries inside its docker-archive.
const Reference = "slimcheck.dev/demo/nodejs-s2i:latest"

// ArtifactName is the file name of the committed docker-archive, relative to
// this package's directory.
const ArtifactName = "demo-image.tar"

// demoImageTar is the docker-archive written by testdata/gendemo from Build.
// A string, so the embedded bytes cannot be modified.
//
//go:embed demo-image.tar
var demoImageTar string

// Image opens the embedded demo image. It reads the archive straight from the
// binary's memory (no network, no temporary files); each call returns an
// independent v1.Image.
func Image() (v1.Image, error) {
	tag, err := name.NewTag(Reference)
	if err != nil {
		return nil, fmt.Errorf("parsing demo reference %q: %w", Reference, err)
	}
	opener := func() (io.ReadCloser, error) {
		return io.NopCloser(strings.NewReader(demoImageTar)), nil
	}
	img, err := tarball.Image(opener, &tag)
	if err != nil {
		return nil, fmt.Errorf("opening embedded demo image: %w", err)
	}
	return img, nil
}
