package gen

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// writeLayerTar writes the tree as a tar stream with every member stamped
// with mtime. Output depends only on the tree and mtime.
func writeLayerTar(ctx context.Context, w io.Writer, t *layerTree, mtime time.Time) error {
	tw := tar.NewWriter(w)
	zeros := make([]byte, 64<<10)
	for i, e := range t.sorted() {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		hdr := &tar.Header{
			Name:    tarName(e),
			Mode:    e.mode,
			Uid:     e.uid,
			Gid:     e.gid,
			ModTime: mtime,
		}
		switch e.kind {
		case kindDir:
			hdr.Typeflag = tar.TypeDir
		case kindFile:
			hdr.Typeflag = tar.TypeReg
			hdr.Size = e.size
		case kindSymlink:
			hdr.Typeflag = tar.TypeSymlink
			hdr.Linkname = e.link
		case kindHardlink:
			hdr.Typeflag = tar.TypeLink
			hdr.Linkname = strings.TrimPrefix(e.link, "/")
		case kindWhiteout, kindOpaque:
			hdr.Typeflag = tar.TypeReg
			hdr.Mode = 0o644
			hdr.Uid, hdr.Gid = 0, 0
		default:
			return fmt.Errorf("writing %s: unknown entry kind %d", e.path, e.kind)
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return fmt.Errorf("writing tar header for %s: %w", e.path, err)
		}
		if e.kind != kindFile {
			continue
		}
		if _, err := tw.Write(e.content); err != nil {
			return fmt.Errorf("writing %s: %w", e.path, err)
		}
		for left := e.size - int64(len(e.content)); left > 0; {
			n := int64(len(zeros))
			if left < n {
				n = left
			}
			if _, err := tw.Write(zeros[:n]); err != nil {
				return fmt.Errorf("writing %s: %w", e.path, err)
			}
			left -= n
		}
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("closing layer tar: %w", err)
	}
	return nil
}

// compressedLayer is a gzip layer held in memory with its digests computed
// while it was written. It implements partial.CompressedLayer and
// partial.WithDiffID so ggcr never has to decompress it to learn the DiffID.
type compressedLayer struct {
	gz     []byte
	digest v1.Hash
	diffID v1.Hash
	size   int64 // uncompressed tar size
}

var _ partial.CompressedLayer = (*compressedLayer)(nil)

// Digest implements partial.CompressedLayer.
func (l *compressedLayer) Digest() (v1.Hash, error) { return l.digest, nil }

// DiffID implements partial.WithDiffID.
func (l *compressedLayer) DiffID() (v1.Hash, error) { return l.diffID, nil }

// Compressed implements partial.CompressedLayer.
func (l *compressedLayer) Compressed() (io.ReadCloser, error) {
	return io.NopCloser(bytes.NewReader(l.gz)), nil
}

// Size implements partial.CompressedLayer.
func (l *compressedLayer) Size() (int64, error) { return int64(len(l.gz)), nil }

// MediaType implements partial.CompressedLayer. The docker media type is what
// ggcr's tarball reader reports for docker-archive layers, so the built image
// and the re-read artifact have the same manifest.
func (l *compressedLayer) MediaType() (types.MediaType, error) { return types.DockerLayer, nil }

// countingWriter counts bytes written through it.
type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}

// buildLayer turns a tree into a gzip-compressed v1.Layer in one pass: the tar
// stream is hashed for the DiffID, counted and compressed at the same time.
func buildLayer(ctx context.Context, t *layerTree, mtime time.Time) (v1.Layer, *compressedLayer, error) {
	var gzBuf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&gzBuf, gzip.BestCompression)
	if err != nil {
		return nil, nil, fmt.Errorf("creating gzip writer: %w", err)
	}
	diffHash := sha256.New()
	var count countingWriter
	if err := writeLayerTar(ctx, io.MultiWriter(diffHash, &count, zw), t, mtime); err != nil {
		return nil, nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, nil, fmt.Errorf("closing gzip stream: %w", err)
	}
	sum := sha256.Sum256(gzBuf.Bytes())
	cl := &compressedLayer{
		gz:     gzBuf.Bytes(),
		digest: v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(sum[:])},
		diffID: v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(diffHash.Sum(nil))},
		size:   count.n,
	}
	l, err := partial.CompressedToLayer(cl)
	if err != nil {
		return nil, nil, fmt.Errorf("wrapping layer %s: %w", cl.digest, err)
	}
	return l, cl, nil
}
