package attribute

import (
	"bytes"
	"path"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/slimcheck/slimcheck/analyze/deps/node"
	"github.com/slimcheck/slimcheck/analyze/deps/node/pnp/pnptest"
	"github.com/slimcheck/slimcheck/internal/imagetest"
	"github.com/slimcheck/slimcheck/report"
)

// pnpImage is a node image whose second layer is a recorded Yarn
// Plug'n'Play install (analyze/deps/node/pnp/testdata), zips and unplugged
// files zero-filled at the paths Yarn wrote.
func pnpImage(fx pnptest.Fixture, drop ...string) image {
	var install []imagetest.Entry
	for _, e := range fx.Entries() {
		if !dropped("/"+e.Path, drop) {
			install = append(install, e)
		}
	}
	return image{
		cfg: v1.Config{Env: []string{"PATH=/usr/local/bin:/usr/bin:/bin", "NODE_VERSION=20.11.1"},
			WorkingDir: pnptest.AppDir, Cmd: []string{"node", "-r", "./.pnp.cjs", "index.js"}},
		layers: [][]imagetest.Entry{{
			imagetest.Text("/etc/os-release", "ID=debian\nVERSION_ID=12\n"),
			imagetest.Text("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\nnode:x:1000:1000::/home/node:/bin/bash\n"),
			imagetest.File("/usr/local/bin/node", 90_000_000),
		}, install},
	}
}

func dropped(p string, drop []string) bool {
	for _, d := range drop {
		if p == d {
			return true
		}
	}
	return false
}

// pnpWant is the category a recorded install's file must get: the zips the
// map references by their class, every other zip package cache (the global
// cache Yarn 4 mirrors into, the zips of unplugged packages), the registry
// metadata cache, and the project's files (unplugged packages by class).
func pnpWant(p string, mapped bool) report.Category {
	base := path.Base(p)
	switch {
	case strings.Contains(p, "/.yarn/berry/metadata/"), strings.Contains(p, "/.yarn/cache/") && !strings.HasSuffix(base, ".zip"):
		return report.PackageCache
	case strings.HasSuffix(base, ".zip"):
		for _, n := range []string{"debug-npm-4.3.4-", "inherits-npm-2.0.4-", "ms-npm-2.0.0-", "ms-npm-2.1.2-"} {
			if mapped && strings.HasPrefix(base, n) {
				return report.App
			}
		}
		for _, n := range []string{"is-number-npm-6.0.0-", "is-odd-npm-3.0.1-", "isarray-npm-2.0.5-"} {
			if mapped && strings.HasPrefix(base, n) {
				return report.DevDependencies
			}
		}
		return report.PackageCache
	case strings.Contains(p, "/.yarn/unplugged/left-pad-"):
		return report.DevDependencies
	}
	return report.App
}

// mapsInto reports whether the variant's map points into the cache that
// holds zip p: the global one for Yarn 4's default, else the project's.
func mapsInto(variant, p string) bool {
	global := variant == "yarn4-global" || variant == "yarn4-split"
	return global == strings.HasPrefix(p, "/root/.yarn/berry/cache/") &&
		(global || strings.HasPrefix(p, pnptest.AppDir+"/.yarn/cache/"))
}

// TestPnPAttribution attributes an image of every recorded install: the
// zips the map references are the app's (or dev dependencies when only
// devDependencies reach them), never package cache; zips no map
// references stay package cache.
func TestPnPAttribution(t *testing.T) {
	for _, variant := range pnptest.Variants() {
		t.Run(variant, func(t *testing.T) {
			fx := pnptest.Load(t, variant)
			ix, res := run(t, pnpImage(fx), DefaultOptions())
			counts := map[report.Category]int{}
			for _, b := range fx.Blobs {
				want := pnpWant(b.Path, mapsInto(variant, b.Path))
				got, ev := categoryOf(t, ix, res, b.Path)
				if got != want {
					t.Errorf("%s: %s (%s %s %s), want %s", b.Path, got, ev.Kind, ev.Rule, ev.Detail, want)
				}
				if (got == report.App || got == report.DevDependencies) && strings.HasSuffix(b.Path, ".zip") &&
					(ev.Kind != KindLockfile || path.Dir(ev.Source) != pnptest.AppDir || !strings.Contains(ev.Detail, "Plug'n'Play")) {
					t.Errorf("%s: evidence %+v", b.Path, ev)
				}
				counts[got]++
			}
			// 3 dev-only zips and left-pad's unplugged files.
			leftPad := len(fx.BlobsUnder(pnptest.AppDir + "/.yarn/unplugged/left-pad-npm-1.3.0-0382e69409"))
			if counts[report.DevDependencies] != 3+leftPad || leftPad < 7 {
				t.Errorf("dev-dependencies files = %d, want 3 + %d", counts[report.DevDependencies], leftPad)
			}
			for _, p := range []string{pnptest.AppDir + "/.pnp.cjs", pnptest.AppDir + "/package.json"} {
				if _, ok := fx.Files[p]; ok {
					if got, _ := categoryOf(t, ix, res, p); got != report.App {
						t.Errorf("%s: %s", p, got)
					}
				}
			}
			for _, pr := range res.Problems {
				t.Errorf("problem: %+v", pr)
			}
		})
	}
}

// TestPnPWithoutMap: the same install without its map has no installed
// zips: the global cache is a cache through and through.
func TestPnPWithoutMap(t *testing.T) {
	fx := pnptest.Load(t, "yarn4-global")
	ix, res := run(t, pnpImage(fx, pnptest.AppDir+"/.pnp.cjs"), DefaultOptions())
	for _, p := range fx.BlobsUnder("/root/.yarn/berry/cache") {
		if got, ev := categoryOf(t, ix, res, p); got != report.PackageCache || ev.Rule != "home-caches" {
			t.Errorf("%s: %s (%s)", p, got, ev.Rule)
		}
	}
}

// TestPnPOversizedMap: a map larger than the capture limit is read from
// its first MiB; the state is cut short there, so every cache directory it
// names is kept whole as the app's, and the map is reported.
func TestPnPOversizedMap(t *testing.T) {
	fx := pnptest.Load(t, "yarn4-global")
	script := fx.Files[pnptest.AppDir+"/.pnp.cjs"]
	end := bytes.Index(script, []byte("\n}';"))
	if end < 0 {
		t.Fatal("no end of the state literal")
	}
	var big bytes.Buffer
	big.Write(script[:end])
	big.WriteString(",\\\n  \"padding\": \"")
	big.Write(bytes.Repeat([]byte("x"), node.PnPLimit))
	big.WriteString("\"")
	big.Write(script[end:])
	fx.Files[pnptest.AppDir+"/.pnp.cjs"] = big.Bytes()
	img := pnpImage(fx)
	ix := walkImage(t, img)
	if _, _, ok := ix.Captured(pnptest.AppDir + "/.pnp.cjs"); ok {
		t.Fatal("the oversized map was captured whole")
	}
	res, err := attribute(t.Context(), ix, DefaultOptions(), defaultSpread())
	if err != nil {
		t.Fatal(err)
	}
	checkInvariants(t, ix, res)
	for _, p := range fx.BlobsUnder("/root/.yarn/berry/cache") {
		if got, ev := categoryOf(t, ix, res, p); got != report.App || !strings.Contains(ev.Detail, "could not be read") {
			t.Errorf("%s: %s (%s)", p, got, ev.Detail)
		}
	}
	found := false
	for _, pr := range res.Problems {
		found = found || pr.Path == pnptest.AppDir+"/.pnp.cjs"
	}
	if !found {
		t.Errorf("no problem names the map: %+v", res.Problems)
	}
}

// TestPnPCapturePrefix: only maps the walk does not capture whole get a
// prefix, and it is kept whole.
func TestPnPCapturePrefix(t *testing.T) {
	ix := walkImage(t, image{layers: [][]imagetest.Entry{{
		imagetest.Text("/app/.pnp.cjs", "small"),
		imagetest.File("/app/big/.pnp.data.json", node.PnPLimit+1),
	}}})
	l := ix.Layers[0]
	if _, ok := l.Prefixes["/app/.pnp.cjs"]; ok || string(l.Captured["/app/.pnp.cjs"]) != "small" {
		t.Errorf("small map: captured %q, prefix %v", l.Captured["/app/.pnp.cjs"], l.Prefixes["/app/.pnp.cjs"] != nil)
	}
	if got := len(l.Prefixes["/app/big/.pnp.data.json"]); got != node.PnPPrefix {
		t.Errorf("big map prefix = %d bytes, want %d", got, node.PnPPrefix)
	}
	if got := CondensePrefix("/app/.pnp.cjs", []byte("#!/usr/bin/env node\nconst RAW")); string(got) != "#!/usr/bin/env node\nconst RAW" {
		t.Errorf("CondensePrefix cut a map's prefix: %q", got)
	}
}
