package bench

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"golang.org/x/sync/errgroup"
)

// archiveManifest is one image of a docker-archive's manifest.json.
type archiveManifest struct {
	Config   string   `json:"Config"`
	RepoTags []string `json:"RepoTags"`
	Layers   []string `json:"Layers"`
}

// Generate plans the image of the given kind and writes it to out as a
// docker-archive with gzip layers, named as go-containerregistry's
// tarball.Write names them. Layers are rendered in parallel into a
// temporary directory beside out; out is replaced only when complete.
func Generate(ctx context.Context, kind Kind, opts PlanOptions, out string) (Stats, error) {
	p, err := NewPlan(kind, opts)
	if err != nil {
		return Stats{}, err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(out), ".bench-gen-")
	if err != nil {
		return Stats{}, fmt.Errorf("creating work directory: %w", err)
	}
	defer os.RemoveAll(tmp)
	c := newCorpus(opts.Seed)
	blobs := make([]blob, len(p.Layers))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	// Start the largest layers first so that the slowest one does not run alone at the end.
	for _, i := range bySize(p) {
		g.Go(func() error {
			b, err := renderLayer(gctx, p.Layers[i], c, tmp)
			if err != nil {
				return fmt.Errorf("rendering layer %d: %w", i, err)
			}
			blobs[i] = b
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return Stats{}, err
	}
	if err := writeArchive(p, blobs, out+".part"); err != nil {
		os.Remove(out + ".part")
		return Stats{}, err
	}
	if err := os.Rename(out+".part", out); err != nil {
		return Stats{}, fmt.Errorf("renaming %s: %w", out, err)
	}
	return p.Stats(), nil
}

// bySize orders layer indexes by planned bytes, largest first.
func bySize(p *Plan) []int {
	size := make([]int64, len(p.Layers))
	idx := make([]int, len(p.Layers))
	for i, l := range p.Layers {
		idx[i] = i
		for _, e := range l.Entries {
			size[i] += e.Size
		}
	}
	for i := 1; i < len(idx); i++ { // insertion sort: a handful of layers
		for j := i; j > 0 && size[idx[j]] > size[idx[j-1]]; j-- {
			idx[j], idx[j-1] = idx[j-1], idx[j]
		}
	}
	return idx
}

// config renders the image config of p for the rendered blobs.
func config(p *Plan, blobs []blob) ([]byte, error) {
	cfg := v1.ConfigFile{
		Architecture: "amd64",
		OS:           "linux",
		Created:      v1.Time{Time: epoch()},
		Config:       v1.Config{Env: p.Env, WorkingDir: p.WorkingDir, Entrypoint: p.Entrypoint, User: p.User},
		RootFS:       v1.RootFS{Type: "layers"},
	}
	for i, l := range p.Layers {
		cfg.RootFS.DiffIDs = append(cfg.RootFS.DiffIDs, v1.Hash{Algorithm: "sha256", Hex: blobs[i].diffID})
		cfg.History = append(cfg.History, v1.History{Created: v1.Time{Time: epoch()}, CreatedBy: l.CreatedBy})
		if i == 0 {
			cfg.History = append(cfg.History, v1.History{Created: v1.Time{Time: epoch()}, CreatedBy: `/bin/sh -c #(nop)  CMD ["bash"]`, EmptyLayer: true})
		}
	}
	for _, e := range p.Env {
		cfg.History = append(cfg.History, v1.History{Created: v1.Time{Time: epoch()}, CreatedBy: "/bin/sh -c #(nop)  ENV " + e, EmptyLayer: true})
	}
	cfg.History = append(cfg.History, v1.History{Created: v1.Time{Time: epoch()}, CreatedBy: `/bin/sh -c #(nop)  ENTRYPOINT ["` + strings.Join(p.Entrypoint, `", "`) + `"]`, EmptyLayer: true})
	return json.Marshal(cfg)
}

// writeArchive assembles the docker-archive: the config, the layer blobs
// and manifest.json, in that order (tarball.Write's).
func writeArchive(p *Plan, blobs []blob, out string) error {
	rawCfg, err := config(p, blobs)
	if err != nil {
		return fmt.Errorf("encoding config: %w", err)
	}
	sum := sha256.Sum256(rawCfg)
	m := []archiveManifest{{Config: "sha256:" + hex.EncodeToString(sum[:]), RepoTags: []string{"slimcheck-bench/" + string(p.Kind) + ":latest"}}}
	f, err := os.Create(out)
	if err != nil {
		return fmt.Errorf("creating %s: %w", out, err)
	}
	defer f.Close()
	tw := tar.NewWriter(f)
	if err := addMember(tw, m[0].Config, bytes.NewReader(rawCfg), int64(len(rawCfg))); err != nil {
		return err
	}
	for _, b := range blobs {
		name := b.digest + ".tar.gz"
		m[0].Layers = append(m[0].Layers, name)
		bf, err := os.Open(b.path)
		if err != nil {
			return fmt.Errorf("opening layer file: %w", err)
		}
		err = addMember(tw, name, bf, b.size)
		bf.Close()
		if err != nil {
			return err
		}
	}
	rawManifest, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("encoding manifest.json: %w", err)
	}
	if err := addMember(tw, "manifest.json", bytes.NewReader(rawManifest), int64(len(rawManifest))); err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("closing %s: %w", out, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("closing %s: %w", out, err)
	}
	return nil
}

func addMember(tw *tar.Writer, name string, r io.Reader, size int64) error {
	if err := tw.WriteHeader(&tar.Header{Name: name, Size: size, Mode: 0o644, Typeflag: tar.TypeReg, ModTime: epoch()}); err != nil {
		return fmt.Errorf("writing header of %s: %w", name, err)
	}
	if _, err := io.CopyBuffer(tw, r, make([]byte, 1<<20)); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	return nil
}
