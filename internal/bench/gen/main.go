// Command gen writes one of the benchmark images as a docker-archive.
//
//	go run ./internal/bench/gen -kind big|many -o FILE [-seed N] [-scale F]
//
// The output is deterministic for a kind, seed and scale. It prints the
// image's plan statistics on stdout.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/slimcheck/slimcheck/internal/bench"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(2)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	kind := fs.String("kind", "", "image to generate: big or many")
	out := fs.String("o", "", "output docker-archive path")
	opts := bench.DefaultPlanOptions()
	fs.Uint64Var(&opts.Seed, "seed", opts.Seed, "pseudo-random seed")
	fs.Float64Var(&opts.Scale, "scale", opts.Scale, "multiplier for file counts and bytes (1 = benchmark size)")
	planOnly := fs.Bool("plan", false, "print the plan's statistics without writing anything")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *kind == "" || (*out == "" && !*planOnly) || fs.NArg() > 0 {
		return errors.New("usage: gen -kind big|many -o FILE [-seed N] [-scale F] [-plan]")
	}
	var st bench.Stats
	var err error
	if *planOnly {
		var p *bench.Plan
		if p, err = bench.NewPlan(bench.Kind(*kind), opts); err == nil {
			st = p.Stats()
		}
	} else {
		st, err = bench.Generate(ctx, bench.Kind(*kind), opts, *out)
	}
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "%s: %d layers, %d entries, %d files, %d dirs, %d links, %d whiteouts, %d opaque, %.1f MiB of file bytes (%.1f MiB incompressible); largest layer %d: %.1f MiB (%.1f MiB incompressible)\n",
		*kind, st.Layers, st.Entries, st.Files, st.Dirs, st.Links, st.Whiteouts, st.Opaques,
		mib(st.Bytes), mib(st.RandomBytes), st.MaxLayerIndex, mib(st.MaxLayerBytes), mib(st.MaxLayerRand))
	return err
}

func mib(n int64) float64 { return float64(n) / (1 << 20) }
