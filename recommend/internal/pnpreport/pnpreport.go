// Package pnpreport analyzes, for the recommender's tests, an image built
// in memory around a real Yarn Plug'n'Play install (the recordings in
// analyze/deps/node/pnp/testdata): a node base layer, the project's sources
// copied in, and the layer `yarn install` wrote, zips and unplugged files
// zero-filled at the paths Yarn used. The report comes from the whole
// analysis pipeline, so a plan made from it sees exactly what the
// attribution decided.
package pnpreport

import (
	"context"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/slimcheck/slimcheck/analyze/deps/node/pnp/pnptest"
	"github.com/slimcheck/slimcheck/analyze/pipeline"
	"github.com/slimcheck/slimcheck/analyze/source"
	"github.com/slimcheck/slimcheck/internal/imagetest"
	"github.com/slimcheck/slimcheck/report"
)

// InstallLayer is the index of the layer `yarn install` wrote.
const InstallLayer = 2

// sources are the files `COPY . /usr/src/app` brings; yarn install writes
// the rest.
func isSource(p string) bool {
	switch strings.TrimPrefix(p, pnptest.AppDir+"/") {
	case "package.json", "yarn.lock", ".yarnrc.yml", "index.js", "packages/lib/package.json", "packages/lib/index.js":
		return true
	}
	return false
}

// Report analyzes the image of the recorded install variant and returns
// the report with its file list, and the install.
func Report(tb testing.TB, variant string) (*report.Report, pnptest.Fixture) {
	tb.Helper()
	fx := pnptest.Load(tb, variant)
	var src, install []imagetest.Entry
	for _, e := range fx.Entries() {
		if isSource("/" + e.Path) {
			src = append(src, e)
		} else {
			install = append(install, e)
		}
	}
	base := []imagetest.Entry{
		imagetest.Text("etc/os-release", "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n"),
		imagetest.Text("etc/passwd", "root:x:0:0:root:/root:/bin/bash\nnode:x:1000:1000::/home/node:/bin/bash\n"),
		{Path: "bin/sh", Size: 125_000, Mode: 0o755},
		{Path: "bin/rm", Size: 72_000, Mode: 0o755},
		{Path: "usr/local/bin/node", Size: 95_000_000, Mode: 0o755},
		imagetest.Symlink("usr/local/bin/yarn", "../lib/node_modules/corepack/dist/yarn.js"),
		imagetest.File("usr/local/lib/node_modules/corepack/dist/yarn.js", 2_000),
		imagetest.File("usr/share/doc/base/copyright", 5_000),
	}
	cfg := v1.Config{
		Env:        []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "NODE_VERSION=20.11.1", "YARN_VERSION=4.18.1"},
		WorkingDir: pnptest.AppDir,
		Cmd:        []string{"node", "-r", "./.pnp.cjs", "index.js"},
	}
	img := imagetest.Image(tb, cfg, []string{
		"/bin/sh -c set -ex && curl -fsSLO https://nodejs.org/dist/v20.11.1/node-v20.11.1-linux-x64.tar.xz # NODE_VERSION",
		"COPY . /usr/src/app # buildkit",
		"RUN /bin/sh -c yarn install # buildkit",
	}, imagetest.Layer(tb, base...), imagetest.Layer(tb, src...), imagetest.Layer(tb, install...))
	opts := pipeline.DefaultOptions()
	opts.Summary.Files = true
	opts.Summary.ToolVersion = "test"
	ref := "example.com/pnp/" + variant + ":1"
	res, err := pipeline.RunImage(context.Background(), img, source.Info{Reference: ref, Kind: source.KindRegistry, Name: ref}, opts)
	if err != nil {
		tb.Fatalf("analyzing the %s image: %v", variant, err)
	}
	return res.Report, fx
}
