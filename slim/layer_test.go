package slim

import (
	"archive/tar"
	"bytes"
	"context"
	"io"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/slimcheck/slimcheck/analyze/pipeline"
	"github.com/slimcheck/slimcheck/internal/imagetest"
	"github.com/slimcheck/slimcheck/recommend"
	"github.com/slimcheck/slimcheck/report"
)

// rawLayer builds a layer from tar headers written as given (for PAX
// records and special bits imagetest does not write).
func rawLayer(t *testing.T, entries ...struct {
	hdr  tar.Header
	body string
}) v1.Layer {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		h := e.hdr
		h.Size = int64(len(e.body))
		if err := tw.WriteHeader(&h); err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(tw, e.body); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	raw := buf.Bytes()
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(raw)), nil })
	if err != nil {
		t.Fatal(err)
	}
	return l
}

type rawEntry = struct {
	hdr  tar.Header
	body string
}

// sourceImage has what the copy must get right: hardlinks (one to a file
// that is left out), a symlink and a symlinked library, a path written
// twice in one layer, a file overwritten by a later layer, a setuid bit and
// a file capability, owners.
func sourceImage(t *testing.T) v1.Image {
	t.Helper()
	l0 := imagetest.Layer(t,
		imagetest.Entry{Path: "app", Type: tar.TypeDir, Mode: 0o775, UID: 1001},
		imagetest.Entry{Path: "app/a.txt", Content: []byte("A"), UID: 1001, GID: 0, Mode: 0o640},
		imagetest.Entry{Path: "app/link", Type: tar.TypeLink, Link: "app/a.txt"},
		imagetest.Symlink("app/sym", "a.txt"),
		imagetest.Entry{Path: "app/dev", Type: tar.TypeDir, Mode: 0o755, UID: 1001},
		imagetest.Entry{Path: "app/dev/x.js", Content: []byte("dev only"), UID: 1001},
		imagetest.Entry{Path: "app/keep/h", Type: tar.TypeLink, Link: "app/dev/x.js"},
		imagetest.Entry{Path: "app/keep/h2", Type: tar.TypeLink, Link: "app/dev/x.js"},
		imagetest.Text("app/shadow.txt", "old"),
		imagetest.Text("app/shadow.txt", "new"),
		imagetest.Text("app/over.txt", "v1"),
		imagetest.Dir("usr"), imagetest.Dir("usr/lib"),
		imagetest.Text("usr/lib/libfoo.so.1.2", "ELF?"),
		imagetest.Symlink("usr/lib/libfoo.so.1", "libfoo.so.1.2"),
	)
	l1 := rawLayer(t,
		rawEntry{tar.Header{Name: "app/over.txt", Typeflag: tar.TypeReg, Mode: 0o644, Uid: 1001}, "v2"},
		rawEntry{tar.Header{Name: "app/bin/", Typeflag: tar.TypeDir, Mode: 0o755}, ""},
		rawEntry{tar.Header{Name: "app/bin/ping", Typeflag: tar.TypeReg, Mode: 0o4755, Format: tar.FormatPAX,
			PAXRecords: map[string]string{"SCHILY.xattr.security.capability": "\x01\x00\x00\x02", "mtime": "12345.5"}}, "ping"},
	)
	return imagetest.Image(t, v1.Config{Cmd: []string{"/app/bin/ping"}}, []string{"COPY . /app", "RUN make"}, l0, l1)
}

func handPlan(base string) *recommend.PlanResult {
	return &recommend.PlanResult{
		Verdict: recommend.Split, Runtime: &recommend.RuntimeBase{Image: base},
		Copy: recommend.CopySet{
			Include: []recommend.CopyPath{{Path: "/app", Type: "dir"}, {Path: "/usr/lib/libfoo.so.1", Type: "symlink", Resolved: "/usr/lib/libfoo.so.1.2"}},
			Exclude: []recommend.Exclusion{{Path: "/app/dev", Category: "dev-dependencies"}},
		},
		Config: recommend.Config{Cmd: []string{"/app/bin/ping"}, User: "1001"},
	}
}

// baseLayout writes a base with /usr/lib a symlink to lib64 (as some
// distributions have it) and returns its reference.
func baseLayout(t *testing.T, extra ...imagetest.Entry) string {
	t.Helper()
	return baseLayoutOf(t, append([]imagetest.Entry{imagetest.Dir("usr"), imagetest.Dir("usr/lib64"), imagetest.Symlink("usr/lib", "lib64"),
		imagetest.Text("usr/lib64/libc.so", "libc")}, extra...)...)
}

func baseLayoutOf(t *testing.T, entries ...imagetest.Entry) string {
	t.Helper()
	img := imagetest.Image(t, v1.Config{Env: []string{"PATH=/bin"}}, []string{"ADD base /"}, imagetest.Layer(t, entries...))
	dir := filepath.Join(t.TempDir(), "base")
	imagetest.WriteOCILayout(t, dir, map[string]v1.Image{"v1": img})
	return "oci:" + dir + ":v1"
}

type tarEntry struct {
	hdr  tar.Header
	body string
}

func readTar(t *testing.T, l v1.Layer) []tarEntry {
	t.Helper()
	rc, err := l.Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	tr := tar.NewReader(rc)
	var out []tarEntry
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(tr)
		out = append(out, tarEntry{*h, string(b)})
	}
}

func newLayer(t *testing.T, img v1.Image) v1.Layer {
	t.Helper()
	ls, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	return ls[len(ls)-1]
}

func TestBuildLayer(t *testing.T) {
	ctx := context.Background()
	res := analyzed(t, sourceImage(t), "example.com/app:1")
	base := baseLayout(t)
	created := time.Date(2023, 5, 6, 7, 8, 9, 0, time.UTC)
	opts := DefaultOptions()
	opts.Created = created
	built, err := Build(ctx, sourceOf(res), handPlan(base), opts)
	if err != nil {
		t.Fatal(err)
	}
	entries := readTar(t, newLayer(t, built.Image))
	type row struct {
		name, link, body string
		typ              byte
		mode             int64
		uid              int
	}
	var got []row
	for _, e := range entries {
		got = append(got, row{e.hdr.Name, e.hdr.Linkname, e.body, e.hdr.Typeflag, e.hdr.Mode, e.hdr.Uid})
		if !e.hdr.ModTime.Equal(created) || e.hdr.Uname != "" {
			t.Errorf("%s: mtime %s uname %q", e.hdr.Name, e.hdr.ModTime, e.hdr.Uname)
		}
	}
	want := []row{
		{"app/", "", "", tar.TypeDir, 0o775, 1001},
		{"app/bin/", "", "", tar.TypeDir, 0o755, 0},
		{"app/keep/", "", "", tar.TypeDir, 0o755, 0}, // implied in the source: created 0755 root
		// layer 0, in tar order
		{"app/a.txt", "", "A", tar.TypeReg, 0o640, 1001},
		{"app/link", "app/a.txt", "", tar.TypeLink, 0o640, 1001}, // a hardlink carries its file's metadata
		{"app/sym", "a.txt", "", tar.TypeSymlink, 0o644, 0},
		{"app/keep/h", "", "dev only", tar.TypeReg, 0o644, 1001}, // its target is left out: written as the file
		{"app/keep/h2", "app/keep/h", "", tar.TypeLink, 0o644, 1001},
		{"app/shadow.txt", "", "new", tar.TypeReg, 0o644, 0},
		{"usr/lib64/libfoo.so.1", "", "ELF?", tar.TypeReg, 0o644, 0}, // the symlinked include, placed through the base's /usr/lib → lib64
		// layer 1
		{"app/over.txt", "", "v2", tar.TypeReg, 0o644, 1001},
		{"app/bin/ping", "", "ping", tar.TypeReg, 0o4755, 0},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("new layer:\n got %v\nwant %v", got, want)
	}
	for _, e := range entries {
		if e.hdr.Name == "app/bin/ping" {
			if e.hdr.PAXRecords["SCHILY.xattr.security.capability"] != "\x01\x00\x00\x02" || e.hdr.PAXRecords["mtime"] != "" && !strings.HasPrefix(e.hdr.PAXRecords["mtime"], "1683") {
				t.Errorf("ping PAX records %q", e.hdr.PAXRecords)
			}
		}
	}
	s := built.Layer
	if s.Files != 6 || s.Hardlinks != 2 || s.Symlinks != 1 || s.Dirs != 3 || s.Bytes != int64(len("A"+"dev only"+"new"+"ELF?"+"v2"+"ping")) {
		t.Errorf("summary %+v", s)
	}
	if !reflect.DeepEqual(s.Materialized, []string{"/app/keep/h"}) || !reflect.DeepEqual(s.Moved, []Moved{{Path: "/usr/lib/libfoo.so.1", To: "/usr/lib64/libfoo.so.1"}}) ||
		len(s.Created) != 0 || !reflect.DeepEqual(s.SourceLayers, []int{0, 1}) || len(s.Skipped) != 0 {
		t.Errorf("summary %+v", s)
	}
	if len(s.Entries) != len(want) {
		t.Errorf("summary lists %d entries, the layer has %d", len(s.Entries), len(want))
	}

	// The same inputs give the same bytes and digest.
	again, err := Build(ctx, sourceOf(res), handPlan(base), opts)
	if err != nil {
		t.Fatal(err)
	}
	d1, _ := built.Image.Digest()
	d2, _ := again.Image.Digest()
	if d1 != d2 {
		t.Errorf("digests %s and %s", d1, d2)
	}
	sum, err := built.Summary()
	if err != nil || sum.Digest == "" || sum.StoredBytes == 0 {
		t.Errorf("summary digests %+v: %v", sum, err)
	}
}

// TestBuildFromRegistry streams contents from a source pulled from a
// registry, not an archive in memory.
func TestBuildFromRegistry(t *testing.T) {
	ctx := context.Background()
	reg := imagetest.Registry(t)
	imagetest.Push(t, reg, "team/app:1", sourceImage(t))
	o := pipeline.DefaultOptions()
	o.Summary.Files = true
	res, err := pipeline.Run(ctx, reg.Ref("team/app:1"), o)
	if err != nil {
		t.Fatal(err)
	}
	built, err := Build(ctx, sourceOf(res), handPlan(baseLayout(t)), DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	w, err := Write(ctx, built.Image, Destination{Kind: DestRegistry, Ref: reg.Ref("team/app:slim")}, WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	back := readBack(t, w.ReadBack)
	if got := lastLayer(back.Index)["/app/keep/h"]; got.Size != int64(len("dev only")) {
		t.Errorf("read back %+v", got)
	}
	if back.Report.Image.Digest != w.Digest {
		t.Errorf("pulled %s, pushed %s", back.Report.Image.Digest, w.Digest)
	}
}

func TestBuildErrors(t *testing.T) {
	ctx := context.Background()
	res := analyzed(t, sourceImage(t), "example.com/app:1")
	for name, tc := range map[string]struct {
		src  Source
		plan *recommend.PlanResult
		opts func(*Options)
		want string
	}{
		"a file in the base gives way to a directory": {sourceOf(res), handPlan(baseLayout(t, imagetest.Text("app", "file"))), nil, ""},
		"base has a file where a directory is needed": {sourceOf(res), handPlan(baseLayoutOf(t, imagetest.Text("usr", "file"))), nil,
			"the runtime base has a file at /usr where a directory is needed"},
		"base symlinks loop": {sourceOf(res), handPlan(baseLayoutOf(t, imagetest.Dir("usr"), imagetest.Symlink("usr/lib", "lib2"), imagetest.Symlink("usr/lib2", "lib"))), nil,
			"symlinks loop"},
		"no split":         {sourceOf(res), &recommend.PlanResult{Verdict: recommend.AlreadySlim}, nil, "no builder/runtime split"},
		"no file list":     {Source{Image: res.Image, Index: res.Index, Report: &report.Report{}, Info: res.Info}, handPlan("x"), nil, "file list"},
		"base not found":   {sourceOf(res), handPlan("oci:" + filepath.Join(t.TempDir(), "nope")), nil, "opening the runtime base"},
		"bad compression":  {sourceOf(res), handPlan("x"), func(o *Options) { o.CompressionLevel = 12 }, "compression level"},
		"nothing to build": {Source{}, handPlan("x"), nil, "are all needed"},
	} {
		t.Run(name, func(t *testing.T) {
			o := DefaultOptions()
			if tc.opts != nil {
				tc.opts(&o)
			}
			_, err := Build(ctx, tc.src, tc.plan, o)
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}
