package source

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"sync"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// archiveImage is one image of a `docker save` archive, read in place.
//
// ggcr's tarball.Image is correct but costly for analysis: listing the
// layers of a gzip archive hashes every layer blob first (an extra pass
// over all stored bytes), and an uncompressed archive's layers are gzipped
// on the fly whenever their digest or compressed stream is asked for. This
// image lists layers from the config's diff IDs, decompresses with
// klauspost/compress, reports uncompressed layers with the uncompressed
// media type (their digest is their diff ID), and hashes a compressed blob
// only if someone asks for its digest.
type archiveImage struct {
	tf        *tarFile
	rawConfig []byte
	cfg       *v1.ConfigFile
	layers    []*archiveLayer

	once        sync.Once
	rawManifest []byte
	manifestErr error
}

var _ v1.Image = (*archiveImage)(nil)

// newArchiveImage reads the config of d and sniffs each layer's compression.
// With verify, each layer's uncompressed stream is checked against its diff
// ID as it is read.
func newArchiveImage(tf *tarFile, d tarball.Descriptor, verify bool) (*archiveImage, error) {
	raw, err := tf.readAll(d.Config, maxManifestSize)
	if err != nil {
		return nil, fmt.Errorf("reading config %s: %w", d.Config, err)
	}
	cfg, err := v1.ParseConfigFile(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("parsing config %s: %w: %w", d.Config, err, ErrNotImage)
	}
	if len(d.Layers) != len(cfg.RootFS.DiffIDs) {
		return nil, fmt.Errorf("manifest.json lists %d layers but the config has %d diff ids: %w", len(d.Layers), len(cfg.RootFS.DiffIDs), ErrNotImage)
	}
	img := &archiveImage{tf: tf, rawConfig: raw, cfg: cfg}
	for i, p := range d.Layers {
		l := &archiveLayer{tf: tf, path: p, diffID: cfg.RootFS.DiffIDs[i], verify: verify}
		if err := l.sniff(); err != nil {
			return nil, fmt.Errorf("reading layer %s: %w", p, err)
		}
		img.layers = append(img.layers, l)
	}
	return img, nil
}

func (i *archiveImage) Layers() ([]v1.Layer, error) {
	out := make([]v1.Layer, len(i.layers))
	for k, l := range i.layers {
		out[k] = l
	}
	return out, nil
}

func (i *archiveImage) MediaType() (types.MediaType, error) { return types.DockerManifestSchema2, nil }

func (i *archiveImage) Size() (int64, error) {
	b, err := i.RawManifest()
	return int64(len(b)), err
}

func (i *archiveImage) ConfigName() (v1.Hash, error) {
	h, _, err := v1.SHA256(bytes.NewReader(i.rawConfig))
	return h, err
}

func (i *archiveImage) ConfigFile() (*v1.ConfigFile, error) { return i.cfg.DeepCopy(), nil }

func (i *archiveImage) RawConfigFile() ([]byte, error) { return i.rawConfig, nil }

func (i *archiveImage) Digest() (v1.Hash, error) {
	b, err := i.RawManifest()
	if err != nil {
		return v1.Hash{}, err
	}
	h, _, err := v1.SHA256(bytes.NewReader(b))
	return h, err
}

// Manifest builds the manifest on first use; it hashes compressed blobs.
func (i *archiveImage) Manifest() (*v1.Manifest, error) {
	b, err := i.RawManifest()
	if err != nil {
		return nil, err
	}
	return v1.ParseManifest(bytes.NewReader(b))
}

func (i *archiveImage) RawManifest() ([]byte, error) {
	i.once.Do(func() {
		cfgHash, err := i.ConfigName()
		if err != nil {
			i.manifestErr = err
			return
		}
		m := v1.Manifest{
			SchemaVersion: 2,
			MediaType:     types.DockerManifestSchema2,
			Config:        v1.Descriptor{MediaType: types.DockerConfigJSON, Size: int64(len(i.rawConfig)), Digest: cfgHash},
		}
		for _, l := range i.layers {
			d, err := l.Digest()
			if err != nil {
				i.manifestErr = err
				return
			}
			mt, _ := l.MediaType()
			m.Layers = append(m.Layers, v1.Descriptor{MediaType: mt, Size: l.stored, Digest: d})
		}
		i.rawManifest, i.manifestErr = json.Marshal(m)
	})
	return i.rawManifest, i.manifestErr
}

func (i *archiveImage) LayerByDigest(h v1.Hash) (v1.Layer, error) {
	for _, l := range i.layers {
		if d, err := l.Digest(); err == nil && d == h {
			return l, nil
		}
	}
	return nil, fmt.Errorf("layer %s not in archive %s", h, i.tf.path)
}

func (i *archiveImage) LayerByDiffID(h v1.Hash) (v1.Layer, error) {
	for _, l := range i.layers {
		if l.diffID == h {
			return l, nil
		}
	}
	return nil, fmt.Errorf("layer with diff id %s not in archive %s", h, i.tf.path)
}

// compression of a stored layer blob.
const (
	storedPlain = "none"
	storedGzip  = "gzip"
	storedZstd  = "zstd"
)

// archiveLayer is one layer blob of a docker archive.
type archiveLayer struct {
	tf          *tarFile
	path        string
	diffID      v1.Hash
	stored      int64
	compression string
	verify      bool // check Uncompressed against diffID

	once      sync.Once
	digest    v1.Hash
	digestErr error
}

var _ v1.Layer = (*archiveLayer)(nil)

func (l *archiveLayer) sniff() error {
	rc, size, err := l.tf.open(l.path)
	if err != nil {
		return err
	}
	defer rc.Close()
	l.stored = size
	head := make([]byte, 4)
	n, _ := io.ReadFull(rc, head)
	switch head = head[:n]; {
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		l.compression = storedGzip
	case bytes.HasPrefix(head, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		l.compression = storedZstd
	default:
		l.compression = storedPlain
	}
	return nil
}

// StoredSize is the blob's size in the archive, known without reading it.
func (l *archiveLayer) StoredSize() int64 { return l.stored }

// Digest is the diff ID for plain layers; compressed blobs are hashed once.
func (l *archiveLayer) Digest() (v1.Hash, error) {
	if l.compression == storedPlain {
		return l.diffID, nil
	}
	l.once.Do(func() {
		rc, _, err := l.tf.open(l.path)
		if err != nil {
			l.digestErr = err
			return
		}
		defer rc.Close()
		h := sha256.New()
		if _, err := io.Copy(h, rc); err != nil {
			l.digestErr = fmt.Errorf("hashing layer %s: %w", l.path, err)
			return
		}
		l.digest = v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(h.Sum(nil))}
	})
	return l.digest, l.digestErr
}

func (l *archiveLayer) DiffID() (v1.Hash, error) { return l.diffID, nil }

func (l *archiveLayer) Compressed() (io.ReadCloser, error) {
	rc, _, err := l.tf.open(l.path)
	return rc, err
}

// Uncompressed streams the layer's tar; with verify it is checked against
// the config's diff ID (the only digest a docker archive records) when the
// stream ends.
func (l *archiveLayer) Uncompressed() (io.ReadCloser, error) {
	rc, err := l.uncompressed()
	if err != nil || !l.verify {
		return rc, err
	}
	return newHashVerifier(rc, l.diffID, "layer diff id"), nil
}

func (l *archiveLayer) uncompressed() (io.ReadCloser, error) {
	rc, _, err := l.tf.open(l.path)
	if err != nil {
		return nil, err
	}
	switch l.compression {
	case storedGzip:
		zr, err := gzip.NewReader(bufio.NewReaderSize(rc, 64<<10))
		if err != nil {
			rc.Close()
			return nil, fmt.Errorf("opening gzip layer %s: %w", l.path, err)
		}
		return &streamReadCloser{Reader: zr, closers: []io.Closer{zr, rc}}, nil
	case storedZstd:
		zr, err := zstd.NewReader(bufio.NewReaderSize(rc, 64<<10), zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true),
			zstd.WithDecoderMaxWindow(maxZstdWindow))
		if err != nil {
			rc.Close()
			return nil, fmt.Errorf("opening zstd layer %s: %w", l.path, err)
		}
		return &streamReadCloser{Reader: zr, closers: []io.Closer{zstdCloser{zr}, rc}}, nil
	}
	// A plain layer is read in place from the archive file: buffered, or
	// every tar header and small file would be a read system call of its own.
	return &streamReadCloser{Reader: bufio.NewReaderSize(rc, 64<<10), closers: []io.Closer{rc}}, nil
}

func (l *archiveLayer) Size() (int64, error) { return l.stored, nil }

func (l *archiveLayer) MediaType() (types.MediaType, error) {
	switch l.compression {
	case storedGzip:
		return types.DockerLayer, nil
	case storedZstd:
		return types.OCILayerZStd, nil
	}
	return types.DockerUncompressedLayer, nil
}

type zstdCloser struct{ d *zstd.Decoder }

func (z zstdCloser) Close() error { z.d.Close(); return nil }

// maxZstdWindow is the largest zstd window accepted (the reference
// decoder's default, window log 27): a frame header may otherwise make the
// decoder reserve up to 512 MiB for a layer of a few bytes.
const maxZstdWindow = 128 << 20
