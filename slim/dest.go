package slim

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/match"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/slimcheck/slimcheck/analyze/source"
)

// DestKind is where the image is written.
type DestKind string

// Destination kinds.
const (
	DestOCI           DestKind = "oci"            // an OCI image layout directory
	DestDockerArchive DestKind = "docker-archive" // a `docker save` tarball
	DestRegistry      DestKind = "registry"       // a registry reference
)

// Destination is a parsed --to value.
type Destination struct {
	Kind DestKind `json:"kind"`
	Path string   `json:"path,omitempty"` // layout directory or archive file
	Tag  string   `json:"tag,omitempty"`  // oci: the ref.name annotation; docker-archive: the repo:tag inside
	Ref  string   `json:"ref,omitempty"`  // registry reference
	Raw  string   `json:"raw"`            // as given
}

// refNameAnnotation names an image in an OCI layout.
const refNameAnnotation = "org.opencontainers.image.ref.name"

// ParseDestination reads "oci:DIR[:TAG]", "docker-archive:FILE[:REPO:TAG]"
// or a registry reference. A bare path is refused: say which format.
func ParseDestination(s string, insecure bool) (Destination, error) {
	d := Destination{Raw: s}
	switch {
	case s == "":
		return d, errors.New("parsing destination: empty")
	case strings.ContainsAny(s, "\x00\n"):
		return d, fmt.Errorf("parsing destination %q: control characters", s)
	case strings.HasPrefix(s, "oci:"):
		d.Kind = DestOCI
		d.Path, d.Tag = splitTag(strings.TrimPrefix(s, "oci:"), false)
		if d.Tag == "" {
			d.Tag = "latest"
		}
	case strings.HasPrefix(s, "docker-archive:"):
		d.Kind = DestDockerArchive
		d.Path, d.Tag = splitTag(strings.TrimPrefix(s, "docker-archive:"), true)
		if d.Tag != "" {
			if _, err := name.NewTag(d.Tag); err != nil {
				return d, fmt.Errorf("parsing destination %q: tag %q: %w", s, d.Tag, err)
			}
		}
	default:
		if i := strings.Index(s, ":"); i > 0 && refusedSchemes[s[:i]] {
			return d, fmt.Errorf("parsing destination %q: cannot write to %s: (write docker-archive:FILE and load it, or push to a registry)", s, s[:i])
		}
		var opts []name.Option
		if insecure {
			opts = append(opts, name.Insecure)
		}
		ref, err := name.ParseReference(s, append(opts, name.StrictValidation)...)
		if err != nil {
			return d, fmt.Errorf("parsing destination %q (oci:DIR, docker-archive:FILE or a registry reference with its registry and tag): %w", s, err)
		}
		if _, ok := ref.(name.Digest); ok {
			return d, fmt.Errorf("parsing destination %q: a digest cannot be pushed to; give a tag", s)
		}
		d.Kind, d.Ref = DestRegistry, ref.Name()
	}
	if (d.Kind == DestOCI || d.Kind == DestDockerArchive) && d.Path == "" {
		return d, fmt.Errorf("parsing destination %q: no path", s)
	}
	return d, nil
}

// refusedSchemes are sources slim can read from but not write to; without
// this check "docker:app" would parse as the Docker Hub image docker:app.
var refusedSchemes = map[string]bool{"docker": true, "podman": true, "docker-daemon": true,
	"containers-storage": true, "dir": true, "file": true, "http": true, "https": true}

// splitTag splits "PATH:TAG". For an OCI layout the tag follows the last
// colon after the last slash; for a docker archive, whose tag is a whole
// "repo:tag" (possibly with a registry host and port), it follows the first
// colon.
func splitTag(s string, archive bool) (string, string) {
	if archive {
		if i := strings.Index(s, ":"); i >= 0 {
			return s[:i], s[i+1:]
		}
		return s, ""
	}
	slash := strings.LastIndex(s, "/")
	if i := strings.LastIndex(s, ":"); i > slash {
		return s[:i], s[i+1:]
	}
	return s, ""
}

// WriteOptions tunes Write.
type WriteOptions struct {
	Source source.Options // registry access for pushes (keychain, transport, insecure)
	Force  bool           // replace an existing docker-archive file
	// DefaultTag names the image in a docker-archive when the destination
	// gives no tag.
	DefaultTag string
}

// Written says where the image went.
type Written struct {
	Destination Destination `json:"destination"`
	Digest      string      `json:"digest"`   // manifest digest of what was written
	ReadBack    string      `json:"readBack"` // a reference source.Open reads it back by
}

// Write writes img to d.
func Write(ctx context.Context, img v1.Image, d Destination, o WriteOptions) (Written, error) {
	w := Written{Destination: d}
	dg, err := img.Digest()
	if err != nil {
		return w, fmt.Errorf("digesting the image: %w", err)
	}
	w.Digest = dg.String()
	switch d.Kind {
	case DestOCI:
		if err := writeOCI(img, d); err != nil {
			return w, err
		}
		w.ReadBack = "oci:" + d.Path + "@" + w.Digest
	case DestDockerArchive:
		tag := d.Tag
		if tag == "" {
			tag = o.DefaultTag
		}
		if tag == "" {
			tag = "slimcheck/slim:latest"
		}
		if err := writeArchive(img, d.Path, tag, o.Force); err != nil {
			return w, err
		}
		w.ReadBack = "docker-archive:" + d.Path
	case DestRegistry:
		var opts []name.Option
		if o.Source.Insecure {
			opts = append(opts, name.Insecure)
		}
		ref, err := name.ParseReference(d.Ref, opts...)
		if err != nil {
			return w, fmt.Errorf("parsing %s: %w", d.Ref, err)
		}
		kc := o.Source.Keychain
		if kc == nil {
			kc = authn.DefaultKeychain
		}
		if err := remote.Write(ref, img, remote.WithContext(ctx), remote.WithAuthFromKeychain(kc), remote.WithTransport(transport(o.Source)),
			remote.WithUserAgent(o.Source.UserAgent)); err != nil {
			return w, fmt.Errorf("pushing to %s: %w", ref.Name(), err)
		}
		w.ReadBack = ref.Context().Digest(w.Digest).String()
	default:
		return w, fmt.Errorf("writing the image: unknown destination kind %q", d.Kind)
	}
	return w, nil
}

// transport is the HTTP transport for pushes: the caller's, or the default
// one honouring proxy variables (and --insecure's unverified TLS).
func transport(o source.Options) http.RoundTripper {
	if o.Transport != nil {
		return o.Transport
	}
	t := remote.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = http.ProxyFromEnvironment
	if o.Insecure {
		t.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // asked for by --insecure
	}
	return t
}

// writeOCI adds img to the layout at d.Path (created when missing), named
// d.Tag; an image already under that name is replaced.
func writeOCI(img v1.Image, d Destination) error {
	p, err := layout.FromPath(d.Path)
	if err != nil {
		if fi, serr := os.Stat(d.Path); serr == nil && (!fi.IsDir() || !emptyDir(d.Path)) {
			return fmt.Errorf("writing OCI layout %s: exists and is not a layout: %w", d.Path, err)
		}
		if p, err = layout.Write(d.Path, empty.Index); err != nil {
			return fmt.Errorf("creating OCI layout %s: %w", d.Path, err)
		}
	}
	ann := map[string]string{refNameAnnotation: d.Tag}
	if err := p.ReplaceImage(img, match.Annotation(refNameAnnotation, d.Tag), layout.WithAnnotations(ann)); err != nil {
		return fmt.Errorf("writing OCI layout %s: %w", d.Path, err)
	}
	return nil
}

func emptyDir(p string) bool {
	es, err := os.ReadDir(p)
	return err == nil && len(es) == 0
}

// writeArchive writes a docker save tarball atomically: a temporary file in
// the same directory, renamed over path once complete.
func writeArchive(img v1.Image, path, tag string, force bool) error {
	t, err := name.NewTag(tag)
	if err != nil {
		return fmt.Errorf("writing %s: tag %q: %w", path, tag, err)
	}
	if fi, err := os.Lstat(path); err == nil {
		if !force {
			return fmt.Errorf("writing %s: %w (use --force to replace it)", path, os.ErrExist)
		}
		if !fi.Mode().IsRegular() {
			return fmt.Errorf("writing %s: not a regular file", path)
		}
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op once renamed
	if err := tarball.Write(t, img, f); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
