package check

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/slimcheck/slimcheck/analyze"
	"github.com/slimcheck/slimcheck/analyze/ecosystem"
	"github.com/slimcheck/slimcheck/slim/internal/layerread"
)

// facts is what the scan learned about one file of the final filesystem.
type facts struct {
	size    int64
	elf     *ELF   // nil unless the file is an ELF file that parsed
	elfErr  error  // why an ELF file did not parse
	shebang string // the #! line, without "#!", for scripts
	script  bool   // the file starts with "#!"
	body    []byte // whole contents, for the files captured
	read    bool   // the scan looked at the file
}

// want says what to read of one entry.
type want struct {
	path    string
	probe   bool // read its first bytes: ELF headers or a #! line
	capture bool // keep its contents (up to MaxCapture)
}

// scan plans which visible files to read and reads them in one pass over
// the layers that hold them.
func (c *checker) scan(ctx context.Context, layers []v1.Layer) error {
	wants := map[analyze.Ref]*want{}
	add := func(r analyze.Ref, p string, probe, capture bool) {
		w := wants[r]
		if w == nil {
			w = &want{path: p}
			wants[r] = w
		}
		w.probe = w.probe || probe
		w.capture = w.capture || capture
	}
	for _, r := range c.ix.Final {
		e := &c.ix.Layers[r.Layer].Entries[r.Entry]
		if e.Type == analyze.TypeFile && (executable(e.Mode) || libraryLike(e.Path)) {
			add(r, e.Path, true, false)
		}
	}
	for _, p := range c.capturePaths() {
		if rr, ok := c.v.regular(p); ok && rr.e.Size <= c.opts.MaxCapture {
			add(rr.ref, rr.path, false, true)
		}
	}
	byLayer := map[int32]map[int32]*want{}
	for r, w := range wants {
		if byLayer[r.Layer] == nil {
			byLayer[r.Layer] = map[int32]*want{}
		}
		byLayer[r.Layer][r.Entry] = w
	}
	ids := make([]int, 0, len(byLayer))
	for li := range byLayer {
		ids = append(ids, int(li))
	}
	sort.Ints(ids)
	budget := c.opts.CaptureBudget
	for _, li := range ids {
		ws := byLayer[int32(li)]
		err := layerread.Each(ctx, layers[li],
			func(i int) bool { return ws[int32(i)] != nil },
			func(i int) (string, bool) { return ws[int32(i)].path, true },
			func(i int, hdr *tar.Header, r io.Reader) error {
				w := ws[int32(i)]
				f, err := c.read(w, hdr, r, &budget)
				if err != nil {
					return fmt.Errorf("reading %s: %w", w.path, err)
				}
				c.facts[w.path] = f
				return nil
			})
		if err != nil {
			return fmt.Errorf("reading layer %d: %w", li, err)
		}
	}
	return nil
}

// read learns the facts of one file from its contents.
func (c *checker) read(w *want, hdr *tar.Header, r io.Reader, budget *int64) (*facts, error) {
	f := &facts{size: hdr.Size, read: true}
	if hdr.Typeflag != tar.TypeReg && hdr.Typeflag != tar.TypeRegA && hdr.Typeflag != tar.TypeGNUSparse {
		return f, nil
	}
	if w.capture && !w.probe {
		b, err := io.ReadAll(io.LimitReader(r, c.opts.MaxCapture))
		f.body = b
		return f, err
	}
	head := make([]byte, min(hdr.Size, 4))
	if _, err := io.ReadFull(r, head); err != nil {
		return nil, err
	}
	switch {
	case bytes.HasPrefix(head, []byte("\x7fELF")):
		if int64(cap(c.scratch)) < min(hdr.Size, c.opts.ELFPrefix) {
			c.scratch = make([]byte, min(hdr.Size, c.opts.ELFPrefix))
		}
		e, err := readELF(io.MultiReader(bytes.NewReader(head), r), hdr.Size, c.opts.ELFPrefix, c.scratch)
		f.elf, f.elfErr = e, err
	case bytes.HasPrefix(head, []byte("#!")):
		f.script = true
		keep := hdr.Size <= c.opts.MaxCapture && hdr.Size <= *budget
		limit := int64(maxShebang)
		if keep {
			limit = hdr.Size
		}
		rest, err := io.ReadAll(io.LimitReader(r, limit-int64(len(head))))
		if err != nil {
			return nil, err
		}
		b := append(head, rest...)
		line := b
		if i := bytes.IndexByte(line, '\n'); i >= 0 {
			line = line[:i]
		} else if len(line) > maxShebang {
			line = line[:maxShebang]
		}
		if len(line) > maxShebang {
			line = line[:maxShebang]
		}
		f.shebang = string(line[2:])
		if keep {
			f.body = b
			*budget -= int64(len(b))
		}
	default:
		if w.capture {
			rest, err := io.ReadAll(io.LimitReader(r, c.opts.MaxCapture-int64(len(head))))
			if err != nil {
				return nil, err
			}
			f.body = append(head, rest...)
		}
	}
	return f, nil
}

// maxShebang is how much of a #! line the kernel reads (BINPRM_BUF_SIZE).
const maxShebang = 256

// libraryLike reports whether p is named like a shared object, a native
// addon or a program loader.
func libraryLike(p string) bool {
	b := path.Base(p)
	return strings.HasSuffix(b, ".so") || strings.Contains(b, ".so.") || strings.HasSuffix(b, ".node") ||
		ecosystem.IsAddonPath(p)
}

// capturePaths are the small files whose contents the checks read.
func (c *checker) capturePaths() []string {
	ps := []string{"/etc/passwd", "/etc/group", "/etc/ld.so.conf"}
	ps = append(ps, c.v.children("/etc/ld.so.conf.d")...)
	for _, p := range c.v.children("/etc") {
		if b := path.Base(p); strings.HasPrefix(b, "ld-musl-") && strings.HasSuffix(b, ".path") {
			ps = append(ps, p)
		}
	}
	cfg := c.ix.Config.Config
	for _, a := range append(append([]string{}, cfg.Entrypoint...), cfg.Cmd...) {
		if a != "" && !strings.HasPrefix(a, "-") && !strings.ContainsAny(a, "$ \n") {
			ps = append(ps, abs(c.workdir, a))
		}
	}
	for d := c.workdir; ; d = path.Dir(d) {
		ps = append(ps, path.Join(d, "package.json"))
		if d == "/" {
			break
		}
	}
	return ps
}
