package source

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/slimcheck/slimcheck/internal/imagetest"
)

// uncompressedImage stores its layers as plain tar blobs, as `docker save` does.
func uncompressedImage(t *testing.T) v1.Image {
	t.Helper()
	img := empty.Image
	for i, entries := range [][]imagetest.Entry{
		{imagetest.Dir("etc/"), imagetest.Text("etc/os-release", "ID=test\n")},
		{imagetest.File("usr/bin/tool", 10000), imagetest.Whiteout("etc/os-release")},
	} {
		l := static.NewLayer(imagetest.TarBytes(t, entries...), types.DockerUncompressedLayer)
		var err error
		if img, err = mutate.AppendLayers(img, l); err != nil {
			t.Fatalf("appending layer %d: %v", i, err)
		}
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", "amd64"
	img, err = mutate.ConfigFile(img, cf)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func gzipFile(t *testing.T, src, dst string) {
	t.Helper()
	raw, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(raw)
	zw.Close()
	if err := os.WriteFile(dst, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

type openCase struct {
	name         string
	ref          string
	platform     string
	wantKind     Kind
	wantLayers   int
	wantEntries  int   // -1: don't check
	wantBytes    int64 // -1: don't check
	wantPlatform string
	wantDigest   string
	wantName     string
	wantID       string
	wantErr      error
	wantAmbig    []string
}

func runOpenCases(t *testing.T, tests []openCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := testOptions()
			if tt.platform != "" {
				o.Platform = tt.platform
			}
			img, info, err := Open(ctxT(t), tt.ref, o)
			if tt.wantErr != nil || tt.wantAmbig != nil {
				if err == nil {
					t.Fatalf("Open(%q) succeeded (%+v), want error", tt.ref, info)
				}
				mustOneLine(t, err, tt.ref)
				if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
					t.Fatalf("Open(%q) = %v, want %v", tt.ref, err, tt.wantErr)
				}
				if tt.wantAmbig != nil {
					var ae *AmbiguousError
					if !errors.As(err, &ae) {
						t.Fatalf("Open(%q) = %v, want *AmbiguousError", tt.ref, err)
					}
					if strings.Join(ae.Choices, ",") != strings.Join(tt.wantAmbig, ",") {
						t.Fatalf("choices = %q, want %q", ae.Choices, tt.wantAmbig)
					}
					for _, c := range tt.wantAmbig {
						if !strings.Contains(err.Error(), c) {
							t.Errorf("error %q does not list %q", err, c)
						}
					}
				}
				if Hint(err) == "" {
					t.Errorf("no hint for %v", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Open(%q): %v", tt.ref, err)
			}
			validateImage(t, img)
			if info.Kind != tt.wantKind || info.Reference != tt.ref || !strings.HasPrefix(info.ID, "sha256:") {
				t.Errorf("Info = %+v, want kind %s", info, tt.wantKind)
			}
			if tt.wantPlatform != "" && info.Platform != tt.wantPlatform {
				t.Errorf("platform = %q, want %q", info.Platform, tt.wantPlatform)
			}
			if tt.wantDigest != "" && info.Digest != tt.wantDigest {
				t.Errorf("digest = %q, want %q", info.Digest, tt.wantDigest)
			}
			if tt.wantID != "" && info.ID != tt.wantID {
				t.Errorf("ID = %q, want %q", info.ID, tt.wantID)
			}
			if tt.wantName != "" && info.Name != tt.wantName {
				t.Errorf("name = %q, want %q", info.Name, tt.wantName)
			}
			layers, entries, size, err := layerStats(img)
			if err != nil {
				t.Fatalf("reading layers: %v", err)
			}
			if layers != tt.wantLayers || (tt.wantEntries >= 0 && entries != tt.wantEntries) || (tt.wantBytes >= 0 && size != tt.wantBytes) {
				t.Fatalf("layers/entries/bytes = %d/%d/%d, want %d/%d/%d", layers, entries, size, tt.wantLayers, tt.wantEntries, tt.wantBytes)
			}
		})
	}
}

func TestOpenDockerArchive(t *testing.T) {
	dir := t.TempDir()
	compressed := filepath.Join(dir, "gz.tar")
	imagetest.WriteDockerArchive(t, compressed, "app:1", testImage(t, "gz"))
	plain := filepath.Join(dir, "plain.tar")
	imagetest.WriteDockerArchive(t, plain, "plain:1", uncompressedImage(t))
	whole := filepath.Join(dir, "saved.tar.gz")
	gzipFile(t, compressed, whole)
	multi := filepath.Join(dir, "multi.tar")
	if err := tarball.MultiRefWriteToFile(multi, map[name.Reference]v1.Image{
		name.MustParseReference("one:1"): testImage(t, "one"),
		name.MustParseReference("two:2"): testImage(t, "two"),
	}); err != nil {
		t.Fatal(err)
	}
	// testImage(label) holds app/LABEL (100×label) plus a 4096-byte file.
	runOpenCases(t, []openCase{
		{name: "gzip layers", ref: "docker-archive:" + compressed, wantKind: KindDockerArchive, wantLayers: 2, wantEntries: 3, wantBytes: 4296, wantPlatform: "linux/amd64", wantName: compressed},
		{name: "gzip layers bare path", ref: compressed, wantKind: KindDockerArchive, wantLayers: 2, wantEntries: 3, wantBytes: 4296},
		{name: "gzip layers with tag", ref: "docker-archive:" + compressed + ":app:1", wantKind: KindDockerArchive, wantLayers: 2, wantEntries: 3, wantBytes: 4296, wantName: compressed + ":app:1"},
		{name: "uncompressed layers", ref: "docker-archive:" + plain, wantKind: KindDockerArchive, wantLayers: 2, wantEntries: 4, wantBytes: 10008},
		{name: "uncompressed layers bare path", ref: plain, wantKind: KindDockerArchive, wantLayers: 2, wantEntries: 4, wantBytes: 10008},
		{name: "gzipped whole archive", ref: whole, wantKind: KindDockerArchive, wantLayers: 2, wantEntries: 3, wantBytes: 4296},
		{name: "two images need a tag", ref: multi, wantAmbig: []string{"one:1", "two:2"}},
		{name: "two images, tag chosen", ref: "docker-archive:" + multi + ":two:2", wantKind: KindDockerArchive, wantLayers: 2, wantEntries: 3, wantBytes: 4396},
		{name: "two images, bare path with tag", ref: multi + ":one:1", wantKind: KindDockerArchive, wantLayers: 2, wantEntries: 3, wantBytes: 4396},
		{name: "unknown tag", ref: "docker-archive:" + multi + ":three:3", wantErr: ErrNotFound},
		{name: "directory is not an archive", ref: "docker-archive:" + dir, wantErr: ErrNotImage},
	})
}

func TestOpenDiveFixtures(t *testing.T) {
	fx := func(n string) string { return filepath.Join(diveFixtures, n) }
	if _, err := os.Stat(fx("test-docker-image.tar")); err != nil {
		t.Fatalf("dive fixtures missing: %v", err)
	}
	// Expected numbers come from the fixtures README: dive counts 451 files
	// and 1220598 bytes over the 14 layers of test-docker-image.tar, whose
	// config is 75ae28b8…; README.md in the OCI images is 11189 bytes.
	const diveID = "sha256:75ae28b8ebf89b203319069ddcbecdf5c3838503bbebc0d0d85e4b8589c5de3a"
	runOpenCases(t, []openCase{
		{name: "docker save legacy layout", ref: fx("test-docker-image.tar"), wantKind: KindDockerArchive, wantLayers: 14, wantEntries: 451, wantBytes: 1220598, wantPlatform: "linux/amd64", wantID: diveID},
		{name: "docker save with scheme and tag", ref: "docker-archive:" + fx("test-docker-image.tar") + ":dive-test:latest", wantKind: KindDockerArchive, wantLayers: 14, wantEntries: 451, wantBytes: 1220598, wantID: diveID},
		{name: "kaniko", ref: fx("test-kaniko-image.tar"), wantKind: KindDockerArchive, wantLayers: 14, wantEntries: -1, wantBytes: -1,
			wantID: "sha256:ae16a51058a758c7963b2f9b23d1acfa201ce9cbefc8cb93845f8cd934fb144d"},
		{name: "oci uncompressed bare", ref: fx("test-oci-uncompressed-image.tar"), wantKind: KindOCI, wantLayers: 1, wantEntries: 1, wantBytes: 11189, wantPlatform: "linux/arm64",
			wantDigest: "sha256:5cec6b4ce61c35c3a83e09d72d81a335b49fdcef727beee160d12eeaf066f11b"},
		{name: "oci gzip", ref: "oci:" + fx("test-oci-gzip-image.tar"), wantKind: KindOCI, wantLayers: 1, wantEntries: 1, wantBytes: 11189, wantPlatform: "linux/arm64",
			wantDigest: "sha256:7d255e9e3d216a9a92a5c1ce0563a5ddd92f28a34a9df025d3cf8dfa5ea08366"},
		{name: "oci zstd", ref: "oci-archive:" + fx("test-oci-zstd-image.tar"), wantKind: KindOCI, wantLayers: 1, wantEntries: 1, wantBytes: 11189, wantPlatform: "linux/arm64",
			wantDigest: "sha256:f5e3515f39a16543547c03d03ec34faf9276742e6ce7c7dd6e467a14e90b29fc"},
		{name: "oci by digest", ref: fx("test-oci-gzip-image.tar") + "@sha256:7d255e9e3d216a9a92a5c1ce0563a5ddd92f28a34a9df025d3cf8dfa5ea08366", wantKind: KindOCI, wantLayers: 1, wantEntries: 1, wantBytes: 11189},
		{name: "oci single image under another platform", ref: fx("test-oci-gzip-image.tar"), platform: "linux/s390x", wantKind: KindOCI, wantLayers: 1, wantEntries: 1, wantBytes: 11189},
		{name: "docker archive is not an OCI layout", ref: "oci-archive:" + fx("test-docker-image.tar"), wantErr: ErrNotImage},
		{name: "oci archive is not a docker archive", ref: "docker-archive:" + fx("test-oci-gzip-image.tar"), wantErr: ErrNotImage},
		{name: "unknown digest", ref: "oci:" + fx("test-oci-gzip-image.tar") + "@sha256:" + strings.Repeat("a", 64), wantErr: ErrNotFound},
	})
}

func TestOpenOCILayout(t *testing.T) {
	dir := t.TempDir()
	two := filepath.Join(dir, "two")
	a, b := testImage(t, "alpha"), testImage(t, "beta")
	imagetest.WriteOCILayout(t, two, map[string]v1.Image{"alpha": a, "beta": b})
	bDigest, _ := b.Digest()
	twoTar := filepath.Join(dir, "two.tar")
	imagetest.WriteOCIArchive(t, twoTar, map[string]v1.Image{"alpha": a, "beta": b})

	// A layout whose one entry is a multi-arch index (buildx --output type=oci).
	nested := filepath.Join(dir, "nested")
	p, err := layout.Write(nested, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	multi := imagetest.MultiArch(t, map[string]v1.Image{"linux/amd64": testImage(t, "amd"), "linux/arm64": testImage(t, "arm")})
	if err := p.AppendIndex(multi, layout.WithAnnotations(map[string]string{refNameAnnotation: "v1"})); err != nil {
		t.Fatal(err)
	}
	nestedTar := filepath.Join(dir, "nested.tar")
	if err := imagetest.TarDir(nestedTar, nested); err != nil {
		t.Fatal(err)
	}
	mm, _ := multi.IndexManifest()
	armDigest := ""
	for _, d := range mm.Manifests {
		if d.Platform.Architecture == "arm64" {
			armDigest = d.Digest.String()
		}
	}

	// A flat multi-platform layout: two unnamed images with platforms.
	flat := filepath.Join(dir, "flat")
	fp, err := layout.Write(flat, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	for _, pl := range []v1.Platform{{OS: "linux", Architecture: "amd64"}, {OS: "linux", Architecture: "arm64"}} {
		child := imagetest.MultiArch(t, map[string]v1.Image{pl.String(): testImage(t, pl.Architecture)})
		cm, _ := child.IndexManifest()
		img, _ := child.Image(cm.Manifests[0].Digest)
		if err := fp.AppendImage(img, layout.WithPlatform(pl)); err != nil {
			t.Fatal(err)
		}
	}

	notLayout := filepath.Join(dir, "empty")
	os.Mkdir(notLayout, 0o755)

	runOpenCases(t, []openCase{
		{name: "two images need a name", ref: "oci:" + two, wantAmbig: []string{"alpha", "beta"}},
		{name: "two images, bare dir", ref: two, wantAmbig: []string{"alpha", "beta"}},
		{name: "by name", ref: "oci:" + two + ":beta", wantKind: KindOCI, wantLayers: 2, wantEntries: 3, wantBytes: 4496, wantDigest: bDigest.String(), wantName: two + ":beta"},
		{name: "by name bare", ref: two + ":alpha", wantKind: KindOCI, wantLayers: 2, wantEntries: 3, wantBytes: 4596},
		{name: "by digest", ref: "oci:" + two + "@" + bDigest.String(), wantKind: KindOCI, wantLayers: 2, wantEntries: 3, wantBytes: 4496, wantDigest: bDigest.String()},
		{name: "unknown name", ref: "oci:" + two + ":gamma", wantErr: ErrNotFound},
		{name: "tar: two images need a name", ref: twoTar, wantAmbig: []string{"alpha", "beta"}},
		{name: "tar: by name", ref: "oci:" + twoTar + ":beta", wantKind: KindOCI, wantLayers: 2, wantEntries: 3, wantBytes: 4496, wantDigest: bDigest.String()},
		{name: "tar: by digest", ref: twoTar + "@" + bDigest.String(), wantKind: KindOCI, wantLayers: 2, wantEntries: 3, wantBytes: 4496},
		{name: "nested index default platform", ref: "oci:" + nested, wantKind: KindOCI, wantLayers: 2, wantEntries: 3, wantBytes: 4396, wantPlatform: "linux/amd64"},
		{name: "nested index arm64", ref: "oci:" + nested + ":v1", platform: "linux/arm64", wantKind: KindOCI, wantLayers: 2, wantEntries: 3, wantBytes: 4396, wantPlatform: "linux/arm64", wantDigest: armDigest},
		{name: "nested index in tar arm64", ref: nestedTar, platform: "linux/arm64/v8", wantKind: KindOCI, wantLayers: 2, wantEntries: 3, wantBytes: 4396, wantPlatform: "linux/arm64", wantDigest: armDigest},
		{name: "flat platforms default", ref: flat, wantKind: KindOCI, wantLayers: 2, wantEntries: 3, wantBytes: 4596, wantPlatform: "linux/amd64"},
		{name: "flat platforms arm64", ref: flat, platform: "linux/arm64", wantKind: KindOCI, wantLayers: 2, wantEntries: 3, wantBytes: 4596, wantPlatform: "linux/arm64"},
		{name: "directory without index.json", ref: notLayout, wantErr: ErrNotImage},
		{name: "oci-dir wants a directory", ref: "oci-dir:" + twoTar, wantErr: ErrNotImage},
	})
	t.Run("nested index missing platform", func(t *testing.T) {
		o := testOptions()
		o.Platform = "windows/amd64"
		ref := "oci:" + nested
		_, _, err := Open(ctxT(t), ref, o)
		var pe *PlatformError
		if !errors.As(err, &pe) || strings.Join(pe.Available, ",") != "linux/amd64,linux/arm64" {
			t.Fatalf("Open = %v, want PlatformError listing linux/amd64, linux/arm64", err)
		}
		mustOneLine(t, err, ref)
	})
}

// TestArchivePlainLayersBuffered checks that an uncompressed layer read in
// place from a docker archive is buffered: the walk reads it straight into
// its tar reader, where every header and small file would otherwise be a
// read system call of its own (10x slower on 50k small files).
func TestArchivePlainLayersBuffered(t *testing.T) {
	plain := filepath.Join(t.TempDir(), "plain.tar")
	imagetest.WriteDockerArchive(t, plain, "plain:1", uncompressedImage(t))
	img, info, err := Open(context.Background(), "docker-archive:"+plain, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	if !info.ReadUncompressed {
		t.Fatal("a docker archive is not read through Uncompressed")
	}
	ls, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range ls {
		rc, err := l.Uncompressed()
		if err != nil {
			t.Fatal(err)
		}
		s, ok := rc.(*streamReadCloser)
		if br, isBuf := s.Reader.(*bufio.Reader); !ok || !isBuf || br.Size() < 64<<10 {
			t.Errorf("layer %d: Uncompressed is %T, not read through a 64 KiB buffer", i, rc)
		}
		rc.Close()
	}
}
