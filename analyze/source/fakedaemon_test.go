package source

import (
	"bytes"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// fakeDaemon serves the slice of the Docker Engine API that ggcr's daemon
// package uses (ping, inspect, history, save) for one image, on a unix
// socket, so the docker: success path runs without a real daemon.
func fakeDaemon(t *testing.T, ref string, img v1.Image) string {
	t.Helper()
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	var saved bytes.Buffer
	if err := tarball.Write(r, img, &saved); err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	id, _ := img.ConfigName()
	var diffIDs []string
	for _, d := range cf.RootFS.DiffIDs {
		diffIDs = append(diffIDs, d.String())
	}
	inspect := map[string]any{
		"Id": id.String(), "RepoTags": []string{ref}, "Created": cf.Created.Format(time.RFC3339Nano),
		"Architecture": cf.Architecture, "Os": cf.OS, "Config": map[string]any{"Cmd": cf.Config.Cmd},
		"RootFS": map[string]any{"Type": "layers", "Layers": diffIDs},
	}
	var history []map[string]any
	for _, h := range cf.History {
		history = append(history, map[string]any{"Id": "<missing>", "Created": h.Created.Unix(), "CreatedBy": h.CreatedBy, "Size": 1})
	}
	known := func(n string) bool {
		q, err := name.ParseReference(n)
		return err == nil && q.Name() == r.Name()
	}
	version := regexp.MustCompile(`^/v[0-9.]+`)
	h := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		p := version.ReplaceAllString(req.URL.Path, "")
		w.Header().Set("Api-Version", "1.47")
		notFound := func(n string) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			json.NewEncoder(w).Encode(map[string]string{"message": "No such image: " + n})
		}
		switch {
		case p == "/_ping":
			w.Write([]byte("OK"))
		case p == "/images/get":
			for _, n := range req.URL.Query()["names"] {
				if !known(n) {
					notFound(n)
					return
				}
			}
			w.Write(saved.Bytes())
		case strings.HasPrefix(p, "/images/") && strings.HasSuffix(p, "/json"):
			n := strings.TrimSuffix(strings.TrimPrefix(p, "/images/"), "/json")
			if !known(n) {
				notFound(n)
				return
			}
			json.NewEncoder(w).Encode(inspect)
		case strings.HasPrefix(p, "/images/") && strings.HasSuffix(p, "/history"):
			json.NewEncoder(w).Encode(history)
		default:
			http.NotFound(w, req)
		}
	})
	sock := filepath.Join(t.TempDir(), "d.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return "unix://" + sock
}

func TestOpenFakeDaemon(t *testing.T) {
	img := testImage(t, "daemon")
	host := fakeDaemon(t, "app:1", img)
	wantID, _ := img.ConfigName()
	o := testOptions()
	o.daemonHosts = []string{"unix://" + filepath.Join(t.TempDir(), "missing.sock"), host}

	got, info, err := Open(ctxT(t), "docker:app:1", o)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if info.Kind != KindDaemon || info.Name != "index.docker.io/library/app:1" || info.ID != wantID.String() || info.Platform != "linux/amd64" {
		t.Fatalf("Info = %+v", info)
	}
	layers, entries, size, err := layerStats(got)
	if err != nil || layers != 2 || entries != 3 || size != 4096+600 {
		t.Fatalf("layers/entries/bytes = %d/%d/%d (%v), want 2/3/4696", layers, entries, size, err)
	}

	ref := "podman:other:2"
	_, _, err = Open(ctxT(t), ref, o)
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("Open(%q) = %v, want ErrNotFound", ref, err)
	}
	mustOneLine(t, err, ref)
}
