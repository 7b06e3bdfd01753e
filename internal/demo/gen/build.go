// Package gen generates the demo image embedded by internal/demo: it lays
// out a CentOS 7 base and toolchain from a real rpmdb, a Node.js runtime and an
// s2i-assembled app, deterministically. Run it with go run ./testdata/gendemo.
package gen

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"golang.org/x/sync/errgroup"
)

// Build generates the demo image from a CentOS 7 BerkeleyDB rpmdb (the
// Packages file, plain or gzipped; the repository's copy is
// ../shared/fixtures/rpmdb/centos7-devtools/Packages.gz). The result is
// byte-for-byte deterministic for a given rpmdb, Go toolchain and dependency
// set: timestamps, ownership and entry order are fixed and nothing depends on
// map order or randomness. The rpmdb is an input rather than embedded data
// because it lives outside the module and would double the binary's size.
func Build(ctx context.Context, rpmdbPath string) (v1.Image, error) {
	pkgs, err := loadRPMDB(ctx, rpmdbPath)
	if err != nil {
		return nil, err
	}
	set, err := resolvePackages(pkgs)
	if err != nil {
		return nil, err
	}
	steps, err := demoSteps(ctx, set)
	if err != nil {
		return nil, err
	}
	return assemble(ctx, steps)
}

// Timestamps of the build steps: the CentOS base image, then the builder
// and the OpenShift build on one morning.
func baseCreated() time.Time  { return time.Date(2018, 6, 4, 22, 35, 1, 0, time.UTC) }
func buildStarted() time.Time { return time.Date(2024, 3, 4, 11, 58, 0, 0, time.UTC) }

// demoSteps lays out every layer in order over a merged view and pairs it
// with its history entry, interleaved with the metadata-only instructions.
func demoSteps(ctx context.Context, set packageSet) ([]step, error) {
	app, tree := demoApp(), npmTree()
	src, err := appSourceFiles(app, tree)
	if err != nil {
		return nil, err
	}
	view := newFSView()
	at := buildStarted()
	tick := func(d time.Duration) time.Time { at = at.Add(d); return at }
	var steps []step
	layer := func(createdBy string, when time.Time, t *layerTree, err error) error {
		if err != nil {
			return err
		}
		view.apply(t)
		steps = append(steps, step{createdBy: createdBy, at: when, layer: t})
		return nil
	}
	meta := func(createdBy string, when time.Time) {
		steps = append(steps, step{createdBy: createdBy, at: when})
	}

	base, err := buildBaseTree(ctx, set.base)
	if err := layer("", baseCreated(), base, err); err != nil {
		return nil, fmt.Errorf("laying out the base layer: %w", err)
	}
	meta(nopCmd("LABEL "+kvList(baseLabels())), baseCreated().Add(time.Second))
	meta(nopCmd(`CMD ["/bin/bash"]`), baseCreated().Add(2*time.Second))

	meta(nopCmd("ENV "+kvList(builderEnv()[:2])), tick(0))
	meta(nopCmd("LABEL "+kvList(builderLabels())), tick(time.Second))
	install := `/bin/sh -c INSTALL_PKGS="` + strings.Join(toolchainRoots(), " ") + `" && yum install -y --setopt=keepcache=1 $INSTALL_PKGS`
	tc, err := buildToolchainTree(ctx, view, set.base, set.toolchain, tick(time.Second))
	if err := layer(install, tick(95*time.Second), tc, err); err != nil {
		return nil, fmt.Errorf("laying out the toolchain layer: %w", err)
	}
	meta(nopCmd("ENV "+kvList(builderEnv()[2:])), tick(time.Second))
	nodeCmd := `/bin/sh -c curl -fsSL ` + strings.ReplaceAll(nodeTarball, nodeVersion, "${NODE_VERSION}") +
		` | tar -xJ --strip-components=1 --no-same-owner -C /usr && useradd -u 1001 -r -g 0 -d ${HOME} -s /sbin/nologin -c "Default Application User" default && mkdir -p ${APP_ROOT}/etc ${APP_ROOT}/bin ${HOME} && chown -R 1001:0 ${APP_ROOT}`
	node, err := buildNodeTree(view)
	if err := layer(nodeCmd, tick(41*time.Second), node, err); err != nil {
		return nil, fmt.Errorf("laying out the node layer: %w", err)
	}
	s2i, err := buildS2ITree(view)
	if err := layer("/bin/sh -c #(nop) COPY dir:"+hexName("s2i root")+" in / ", tick(2*time.Second), s2i, err); err != nil {
		return nil, fmt.Errorf("laying out the s2i scripts layer: %w", err)
	}
	meta(nopCmd("WORKDIR "+appHome), tick(time.Second))
	meta(nopCmd("USER 1001"), tick(time.Second))
	meta(nopCmd("EXPOSE 8080"), tick(time.Second))
	meta(nopCmd(`CMD ["`+s2iScriptsDir+`/usage"]`), tick(time.Second))

	// The OpenShift s2i build (the Dockerfile s2i generates for buildah).
	meta(nopCmd("LABEL "+kvList(buildLabels())), tick(4*time.Minute))
	meta(nopCmd("ENV "+kvList(buildEnv())), tick(time.Second))
	meta(nopCmd("USER root"), tick(time.Second))
	up, err := buildUploadTree(view, src, 0)
	if err := layer("/bin/sh -c #(nop) COPY dir:"+hexName("upload src")+" in /tmp/src ", tick(time.Second), up, err); err != nil {
		return nil, fmt.Errorf("laying out the source upload layer: %w", err)
	}
	chown, err := buildUploadTree(view, src, appUID)
	if err := layer("/bin/sh -c chown -R 1001:0 /tmp/src", tick(time.Second), chown, err); err != nil {
		return nil, fmt.Errorf("laying out the chown layer: %w", err)
	}
	meta(nopCmd("USER 1001"), tick(time.Second))
	installAt := tick(2 * time.Second)
	asm, err := buildAssembleTree(view, app, tree, src, installAt)
	if err := layer("/bin/sh -c "+s2iScriptsDir+"/assemble", tick(58*time.Second), asm, err); err != nil {
		return nil, fmt.Errorf("laying out the assemble layer: %w", err)
	}
	meta(nopCmd(`CMD ["`+s2iScriptsDir+`/run"]`), tick(time.Second))

	// The team's follow-up Dockerfile that tries to slim the result.
	meta(nopCmd("USER 0"), tick(6*time.Minute))
	cleanupCmd := "/bin/sh -c rm -rf /tmp/* " + appHome + "/.npm/_logs /var/cache/yum/x86_64/7/updates/packages/* && mkdir " +
		appHome + "/.npm/_logs && chown 1001:0 " + appHome + "/.npm/_logs && chmod -R o-rwx " + strings.Join(chmodTargets(), " ")
	clean, err := buildCleanupTree(view)
	if err := layer(cleanupCmd, tick(3*time.Second), clean, err); err != nil {
		return nil, fmt.Errorf("laying out the cleanup layer: %w", err)
	}
	meta(nopCmd("USER 1001"), tick(time.Second))
	return steps, nil
}

// assemble compresses the layers (in parallel, results in order) and builds
// the image with the final config and history.
func assemble(ctx context.Context, steps []step) (v1.Image, error) {
	var trees []*step
	for i := range steps {
		if steps[i].layer != nil {
			trees = append(trees, &steps[i])
		}
	}
	layers := make([]v1.Layer, len(trees))
	diffIDs := make([]v1.Hash, len(trees))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, s := range trees {
		g.Go(func() error {
			l, cl, err := buildLayer(gctx, s.layer, s.at)
			if err != nil {
				return fmt.Errorf("writing layer %d: %w", i, err)
			}
			layers[i], diffIDs[i] = l, cl.diffID
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if len(trees) == 0 {
		return nil, fmt.Errorf("assembling the demo image: no layers")
	}
	// The base image's history names its tarball by content hash.
	trees[0].createdBy = "/bin/sh -c #(nop) ADD file:" + diffIDs[0].Hex + " in / "

	img, err := mutate.AppendLayers(empty.Image, layers...)
	if err != nil {
		return nil, fmt.Errorf("appending layers: %w", err)
	}
	cfg := imageConfig(steps, diffIDs)
	img, err = mutate.ConfigFile(img, &cfg)
	if err != nil {
		return nil, fmt.Errorf("setting image config: %w", err)
	}
	return img, nil
}
