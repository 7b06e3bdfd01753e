// Command floor measures the least work any analyzer of a docker-archive
// must do: decompress every layer with klauspost/compress and read every
// tar entry to its end, layers in parallel up to GOMAXPROCS.
//
//	go run ./internal/bench/floor [-hash] [-stream] [-j N] ARCHIVE
//
// With -hash it also hashes every regular file's contents with xxhash64, as
// slimcheck does; with -stream it reads tar entries with slimcheck's reader
// (analyze/tarstream) instead of archive/tar. It prints what it read on
// stdout.
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
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(2)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("floor", flag.ContinueOnError)
	var opts bench.FloorOptions
	fs.BoolVar(&opts.Hash, "hash", false, "hash every regular file's contents with xxhash64")
	fs.BoolVar(&opts.Stream, "stream", false, "read tar entries with analyze/tarstream, as slimcheck does, instead of archive/tar")
	fs.IntVar(&opts.Concurrency, "j", 0, "layers read at once (0 = GOMAXPROCS)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: floor [-hash] [-stream] [-j N] ARCHIVE")
	}
	st, err := bench.Floor(ctx, fs.Arg(0), opts)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "layers=%d entries=%d content=%d tar=%d stored=%d hashsum=%016x\n",
		st.Layers, st.Entries, st.Content, st.TarBytes, st.Stored, st.HashSum)
	return err
}
