package source

import (
	"errors"
	"fmt"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// maxIndexDepth bounds nested indexes (hostile layouts may loop).
const maxIndexDepth = 4

// Annotations that name an image inside an OCI layout.
const (
	refNameAnnotation    = "org.opencontainers.image.ref.name"
	containerdAnnotation = "io.containerd.image.name"
)

// chosen is the image picked from a source plus its manifest descriptor.
type chosen struct {
	img  v1.Image
	desc v1.Descriptor
	kind Kind // set when it differs from the target's (bare file read as OCI)
	// readUncompressed: layers are best read through Uncompressed (see Info).
	readUncompressed bool
}

// candidate is an image descriptor and the index that lists it.
type candidate struct {
	parent v1.ImageIndex
	desc   v1.Descriptor
	plat   platform
}

func isImage(d v1.Descriptor) bool {
	artifact := d.ArtifactType != "" && !types.MediaType(d.ArtifactType).IsConfig()
	return (d.MediaType.IsImage() || d.MediaType.IsSchema1()) && !artifact && !isAttestation(d)
}

func isIndex(d v1.Descriptor) bool { return d.MediaType.IsIndex() }

// flatten lists the runnable images under descs, recursing into nested
// indexes. Images without a descriptor platform get it from their config.
func flatten(parent v1.ImageIndex, descs []v1.Descriptor, depth int) ([]candidate, error) {
	if depth > maxIndexDepth {
		return nil, fmt.Errorf("image indexes nested more than %d deep: %w", maxIndexDepth, ErrNotImage)
	}
	var out []candidate
	for _, d := range descs {
		switch {
		case isIndex(d):
			child, err := parent.ImageIndex(d.Digest)
			if err != nil {
				return nil, fmt.Errorf("reading index %s: %w", d.Digest, err)
			}
			m, err := child.IndexManifest()
			if err != nil {
				return nil, fmt.Errorf("reading index %s: %w", d.Digest, err)
			}
			sub, err := flatten(child, m.Manifests, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, sub...)
		case isImage(d):
			c := candidate{parent: parent, desc: d, plat: fromV1(d.Platform)}
			if d.Platform == nil || d.Platform.OS == "" {
				p, err := configPlatform(parent, d)
				if err != nil {
					return nil, err
				}
				c.plat = p
			}
			out = append(out, c)
		}
	}
	return out, nil
}

func configPlatform(parent v1.ImageIndex, d v1.Descriptor) (platform, error) {
	img, err := parent.Image(d.Digest)
	if err != nil {
		return platform{}, fmt.Errorf("reading image %s: %w", d.Digest, err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return platform{}, fmt.Errorf("reading config of image %s: %w", d.Digest, err)
	}
	return fromV1(cf.Platform()), nil
}

// pickPlatform chooses the candidate that best matches want. With several
// equally good distinct images and strict set, it returns an AmbiguousError.
func pickPlatform(cands []candidate, want platform, ref string, strict bool) (chosen, error) {
	best, bestScore := -1, 0
	tie := false
	for i, c := range cands {
		s := matchScore(want, c.plat)
		switch {
		case s > bestScore:
			best, bestScore, tie = i, s, false
		case s == bestScore && s > 0 && c.desc.Digest != cands[best].desc.Digest:
			tie = true
		}
	}
	if best < 0 {
		return chosen{}, &PlatformError{Reference: ref, Want: want.String(), Available: platformsOf(cands)}
	}
	if tie && strict {
		return chosen{}, &AmbiguousError{Reference: ref, Choices: choicesOf(cands)}
	}
	return load(cands[best])
}

func load(c candidate) (chosen, error) {
	img, err := c.parent.Image(c.desc.Digest)
	if err != nil {
		return chosen{}, fmt.Errorf("reading image %s: %w", c.desc.Digest, err)
	}
	return chosen{img: img, desc: c.desc}, nil
}

func platformsOf(cands []candidate) []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range cands {
		s := c.plat.String()
		if c.plat.OS == "" {
			s = "unknown"
		}
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// pickFromIndex resolves a multi-arch index (registry or layout) to one image.
func pickFromIndex(idx v1.ImageIndex, want platform, ref string) (chosen, error) {
	m, err := idx.IndexManifest()
	if err != nil {
		return chosen{}, fmt.Errorf("reading index: %w", err)
	}
	cands, err := flatten(idx, m.Manifests, 0)
	if err != nil {
		return chosen{}, err
	}
	return pickPlatform(cands, want, ref, false)
}

// resolveDesc turns one descriptor listed in parent into an image: an image
// is taken as it is (whatever its platform), an index is resolved by platform.
func resolveDesc(parent v1.ImageIndex, d v1.Descriptor, want platform, ref string) (chosen, error) {
	if isIndex(d) {
		child, err := parent.ImageIndex(d.Digest)
		if err != nil {
			return chosen{}, fmt.Errorf("reading index %s: %w", d.Digest, err)
		}
		return pickFromIndex(child, want, ref)
	}
	if !isImage(d) {
		return chosen{}, fmt.Errorf("manifest %s has media type %q: %w", d.Digest, d.MediaType, ErrNotImage)
	}
	return load(candidate{parent: parent, desc: d})
}

// layoutSelector is the ":NAME" or "@DIGEST" part of an oci: reference.
type layoutSelector struct {
	tag    string
	digest v1.Hash
}

// nameOf is the name a layout descriptor carries, or "".
func nameOf(d v1.Descriptor) string {
	if n := d.Annotations[refNameAnnotation]; n != "" {
		return n
	}
	return d.Annotations[containerdAnnotation]
}

// nameMatches reports whether descriptor d is named tag.
func nameMatches(d v1.Descriptor, tag string) bool {
	rn, cn := d.Annotations[refNameAnnotation], d.Annotations[containerdAnnotation]
	if tag == rn || tag == cn {
		return true
	}
	want, err := name.NewTag(tag)
	if err != nil {
		return false
	}
	for _, n := range []string{rn, cn} {
		if have, err := name.NewTag(n); err == nil && n != "" && have.Name() == want.Name() {
			return true
		}
	}
	return false
}

// selectFromLayout picks one image from the root index of an OCI layout.
func selectFromLayout(root v1.ImageIndex, sel layoutSelector, want platform, ref string) (chosen, error) {
	m, err := root.IndexManifest()
	if err != nil {
		return chosen{}, fmt.Errorf("reading index.json: %w: %w", err, ErrNotImage)
	}
	if sel.digest != (v1.Hash{}) {
		return findDigest(root, m.Manifests, sel.digest, want, ref, 0)
	}
	var cands []v1.Descriptor
	for _, d := range m.Manifests {
		if (isImage(d) || isIndex(d)) && (sel.tag == "" || nameMatches(d, sel.tag)) {
			cands = append(cands, d)
		}
	}
	if len(cands) == 0 {
		if sel.tag != "" {
			return chosen{}, fmt.Errorf("no image named %q in the layout (names: %s): %w", sel.tag, listOrNone(namesOf(m.Manifests)), ErrNotFound)
		}
		return chosen{}, fmt.Errorf("index.json lists no image: %w", ErrNotImage)
	}
	if len(cands) == 1 {
		return resolveDesc(root, cands[0], want, ref)
	}
	names := map[string]bool{}
	for _, d := range cands {
		names[nameOf(d)] = true
	}
	if len(names) > 1 {
		return chosen{}, &AmbiguousError{Reference: ref, Choices: choicesOfDescs(cands)}
	}
	// Several images under one name (or none): a flat multi-platform list.
	flat, err := flatten(root, cands, 0)
	if err != nil {
		return chosen{}, err
	}
	return pickPlatform(flat, want, ref, true)
}

// findDigest finds the manifest with digest h anywhere under descs.
func findDigest(parent v1.ImageIndex, descs []v1.Descriptor, h v1.Hash, want platform, ref string, depth int) (chosen, error) {
	for _, d := range descs {
		if d.Digest == h {
			return resolveDesc(parent, d, want, ref)
		}
	}
	if depth < maxIndexDepth {
		for _, d := range descs {
			if !isIndex(d) {
				continue
			}
			child, err := parent.ImageIndex(d.Digest)
			if err != nil {
				return chosen{}, fmt.Errorf("reading index %s: %w", d.Digest, err)
			}
			m, err := child.IndexManifest()
			if err != nil {
				return chosen{}, fmt.Errorf("reading index %s: %w", d.Digest, err)
			}
			c, err := findDigest(child, m.Manifests, h, want, ref, depth+1)
			if !errors.Is(err, errNoDigest) {
				return c, err
			}
		}
	}
	if depth == 0 {
		return chosen{}, fmt.Errorf("no manifest %s in the layout: %w", h, ErrNotFound)
	}
	return chosen{}, errNoDigest
}

var errNoDigest = errors.New("digest not found")

func namesOf(descs []v1.Descriptor) []string {
	var out []string
	for _, d := range descs {
		if n := nameOf(d); n != "" {
			out = append(out, n)
		}
	}
	return out
}

func listOrNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return fmt.Sprint(s)
}

// choicesOfDescs lists what a user can append to pick each descriptor.
func choicesOfDescs(descs []v1.Descriptor) []string {
	var out []string
	seen := map[string]bool{}
	for _, d := range descs {
		c := nameOf(d)
		if c == "" {
			c = "@" + d.Digest.String()
			if d.Platform != nil {
				c += " (" + fromV1(d.Platform).String() + ")"
			}
		}
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out
}

func choicesOf(cands []candidate) []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range cands {
		s := "@" + c.desc.Digest.String() + " (" + c.plat.String() + ")"
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// mediaTypeOr returns mt, or def when mt is empty.
func mediaTypeOr(mt, def types.MediaType) types.MediaType {
	if mt == "" {
		return def
	}
	return mt
}
