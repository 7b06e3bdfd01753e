package source

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestOpenNoDaemon(t *testing.T) {
	dir := t.TempDir()
	notSocket := filepath.Join(dir, "docker.sock")
	os.WriteFile(notSocket, nil, 0o644)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "tcp://" + l.Addr().String()
	l.Close()
	hosts := []string{"unix://" + filepath.Join(dir, "missing.sock"), "unix://" + notSocket, closed}

	for _, ref := range []string{"docker:nginx:1.27", "podman:localhost/app"} {
		t.Run(ref, func(t *testing.T) {
			o := testOptions()
			o.daemonHosts = hosts
			start := time.Now()
			_, _, err := Open(ctxT(t), ref, o)
			if !errors.Is(err, ErrNoDaemon) {
				t.Fatalf("Open(%q) = %v, want ErrNoDaemon", ref, err)
			}
			mustOneLine(t, err, ref)
			for _, h := range hosts {
				if !strings.Contains(err.Error(), h) {
					t.Errorf("error %q does not list %s", err, h)
				}
			}
			if !strings.Contains(err.Error(), "no Docker or Podman daemon is reachable (tried ") {
				t.Errorf("error %q lacks the tried list", err)
			}
			if !strings.Contains(Hint(err), "docker-archive:") {
				t.Errorf("hint %q does not offer docker save", Hint(err))
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("probing took %s", d)
			}
		})
	}
}

func TestDaemonHosts(t *testing.T) {
	env := map[string]string{
		"DOCKER_HOST":     "tcp://docker.example.invalid:2375",
		"XDG_RUNTIME_DIR": "/run/user/1000",
		"CONTAINER_HOST":  "unix:///run/user/1000/podman/podman.sock",
	}
	getenv := func(k string) string { return env[k] }
	tests := []struct {
		scheme string
		env    map[string]string
		want   []string
	}{
		{scheme: "docker", env: env, want: []string{
			"tcp://docker.example.invalid:2375", "unix:///var/run/docker.sock",
			"unix:///run/user/1000/podman/podman.sock", "unix:///run/podman/podman.sock"}},
		{scheme: "podman", env: env, want: []string{
			"unix:///run/user/1000/podman/podman.sock", "unix:///run/podman/podman.sock",
			"tcp://docker.example.invalid:2375", "unix:///var/run/docker.sock"}},
		{scheme: "docker", env: map[string]string{}, want: []string{
			"unix:///var/run/docker.sock", "unix:///run/podman/podman.sock"}},
	}
	for _, tt := range tests {
		env = tt.env
		got := daemonHosts(Options{}, tt.scheme, getenv)
		if strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("daemonHosts(%s) = %q, want %q", tt.scheme, got, tt.want)
		}
	}
}
