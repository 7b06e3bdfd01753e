package source

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"sync"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// maxManifestSize caps index, manifest and config blobs read into memory.
const maxManifestSize = 32 << 20

// ociTarIndex is the root index.json of an OCI image layout, packed in a
// tar or in a directory (or a nested index inside it), read in place.
type ociTarIndex struct {
	tf        blobStore
	raw       []byte
	mediaType types.MediaType
	manifest  *v1.IndexManifest
}

var (
	_ v1.ImageIndex               = (*ociTarIndex)(nil)
	_ partial.CompressedImageCore = (*ociTarImage)(nil)
	_ partial.CompressedLayer     = (*ociTarBlob)(nil)
)

// ociTarRoot reads index.json from the archive.
func ociTarRoot(tf blobStore) (*ociTarIndex, error) {
	if !tf.has("index.json") {
		return nil, fmt.Errorf("finding index.json in %s: no OCI image layout: %w", tf.where(), ErrNotImage)
	}
	raw, err := tf.readAll("index.json", maxManifestSize)
	if err != nil {
		return nil, err
	}
	return newOCITarIndex(tf, raw, "")
}

func newOCITarIndex(tf blobStore, raw []byte, mt types.MediaType) (*ociTarIndex, error) {
	m, err := v1.ParseIndexManifest(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("parsing OCI index: %w: %w", err, ErrNotImage)
	}
	if mt == "" {
		mt = m.MediaType
	}
	if mt == "" {
		mt = types.OCIImageIndex
	}
	return &ociTarIndex{tf: tf, raw: raw, mediaType: mt, manifest: m}, nil
}

// MediaType implements v1.ImageIndex.
func (i *ociTarIndex) MediaType() (types.MediaType, error) { return i.mediaType, nil }

// Digest implements v1.ImageIndex.
func (i *ociTarIndex) Digest() (v1.Hash, error) { return sha256Hash(i.raw), nil }

// Size implements v1.ImageIndex.
func (i *ociTarIndex) Size() (int64, error) { return int64(len(i.raw)), nil }

// IndexManifest implements v1.ImageIndex.
func (i *ociTarIndex) IndexManifest() (*v1.IndexManifest, error) { return i.manifest.DeepCopy(), nil }

// RawManifest implements v1.ImageIndex.
func (i *ociTarIndex) RawManifest() ([]byte, error) { return i.raw, nil }

func (i *ociTarIndex) child(h v1.Hash) (v1.Descriptor, error) {
	for _, d := range i.manifest.Manifests {
		if d.Digest == h {
			return d, nil
		}
	}
	return v1.Descriptor{}, fmt.Errorf("finding %s in OCI index: %w", h, ErrNotFound)
}

// Image implements v1.ImageIndex.
func (i *ociTarIndex) Image(h v1.Hash) (v1.Image, error) {
	d, err := i.child(h)
	if err != nil {
		return nil, err
	}
	return partial.CompressedToImage(&ociTarImage{tf: i.tf, desc: d})
}

// ImageIndex implements v1.ImageIndex.
func (i *ociTarIndex) ImageIndex(h v1.Hash) (v1.ImageIndex, error) {
	d, err := i.child(h)
	if err != nil {
		return nil, err
	}
	raw, err := readBlob(i.tf, d.Digest)
	if err != nil {
		return nil, err
	}
	return newOCITarIndex(i.tf, raw, d.MediaType)
}

// ociTarImage is one image manifest inside an OCI layout tar.
type ociTarImage struct {
	tf   blobStore
	desc v1.Descriptor

	once sync.Once
	raw  []byte
	err  error
}

// MediaType implements partial.CompressedImageCore.
func (i *ociTarImage) MediaType() (types.MediaType, error) { return i.desc.MediaType, nil }

// RawManifest implements partial.CompressedImageCore.
func (i *ociTarImage) RawManifest() ([]byte, error) {
	i.once.Do(func() { i.raw, i.err = readBlob(i.tf, i.desc.Digest) })
	return i.raw, i.err
}

// RawConfigFile implements partial.CompressedImageCore.
func (i *ociTarImage) RawConfigFile() ([]byte, error) {
	m, err := partial.Manifest(i)
	if err != nil {
		return nil, err
	}
	return readBlob(i.tf, m.Config.Digest)
}

// LayerByDigest implements partial.CompressedImageCore.
func (i *ociTarImage) LayerByDigest(h v1.Hash) (partial.CompressedLayer, error) {
	m, err := partial.Manifest(i)
	if err != nil {
		return nil, err
	}
	if h == m.Config.Digest {
		return &ociTarBlob{tf: i.tf, desc: m.Config}, nil
	}
	for _, d := range m.Layers {
		if d.Digest == h {
			return &ociTarBlob{tf: i.tf, desc: d}, nil
		}
	}
	return nil, fmt.Errorf("finding layer %s in manifest %s: %w", h, i.desc.Digest, ErrNotFound)
}

// Descriptor lets partial.Descriptor report the layout's descriptor.
func (i *ociTarImage) Descriptor() (*v1.Descriptor, error) { d := i.desc; return &d, nil }

// ociTarBlob is a layer (or config) blob inside an OCI layout tar.
type ociTarBlob struct {
	tf   blobStore
	desc v1.Descriptor
}

// Digest implements partial.CompressedLayer.
func (b *ociTarBlob) Digest() (v1.Hash, error) { return b.desc.Digest, nil }

// Size implements partial.CompressedLayer.
func (b *ociTarBlob) Size() (int64, error) { return b.desc.Size, nil }

// MediaType implements partial.CompressedLayer.
func (b *ociTarBlob) MediaType() (types.MediaType, error) { return b.desc.MediaType, nil }

// Descriptor lets partial.Descriptor report the manifest's descriptor.
func (b *ociTarBlob) Descriptor() (*v1.Descriptor, error) { d := b.desc; return &d, nil }

// Compressed implements partial.CompressedLayer. The blob is read in place
// and checked against the descriptor's size and digest as it is consumed.
func (b *ociTarBlob) Compressed() (io.ReadCloser, error) {
	rc, size, err := b.tf.open(blobName(b.desc.Digest))
	if err != nil {
		return nil, err
	}
	if b.desc.Size >= 0 && size != b.desc.Size {
		rc.Close()
		return nil, fmt.Errorf("reading blob %s: %w: %d bytes stored, the manifest says %d", b.desc.Digest, ErrDigestMismatch, size, b.desc.Size)
	}
	return newVerifier(rc, b.desc.Digest), nil
}

func blobName(h v1.Hash) string { return "blobs/" + h.Algorithm + "/" + h.Hex }

// readBlob reads a small blob (manifest, index, config) and checks its digest.
func readBlob(tf blobStore, h v1.Hash) ([]byte, error) {
	b, err := tf.readAll(blobName(h), maxManifestSize)
	if err != nil {
		return nil, err
	}
	if err := checkBytes(b, h, "blob"); err != nil {
		return nil, err
	}
	return b, nil
}

func sha256Hash(b []byte) v1.Hash {
	s := sha256.Sum256(b)
	return v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(s[:])}
}
