package source

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
)

// fakeFS is a stat over a fixed set of paths (true = directory).
type fakeFS map[string]bool

func (f fakeFS) stat(p string) (fs.FileInfo, error) {
	dir, ok := f[p]
	if !ok {
		return nil, &fs.PathError{Op: "stat", Path: p, Err: fs.ErrNotExist}
	}
	return fakeInfo{name: p, dir: dir}, nil
}

type fakeInfo struct {
	name string
	dir  bool
}

func (i fakeInfo) Name() string { return i.name }
func (i fakeInfo) Size() int64  { return 0 }
func (i fakeInfo) Mode() fs.FileMode {
	if i.dir {
		return fs.ModeDir | 0o755
	}
	return 0o644
}
func (i fakeInfo) ModTime() time.Time { return time.Time{} }
func (i fakeInfo) IsDir() bool        { return i.dir }
func (i fakeInfo) Sys() any           { return nil }

var testFS = fakeFS{
	"img.tar":        false,
	"img.tar:old":    false,
	"layout":         true,
	"/abs/layout":    true,
	"nginx":          true, // a directory that shadows a repository name
	"dir:with:colon": true,
}

const dg = "sha256:0123456789012345678901234567890123456789012345678901234567890123"

func TestParseReference(t *testing.T) {
	tests := []struct {
		in      string
		want    []string // kind|path|tag|digest|ref per target
		wantErr error
	}{
		{in: "alpine:3", want: []string{"registry||||index.docker.io/library/alpine:3"}},
		// A local directory named like the repository is tried first.
		{in: "nginx:1.27", want: []string{"oci|nginx|1.27||", "registry||||index.docker.io/library/nginx:1.27"}},
		{in: "ghcr.io/org/app@" + dg, want: []string{"registry||||ghcr.io/org/app@" + dg}},
		{in: "localhost:5000/x", want: []string{"registry||||localhost:5000/x:latest"}},
		{in: "registry:alpine", want: []string{"registry||||index.docker.io/library/alpine:latest"}},
		{in: "docker:alpine", want: []string{"docker||||index.docker.io/library/alpine:latest"}},
		{in: "podman:localhost/app:1", want: []string{"docker||||localhost/app:1"}},
		{in: "img.tar", want: []string{"docker-archive|img.tar|||"}},
		{in: "img.tar:old", want: []string{"docker-archive|img.tar:old|||"}},
		{in: "img.tar:app:1", want: []string{"docker-archive|img.tar|app:1||"}},
		{in: "docker-archive:img.tar", want: []string{"docker-archive|img.tar|||"}},
		{in: "docker-archive:img.tar:app:1", want: []string{"docker-archive|img.tar|app:1||"}},
		{in: "docker-archive:img.tar:old:v2", want: []string{"docker-archive|img.tar:old|v2||"}},
		{in: "layout", want: []string{"oci|layout|||"}},
		{in: "layout:v1", want: []string{"oci|layout|v1||", "registry||||index.docker.io/library/layout:v1"}},
		{in: "/abs/layout:v1", want: []string{"oci|/abs/layout|v1||"}},
		{in: "oci:layout@" + dg, want: []string{"oci|layout||" + dg + "|"}},
		{in: "oci:dir:with:colon", want: []string{"oci|dir:with:colon|||"}},
		{in: "oci:dir:with:colon:tag", want: []string{"oci|dir:with:colon|tag||"}},
		{in: "oci-archive:img.tar", want: []string{"oci|img.tar|||"}},
		{in: "oci-dir:layout", want: []string{"oci|layout|||"}},
		{in: "OCI:layout", want: []string{"oci|layout|||"}},
		{in: "nginx", want: []string{"oci|nginx|||"}},
		{in: "oci-archive:layout", wantErr: ErrNotImage},
		{in: "oci-dir:img.tar", wantErr: ErrNotImage},
		{in: "docker-archive:missing.tar", wantErr: fs.ErrNotExist},
		{in: "./missing.tar", wantErr: fs.ErrNotExist},
		{in: "missing.tar", wantErr: fs.ErrNotExist},
		{in: "foo:/bar", wantErr: ErrUnknownScheme},
		{in: "https://ghcr.io/x", wantErr: ErrUnknownScheme},
		{in: "s3:bucket/Key", wantErr: ErrUnknownScheme},
		{in: "/abs/missing:v1", wantErr: fs.ErrNotExist},
		{in: "registry:/abs/x"},
		{in: "registry:a//b"},
		{in: "docker-archive:img.tar:Bad Tag"},
		{in: ""},
		{in: "registry:"},
		{in: "docker:UPPER"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseReference(tt.in, testFS.stat)
			if tt.want == nil {
				if err == nil {
					t.Fatalf("parseReference(%q) = %+v, want error", tt.in, got)
				}
				if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
					t.Fatalf("parseReference(%q) = %v, want %v", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseReference(%q): %v", tt.in, err)
			}
			var s []string
			for _, tg := range got {
				d := ""
				if tg.digest.Hex != "" {
					d = tg.digest.String()
				}
				s = append(s, strings.Join([]string{string(tg.kind), tg.path, tg.tag, d, tg.ref}, "|"))
			}
			if strings.Join(s, " ; ") != strings.Join(tt.want, " ; ") {
				t.Fatalf("parseReference(%q) =\n  %q\nwant\n  %q", tt.in, s, tt.want)
			}
		})
	}
}

// FuzzParseReference checks that no input panics the parser, that errors
// are one line, and that every target it returns is usable.
func FuzzParseReference(f *testing.F) {
	for _, s := range []string{
		"nginx:1.27", "ghcr.io/org/app@" + dg, "localhost:5000/x", "docker-archive:img.tar:app:1",
		"oci:layout@" + dg, "oci:dir:with:colon:tag", "layout:v1", "foo:/bar", "https://x/y", "docker:",
		"img.tar", "./x.tar", "\x00:\n", "registry:a\nb", "podman:localhost/app", ":", "@", "a@b:c",
		"oci:layout@sha256:zz", "OCI-ARCHIVE:img.tar", strings.Repeat("a/", 200),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, opts := range [][]name.Option{nil, {name.Insecure}} {
			got, err := parseReference(s, testFS.stat, opts...)
			if err != nil {
				if strings.ContainsAny(oneLine((&openError{ref: s, err: err}).Error()), "\r\n") {
					t.Fatalf("error for %q is not one line: %q", s, err)
				}
				continue
			}
			if len(got) == 0 {
				t.Fatalf("parseReference(%q) returned no target and no error", s)
			}
			for _, tg := range got {
				switch tg.kind {
				case KindRegistry, KindDaemon:
					if _, err := name.ParseReference(tg.ref, opts...); err != nil {
						t.Fatalf("target ref %q of %q does not parse: %v", tg.ref, s, err)
					}
				case KindDockerArchive, KindOCI:
					if _, err := testFS.stat(tg.path); err != nil {
						t.Fatalf("target path %q of %q does not exist", tg.path, s)
					}
					if tg.kind == KindDockerArchive && tg.tag != "" && tg.digest.Hex == "" {
						if _, err := name.NewTag(tg.tag); err != nil && tg.scheme != "" {
							t.Fatalf("docker-archive tag %q of %q does not parse", tg.tag, s)
						}
					}
				default:
					t.Fatalf("unknown kind %q for %q", tg.kind, s)
				}
			}
		}
	})
}
