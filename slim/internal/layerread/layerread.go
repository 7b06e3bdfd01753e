// Package layerread re-reads a layer's tar stream and numbers its entries
// exactly as analyze.Walk does, so that an entry found in an analyze.Index
// (layer, entry index) can be picked out of the stream again: the second pass
// over a layer that slim (file contents) and check (ELF headers, scripts)
// make. PAX global headers and the root directory are not entries; every
// other header is, whiteouts included.
package layerread

import (
	"archive/tar"
	"context"
	"fmt"
	"io"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/slimcheck/slimcheck/analyze"
)

// Func is called for each wanted entry with its index, its header and a
// reader of its contents (valid until Func returns).
type Func func(entry int, hdr *tar.Header, r io.Reader) error

// Each reads l's uncompressed tar stream to its end and calls fn for every
// entry whose index want returns true for (nil want: every entry). It checks
// that the wanted entry still has the path the index recorded (paths, when
// given, maps entry index to that path) so a layer that changed since it was
// indexed is an error, not a silent mix-up.
func Each(ctx context.Context, l v1.Layer, want func(entry int) bool, paths func(entry int) (string, bool), fn Func) error {
	rc, err := l.Uncompressed()
	if err != nil {
		return fmt.Errorf("opening layer: %w", err)
	}
	defer rc.Close()
	return EachReader(ctx, rc, want, paths, fn)
}

// EachReader is Each over an uncompressed tar stream.
func EachReader(ctx context.Context, r io.Reader, want func(entry int) bool, paths func(entry int) (string, bool), fn Func) error {
	cr := &ctxReader{ctx: ctx, r: r}
	tr := tar.NewReader(cr)
	n := 0
	for i := 0; ; i++ {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("reading tar entry %d: %w", i, err)
		}
		if hdr.Typeflag == tar.TypeXGlobalHeader {
			continue
		}
		p := analyze.CleanPath(hdr.Name)
		if p == "/" {
			continue
		}
		entry := n
		n++
		if want != nil && !want(entry) {
			continue
		}
		if paths != nil {
			if expect, ok := paths(entry); ok && expect != p {
				return fmt.Errorf("reading entry %d: found %s where the index has %s (the layer changed since it was read)", entry, p, expect)
			}
		}
		if err := fn(entry, hdr, tr); err != nil {
			return err
		}
	}
	// Read to the end so that verifying readers (registry blobs) check the digest.
	if _, err := io.Copy(io.Discard, cr); err != nil {
		return fmt.Errorf("reading end of layer: %w", err)
	}
	return nil
}

// ctxReader stops a read as soon as ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

// Read reads, unless ctx is done.
func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
