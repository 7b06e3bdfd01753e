package bench

import (
	"archive/tar"
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"
	"time"

	"github.com/klauspost/compress/gzip"
)

// epoch is the modification time of every generated entry.
func epoch() time.Time { return time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC) }

// blob is a rendered layer: a gzip file on disk and its digests.
type blob struct {
	path   string // the gzip file
	digest string // hex sha256 of the gzip bytes
	diffID string // hex sha256 of the tar
	size   int64  // gzip bytes
}

// countingHash hashes and counts what is written to it.
type countingHash struct {
	h hash.Hash
	n int64
}

func (c *countingHash) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return c.h.Write(p)
}

// renderLayer writes l as a gzip-compressed tar (klauspost gzip, default
// level) to a new file in dir.
func renderLayer(ctx context.Context, l LayerPlan, c *corpus, dir string) (blob, error) {
	f, err := os.CreateTemp(dir, "layer-*.tar.gz")
	if err != nil {
		return blob{}, fmt.Errorf("creating layer file: %w", err)
	}
	b, err := writeLayer(ctx, f, l, c)
	b.path = f.Name()
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("closing %s: %w", f.Name(), cerr)
	}
	return b, err
}

func writeLayer(ctx context.Context, w io.Writer, l LayerPlan, c *corpus) (blob, error) {
	bw := bufio.NewWriterSize(w, 1<<20)
	compressed := &countingHash{h: sha256.New()}
	zw, err := gzip.NewWriterLevel(io.MultiWriter(compressed, bw), gzip.DefaultCompression)
	if err != nil {
		return blob{}, fmt.Errorf("opening gzip writer: %w", err)
	}
	diff := sha256.New()
	tw := tar.NewWriter(io.MultiWriter(diff, zw))
	buf := make([]byte, 256<<10)
	for i, e := range l.Entries {
		if i%1024 == 0 && ctx.Err() != nil {
			return blob{}, ctx.Err()
		}
		hdr := &tar.Header{Name: e.TarName(), Mode: e.Mode, Uid: e.UID, Gid: e.GID, ModTime: epoch(), Typeflag: tar.TypeReg}
		switch e.Kind {
		case KindFile:
			hdr.Size = e.Size
		case KindDir:
			hdr.Typeflag = tar.TypeDir
		case KindSymlink:
			hdr.Typeflag, hdr.Linkname = tar.TypeSymlink, e.Link
		case KindHardlink:
			hdr.Typeflag, hdr.Linkname = tar.TypeLink, e.Link
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return blob{}, fmt.Errorf("writing header of %s: %w", hdr.Name, err)
		}
		if e.Kind == KindFile {
			if err := c.writeContent(tw, e, buf); err != nil {
				return blob{}, fmt.Errorf("writing %s: %w", hdr.Name, err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		return blob{}, fmt.Errorf("closing tar: %w", err)
	}
	if err := zw.Close(); err != nil {
		return blob{}, fmt.Errorf("closing gzip: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return blob{}, fmt.Errorf("writing layer: %w", err)
	}
	return blob{
		digest: hex.EncodeToString(compressed.h.Sum(nil)),
		diffID: hex.EncodeToString(diff.Sum(nil)),
		size:   compressed.n,
	}, nil
}
