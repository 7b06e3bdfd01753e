// Command gendemo regenerates the demo image embedded in `slimcheck demo`.
//
// Run it from the repository root:
//
//	go run ./testdata/gendemo -o internal/demo/demo-image.tar
//
// It builds the image with demo.Build from the CentOS 7 rpmdb fixture and
// writes it as a docker-archive (`docker save` layout) tagged demo.Reference.
// The output is deterministic; internal/demo's tests fail if the committed
// artifact and the generator disagree.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/slimcheck/slimcheck/internal/demo"
	"github.com/slimcheck/slimcheck/internal/demo/gen"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "gendemo:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("gendemo", flag.ContinueOnError)
	out := fs.String("o", filepath.Join("internal", "demo", demo.ArtifactName), "output docker-archive")
	rpmdb := fs.String("rpmdb", filepath.Join("..", "shared", "fixtures", "rpmdb", "centos7-devtools", "Packages.gz"), "CentOS 7 BerkeleyDB rpmdb (Packages, plain or gzipped)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return errors.New("unexpected arguments; usage: gendemo [-o file] [-rpmdb file]")
	}
	tag, err := name.NewTag(demo.Reference)
	if err != nil {
		return fmt.Errorf("parsing %q: %w", demo.Reference, err)
	}
	img, err := gen.Build(ctx, *rpmdb)
	if err != nil {
		return fmt.Errorf("building demo image: %w", err)
	}
	// Write beside the target and rename, so a failed run leaves the old
	// artifact intact.
	tmp := *out + ".tmp"
	if err := tarball.WriteToFile(tmp, tag, img); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, *out); err != nil {
		return fmt.Errorf("replacing %s: %w", *out, err)
	}
	return nil
}
