package diveparity

import (
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/slimcheck/slimcheck/analyze"
	"github.com/slimcheck/slimcheck/internal/imagetest"
)

type E = imagetest.Entry

var (
	file     = imagetest.File
	dir      = imagetest.Dir
	wh       = imagetest.Whiteout
	opq      = imagetest.Opaque
	hardlink = imagetest.Hardlink
	symlink  = imagetest.Symlink
)

// withMode returns a copy of e with the given permission bits and owner.
func withMode(e E, mode int64, uid, gid int) E {
	e.Mode, e.UID, e.GID = mode, uid, gid
	return e
}

// filled returns a copy of e whose filler byte is b, so equal sizes can
// carry different contents.
func filled(e E, b byte) E {
	e.Fill = b
	return e
}

// buildImage turns a layer spec into an image with one history entry per layer.
func buildImage(t *testing.T, layers [][]E) v1.Image {
	t.Helper()
	ls := make([]v1.Layer, len(layers))
	created := make([]string, len(layers))
	for i, es := range layers {
		ls[i] = imagetest.Layer(t, es...)
		created[i] = "/bin/sh -c step"
	}
	return imagetest.Image(t, v1.Config{}, created, ls...)
}

// inefficient returns our inefficiency for path, or the zero value.
func inefficient(m analyze.DiveMetrics, path string) analyze.Inefficiency {
	for _, d := range m.Inefficient {
		if d.Path == path {
			return d
		}
	}
	return analyze.Inefficiency{}
}

func TestParityCases(t *testing.T) {
	deep := make([]string, 0, 40)
	for i := range 40 {
		deep = append(deep, "d"+strings.Repeat("x", i%5))
	}
	deepDir := "/" + strings.Join(deep, "/")
	deepLayer := func(size int64) []E {
		var es []E
		for i := 1; i <= len(deep); i++ {
			es = append(es, dir("/"+strings.Join(deep[:i], "/")))
		}
		return append(es, file(deepDir+"/leaf", size), file(deepDir+"/other", 3))
	}
	cases := []struct {
		name   string
		layers [][]E
		// check pins what the case is about, so a case cannot pass by
		// exercising nothing (dive and we agreeing on zero).
		check func(t *testing.T, m analyze.DiveMetrics)
	}{
		{
			name: "overwrite same path across layers",
			layers: [][]E{
				{dir("etc"), file("etc/app.conf", 100)},
				{file("etc/app.conf", 200)},
				{dir("etc"), file("etc/app.conf", 300)},
			},
			check: func(t *testing.T, m analyze.DiveMetrics) {
				if got := inefficient(m, "/etc/app.conf"); got.Count != 3 || got.CumulativeSize != 600 {
					t.Errorf("/etc/app.conf: %+v, want 3 refs and 600 bytes", got)
				}
			},
		},
		{
			name: "chmod rewrite keeps contents",
			layers: [][]E{
				{dir("app"), withMode(file("app/run", 4096), 0o644, 0, 0)},
				{dir("app"), withMode(file("app/run", 4096), 0o755, 0, 0)},
				{dir("app"), withMode(file("app/run", 4096), 0o755, 1000, 1000)},
			},
			check: func(t *testing.T, m analyze.DiveMetrics) {
				if m.WastedBytes != 3*4096 {
					t.Errorf("wasted %d, want %d", m.WastedBytes, 3*4096)
				}
			},
		},
		{
			name: "file whiteout",
			layers: [][]E{
				{dir("etc"), file("etc/secret", 500), file("etc/keep", 7)},
				{dir("etc"), wh("etc/secret")},
			},
			check: func(t *testing.T, m analyze.DiveMetrics) {
				// deleting a file counts 0 in dive
				if got := inefficient(m, "/etc/secret"); got.Count != 2 || got.CumulativeSize != 500 {
					t.Errorf("/etc/secret: %+v, want 2 refs and 500 bytes", got)
				}
			},
		},
		{
			name: "dir whiteout with explicit parent entries",
			layers: [][]E{
				{dir("srv"), dir("srv/cache"), file("srv/cache/a", 10), file("srv/cache/b", 20)},
				{dir("srv"), dir("srv/cache"), file("srv/cache/c", 30)},
				{dir("srv"), wh("srv/cache")},
				{dir("srv"), dir("srv/cache")},
			},
			check: func(t *testing.T, m analyze.DiveMetrics) {
				// the explicit dir entry keeps IsDir, so the whole deleted
				// subtree (10+20+30) counts against the whiteout
				if got := inefficient(m, "/srv/cache"); got.Count != 2 || got.CumulativeSize != 60 {
					t.Errorf("/srv/cache: %+v, want 2 refs and 60 bytes", got)
				}
			},
		},
		{
			name: "dir whiteout without parent entries in the intermediate layer",
			layers: [][]E{
				{dir("srv"), dir("srv/cache"), file("srv/cache/a", 10), file("srv/cache/b", 20)},
				{file("srv/cache/c", 30)},
				{wh("srv/cache")},
				{dir("srv"), dir("srv/cache")},
			},
			check: func(t *testing.T, m analyze.DiveMetrics) {
				// the implied parent replaced the dir payload: the whiteout counts 0
				if got := inefficient(m, "/srv/cache"); got.Count != 2 || got.CumulativeSize != 0 {
					t.Errorf("/srv/cache: %+v, want 2 refs and 0 bytes", got)
				}
			},
		},
		{
			name: "dir whiteout of a dir created implicitly",
			layers: [][]E{
				{file("opt/tool/bin", 1000), file("opt/tool/lib", 2000)},
				{dir("opt"), wh("opt/tool")},
			},
		},
		{
			name: "dir whiteout then re-add in a later layer",
			layers: [][]E{
				{dir("var"), dir("var/lib"), file("var/lib/db", 300)},
				{dir("var"), wh("var/lib")},
				{dir("var"), dir("var/lib"), file("var/lib/db", 100)},
			},
			check: func(t *testing.T, m analyze.DiveMetrics) {
				if got := inefficient(m, "/var/lib/db"); got.Count != 2 || got.CumulativeSize != 400 {
					t.Errorf("/var/lib/db: %+v, want 2 refs and 400 bytes", got)
				}
			},
		},
		{
			name: "whiteout of a missing path aborts the layer",
			layers: [][]E{
				{file("a", 10), file("b", 20)},
				{wh("a0"), file("b", 5), file("zz", 70)},
			},
			check: func(t *testing.T, m analyze.DiveMetrics) {
				// ".wh.a0" sorts first, so /b and /zz of layer 1 are never counted
				if got := inefficient(m, "/b"); got.Count != 0 {
					t.Errorf("/b counted after the abort: %+v", got)
				}
			},
		},
		{
			name: "whiteout of a missing path after other leaves",
			layers: [][]E{
				{file("a", 10), file("b", 20)},
				{file("b", 5), dir("z"), wh("z/nothing"), file("zz", 70)},
			},
			check: func(t *testing.T, m analyze.DiveMetrics) {
				if got := inefficient(m, "/b"); got.Count != 2 {
					t.Errorf("/b: %+v, want 2 refs", got)
				}
			},
		},
		{
			name: "whiteout in the base layer",
			layers: [][]E{
				{file("a", 10), wh("b"), wh("a")},
				{file("a", 3)},
			},
		},
		{
			name: "opaque dir",
			layers: [][]E{
				{dir("cfg"), file("cfg/a", 10), file("cfg/b", 20), dir("cfg/sub"), file("cfg/sub/c", 40)},
				{dir("cfg"), opq("cfg"), file("cfg/b", 5)},
			},
		},
		{
			name: "opaque dir without a dir entry",
			layers: [][]E{
				{dir("cfg"), file("cfg/a", 10)},
				{opq("cfg")},
				{file("cfg/a", 11)},
			},
		},
		{
			name: "opaque root",
			layers: [][]E{
				{file("a", 10), dir("d"), file("d/x", 5)},
				{opq("/"), file("a", 4)},
			},
		},
		{
			name: "hardlinks",
			layers: [][]E{
				{dir("bin"), file("bin/busybox", 1000), hardlink("bin/sh", "bin/busybox"), hardlink("bin/ls", "bin/busybox")},
				{dir("bin"), wh("bin/busybox")},
				{dir("bin"), hardlink("bin/ls", "bin/sh")},
			},
		},
		{
			name: "symlinks",
			layers: [][]E{
				{dir("usr"), dir("usr/lib"), file("usr/lib/libz.so.1.3", 90000), symlink("usr/lib/libz.so.1", "libz.so.1.3")},
				{dir("usr"), dir("usr/lib"), symlink("usr/lib/libz.so.1", "libz.so.1.3.1"), file("usr/lib/libz.so.1.3.1", 91000)},
			},
		},
		{
			name: "same path twice in one layer",
			layers: [][]E{
				{file("x", 10), file("x", 20), dir("d"), dir("d")},
				{file("x", 30)},
			},
			check: func(t *testing.T, m analyze.DiveMetrics) {
				// one leaf per layer tree: the later payload wins
				if got := inefficient(m, "/x"); got.Count != 2 || got.CumulativeSize != 50 {
					t.Errorf("/x: %+v, want 2 refs and 50 bytes", got)
				}
				if m.SizeBytes != 60 {
					t.Errorf("size %d, want 60 (both copies count)", m.SizeBytes)
				}
			},
		},
		{
			name: "delete and re-add in the same layer",
			layers: [][]E{
				{dir("d"), file("d/a", 10)},
				{wh("d"), dir("d"), file("d/b", 20)},
				{wh("d")},
			},
		},
		{
			name: "file replaced by dir and dir by file",
			layers: [][]E{
				{file("p", 100), dir("q"), file("q/inner", 50)},
				{dir("p"), file("p/child", 7), file("q", 9)},
				{file("p", 1)},
			},
		},
		{
			name: "file becomes parent within one layer",
			layers: [][]E{
				{file("p", 100), file("p/child", 7)},
				{file("p", 3)},
			},
		},
		{
			name:   "deep tree",
			layers: [][]E{deepLayer(100), deepLayer(200), {wh(deepDir)}},
		},
		{
			name: "empty layers",
			layers: [][]E{
				{file("a", 10)},
				{},
				{file("a", 10)},
				{},
			},
		},
		{
			name:   "single layer",
			layers: [][]E{{dir("etc"), file("etc/os-release", 300), file("bin", 10)}},
			check: func(t *testing.T, m analyze.DiveMetrics) {
				if m.UserWastedPercent != 0 || m.UserSizeBytes != 0 {
					t.Errorf("single layer: user size %d, percent %v, want 0 and 0", m.UserSizeBytes, m.UserWastedPercent)
				}
			},
		},
		{
			name:   "single empty layer",
			layers: [][]E{{}},
		},
		{
			name: "only zero-size user layers",
			layers: [][]E{
				{dir("d"), file("d/x", 100)},
				{wh("d")},
			},
		},
		{
			name: "dot-slash names, trailing slashes and a root entry",
			layers: [][]E{
				{dir("./"), dir("./etc/"), file("./etc/app.conf", 100), file("/abs", 5)},
				{dir("./"), dir("./etc/"), file("./etc/app.conf", 50), wh("./abs")},
			},
			check: func(t *testing.T, m analyze.DiveMetrics) {
				if got := inefficient(m, "/etc/app.conf"); got.Count != 2 || got.CumulativeSize != 150 {
					t.Errorf("/etc/app.conf: %+v, want 2 refs and 150 bytes", got)
				}
			},
		},
		{
			name: "aufs metadata entries",
			layers: [][]E{
				{file(".wh..wh.aufs", 10), dir(".wh..wh.orph"), dir(".wh..wh.plnk"), file(".wh..wh.plnk/123.456", 77), file("a", 1)},
				{dir("d"), file("d/.wh..wh.x", 5), file("a", 2)},
			},
		},
		{
			name: "distinct contents of equal size",
			layers: [][]E{
				{filled(file("f", 64), 'a')},
				{filled(file("f", 64), 'b')},
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			img := buildImage(t, c.layers)
			ix, got := runOurs(t, img, analyze.Options{})
			want := runDive(t, img)
			if compare(t, want, ix, got) > 0 {
				t.Logf("layers: %+v", c.layers)
			}
			if c.check != nil {
				c.check(t, got)
			}
		})
	}
}
