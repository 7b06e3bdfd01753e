package bench

import "fmt"

// bigDebBytes is what the big image's .deb cache holds at scale 1.
const bigDebBytes = 1 << 30

// big plans a Debian and Node builder image whose toolchain layer ran
// `apt-get install` without cleaning up: a GiB of downloaded .deb archives
// stays in /var/cache/apt/archives beside the installed files. Node, the
// application's node_modules and its build output follow, as in the
// single-stage builds this image stands for.
func (g *planner) big() *Plan {
	db := &dpkgDB{}
	p := &Plan{
		Kind:       Big,
		Env:        []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "NODE_VERSION=20.11.1"},
		WorkingDir: "/app",
		Entrypoint: []string{"node", "dist/main.js"},
	}
	p.Layers = append(p.Layers, g.debianBaseLayer(db))

	b := g.layer("/bin/sh -c apt-get update && apt-get install -y build-essential python3 git")
	for _, bp := range buildPackages {
		mark := len(b.l.Entries)
		bp.files(b)
		b.debPackageFiles(bp.name)
		b.install(db, bp.name, bp.section, mark)
	}
	b.inline("var/lib/dpkg/status", db.status())
	for i := range 4 {
		b.file(fmt.Sprintf("var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.%d", i), g.logNormal(4<<20, 0.5, 1<<20, 16<<20), Text)
	}
	b.file("var/cache/apt/pkgcache.bin", g.bytes(30<<20), Binary)
	b.file("var/cache/apt/srcpkgcache.bin", g.bytes(30<<20), Binary)
	// The downloaded archives: a long tail of small packages and a few huge
	// ones (compilers, LLVM, firmware), scaled to add up to bigDebBytes.
	sizes := make([]int64, g.n(420))
	var sum int64
	for i := range sizes {
		sizes[i] = g.logNormal(400<<10, 1.6, 2<<10, 200<<20)
		sum += sizes[i]
	}
	want := g.bytes(bigDebBytes)
	var placed int64
	for i, s := range sizes {
		s = s * want / sum
		if i == len(sizes)-1 {
			s = max(1, want-placed)
		}
		placed += s
		b.file(fmt.Sprintf("var/cache/apt/archives/%s_%d.%d-%d_amd64.deb", g.word(4), g.rng.IntN(10), g.rng.IntN(30), 1+g.rng.IntN(5)), s, Random)
	}
	b.file("var/cache/apt/archives/lock", 0, Text)
	b.dir("var/cache/apt/archives/partial")
	p.Layers = append(p.Layers, b.done())

	p.Layers = append(p.Layers, g.nodeLayer())
	ci := g.layer("/bin/sh -c npm ci")
	pkgs := ci.npmModules(g.n(45000))
	ci.inline("app/node_modules/.package-lock.json", npmLock(pkgs))
	manifests := g.layer("/bin/sh -c #(nop) COPY multi:package.json,package-lock.json in /app/ ")
	manifests.inline("app/package.json", appPackageJSON(pkgs))
	manifests.inline("app/package-lock.json", npmLock(pkgs))
	p.Layers = append(p.Layers, manifests.done(), ci.done(), g.appLayer())
	build := g.layer("/bin/sh -c npm run build")
	g.distTree(build)
	p.Layers = append(p.Layers, build.done())
	return p
}
