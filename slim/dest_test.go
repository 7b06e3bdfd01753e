package slim

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/slimcheck/slimcheck/internal/imagetest"
)

func TestParseDestination(t *testing.T) {
	tests := []struct {
		in   string
		want Destination
		err  string
	}{
		{in: "oci:out", want: Destination{Kind: DestOCI, Path: "out", Tag: "latest"}},
		{in: "oci:./out/layout:v1", want: Destination{Kind: DestOCI, Path: "./out/layout", Tag: "v1"}},
		{in: "oci:/tmp/a:b/c", want: Destination{Kind: DestOCI, Path: "/tmp/a:b/c", Tag: "latest"}},
		{in: "docker-archive:slim.tar", want: Destination{Kind: DestDockerArchive, Path: "slim.tar"}},
		{in: "docker-archive:out/slim.tar:localhost:5000/team/app:1", want: Destination{Kind: DestDockerArchive, Path: "out/slim.tar", Tag: "localhost:5000/team/app:1"}},
		{in: "registry.example.com/team/app:slim", want: Destination{Kind: DestRegistry, Ref: "registry.example.com/team/app:slim"}},
		{in: "app", err: "a registry reference with its registry and tag"},
		{in: "docker.io/team/app:1", want: Destination{Kind: DestRegistry, Ref: "index.docker.io/team/app:1"}},
		{in: "127.0.0.1:5000/app:1", want: Destination{Kind: DestRegistry, Ref: "127.0.0.1:5000/app:1"}},
		{in: "", err: "empty"},
		{in: "oci:", err: "no path"},
		{in: "docker-archive::x:1", err: "no path"},
		{in: "docker-archive:a.tar:Bad Tag", err: "tag"},
		{in: "docker:app:1", err: "cannot write to docker"},
		{in: "https://registry/app", err: "cannot write to https"},
		{in: "registry.example.com/app@sha256:" + strings.Repeat("a", 64), err: "digest cannot be pushed"},
		{in: "Upper/Case", err: "registry reference"},
		{in: "oci:x\n", err: "control characters"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDestination(tt.in, false)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.want.Raw = tt.in
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func FuzzParseDestination(f *testing.F) {
	for _, s := range []string{"oci:out:v1", "docker-archive:a.tar:repo:tag", "reg.io:443/a/b:c", "docker:x", "oci:", "a@sha256:00"} {
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, insecure bool) {
		d, err := ParseDestination(s, insecure)
		if err != nil {
			return
		}
		switch d.Kind {
		case DestOCI, DestDockerArchive:
			if d.Path == "" {
				t.Fatalf("%q: no path in %+v", s, d)
			}
		case DestRegistry:
			if d.Ref == "" {
				t.Fatalf("%q: no reference in %+v", s, d)
			}
			if _, err := ParseDestination(d.Ref, insecure); err != nil {
				t.Fatalf("%q: the resolved reference %q does not parse: %v", s, d.Ref, err)
			}
		default:
			t.Fatalf("%q: kind %q", s, d.Kind)
		}
	})
}

func TestWriteArchiveRefusesToReplace(t *testing.T) {
	img := imagetest.Image(t, v1.Config{}, nil, imagetest.Layer(t, imagetest.Text("a", "a")))
	path := filepath.Join(t.TempDir(), "out.tar")
	if err := os.WriteFile(path, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	d := Destination{Kind: DestDockerArchive, Path: path}
	if _, err := Write(context.Background(), img, d, WriteOptions{}); !errors.Is(err, os.ErrExist) {
		t.Fatalf("err = %v, want ErrExist", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "keep" {
		t.Fatal("the existing file changed")
	}
	w, err := Write(context.Background(), img, d, WriteOptions{Force: true})
	if err != nil {
		t.Fatal(err)
	}
	if back := readBack(t, w.ReadBack); back.Report.Image.SizeBytes != 1 {
		t.Errorf("read back %d bytes", back.Report.Image.SizeBytes)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
}

func TestWriteOCIReplacesTheSameTag(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "layout")
	a := imagetest.Image(t, v1.Config{}, nil, imagetest.Layer(t, imagetest.Text("a", "a")))
	b := imagetest.Image(t, v1.Config{}, nil, imagetest.Layer(t, imagetest.Text("b", "bb")))
	for _, w := range []struct {
		img v1.Image
		tag string
	}{{a, "v1"}, {b, "v2"}, {b, "v1"}} {
		if _, err := Write(context.Background(), w.img, Destination{Kind: DestOCI, Path: dir, Tag: w.tag}, WriteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	idx, err := os.ReadFile(filepath.Join(dir, "index.json"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(idx), `"org.opencontainers.image.ref.name"`); n != 2 {
		t.Errorf("index names %d images, want 2 (v1 replaced): %s", n, idx)
	}
	if back := readBack(t, "oci:"+dir+":v1"); back.Report.Image.SizeBytes != 2 {
		t.Errorf("v1 is %d bytes, want b's 2", back.Report.Image.SizeBytes)
	}
	notLayout := t.TempDir()
	if err := os.WriteFile(filepath.Join(notLayout, "x"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Write(context.Background(), a, Destination{Kind: DestOCI, Path: notLayout, Tag: "v1"}, WriteOptions{}); err == nil || !strings.Contains(err.Error(), "not a layout") {
		t.Errorf("writing into a non-layout directory: %v", err)
	}
}
