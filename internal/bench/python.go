package bench

import (
	"fmt"
	"path"
	"strings"
)

// pyTree adds n Python modules below root, each with its compiled copy in
// the directory's __pycache__, as an installed package looks after its
// first import.
func (b *layerBuilder) pyTree(root string, n int, dirNames []string) []Entry {
	mods := b.tree(root, treeSpec{files: n, dirNames: dirNames, maxDepth: 3, exts: []string{".py"}, median: 5 << 10, sigma: 1.2, content: Text})
	out := append([]Entry(nil), mods...)
	for _, m := range mods {
		dir, base := splitName(m.Name)
		cache := dir + "__pycache__"
		out = append(out, b.file(cache+"/"+strings.TrimSuffix(base, ".py")+".cpython-311.pyc", m.Size*6/10+200, Binary))
	}
	return out
}

var pyDirNames = []string{"core", "io", "util", "utils", "internal", "_lib", "api", "tests", "testing", "compat", "plotting", "linalg", "sparse", "stats", "data", "models", "backends", "tools", "signal", "_vendor", "extensions"}

// sitePackagesLayer plans `pip install -r requirements.txt`: distributions
// of very different sizes, some with native extension modules, each with
// its .dist-info metadata.
func (g *planner) sitePackagesLayer() LayerPlan {
	b := g.layer("/bin/sh -c pip install --no-cache-dir -r requirements.txt")
	const site = "usr/local/lib/python3.11/site-packages"
	target := g.n(14500)
	names := map[string]bool{}
	for i, total := 0, 0; total < target; i++ {
		name := g.word(3)
		if i < 6 {
			name = []string{"numpy", "pandas", "scipy", "botocore", "matplotlib", "sklearn"}[i]
		}
		if names[name] {
			continue
		}
		names[name] = true
		n := min(g.count(120, 1.3, 3, 3500), target-total)
		if i < 6 {
			n = min(g.n([]int{900, 1400, 2600, 2200, 1100, 1300}[i]), target-total)
		}
		total += n
		version := fmt.Sprintf("%d.%d.%d", g.rng.IntN(4), g.rng.IntN(30), g.rng.IntN(10))
		files := b.pyTree(site+"/"+name, n, pyDirNames)
		if g.rng.IntN(6) == 0 {
			tests := site + "/" + name + "/tests"
			files = append(files, b.pyTree(tests, 5+n/6, []string{"unit", "integration", "data", "fixtures"})...)
			g.pyTests = append(g.pyTests, tests)
		}
		if g.rng.IntN(4) == 0 || i < 6 {
			for range 1 + g.rng.IntN(12) {
				files = append(files, b.file(fmt.Sprintf("%s/%s/_%s.cpython-311-x86_64-linux-gnu.so", site, name, g.word(2)), g.logNormal(300<<10, 1.3, 20<<10, 40<<20), Binary))
			}
		}
		info := fmt.Sprintf("%s/%s-%s.dist-info/", site, name, version)
		b.inline(info+"METADATA", []byte(fmt.Sprintf("Metadata-Version: 2.1\nName: %s\nVersion: %s\nSummary: generated for the slimcheck benchmark\n", name, version)))
		b.inline(info+"INSTALLER", []byte("pip\n"))
		b.inline(info+"WHEEL", []byte("Wheel-Version: 1.0\nGenerator: bdist_wheel (0.41.2)\nRoot-Is-Purelib: false\nTag: cp311-cp311-manylinux_2_17_x86_64\n"))
		b.inline(info+"top_level.txt", []byte(name+"\n"))
		var rec strings.Builder
		for _, f := range files {
			rel := strings.TrimPrefix(f.Name, site+"/")
			if path.Ext(rel) == ".pyc" {
				fmt.Fprintf(&rec, "%s,,\n", rel)
			} else {
				fmt.Fprintf(&rec, "%s,sha256=%016x%016x,%d\n", rel, g.rng.Uint64(), g.rng.Uint64(), f.Size)
			}
		}
		b.inline(info+"RECORD", []byte(rec.String()))
	}
	return b.done()
}
