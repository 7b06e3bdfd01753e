package gen

import (
	"github.com/slimcheck/slimcheck/internal/demo"

	"archive/tar"
	"bytes"
	"context"
	"database/sql"
	"debug/elf"
	"encoding/json"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	rpmdb "github.com/anchore/go-rpmdb/pkg"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/validate"
)

// regenerate is the hint printed when the artifact and generator disagree.
const regenerate = "regenerate the artifact with: go run ./testdata/gendemo -o internal/demo/demo-image.tar"

func TestBuildReproducesArtifact(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the 470 MB image; skipped with -short")
	}
	built, err := Build(context.Background(), fixtureRPMDB)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	embedded, err := demo.Image()
	if err != nil {
		t.Fatalf("Image: %v", err)
	}
	for _, c := range []struct {
		name string
		get  func(v1.Image) (any, error)
	}{
		{"manifest digest", func(i v1.Image) (any, error) { return i.Digest() }},
		{"config digest", func(i v1.Image) (any, error) { return i.ConfigName() }},
		{"raw config", func(i v1.Image) (any, error) { b, err := i.RawConfigFile(); return string(b), err }},
		{"layer digests and diffIDs", func(i v1.Image) (any, error) {
			ls, err := i.Layers()
			if err != nil {
				return nil, err
			}
			var out []string
			for _, l := range ls {
				d, err := l.Digest()
				if err != nil {
					return nil, err
				}
				di, err := l.DiffID()
				if err != nil {
					return nil, err
				}
				out = append(out, d.String()+" "+di.String())
			}
			return strings.Join(out, "\n"), nil
		}},
	} {
		b, err := c.get(built)
		if err != nil {
			t.Fatalf("%s of built image: %v", c.name, err)
		}
		e, err := c.get(embedded)
		if err != nil {
			t.Fatalf("%s of embedded image: %v", c.name, err)
		}
		if b != e {
			t.Errorf("%s differs between Build and the embedded artifact; %s\nbuilt:    %v\nembedded: %v", c.name, regenerate, b, e)
		}
	}
}

func TestImageValidates(t *testing.T) {
	img, err := demo.Image()
	if err != nil {
		t.Fatal(err)
	}
	if err := validate.Image(img); err != nil {
		t.Fatalf("validate.Image: %v", err)
	}
	fi, err := os.Stat(filepath.Join("..", demo.ArtifactName))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() > 5<<20 {
		t.Errorf("artifact is %d bytes, budget is 5 MiB", fi.Size())
	}
}

// TestDemoImage checks the story the embedded image tells, walking it once.
func TestDemoImage(t *testing.T) {
	img, err := demo.Image()
	if err != nil {
		t.Fatal(err)
	}
	layers, final := walkImage(t, img)
	cfg, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	const (
		lBase = iota
		lToolchain
		lNode
		lS2I
		lUpload
		lChown
		lAssemble
		lCleanup
	)

	t.Run("layers", func(t *testing.T) {
		if len(layers) != 8 {
			t.Fatalf("%d layers, want 8", len(layers))
		}
		var total int64
		for i, l := range layers {
			if len(l.entries) == 0 {
				t.Errorf("layer %d is empty", i)
			}
			total += l.size
		}
		if total < 440e6 || total > 500e6 {
			t.Errorf("uncompressed size %d, want 440-500 MB", total)
		}
		t.Logf("uncompressed %d bytes in %d layers", total, len(layers))
	})

	t.Run("config", func(t *testing.T) {
		c := cfg.Config
		if c.User != "1001" || c.WorkingDir != appHome || !slices.Equal(c.Cmd, []string{"/usr/libexec/s2i/run"}) {
			t.Errorf("User %q WorkingDir %q Cmd %q", c.User, c.WorkingDir, c.Cmd)
		}
		if _, ok := c.ExposedPorts["8080/tcp"]; !ok || len(c.ExposedPorts) != 1 {
			t.Errorf("ExposedPorts = %v", c.ExposedPorts)
		}
		wantEnv := []string{
			"NODEJS_VERSION=20", "NODE_VERSION=20.11.1", "NPM_RUN=start", "APP_ROOT=/opt/app-root",
			"HOME=/opt/app-root/src",
			"PATH=/opt/app-root/src/node_modules/.bin/:/opt/app-root/src/.npm-global/bin/:/opt/app-root/src/bin:/opt/app-root/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		}
		for _, e := range wantEnv {
			if !slices.Contains(c.Env, e) {
				t.Errorf("Env lacks %q: %q", e, c.Env)
			}
		}
		for _, kv := range [][2]string{
			{"io.openshift.build.source-location", "https://github.com/example/nodejs-hello.git"},
			{"io.openshift.build.commit.ref", "main"},
			{"io.openshift.build.commit.id", demoCommit},
			{"io.openshift.build.image", "registry.access.redhat.com/ubi8/nodejs-20:latest"},
			{"io.openshift.s2i.scripts-url", "image:///usr/libexec/s2i"},
			{"io.k8s.display-name", "Node.js 20"},
			{"io.openshift.expose-services", "8080:http"},
			{"io.openshift.tags", "builder,nodejs,nodejs20"},
		} {
			if got := c.Labels[kv[0]]; got != kv[1] {
				t.Errorf("label %s = %q, want %q", kv[0], got, kv[1])
			}
		}
		if len(demoCommit) != 40 || strings.Trim(demoCommit, "0123456789abcdef") != "" {
			t.Errorf("commit id %q is not 40 hex digits", demoCommit)
		}
		for _, k := range []string{"summary", "description"} {
			if c.Labels[k] == "" {
				t.Errorf("label %s missing", k)
			}
		}
		// Non-empty history entries map one-to-one onto layers, in order.
		wantCmd := []string{"ADD file:", "yum install -y", "curl -fsSL", "COPY dir:", "COPY dir:", "chown -R 1001:0 /tmp/src", "/usr/libexec/s2i/assemble", "rm -rf /tmp/*"}
		var got []v1.History
		for _, h := range cfg.History {
			if !h.EmptyLayer {
				got = append(got, h)
			} else if !strings.HasPrefix(h.CreatedBy, "/bin/sh -c #(nop) ") {
				t.Errorf("empty_layer entry %q is not a #(nop) instruction", h.CreatedBy)
			}
		}
		if len(got) != len(layers) || len(got) != len(cfg.RootFS.DiffIDs) {
			t.Fatalf("%d non-empty history entries, %d layers, %d diff_ids", len(got), len(layers), len(cfg.RootFS.DiffIDs))
		}
		for i, h := range got {
			if !strings.Contains(h.CreatedBy, wantCmd[i]) {
				t.Errorf("history for layer %d = %q, want it to contain %q", i, h.CreatedBy, wantCmd[i])
			}
			if i > 0 && h.Created.Before(got[i-1].Created.Time) {
				t.Errorf("history for layer %d goes back in time", i)
			}
		}
	})

	t.Run("tar hygiene", func(t *testing.T) {
		for i, l := range layers {
			seen := map[string]bool{}
			for _, e := range l.entries {
				name := strings.TrimSuffix(e.name, "/")
				if strings.HasPrefix(name, "/") || path.Clean(name) != name || strings.HasPrefix(name, "..") {
					t.Errorf("layer %d: unclean name %q", i, e.name)
				}
				if dir := path.Dir(name); dir != "." && !seen[dir] {
					t.Errorf("layer %d: %s comes before its directory", i, e.name)
				}
				if e.typeflag == tar.TypeLink {
					target, ok := l.get(e.linkname)
					if !ok || !seen[e.linkname] || target.typeflag != tar.TypeReg {
						t.Errorf("layer %d: hard link %s -> %s has no earlier regular target", i, e.name, e.linkname)
					}
				}
				if seen[name] {
					t.Errorf("layer %d: %s appears twice", i, name)
				}
				seen[name] = true
			}
		}
		if n := countType(layers[lBase], tar.TypeLink); n == 0 {
			t.Error("base layer has no hard links (rpm inode groups were not honoured)")
		}
	})

	t.Run("os identity and accounts", func(t *testing.T) {
		osr, ok := final.get("etc/os-release")
		if !ok || !bytes.Contains(osr.content, []byte(`ID="centos"`)) || !bytes.Contains(osr.content, []byte(`VERSION_ID="7"`)) {
			t.Errorf("/etc/os-release = %q", osr.content)
		}
		for _, link := range []string{"bin", "sbin", "lib", "lib64"} {
			if e, ok := final.get(link); !ok || e.typeflag != tar.TypeSymlink || e.linkname != "usr/"+link {
				t.Errorf("/%s is not the usrmove symlink: %+v", link, e)
			}
		}
		pw, _ := final.get("etc/passwd")
		if !bytes.HasSuffix(pw.content, []byte(defaultUserLine+"\n")) || !bytes.HasPrefix(pw.content, []byte("root:x:0:0:")) {
			t.Errorf("/etc/passwd = %q", pw.content)
		}
		base, _ := layers[lBase].get("etc/passwd")
		if bytes.Equal(base.content, pw.content) {
			t.Error("/etc/passwd was not rewritten by useradd")
		}
		if e, ok := final.get("var/log/lastlog"); !ok || e.size != (appUID+1)*292 {
			t.Errorf("/var/log/lastlog = %+v", e)
		}
	})

	t.Run("rpmdb", func(t *testing.T) {
		baseDB := readRPMDB(t, layers[lBase], "base")
		toolDB := readRPMDB(t, layers[lToolchain], "toolchain")
		finalDB := readRPMDB(t, final, "final")
		if strings.Join(finalDB.names(), " ") != strings.Join(toolDB.names(), " ") {
			t.Error("the final rpmdb is not the toolchain layer's")
		}
		for _, n := range []string{"glibc", "bash", "coreutils", "yum", "rpm", "python", "filesystem", "centos-release"} {
			if !slices.Contains(baseDB.names(), n) {
				t.Errorf("base rpmdb lacks %s", n)
			}
		}
		for _, n := range []string{"gcc", "gcc-c++", "cpp", "make", "binutils", "glibc-devel", "glibc-headers", "libstdc++-devel", "bison", "flex"} {
			if slices.Contains(baseDB.names(), n) {
				t.Errorf("base rpmdb already has toolchain package %s", n)
			}
			if !slices.Contains(finalDB.names(), n) {
				t.Errorf("final rpmdb lacks toolchain package %s", n)
			}
		}
		for _, n := range baseDB.names() {
			if !slices.Contains(finalDB.names(), n) {
				t.Errorf("yum install dropped %s from the rpmdb", n)
			}
		}
		if len(finalDB.pkgs) <= len(baseDB.pkgs) {
			t.Errorf("final rpmdb has %d packages, base %d", len(finalDB.pkgs), len(baseDB.pkgs))
		}

		// Every file the rpmdb lists is on disk, unless rpm skips it (ghost,
		// other language) or the base kickstart deleted it; sizes match
		// except for the config files scriptlets and the kickstart rewrote.
		owned := map[string]bool{}
		rewritten := map[string]bool{"etc/passwd": true, "etc/group": true, "etc/shadow": true, "etc/yum/vars/infra": true}
		var checked int
		for _, p := range finalDB.pkgs {
			inBase := slices.Contains(baseDB.names(), p.info.Name)
			for i, f := range p.files {
				owned[final.resolve(f.Path, false)] = true
				if f.Flags&rpmdb.FileFlags(rpmdb.RPMFILE_GHOST) != 0 || (p.langs != nil && !installLangs(nil, &rpmFile{lang: p.langs[i]})) {
					continue
				}
				if (inBase && kickstartRemoved(f.Path)) || f.Path == "/" {
					continue
				}
				name := final.resolve(f.Path, false)
				e, ok := final.get(name)
				if !ok {
					t.Errorf("%s: %s missing from the image", p.info.Name, f.Path)
					continue
				}
				checked++
				switch f.Mode & modeTypeMask {
				case modeDir:
					if e.typeflag != tar.TypeDir {
						t.Errorf("%s: %s is not a directory", p.info.Name, f.Path)
					}
				case modeSymlink:
					if e.typeflag != tar.TypeSymlink {
						t.Errorf("%s: %s is not a symlink", p.info.Name, f.Path)
					}
				case modeRegular:
					if e.typeflag == tar.TypeReg && e.size != int64(f.Size) && !rewritten[name] {
						t.Errorf("%s: %s is %d bytes, rpm says %d", p.info.Name, f.Path, e.size, f.Size)
					}
				}
			}
		}
		// Conversely, what the two OS layers add is rpm-owned or one of the
		// known non-packaged files (databases, caches, logs, kickstart output).
		extras := []string{"var/lib/rpm/", "var/cache/yum/", "var/lib/yum/", "var/log/yum.log", "etc/ld.so.cache",
			"etc/alternatives/", "var/lib/alternatives/",
			"etc/BUILDTIME", "etc/rpm/macros.image-language-conf", "usr/lib/locale/locale-archive"}
		for _, li := range []int{lBase, lToolchain} {
			for _, e := range layers[li].entries {
				name := strings.TrimSuffix(e.name, "/")
				if e.typeflag == tar.TypeDir || owned[name] || slices.ContainsFunc(extras, func(x string) bool { return strings.HasPrefix(name, x) }) {
					continue
				}
				t.Errorf("layer %d: %s is neither rpm-owned nor a known extra", li, name)
			}
		}
		t.Logf("base %d packages, final %d packages, %d rpm files checked on disk", len(baseDB.pkgs), len(finalDB.pkgs), checked)
	})

	t.Run("caches and docs", func(t *testing.T) {
		sum := func(l walkedLayer, prefix string) (n int64) {
			for _, e := range l.entries {
				if e.typeflag == tar.TypeReg && strings.HasPrefix(e.name, prefix) {
					n += e.size
				}
			}
			return n
		}
		for _, c := range []struct {
			name   string
			layer  int
			prefix string
			lo, hi int64
		}{
			{"yum cache", lToolchain, "var/cache/yum/", 30e6, 50e6},
			{"toolchain docs", lToolchain, "usr/share/doc/", 1e6, 20e6},
			{"gcc internals", lToolchain, "usr/libexec/gcc/", 20e6, 80e6},
			{"node binary", lNode, "usr/bin/node", 80e6, 90e6},
			{"npm", lNode, "usr/lib/node_modules/npm/", 8e6, 20e6},
			{"npm cache", lAssemble, "opt/app-root/src/.npm/_cacache/", 30e6, 50e6},
			{"typescript", lAssemble, "opt/app-root/src/node_modules/typescript/", 20e6, 30e6},
			{"base docs (kickstart removed them)", lBase, "usr/share/doc/", 0, 1},
		} {
			if got := sum(layers[c.layer], c.prefix); got < c.lo || got > c.hi {
				t.Errorf("%s: %d bytes under %s, want %d-%d", c.name, got, c.prefix, c.lo, c.hi)
			}
		}
		for _, p := range []string{"usr/bin/gcc", "usr/bin/c++", "usr/bin/make", "usr/bin/ld", "usr/include/stdio.h", "usr/include/c++/4.8.2/iostream"} {
			if e, ok := final.get(final.resolve(p, true)); !ok || e.typeflag != tar.TypeReg {
				t.Errorf("toolchain file %s missing or dangling", p)
			}
		}
	})

	t.Run("lockfiles", func(t *testing.T) {
		lockEntry, _ := final.get("opt/app-root/src/package-lock.json")
		hiddenEntry, _ := final.get("opt/app-root/src/node_modules/.package-lock.json")
		var lock, hidden struct {
			LockfileVersion int `json:"lockfileVersion"`
			Packages        map[string]struct {
				Version         string            `json:"version"`
				Dev             bool              `json:"dev"`
				Optional        bool              `json:"optional"`
				DevDependencies map[string]string `json:"devDependencies"`
			} `json:"packages"`
		}
		if err := json.Unmarshal(lockEntry.content, &lock); err != nil {
			t.Fatalf("package-lock.json: %v", err)
		}
		if err := json.Unmarshal(hiddenEntry.content, &hidden); err != nil {
			t.Fatalf("node_modules/.package-lock.json: %v", err)
		}
		if lock.LockfileVersion != 3 || hidden.LockfileVersion != 3 {
			t.Errorf("lockfileVersion %d / %d, want 3", lock.LockfileVersion, hidden.LockfileVersion)
		}
		if lock.Packages[""].DevDependencies["typescript"] == "" {
			t.Error("root entry lacks devDependencies.typescript")
		}
		for _, c := range []struct {
			path string
			dev  bool
		}{
			{"node_modules/typescript", true}, {"node_modules/eslint", true}, {"node_modules/mocha", true},
			{"node_modules/chalk", true}, {"node_modules/nodemon/node_modules/supports-color", true},
			{"node_modules/express", false}, {"node_modules/bcrypt", false}, {"node_modules/send/node_modules/ms", false},
			{"node_modules/debug", false}, // debug@4 is dev for eslint but prod through bcrypt's node-pre-gyp
			{"node_modules/semver", false},
		} {
			e, ok := lock.Packages[c.path]
			if !ok || e.Dev != c.dev || hidden.Packages[c.path].Dev != c.dev {
				t.Errorf("%s: present %v, dev %v (hidden %v), want dev %v", c.path, ok, e.Dev, hidden.Packages[c.path].Dev, c.dev)
			}
		}
		var devCount int
		for k, e := range lock.Packages {
			if e.Dev {
				devCount++
			}
			if _, inHidden := hidden.Packages[k]; !inHidden && k != "" && !e.Optional {
				t.Errorf("%s is locked but not installed", k)
			}
		}
		if devCount < 100 {
			t.Errorf("only %d dev entries", devCount)
		}
		if fs := lock.Packages["node_modules/fsevents"]; !fs.Optional {
			t.Error("fsevents is not an optional lock entry")
		}
		if _, ok := final.get("opt/app-root/src/node_modules/fsevents"); ok {
			t.Error("fsevents (darwin-only) is installed")
		}
		// The hidden lockfile lists exactly the installed packages, and each
		// installed package.json agrees on name and version.
		installed := map[string]bool{}
		for _, e := range final.entries {
			rel, ok := strings.CutPrefix(e.name, "opt/app-root/src/")
			if !ok || path.Base(rel) != "package.json" || !strings.HasPrefix(rel, "node_modules/") {
				continue
			}
			dir := path.Dir(rel)
			if !isPackageDir(dir) {
				continue
			}
			var pj struct{ Name, Version string }
			if err := json.Unmarshal(e.content, &pj); err != nil {
				t.Errorf("%s: %v", e.name, err)
				continue
			}
			installed[dir] = true
			if pj.Name != npmName(dir) || pj.Version != hidden.Packages[dir].Version {
				t.Errorf("%s: package.json says %s@%s, hidden lockfile %s", dir, pj.Name, pj.Version, hidden.Packages[dir].Version)
			}
		}
		if len(installed) != len(hidden.Packages) {
			t.Errorf("%d installed package.json files, %d hidden lockfile entries", len(installed), len(hidden.Packages))
		}
	})

	t.Run("native code", func(t *testing.T) {
		addon, ok := final.get("opt/app-root/src/" + bcryptBindingPath)
		if !ok {
			t.Fatal("bcrypt binding missing")
		}
		f, err := elf.NewFile(bytes.NewReader(addon.content))
		if err != nil {
			t.Fatalf("parsing %s: %v", bcryptBindingPath, err)
		}
		libs, err := f.ImportedLibraries()
		if err != nil || f.Type != elf.ET_DYN || !slices.Contains(libs, "libc.so.6") {
			t.Errorf("%s: type %v, DT_NEEDED %q, err %v", bcryptBindingPath, f.Type, libs, err)
		}
		node, _ := layers[lNode].get("usr/bin/node")
		if node.size != nodeBinSize || node.mode&0o111 == 0 {
			t.Errorf("/usr/bin/node = %d bytes mode %o", node.size, node.mode)
		}
	})

	t.Run("whiteouts and hidden bytes", func(t *testing.T) {
		clean := layers[lCleanup]
		var rpmWhiteouts int
		for _, e := range clean.entries {
			if strings.HasPrefix(e.name, "var/cache/yum/x86_64/7/updates/packages/.wh.") {
				rpmWhiteouts++
				hidden := strings.Replace(e.name, ".wh.", "", 1)
				if _, ok := layers[lToolchain].get(hidden); !ok {
					t.Errorf("%s hides nothing", e.name)
				}
				if _, ok := final.get(hidden); ok {
					t.Errorf("%s is still visible", hidden)
				}
			}
		}
		if rpmWhiteouts == 0 {
			t.Error("cleanup layer has no yum cache whiteouts")
		}
		visible := 0
		for _, e := range final.entries {
			if strings.HasPrefix(e.name, "var/cache/yum/x86_64/7/base/packages/") && strings.HasSuffix(e.name, ".rpm") {
				visible++
			}
		}
		if visible == 0 {
			t.Error("no part of the yum package cache stays visible")
		}
		if _, ok := clean.get("opt/app-root/src/.npm/_logs/.wh..wh..opq"); !ok {
			t.Error("no opaque marker for .npm/_logs")
		}
		for _, e := range final.entries {
			if strings.HasPrefix(e.name, "opt/app-root/src/.npm/_logs/") || strings.HasPrefix(e.name, "tmp/src") {
				t.Errorf("%s survived the cleanup", e.name)
			}
		}
		if _, ok := clean.get("tmp/.wh.src"); !ok {
			t.Error("no whiteout for /tmp/src")
		}
	})

	t.Run("metadata-only rewrites", func(t *testing.T) {
		same := func(a, b walkedEntry) bool { return a.typeflag == b.typeflag && a.size == b.size && a.sum == b.sum }
		var chmodded, chowned int
		for _, e := range layers[lCleanup].entries {
			if !strings.HasPrefix(e.name, "opt/app-root/src/") || e.typeflag != tar.TypeReg || strings.Contains(e.name, "/.wh.") {
				continue
			}
			before, ok := layers[lAssemble].get(e.name)
			if !ok || !same(before, e) || before.mode == e.mode {
				t.Errorf("%s: not a mode-only rewrite (before %+v)", e.name, before)
			}
			chmodded++
		}
		for _, e := range layers[lChown].entries {
			if !strings.HasPrefix(e.name, "tmp/src/") {
				continue
			}
			before, ok := layers[lUpload].get(e.name)
			if !ok || !same(before, e) || before.uid != 0 || e.uid != appUID || before.mode != e.mode {
				t.Errorf("%s: not an owner-only rewrite", e.name)
			}
			chowned++
		}
		if chmodded < 3 || chowned < 10 {
			t.Errorf("%d chmod and %d chown rewrites", chmodded, chowned)
		}
	})

	t.Run("app and s2i", func(t *testing.T) {
		srv, _ := final.get("opt/app-root/src/server.js")
		if !bytes.Contains(srv.content, []byte("listen(8080)")) || srv.uid != appUID || srv.gid != 0 {
			t.Errorf("server.js = %q uid %d gid %d", srv.content, srv.uid, srv.gid)
		}
		if _, ok := final.get("opt/app-root/src/.git/HEAD"); !ok {
			t.Error("no .git in the app")
		}
		run, _ := final.get("usr/libexec/s2i/run")
		if !bytes.Contains(run.content, []byte("npm run -d $NPM_RUN")) || run.mode&0o111 == 0 {
			t.Errorf("s2i run script = %q", run.content)
		}
		for _, e := range layers[lAssemble].entries {
			if strings.HasPrefix(e.name, "opt/app-root/") && e.typeflag != tar.TypeSymlink && (e.uid != appUID || e.gid != 0 || e.mode&0o060 != 0o060) {
				t.Errorf("%s: %d:%d %o, want 1001:0 and g+rw (fix-permissions)", e.name, e.uid, e.gid, e.mode)
				break
			}
		}
	})
}

// isPackageDir reports whether dir is a node_modules/<name> or
// node_modules/@scope/<name> directory.
func isPackageDir(dir string) bool {
	name := npmName(dir)
	if strings.HasPrefix(name, "@") {
		scope, rest, ok := strings.Cut(name, "/")
		return ok && scope != "@" && rest != "" && !strings.Contains(rest, "/")
	}
	return name != "" && !strings.Contains(name, "/")
}

func countType(l walkedLayer, typ byte) (n int) {
	for _, e := range l.entries {
		if e.typeflag == typ {
			n++
		}
	}
	return n
}

// dbPackage is one package read back from a shipped rpmdb.
type dbPackage struct {
	info  *rpmdb.PackageInfo
	files []rpmdb.FileInfo
	langs []string
}

type shippedDB struct{ pkgs []dbPackage }

func (d shippedDB) names() []string {
	var out []string
	for _, p := range d.pkgs {
		out = append(out, p.info.Name)
	}
	slices.Sort(out)
	return out
}

// readRPMDB writes the rpmdb.sqlite of a walked layer to disk and reads it
// back with go-rpmdb, plus the raw blobs for FILELANGS.
func readRPMDB(t *testing.T, l walkedLayer, label string) shippedDB {
	t.Helper()
	e, ok := l.get(strings.TrimPrefix(rpmdbSQLitePath, "/"))
	if !ok || len(e.content) == 0 {
		t.Fatalf("%s: no %s", label, rpmdbSQLitePath)
	}
	p := filepath.Join(t.TempDir(), "rpmdb.sqlite")
	if err := os.WriteFile(p, e.content, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := rpmdb.Open(p)
	if err != nil {
		t.Fatalf("%s: opening rpmdb: %v", label, err)
	}
	infos, err := db.ListPackages()
	db.Close()
	if err != nil {
		t.Fatalf("%s: listing rpmdb: %v", label, err)
	}
	sdb, err := sql.Open("sqlite", "file:"+p+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	rows, err := sdb.Query("SELECT blob FROM Packages ORDER BY hnum")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out shippedDB
	for i := 0; rows.Next(); i++ {
		var blob []byte
		if err := rows.Scan(&blob); err != nil {
			t.Fatal(err)
		}
		if i >= len(infos) {
			t.Fatalf("%s: more blobs than packages", label)
		}
		files, err := infos[i].InstalledFiles()
		if err != nil {
			t.Fatalf("%s: files of %s: %v", label, infos[i].Name, err)
		}
		x, err := parseHeaderExtras(blob, len(files))
		if err != nil {
			t.Fatalf("%s: header of %s: %v", label, infos[i].Name, err)
		}
		out.pkgs = append(out.pkgs, dbPackage{info: infos[i], files: files, langs: x.langs})
	}
	if len(out.pkgs) != len(infos) {
		t.Fatalf("%s: %d blobs, %d packages", label, len(out.pkgs), len(infos))
	}
	return out
}
