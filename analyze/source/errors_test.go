package source

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/slimcheck/slimcheck/internal/imagetest"
)

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	random := filepath.Join(dir, "random.bin")
	rnd := make([]byte, 8192)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range rnd {
		rnd[i] = byte(r.UintN(256))
	}
	os.WriteFile(random, rnd, 0o644)
	plainTar := filepath.Join(dir, "files.tar")
	os.WriteFile(plainTar, imagetest.TarBytes(t, imagetest.Text("hello.txt", "hi"), imagetest.Dir("etc/")), 0o644)
	emptyFile := filepath.Join(dir, "empty.tar")
	os.WriteFile(emptyFile, nil, 0o644)
	badManifest := filepath.Join(dir, "bad-manifest.tar")
	os.WriteFile(badManifest, imagetest.TarBytes(t, imagetest.Text("manifest.json", "{not json")), 0o644)
	badIndex := filepath.Join(dir, "bad-index")
	os.MkdirAll(badIndex, 0o755)
	os.WriteFile(filepath.Join(badIndex, "index.json"), []byte("[]"), 0o644)
	// A tar whose last member claims more bytes than the file holds.
	truncated := filepath.Join(dir, "truncated.tar")
	whole := imagetest.TarBytes(t, imagetest.Text("index.json", "{}"), imagetest.File("blobs/sha256/x", 100000))
	os.WriteFile(truncated, whole[:len(whole)-60000], 0o644)

	tests := []struct {
		ref     string
		wantErr error
		want    string // substring of the message
	}{
		{ref: random, wantErr: ErrNotImage, want: "not a container image"},
		{ref: "docker-archive:" + random, wantErr: ErrNotImage},
		{ref: "oci:" + random, wantErr: ErrNotImage},
		{ref: plainTar, wantErr: ErrNotImage, want: "manifest.json"},
		{ref: emptyFile, wantErr: ErrNotImage},
		{ref: badManifest, wantErr: ErrNotImage, want: "parsing manifest.json"},
		{ref: badIndex, wantErr: ErrNotImage},
		{ref: truncated, wantErr: ErrNotImage, want: "truncated"},
		{ref: filepath.Join(dir, "missing.tar"), wantErr: fs.ErrNotExist, want: "missing.tar"},
		{ref: "./missing-dir/image.tar", wantErr: fs.ErrNotExist, want: "missing-dir/image.tar"},
		{ref: "docker-archive:" + filepath.Join(dir, "nope.tar"), wantErr: fs.ErrNotExist, want: "nope.tar"},
		{ref: "oci:" + filepath.Join(dir, "nolayout"), wantErr: fs.ErrNotExist, want: "nolayout"},
		{ref: "ftp://example.invalid/x", wantErr: ErrUnknownScheme, want: "docker-archive:"},
		{ref: "foo:/bar", wantErr: ErrUnknownScheme, want: `"foo"`},
		{ref: "s3:bucket/Key!", wantErr: ErrUnknownScheme, want: "oci:"},
		{ref: "docker-archive:", want: "empty"},
		{ref: "registry:UPPER/Case", want: "registry reference"},
		{ref: "", want: "empty"},
	}
	for _, tt := range tests {
		t.Run(strings.ReplaceAll(tt.ref, "/", "_"), func(t *testing.T) {
			_, _, err := Open(ctxT(t), tt.ref, testOptions())
			if err == nil {
				t.Fatalf("Open(%q) succeeded", tt.ref)
			}
			mustOneLine(t, err, fmt.Sprintf("%q", tt.ref))
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Fatalf("Open(%q) = %v, want %v", tt.ref, err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Open(%q) = %q, want it to mention %q", tt.ref, err, tt.want)
			}
			if tt.wantErr != nil && Hint(err) == "" {
				t.Errorf("no hint for %v", err)
			}
		})
	}
}

func TestOpenCorruptBlob(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "oci.tar")
	imagetest.WriteOCIArchive(t, path, map[string]v1.Image{"x": testImage(t, "corrupt")})
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, _, err := Open(ctxT(t), path, testOptions())
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	ls, _ := img.Layers()
	d, _ := ls[0].Digest()
	// Flip the last byte of the first layer's blob inside the tar.
	tf, err := scanTar(path)
	if err != nil {
		t.Fatal(err)
	}
	e := tf.files[blobName(d)]
	raw[e.offset+e.size-1] ^= 0xff
	os.WriteFile(path, raw, 0o644)
	rc, err := ls[0].Compressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	_, err = io.ReadAll(rc)
	if err == nil || !strings.Contains(err.Error(), "digest") {
		t.Fatalf("reading a corrupt blob = %v, want a digest mismatch", err)
	}
}

func TestHint(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{&kindError{kind: ErrUnauthorized, registry: "ghcr.io"}, `docker login ghcr.io`},
		{fmt.Errorf("x: %w", ErrNotFound), "tag"},
		{ErrNetwork, "network"},
		{fmt.Errorf("%w (tried a)", ErrNoDaemon), "docker save"},
		{ErrUnknownScheme, "oci:"},
		{ErrNotImage, "OCI layout"},
		{fmt.Errorf("reading layer 1: %w", ErrDigestMismatch), "pull or save it again"},
		{&PlatformError{Want: "a/b"}, "--platform"},
		{&AmbiguousError{Choices: []string{"a"}}, "@DIGEST"},
		{&fs.PathError{Op: "stat", Path: "x", Err: fs.ErrNotExist}, "path"},
		{errors.New("something else"), ""},
		{nil, ""},
	}
	for _, tt := range tests {
		if got := Hint(tt.err); !strings.Contains(got, tt.want) || (tt.want == "" && got != "") {
			t.Errorf("Hint(%v) = %q, want it to contain %q", tt.err, got, tt.want)
		}
	}
}

func TestOneLine(t *testing.T) {
	joined := errors.Join(errors.New("first\r\n"), errors.New("  second  "), errors.New("third"))
	if got := oneLine(joined.Error()); got != "first; second; third" {
		t.Errorf("oneLine = %q", got)
	}
	long := oneLine(strings.Repeat("é", maxErrorLen))
	if len(long) > maxErrorLen+len("…") || !strings.HasSuffix(long, "…") || !utf8Valid(long) {
		t.Errorf("long message not capped cleanly: %d bytes", len(long))
	}
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }
