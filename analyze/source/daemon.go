package source

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/daemon"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/moby/moby/client"
)

// probeTimeout bounds the ping of each candidate daemon socket.
const probeTimeout = 3 * time.Second

// daemonHosts lists the daemon endpoints to try for scheme ("docker" or
// "podman"), in order: $DOCKER_HOST, Docker's socket, then Podman's
// docker-compatible sockets (podman: tries $CONTAINER_HOST and Podman first).
func daemonHosts(o Options, scheme string, getenv func(string) string) []string {
	if o.daemonHosts != nil {
		return o.daemonHosts
	}
	var podman []string
	if h := getenv("CONTAINER_HOST"); strings.HasPrefix(h, "unix://") {
		podman = append(podman, h)
	}
	if x := getenv("XDG_RUNTIME_DIR"); x != "" {
		podman = append(podman, "unix://"+filepath.Join(x, "podman", "podman.sock"))
	}
	podman = append(podman, "unix:///run/podman/podman.sock")
	var docker []string
	if h := getenv("DOCKER_HOST"); h != "" {
		docker = append(docker, h)
	}
	docker = append(docker, "unix:///var/run/docker.sock")
	if scheme == "podman" {
		return dedupe(append(podman, docker...))
	}
	return dedupe(append(docker, podman...))
}

func dedupe(s []string) []string {
	seen := map[string]bool{}
	out := s[:0]
	for _, v := range s {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// connectDaemon returns a client for the first endpoint that answers a ping.
func connectDaemon(ctx context.Context, hosts []string) (*client.Client, error) {
	var tried []string
	for _, h := range hosts {
		c, err := probe(ctx, h)
		if err == nil {
			return c, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		tried = append(tried, fmt.Sprintf("%s: %s", h, oneLine(err.Error())))
	}
	return nil, fmt.Errorf("%w (tried %s)", ErrNoDaemon, strings.Join(tried, "; "))
}

func probe(ctx context.Context, host string) (*client.Client, error) {
	if sock, ok := strings.CutPrefix(host, "unix://"); ok {
		fi, err := os.Stat(sock)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, errors.New("no such socket")
		}
		if err != nil {
			return nil, err
		}
		if fi.Mode()&fs.ModeSocket == 0 {
			return nil, errors.New("not a socket")
		}
	}
	c, err := client.New(client.FromEnv, client.WithHost(host))
	if err != nil {
		return nil, err
	}
	pctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	if _, err := c.Ping(pctx, client.PingOptions{NegotiateAPIVersion: true}); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// openDaemon saves the image from a Docker or Podman daemon. The saved
// tarball is buffered in a temporary file (removed when the image is
// garbage-collected), so it is saved once however often layers are read.
func openDaemon(ctx context.Context, t target, o Options) (chosen, error) {
	ref, err := name.ParseReference(t.ref, nameOptions(o)...)
	if err != nil {
		return chosen{}, fmt.Errorf("parsing daemon reference: %w", err)
	}
	c, err := connectDaemon(ctx, daemonHosts(o, t.scheme, os.Getenv))
	if err != nil {
		return chosen{}, err
	}
	img, err := daemon.Image(ref, daemon.WithClient(c), daemon.WithContext(ctx), daemon.WithFileBufferedOpener())
	if err != nil {
		c.Close()
		if cerrdefs.IsNotFound(err) {
			err = fmt.Errorf("%w: %w", err, ErrNotFound)
		}
		return chosen{}, fmt.Errorf("reading %s from the daemon: %w", ref.Name(), err)
	}
	// The media type is fixed: asking the image would `docker save` it now.
	return chosen{img: img, desc: v1.Descriptor{MediaType: types.DockerManifestSchema2}}, nil
}
