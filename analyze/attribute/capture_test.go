package attribute

import (
	"context"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/slimcheck/slimcheck/analyze"
	"github.com/slimcheck/slimcheck/analyze/deps"
	"github.com/slimcheck/slimcheck/analyze/deps/composer"
	"github.com/slimcheck/slimcheck/analyze/deps/node"
	"github.com/slimcheck/slimcheck/analyze/deps/python"
	"github.com/slimcheck/slimcheck/analyze/ecosystem"
	"github.com/slimcheck/slimcheck/analyze/pkgdb"
	"github.com/slimcheck/slimcheck/analyze/source"
)

// capturePredicate is a predicate under test and its oracle.
type capturePredicate struct {
	name      string
	got, want func(string) (int64, bool)
}

// capturePredicates pairs every capture predicate with its oracle (the
// implementation it replaced, in capture_oracle_test.go).
func capturePredicates() []capturePredicate {
	return []capturePredicate{
		{"CapturePath", CapturePath, oracleCapturePath},
		{"CapturePrefix", CapturePrefix, oracleAttributeCapturePrefix},
		{"deps.CapturePath", deps.CapturePath, oracleDepsCapturePath},
		{"deps.CapturePrefix", deps.CapturePrefix, oracleDepsCapturePrefix},
		{"node.Capture", node.Capture, oracleNodeCapture},
		{"python.Capture", python.Capture, oraclePythonCapture},
		{"composer.Capture", composer.Capture, oracleComposerCapture},
		{"ecosystem.CapturePath", ecosystem.CapturePath, oracleEcosystemCapturePath},
		{"ecosystem.CapturePrefix", ecosystem.CapturePrefix, oracleCapturePrefix},
		{"ecosystem.IsAddonPath", func(p string) (int64, bool) { return 0, ecosystem.IsAddonPath(p) }, func(p string) (int64, bool) { return 0, oracleIsAddonPath(p) }},
	}
}

// checkCaptureOracle compares every predicate of preds with its oracle on
// p and counts the paths each accepts.
func checkCaptureOracle(t testing.TB, preds []capturePredicate, p string, accepted map[string]int) {
	for _, c := range preds {
		gl, gok := c.got(p)
		wl, wok := c.want(p)
		if gl != wl || gok != wok {
			t.Fatalf("%s(%q) = %d, %v; the oracle says %d, %v", c.name, p, gl, gok, wl, wok)
		}
		if gok && accepted != nil {
			accepted[c.name]++
		}
	}
}

// edgePaths are hand-picked paths near every boundary of the predicates.
var edgePaths = []string{
	"", "/", "//", ".", "..", "package.json", "a/package.json", "/package.json", "/package.json/", "//package.json",
	"/app/package.json", "/app/./package.json", "/app/../package.json", "/app//package.json",
	"/app/.npm/package.json", "/root/.npm/_cacache/index-v5/package.json", "/x/.cache/package.json", "/x/.cache",
	"/app/.yarn/cache/package.json", "/app/.yarn/berry/package.json", "/app/.yarn/unplugged/a/package.json",
	"/app/.pnpm-store/v3/package.json", "/root/.local/share/pnpm/store/package.json", "/x/pnpm/store/package.json",
	"/root/.node-gyp/18/package.json", "/root/.bun/install/cache/package.json",
	"/app/package-lock.json", "/app/node_modules/a/package-lock.json", "/node_modules/package-lock.json",
	"/app/node_modules/package-lock.json", "/app/node_modulesx/yarn.lock", "/app/xnode_modules/yarn.lock",
	"/app/npm-shrinkwrap.json", "/app/yarn.lock", "/app/pnpm-lock.yaml", "/app/sub/node_modules/x/pnpm-lock.yaml",
	"/app/node_modules/.package-lock.json", "/node_modules/.package-lock.json", "/.package-lock.json",
	"/app/node_modules/a/node_modules/.package-lock.json", "/app/x/.package-lock.json",
	"/app/node_modules/.pnpm/lock.yaml", "/node_modules/.pnpm/lock.yaml", "/.pnpm/lock.yaml", "/lock.yaml",
	"/app/node_modules/x/node_modules/.pnpm/lock.yaml", "/app/.pnpm/lock.yaml", "/app/node_modules//.pnpm/lock.yaml",
	"/app/node_modules/./.package-lock.json", "/app/node_modules/../node_modules/.package-lock.json",
	"/app/Pipfile.lock", "/app/poetry.lock", "/app/pyproject.toml", "/usr/lib/python3/site-packages/x/pyproject.toml",
	"/usr/lib/python3/dist-packages/x/poetry.lock", "/root/.cache/pip/x/Pipfile.lock", "/root/.cache/pipenv/pyproject.toml",
	"/root/.cache/pypoetry/cache/x/poetry.lock", "/root/.cache/pypoetry/artifacts/pyproject.toml",
	"/root/.cache/pypoetry/virtualenvs/v/lib/python3.12/site-packages/a-1.dist-info/RECORD",
	"/usr/lib/python3/site-packages/a-1.dist-info/RECORD", "/usr/lib/python3/dist-packages/a-1.dist-info/RECORD",
	"/usr/lib/python3/site-packages/a-1.dist-info/x/RECORD", "/usr/lib/python3/site-packages/.dist-info/RECORD",
	"/site-packages/a.dist-info/RECORD", "/a.dist-info/RECORD", "/RECORD", "RECORD", "/x/dist-info/RECORD",
	"/usr/lib/python3/site-packages/a-1.dist-info/../b.dist-info/RECORD", "/usr/lib/site-packages//a.dist-info/RECORD",
	"/app/composer.json", "/app/composer.lock", "/app/vendor/composer/installed.json", "/app/vendor/x/installed.json",
	"/composer/installed.json", "/installed.json", "/root/.composer/cache/files/composer.json",
	"/root/.cache/composer/composer.lock", "/tmp/composer/cache/composer.json", "/app/composer/./installed.json",
	"/etc/os-release", "/usr/lib/os-release", "/etc/alpine-release", "/etc/debian_version", "/etc/redhat-release",
	"/etc/passwd", "/etc/passwd/", "/etc//passwd", "/etc/shadow", "/venv/pyvenv.cfg", "pyvenv.cfg", "/pyvenv.cfg/",
	"/x/pyvenv.cfg//", "/usr/lib/jvm/java-17/release", "/usr/lib/jvm/release", "/usr/java/jdk/release",
	"/opt/java/openjdk/release", "/usr/local/openjdk-17/release", "/opt/jdk-21/release", "/opt/java/x/release",
	"/opt/javax/release", "/release", "release", "/usr/lib/jvm/java-17/release/", "/usr/lib/jvm/a/../b/release",
	"/usr/include/node/node_version.h", "/usr/local/include/node/node_version.h", "/include/node/node_version.h",
	"/usr/include/node_version.h", "node_version.h", "/usr/include/node/node_version.h/",
	"/var/lib/dpkg/status", "/var/lib/dpkg/status.d/libc6", "/var/lib/dpkg/status.d/", "/var/lib/dpkg/status.d",
	"/var/lib/dpkg/info/libc6:amd64.list", "/var/lib/dpkg/info/.list", "/var/lib/dpkg/info/libc6.md5sums",
	"/lib/apk/db/installed", "/var/lib/rpm/Packages", "/var/lib/rpm/Packages.db", "/var/lib/rpm/rpmdb.sqlite",
	"/usr/lib/sysimage/rpm/rpmdb.sqlite", "/var/lib/rpm/Name",
	"/app/node_modules/a/build/Release/a.node", "/.node", "/x/.node", "a.node", "/app/x.node/", "/app/a.node.bak",
	"/usr/lib/python3/site-packages/a/_x.cpython-312-x86_64-linux-gnu.so", "/usr/lib/python3/dist-packages/a.so.1.2",
	"/usr/lib/python3/dist-packages/a.so.1a", "/usr/lib/python3/dist-packages/.so", "/usr/lib/libc.so.6",
	"/app/node_modules/a/lib/x.so", "/app/node_modules/a/lib/x.sox", "/app/node_modules/a/lib/x.so.", "/x.so",
	"/usr/bin/node", "/usr/sbin/nginx", "/bin/sh", "/bin/", "/bin", "/app/server", "/app/server.js", "/app/.env",
	"/app/run.", "/opt/server", "/etc/server", "/server", "/server.sh", "/app//server", "/app/bin/x.py",
	"/usr/local/bin/", "/a/b/c", "/app/sub/server", "/tmp/x", "/home/user", "/srv/app", "/srv/.hidden",
	"/app/node_modules/a\x00/package.json", "/\xff\xfe/package.json", "/é/node_modules/.pnpm/lock.yaml",
	"/app/.pnp.cjs", "/app/.pnp.js", "/app/.pnp.data.json", "/.pnp.cjs", "/.pnp.js", ".pnp.cjs", "/app/.pnp.loader.mjs",
	"/app/node_modules/x/.pnp.cjs", "/app/.yarn/unplugged/x/node_modules/x/.pnp.js", "/root/.yarn/berry/.pnp.data.json",
	"/app/.pnp.cjs/", "/app/x.pnp.cjs", "/usr/src/app/packages/a/.pnp.cjs",
}

// fixturePaths returns the file paths of the real package databases in the
// shared fixtures: every line of the dpkg info lists and md5sums (as
// written, not cleaned), and every file the apk and rpm databases list.
func fixturePaths(t testing.TB) []string {
	t.Helper()
	var out []string
	for name, b := range readTar(t, readFixture(t, "dpkg/debian11-postgres15/dpkg-status-and-lists.tar")) {
		out = append(out, name)
		for _, line := range strings.Split(string(b), "\n") {
			out = append(out, line)
		}
	}
	for _, line := range strings.Split(string(readFixture(t, "dpkg/distroless-status.d/libsqlite3-0.md5sums")), "\n") {
		if _, p, ok := strings.Cut(line, "  "); ok {
			out = append(out, "/"+p, p)
		}
	}
	dbs := []struct{ fixture, at string }{
		{"apk/alpine3.3-node-buildtools/installed", "/lib/apk/db/installed"},
		{"apk/alpine3.18-base/installed", "/lib/apk/db/installed"},
		{"rpmdb/centos7-devtools/Packages.gz", "/var/lib/rpm/Packages"},
		{"rpmdb/rockylinux9/rpmdb.sqlite.gz", "/var/lib/rpm/rpmdb.sqlite"},
		{"rpmdb/sle15-bci/Packages.db", "/usr/lib/sysimage/rpm/Packages.db"},
	}
	for _, d := range dbs {
		b := readFixture(t, d.fixture)
		if strings.HasSuffix(d.fixture, ".gz") {
			b = gunzip(t, b)
		}
		parsed, probs := pkgdb.Parse(context.Background(), map[string][]byte{d.at: b})
		if len(parsed) != 1 {
			t.Fatalf("%s: %d databases, problems %v", d.fixture, len(parsed), probs)
		}
		for _, p := range parsed[0].Packages {
			out = append(out, p.Files...)
		}
	}
	return out
}

// archivePaths returns the paths of every entry of $BENCH_ARCHIVE (a
// docker archive), as the walk hands them to the predicates, or nil when
// it is unset.
func archivePaths(t testing.TB) []string {
	t.Helper()
	ix := archiveIndex(t, false)
	if ix == nil {
		return nil
	}
	var out []string
	for _, l := range ix.Layers {
		for _, e := range l.Entries {
			out = append(out, e.Path)
		}
	}
	return out
}

// archiveIndex walks $BENCH_ARCHIVE as analyze/pipeline.RunImage does
// (with the capture predicates when capture is set, else metadata only),
// or returns nil when it is unset.
func archiveIndex(t testing.TB, capture bool) *analyze.Index {
	t.Helper()
	archive := os.Getenv("BENCH_ARCHIVE")
	if archive == "" {
		return nil
	}
	ctx := context.Background()
	img, info, err := source.Open(ctx, "docker-archive:"+archive, source.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	wo := analyze.DefaultOptions()
	if capture {
		wo.Capture = CapturePath
		wo.CapturePrefix = CapturePrefix
	} else {
		wo.NoHash = true
	}
	wo.StoredUncompressed = info.ReadUncompressed
	ix, err := analyze.Walk(ctx, img, wo)
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

// probeNames are the base names the predicates care about, joined to every
// directory of the fixtures to reach the directory checks behind them.
var probeNames = []string{
	"package.json", "package-lock.json", "npm-shrinkwrap.json", ".package-lock.json", "yarn.lock", "pnpm-lock.yaml",
	"lock.yaml", "Pipfile.lock", "poetry.lock", "pyproject.toml", "RECORD", "composer.json", "composer.lock",
	"installed.json", "pyvenv.cfg", "release", "node_version.h", "status", "Packages", "rpmdb.sqlite", "x.list",
	"a.node", "x.so", "x.so.1.2", "x.so.1a", "server", "server.js", "node_modules/.package-lock.json",
	"node_modules/.pnpm/lock.yaml", "a.dist-info/RECORD", "site-packages/a.dist-info/RECORD", "composer/installed.json",
	".pnp.cjs", ".pnp.js", ".pnp.data.json",
}

// TestCapturePathMatchesOracle checks that every capture predicate answers
// exactly as the implementation it replaced, on the hand-picked edge
// paths, on every file the real package databases of the fixtures list, on
// every directory of those joined with each name the predicates look for,
// and on the entries of $BENCH_ARCHIVE when it is set.
func TestCapturePathMatchesOracle(t *testing.T) {
	sets := map[string][]string{"edge": edgePaths}
	fix := fixturePaths(t)
	sets["fixtures"] = fix
	dirs := map[string]bool{}
	for _, p := range append(fix, edgePaths...) {
		for d := p; d != ""; {
			i := strings.LastIndexByte(d, '/')
			if i < 0 {
				break
			}
			d = d[:i]
			dirs[d] = true
		}
	}
	sorted := make([]string, 0, len(dirs))
	for d := range dirs {
		sorted = append(sorted, d)
	}
	sort.Strings(sorted)
	var probes []string
	for i, d := range sorted {
		for _, n := range probeNames {
			probes = append(probes, d+"/"+n)
			if i%5 == 0 {
				probes = append(probes, d+"/node_modules/"+n, d+"/site-packages/"+n)
			}
		}
	}
	sets["probes"] = probes
	if ap := archivePaths(t); ap != nil {
		sets["archive"] = ap
	}
	for _, name := range []string{"edge", "fixtures", "probes", "archive"} {
		paths, ok := sets[name]
		if !ok {
			continue
		}
		t.Run(name, func(t *testing.T) {
			accepted := map[string]int{}
			preds := capturePredicates()
			for _, p := range paths {
				checkCaptureOracle(t, preds, p, accepted)
			}
			t.Logf("%d paths, accepted: %v", len(paths), accepted)
			if name == "fixtures" && (len(paths) < 50_000 || accepted["CapturePath"] == 0 || accepted["CapturePrefix"] == 0) {
				t.Errorf("the fixture paths exercise too little: %d paths, accepted %v", len(paths), accepted)
			}
			if name == "probes" {
				for _, c := range capturePredicates() {
					if accepted[c.name] == 0 {
						t.Errorf("%s accepted no probe", c.name)
					}
				}
			}
		})
	}
}

// FuzzCapturePath checks that every capture predicate gives, for any
// string, exactly the oracle's answer.
func FuzzCapturePath(f *testing.F) {
	for _, p := range edgePaths {
		f.Add(p)
	}
	preds := capturePredicates()
	f.Fuzz(func(t *testing.T, p string) {
		checkCaptureOracle(t, preds, p, nil)
	})
}

// benchPaths is a realistic path list for the predicate benchmarks:
// $BENCH_ARCHIVE's entries when set, else the fixtures' package files
// plus the generated 200k-entry image's paths.
func benchPaths(b *testing.B) []string {
	if ap := archivePaths(b); ap != nil {
		return ap
	}
	paths := fixturePaths(b)
	for _, l := range bigImage(200_000).layers {
		for _, e := range l {
			paths = append(paths, e.Path)
		}
	}
	return paths
}

// BenchmarkCapturePath times the walk's capture predicates per path; an
// op is one path. The walk asks right after parsing a tar header, with the
// name in cache, so the paths are an evenly spread sample of the list,
// small enough to stay in cache, copied next to each other. The oracle
// sub-benchmarks time the implementations they replaced.
func BenchmarkCapturePath(b *testing.B) {
	all := benchPaths(b)
	step := max(1, len(all)/4096)
	var arena strings.Builder
	var lens []int
	for i := 0; i < len(all); i += step {
		arena.WriteString(all[i])
		lens = append(lens, len(all[i]))
	}
	paths := make([]string, 0, len(lens))
	rest := arena.String()
	for _, n := range lens {
		paths, rest = append(paths, rest[:n]), rest[n:]
	}
	for _, c := range []struct {
		name string
		fn   func(string) (int64, bool)
	}{
		{"CapturePath", CapturePath}, {"CapturePrefix", CapturePrefix},
		{"oracle/CapturePath", oracleCapturePath}, {"oracle/CapturePrefix", oracleCapturePrefix},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			for i := 0; b.Loop(); i++ {
				if _, ok := c.fn(paths[i%len(paths)]); ok {
					n++
				}
			}
			b.ReportMetric(float64(len(paths)), "paths")
			b.ReportMetric(float64(n)/float64(b.N), "accepted/op")
		})
	}
}
