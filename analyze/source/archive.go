package source

import (
	"encoding/json"
	"fmt"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// openDockerArchive opens a `docker save` tarball (plain or gzipped) with
// ggcr's tarball package, after checking manifest.json so that several
// images without a chosen tag give an AmbiguousError listing the tags.
func openDockerArchive(typed string, t target, tf *tarFile, o Options) (chosen, error) {
	if !tf.has("manifest.json") {
		return chosen{}, fmt.Errorf("reading docker archive %s: no manifest.json: %w", t.path, ErrNotImage)
	}
	raw, err := tf.readAll("manifest.json", maxManifestSize)
	if err != nil {
		return chosen{}, err
	}
	var m tarball.Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return chosen{}, fmt.Errorf("parsing manifest.json of %s: %w: %w", t.path, err, ErrNotImage)
	}
	if len(m) == 0 {
		return chosen{}, fmt.Errorf("reading docker archive %s: manifest.json lists no image: %w", t.path, ErrNotImage)
	}
	var tag *name.Tag
	var tags []string
	for i, d := range m {
		if len(d.RepoTags) == 0 {
			tags = append(tags, fmt.Sprintf("<untagged image %d, config %s>", i+1, d.Config))
		}
		tags = append(tags, d.RepoTags...)
	}
	switch {
	case t.tag != "":
		want, err := name.NewTag(t.tag)
		if err != nil {
			return chosen{}, fmt.Errorf("parsing docker-archive tag %q: %w", t.tag, err)
		}
		if !archiveHasTag(m, want) {
			return chosen{}, fmt.Errorf("no image tagged %q in %s (tags: %s): %w", t.tag, t.path, listOrNone(tags), ErrNotFound)
		}
		tag = &want
	case len(m) > 1:
		return chosen{}, &AmbiguousError{Reference: typed, Choices: tags}
	}
	d := m[0]
	if tag != nil {
		for _, cand := range m {
			if archiveHasTag(tarball.Manifest{cand}, *tag) {
				d = cand
				break
			}
		}
	}
	img, err := newArchiveImage(tf, d, o.VerifyDiffIDs)
	if err != nil {
		return chosen{}, fmt.Errorf("reading docker archive %s: %w", t.path, err)
	}
	// The manifest digest of an archive image is not stored; computing it
	// would hash every compressed layer, so Info leaves Digest empty and
	// reports the config digest as ID.
	return chosen{img: img, desc: v1.Descriptor{MediaType: types.DockerManifestSchema2}, readUncompressed: true}, nil
}

func archiveHasTag(m tarball.Manifest, want name.Tag) bool {
	for _, d := range m {
		for _, s := range d.RepoTags {
			if have, err := name.NewTag(s); err == nil && have.Name() == want.Name() {
				return true
			}
		}
	}
	return false
}
