package slim

import (
	"context"
	"math"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/slimcheck/slimcheck/analyze"
	"github.com/slimcheck/slimcheck/internal/imagetest"
	"github.com/slimcheck/slimcheck/slim/check"
	"github.com/slimcheck/slimcheck/slim/slimtest"
)

// TestDemo builds the demo's runtime image on generated bases served by a
// loopback registry, writes it to every kind of destination, reads it back
// and proves it: size against the estimate, files against the plan, config,
// annotations, and the static run check.
func TestDemo(t *testing.T) {
	ctx := context.Background()
	res := demoSource(t)
	reg := imagetest.Registry(t)
	imagetest.Push(t, reg, "base/node:20-glibc", slimtest.Glibc(t))
	imagetest.Push(t, reg, "base/node:20-musl", slimtest.Musl(t))

	t.Run("glibc", func(t *testing.T) {
		plan := planOn(t, res, reg.Ref("base/node:20-glibc"))
		if plan.Estimate.BaseSource != "registry" {
			t.Fatalf("base size from %s, want the registry", plan.Estimate.BaseSource)
		}
		built, err := Build(ctx, sourceOf(res), plan, DefaultOptions())
		if err != nil {
			t.Fatal(err)
		}
		digest, err := built.Image.Digest()
		if err != nil {
			t.Fatal(err)
		}
		again, err := Build(ctx, sourceOf(res), plan, DefaultOptions())
		if err != nil {
			t.Fatal(err)
		}
		if d, _ := again.Image.Digest(); d != digest {
			t.Errorf("built twice: %s then %s, want the same digest", digest, d)
		}
		want := plannedEntries(t, plan.Copy.Select(res.Report.Files))
		dir := t.TempDir()
		for _, dest := range []string{"oci:" + filepath.Join(dir, "layout") + ":v1", "docker-archive:" + filepath.Join(dir, "slim.tar") + ":demo/slim:1", reg.Ref("demo/slim:1")} {
			d, err := ParseDestination(dest, false)
			if err != nil {
				t.Fatal(err)
			}
			t.Run(string(d.Kind), func(t *testing.T) {
				w, err := Write(ctx, built.Image, d, WriteOptions{})
				if err != nil {
					t.Fatal(err)
				}
				if w.Digest != digest.String() {
					t.Errorf("wrote %s, built %s", w.Digest, digest)
				}
				back := readBack(t, w.ReadBack)

				// Size: the estimate holds within 2 %; here it is exact.
				p := Compare(plan, res.Report, back.Report, built.Base.Layers, DefaultTolerance)
				t.Logf("original %d, estimate %d (base %d + copied %d), measured %d (base %d + layer %d): %+.4f %%",
					p.OriginalBytes, p.EstimateBytes, p.EstimatedBaseBytes, p.EstimatedCopiedBytes, p.MeasuredBytes, p.MeasuredBaseBytes, p.MeasuredLayerBytes, p.DeltaPercent)
				if !p.Within || p.Failed || math.Abs(p.DeltaPercent) > 2 || p.DeltaBytes != 0 {
					t.Errorf("proof %+v", p)
				}
				if p.MeasuredBytes >= p.OriginalBytes/10 {
					t.Errorf("measured %d of the original %d", p.MeasuredBytes, p.OriginalBytes)
				}

				// Files: exactly the planned set, with modes, owners and links.
				got := map[string]analyze.Entry{}
				for p, e := range lastLayer(back.Index) {
					if e.Type != analyze.TypeDir {
						got[p] = e
					}
				}
				if len(got) != len(want) || len(got) != plan.Copy.Files {
					t.Errorf("new layer has %d non-directory entries, the plan %d (copy.files %d)", len(got), len(want), plan.Copy.Files)
				}
				var bytes int64
				for p, w := range want {
					g, ok := got[p]
					bytes += g.Size
					if !ok || g.Type != w.Type || g.Size != w.Size || g.Mode != w.Mode || g.UID != w.UID || g.GID != w.GID || g.Link != w.Link {
						t.Errorf("%s: got %+v, want %+v", p, g, w)
					}
				}
				if bytes != plan.Copy.Bytes {
					t.Errorf("new layer holds %d bytes, the plan %d", bytes, plan.Copy.Bytes)
				}
				for _, dir := range []string{"/opt", "/opt/app-root", "/opt/app-root/src", "/usr/libexec/s2i"} {
					e, ok := lastLayer(back.Index)[dir]
					if !ok || e.Type != analyze.TypeDir {
						t.Errorf("%s: no directory entry in the new layer", dir)
					}
				}
				if e := lastLayer(back.Index)["/opt/app-root/src"]; e.UID != 1001 || e.Mode.Perm() != 0o775 {
					t.Errorf("app dir %v uid %d, want the source's 0775 1001", e.Mode, e.UID)
				}
				if e := lastLayer(back.Index)["/opt"]; e.UID != 0 || e.Mode.Perm() != 0o755 {
					t.Errorf("created parent /opt %v uid %d, want 0755 root", e.Mode, e.UID)
				}

				// Config: the plan's settings on top of the base's.
				cfg := back.Index.Config
				c := cfg.Config
				if !reflect.DeepEqual(c.Cmd, plan.Config.Cmd) || c.Entrypoint != nil || c.User != "1001" || c.WorkingDir != "/opt/app-root/src" {
					t.Errorf("cmd %q entrypoint %q user %q workdir %q", c.Cmd, c.Entrypoint, c.User, c.WorkingDir)
				}
				if v, _ := lookupEnv(c.Env, "PATH"); !strings.HasPrefix(v, "/opt/app-root/src/node_modules/.bin/:") || !strings.HasSuffix(v, ":"+slimtest.Path) {
					t.Errorf("PATH = %q", v)
				}
				if v, _ := lookupEnv(c.Env, "NODE_VERSION"); v != "20.11.1" {
					t.Errorf("the base's NODE_VERSION is lost: %q", v)
				}
				if v, _ := lookupEnv(c.Env, "NPM_RUN"); v != "start" {
					t.Errorf("NPM_RUN = %q", v)
				}
				if _, ok := c.ExposedPorts["8080/tcp"]; !ok || c.Labels["io.openshift.expose-services"] != "8080:http" || c.Labels["org.example.base"] != "yes" {
					t.Errorf("ports %v labels %v", c.ExposedPorts, c.Labels)
				}
				if cfg.Architecture != "amd64" || cfg.OS != "linux" || !cfg.Created.Time.Equal(res.Index.Config.Created.Time) {
					t.Errorf("platform %s/%s created %s", cfg.OS, cfg.Architecture, cfg.Created)
				}
				h := cfg.History[len(cfg.History)-1]
				if !strings.HasPrefix(h.CreatedBy, "slimcheck slim: COPY 885 files, 21 symlinks") || !strings.Contains(h.CreatedBy, "dev-dependencies") ||
					!strings.Contains(h.Comment, "slimcheck.dev/demo/nodejs-s2i:latest") {
					t.Errorf("history %+v", h)
				}

				// Annotations survive in OCI manifests (docker archives have none).
				if d.Kind != DestDockerArchive {
					m, err := back.Image.Manifest()
					if err != nil {
						t.Fatal(err)
					}
					if m.Annotations[AnnotationBaseName] != reg.Ref("base/node:20-glibc") || m.Annotations[AnnotationBaseDigest] != built.Base.Digest ||
						m.Annotations[AnnotationSource] != "slimcheck.dev/demo/nodejs-s2i:latest" || !strings.HasPrefix(m.Annotations[AnnotationSourceConfig], "sha256:") {
						t.Errorf("annotations %v", m.Annotations)
					}
				}

				// Run check: passes on glibc; nodemon (a dev dependency the
				// s2i script execs in dev mode) is a warning.
				cr, err := check.Run(ctx, back.Image, back.Index, check.Options{Layers: []int{len(back.Index.Layers) - 1}})
				if err != nil {
					t.Fatal(err)
				}
				if cr.Failed() || cr.Libc != "glibc" || len(cr.Chain) < 2 || cr.Chain[1].Path != "/bin/bash" {
					t.Errorf("check: %+v", cr)
				}
				for _, f := range cr.Findings {
					t.Logf("finding: %s %s %s", f.Severity, f.Kind, f.Message)
					if f.Severity != check.Warning || !strings.Contains(f.Message, "nodemon") {
						t.Errorf("unexpected finding %+v", f)
					}
				}
			})
		}
	})

	t.Run("musl", func(t *testing.T) {
		plan := planOn(t, res, reg.Ref("base/node:20-musl"))
		built, err := Build(ctx, sourceOf(res), plan, DefaultOptions())
		if err != nil {
			t.Fatal(err)
		}
		w, err := Write(ctx, built.Image, Destination{Kind: DestOCI, Path: t.TempDir(), Tag: "musl"}, WriteOptions{})
		if err != nil {
			t.Fatal(err)
		}
		back := readBack(t, w.ReadBack)
		cr, err := check.Run(ctx, back.Image, back.Index, check.Options{Layers: []int{len(back.Index.Layers) - 1}})
		if err != nil {
			t.Fatal(err)
		}
		if !cr.Failed() || cr.Libc != "musl" {
			t.Fatalf("check on musl: %+v", cr)
		}
		var addon *check.Finding
		for i, f := range cr.Findings {
			t.Logf("finding: %s %s %s", f.Severity, f.Kind, f.Message)
			if f.Severity == check.Error {
				addon = &cr.Findings[i]
			}
		}
		if cr.Errors() != 1 || addon == nil || addon.Kind != check.KindLibc || !strings.HasSuffix(addon.Path, "/bcrypt_lib.node") ||
			!strings.Contains(addon.Message, "glibc") || !strings.Contains(addon.Message, "musl") {
			t.Errorf("want one libc error naming bcrypt_lib.node, glibc and musl; got %+v", cr.Findings)
		}
	})
}

// plannedEntries is what the new layer must hold for a selection: every
// non-directory entry at its destination, as the source has it.
func plannedEntries(t *testing.T, sel []recommendSelected) map[string]analyze.Entry {
	t.Helper()
	out := map[string]analyze.Entry{}
	for _, s := range sel {
		if s.File.Type == "dir" {
			continue
		}
		e := analyze.Entry{Path: s.Path, Size: s.File.Bytes, UID: s.File.UID, GID: s.File.GID, Link: s.File.Link}
		e.Mode = modeOf(s.File.Mode)
		switch s.File.Type {
		case "file":
			e.Type = analyze.TypeFile
		case "symlink":
			e.Type = analyze.TypeSymlink
		case "hardlink":
			e.Type = analyze.TypeHardlink
		default:
			e.Type = analyze.TypeOther
		}
		out[s.Path] = e
	}
	return out
}
