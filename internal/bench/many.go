package bench

import (
	"fmt"
	"strings"
)

// manySize scales the file sizes of the many image: small files keep the
// decompression floor near a second, like the generated image the
// benchmark's reference figures come from, so that the cost per entry shows.
const manySize = 0.25

// many plans a Node application built on a Debian builder image, written
// the way many real Dockerfiles are: toolchains installed and purged in
// separate layers, caches deleted after the layer that made them, a
// `chown -R` copy of the build output and a rebuild that replaces it.
func (g *planner) many() *Plan {
	g.size = manySize
	db := &dpkgDB{}
	p := &Plan{
		Kind:       Many,
		Env:        []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "NODE_VERSION=20.11.1", "NODE_ENV=production"},
		WorkingDir: "/app",
		Entrypoint: []string{"docker-entrypoint.sh", "node", "dist/main.js"},
		User:       "node",
	}
	add := func(l LayerPlan) { p.Layers = append(p.Layers, l) }
	add(g.debianBaseLayer(db))
	add(g.toolchainLayer(db))

	// npm ci is planned before the COPY of its manifests, which list what it installs.
	ci := g.layer("/bin/sh -c npm ci")
	pkgs := ci.npmModules(g.n(133000))
	ci.inline("app/node_modules/.package-lock.json", npmLock(pkgs))
	manifests := g.layer("/bin/sh -c #(nop) COPY multi:package.json,package-lock.json in /app/ ")
	manifests.inline("app/package.json", appPackageJSON(pkgs))
	manifests.inline("app/package-lock.json", npmLock(pkgs))
	add(g.nodeLayer())
	add(manifests.done())
	add(ci.done())

	src := g.appLayer()
	add(src)
	var srcFiles []Entry
	for _, e := range src.Entries {
		if e.Kind == KindFile && strings.HasPrefix(e.Name, "app/src/") {
			srcFiles = append(srcFiles, e)
		}
	}

	build := g.layer("/bin/sh -c npm run build")
	dist := g.distTree(build)
	build.tree("app/node_modules/.cache/babel-loader", treeSpec{files: g.n(12000), dirNames: []string{"x"}, maxDepth: 0, exts: []string{".json"}, median: 3 << 10, sigma: 1, content: Text})
	build.tree("app/node_modules/.cache/terser-webpack-plugin", treeSpec{files: g.n(3000), dirNames: []string{"content-v2", "index-v5"}, maxDepth: 1, exts: []string{""}, median: 6 << 10, sigma: 1.2, content: Text})
	add(build.done())

	clean := g.layer("/bin/sh -c rm -rf node_modules/.cache .git")
	clean.whiteout("app/node_modules/.cache")
	clean.whiteout("app/.git")
	add(clean.done())

	prune := g.layer("/bin/sh -c npm prune --omit=dev")
	var kept []npmPkg
	for _, pk := range pkgs {
		if !pk.dev {
			kept = append(kept, pk)
			continue
		}
		prune.whiteout(pk.dir)
		if pk.bin != "" {
			prune.whiteout(pk.bin)
		}
	}
	prune.inline("app/node_modules/.package-lock.json", npmLock(kept))
	add(prune.done())

	chown := g.layer("/bin/sh -c chown -R node:node /app/dist")
	chown.uid, chown.gid = 1000, 1000
	for _, e := range dist {
		chown.readd(e) // its parent directories are emitted again, owned by node
	}
	add(chown.done())

	add(g.sitePackagesLayer())

	rebuild := g.layer("/bin/sh -c npm run build")
	rebuild.uid, rebuild.gid = 1000, 1000
	rebuild.opaque("app/dist")
	g.distTree(rebuild)
	add(rebuild.done())

	add(g.purgeLayer(db))

	pyclean := g.layer("/bin/sh -c rm -rf /usr/lib/python3.11/test /usr/local/lib/python3.11/site-packages/*/tests")
	for _, d := range g.pyTests {
		pyclean.whiteout(d)
	}
	add(pyclean.done())

	conf := g.layer("/bin/sh -c #(nop) COPY dir:config in /etc/app ")
	for range g.n(40) {
		conf.file("etc/app/"+g.word(2)+".yaml", g.logNormal(1<<10, 1, 50, 64<<10), Text)
	}
	for range g.n(25) { // generated sources replace files of the COPY layer
		conf.file(pick(g, srcFiles).Name, g.logNormal(2500, 1, 100, 64<<10), Text)
	}
	conf.inline("etc/passwd", []byte("root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\nnode:x:1000:1000::/home/node:/bin/bash\napp:x:1001:1001::/app:/usr/sbin/nologin\n"))
	add(conf.done())

	entry := g.layer("/bin/sh -c #(nop) COPY file:docker-entrypoint.sh in /usr/local/bin/ ")
	entry.put(Entry{Name: "usr/local/bin/docker-entrypoint.sh", Kind: KindFile, Size: 400, Mode: 0o755, Content: Text, Seed: g.rng.Uint64()})
	add(entry.done())
	return p
}

// distTree adds a webpack build output below app/dist and returns its files.
func (g *planner) distTree(b *layerBuilder) []Entry {
	return b.tree("app/dist", treeSpec{files: g.n(2400), dirNames: []string{"static", "js", "css", "media", "chunks", "server", "pages", "assets"}, maxDepth: 3, exts: []string{".js", ".js.map", ".css", ".html", ".json"}, median: 6 << 10, sigma: 1.5, content: Text})
}

// purgeLayer plans `apt-get purge build-essential && apt-get autoremove`:
// the directories the build packages owned alone (the compilers' trees, the
// headers, their docs) go as whole-directory whiteouts, then their dpkg
// file lists and the executables they put in shared directories.
func (g *planner) purgeLayer(db *dpkgDB) LayerPlan {
	b := g.layer("/bin/sh -c apt-get purge -y --auto-remove build-essential && rm -rf /var/lib/apt/lists/*")
	purge := map[string]bool{}
	for _, p := range buildPackages {
		if p.build {
			purge[p.name] = true
		}
	}
	dirs := []string{"usr/lib/gcc", "usr/include", "usr/share/perl5/Dpkg"}
	for _, d := range dirs {
		b.whiteout(d)
	}
	for _, p := range db.remove(purge) {
		doc := "usr/share/doc/" + p.name
		b.whiteout(doc)
		for _, f := range p.files {
			if strings.HasPrefix(f, "usr/bin/") {
				b.whiteout(f)
			}
		}
		b.whiteout("var/lib/dpkg/info/" + p.name + ".list")
		b.whiteout("var/lib/dpkg/info/" + p.name + ".md5sums")
	}
	b.whiteout("var/lib/apt/lists")
	b.inline("var/lib/dpkg/status", db.status())
	return b.done()
}

// nodeLayer plans the official Node image's /usr/local: the node binary,
// headers and the bundled npm.
func (g *planner) nodeLayer() LayerPlan {
	node := g.layer("/bin/sh -c #(nop) COPY dir:node-v20.11.1-linux-x64 in /usr/local ")
	node.file("usr/local/bin/node", g.bytes(90<<20), Binary)
	node.symlink("usr/local/bin/npm", "../lib/node_modules/npm/bin/npm-cli.js")
	node.symlink("usr/local/bin/npx", "../lib/node_modules/npm/bin/npx-cli.js")
	node.inline("usr/local/include/node/node_version.h", []byte("#define NODE_MAJOR_VERSION 20\n#define NODE_MINOR_VERSION 11\n#define NODE_PATCH_VERSION 1\n"))
	node.tree("usr/local/include/node", treeSpec{files: g.n(480), dirNames: []string{"openssl", "uv", "cppgc", "libplatform", "archs", "crypto"}, maxDepth: 3, exts: []string{".h"}, median: 6 << 10, sigma: 1.1, content: Text})
	node.npmPackage(npmPkg{name: "npm", dir: "usr/local/lib/node_modules/npm", version: "10.2.4"}, g.n(2600))
	node.inline("etc/passwd", []byte("root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\nnode:x:1000:1000::/home/node:/bin/bash\n"))
	node.dir("home/node")
	return node.done()
}

// appLayer plans `COPY . .` of the application: sources, static assets and,
// as happens without a .dockerignore, the git history.
func (g *planner) appLayer() LayerPlan {
	src := g.layer("/bin/sh -c #(nop) COPY dir:app in /app ")
	src.tree("app/src", treeSpec{files: g.n(1600), dirNames: []string{"components", "pages", "api", "hooks", "lib", "store", "styles", "utils", "services", "models"}, maxDepth: 3, exts: []string{".ts", ".tsx", ".ts", ".css", ".test.ts"}, median: 2500, sigma: 1, content: Text})
	src.tree("app/public", treeSpec{files: g.n(300), dirNames: []string{"images", "fonts", "icons"}, maxDepth: 1, exts: []string{".png", ".woff2", ".svg", ".jpg"}, median: 20 << 10, sigma: 1.3, content: Random})
	for range g.n(1800) {
		src.file(fmt.Sprintf("app/.git/objects/%02x/%038x", g.rng.IntN(256), g.rng.Uint64()), g.logNormal(1<<10, 1.5, 30, 2<<20), Random)
	}
	src.file("app/.git/index", g.bytes(400<<10), Binary)
	return src.done()
}
