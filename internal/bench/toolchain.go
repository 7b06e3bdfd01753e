package bench

import "fmt"

// buildPackages are the Debian packages `apt-get install build-essential
// python3 git` adds to the base, with what each ships beyond the usual docs.
// The ones marked build are purged again by the many image.
var buildPackages = []struct {
	name, section string
	build         bool
	files         func(b *layerBuilder)
}{
	{"binutils", "devel", true, func(b *layerBuilder) {
		for _, t := range []string{"ld.bfd", "ld.gold", "as", "objdump", "objcopy", "readelf", "nm", "strip", "ar", "ranlib"} {
			b.file("usr/bin/x86_64-linux-gnu-"+t, b.g.logNormal(900<<10, 0.6, 100<<10, 8<<20), Binary)
		}
		b.file("usr/lib/x86_64-linux-gnu/libbfd-2.40-system.so", 2<<20, Binary)
	}},
	{"cpp-12", "interpreters", true, func(b *layerBuilder) {
		b.file("usr/lib/gcc/x86_64-linux-gnu/12/cc1", b.g.bytes(30<<20), Binary)
	}},
	{"gcc-12", "devel", true, func(b *layerBuilder) {
		b.file("usr/bin/x86_64-linux-gnu-gcc-12", 1<<20, Binary)
		b.file("usr/lib/gcc/x86_64-linux-gnu/12/lto1", b.g.bytes(28<<20), Binary)
		b.file("usr/lib/gcc/x86_64-linux-gnu/12/collect2", 300<<10, Binary)
		b.tree("usr/lib/gcc/x86_64-linux-gnu/12/plugin/include", treeSpec{files: b.g.n(900), dirNames: []string{"config", "i386", "ada", "c-family", "cp", "objc"}, maxDepth: 2, exts: []string{".h", ".def"}, median: 8 << 10, sigma: 1, content: Text})
	}},
	{"g++-12", "devel", true, func(b *layerBuilder) {
		b.file("usr/lib/gcc/x86_64-linux-gnu/12/cc1plus", b.g.bytes(32<<20), Binary)
		b.tree("usr/include/c++/12", treeSpec{files: b.g.n(700), dirNames: []string{"bits", "ext", "debug", "parallel", "tr1", "tr2", "experimental", "pstl", "decimal", "profile"}, maxDepth: 2, exts: []string{"", ".h", ".tcc"}, median: 12 << 10, sigma: 1, content: Text})
	}},
	{"libc6-dev", "libdevel", true, func(b *layerBuilder) {
		b.tree("usr/include", treeSpec{files: b.g.n(1500), dirNames: []string{"sys", "bits", "netinet", "arpa", "net", "linux", "asm-generic", "x86_64-linux-gnu", "rpc", "scsi", "gnu"}, maxDepth: 2, exts: []string{".h"}, median: 5 << 10, sigma: 1, content: Text})
		for range b.g.n(60) {
			b.file("usr/lib/x86_64-linux-gnu/lib"+b.g.word(2)+".a", b.g.logNormal(200<<10, 1.2, 1<<10, 6<<20), Binary)
		}
	}},
	{"linux-libc-dev", "devel", true, func(b *layerBuilder) {
		b.tree("usr/include/linux", treeSpec{files: b.g.n(900), dirNames: []string{"netfilter", "can", "usb", "spi", "android", "byteorder", "dvb", "hdlc", "iio", "mmc", "raid", "sched", "tc_act"}, maxDepth: 2, exts: []string{".h"}, median: 4 << 10, sigma: 1, content: Text})
	}},
	{"make", "devel", true, func(b *layerBuilder) { b.file("usr/bin/make", 250<<10, Binary) }},
	{"dpkg-dev", "utils", true, func(b *layerBuilder) {
		b.tree("usr/share/perl5/Dpkg", treeSpec{files: b.g.n(150), dirNames: []string{"Source", "Control", "Vendor", "Build", "Compression", "Changelog", "Shlibs"}, maxDepth: 2, exts: []string{".pm"}, median: 8 << 10, sigma: 0.8, content: Text})
	}},
	{"build-essential", "devel", true, func(b *layerBuilder) {
		b.file("usr/share/build-essential/list", 2<<10, Text)
	}},
	{"perl-modules-5.36", "perl", false, func(b *layerBuilder) {
		b.tree("usr/share/perl/5.36", treeSpec{files: b.g.n(2000), dirNames: []string{"CPAN", "ExtUtils", "File", "IO", "Pod", "TAP", "Test", "Unicode", "unicore", "Module", "Locale", "Math", "Encode", "App", "Archive"}, maxDepth: 4, exts: []string{".pm", ".pl", ".pod", ".t"}, median: 9 << 10, sigma: 1.1, content: Text})
	}},
	{"libpython3.11-stdlib", "python", false, func(b *layerBuilder) {
		b.pyTree("usr/lib/python3.11", b.g.n(1800), []string{"asyncio", "email", "encodings", "json", "lib2to3", "multiprocessing", "unittest", "xml", "http", "urllib", "importlib", "concurrent", "sqlite3", "logging", "idlelib", "tkinter", "distutils", "ctypes"})
		b.pyTree("usr/lib/python3.11/test", b.g.n(400), []string{"support", "test_asyncio", "test_email", "test_json", "libregrtest", "decimaltestdata"})
		b.g.pyTests = append(b.g.pyTests, "usr/lib/python3.11/test")
	}},
	{"python3.11-minimal", "python", false, func(b *layerBuilder) {
		b.file("usr/bin/python3.11", 6<<20, Binary)
	}},
	{"git", "vcs", false, func(b *layerBuilder) {
		for range b.g.n(150) {
			b.file("usr/lib/git-core/git-"+b.g.word(2), b.g.logNormal(40<<10, 1.5, 1<<10, 4<<20), Binary)
		}
		b.tree("usr/share/git-core/templates", treeSpec{files: 20, dirNames: []string{"hooks", "info"}, maxDepth: 1, exts: []string{".sample"}, median: 1 << 10, sigma: 0.8, content: Text})
	}},
}

// toolchainLayer plans `apt-get install build-essential python3 git`: the
// packages' files, their dpkg lists, the rewritten status file and apt's
// caches and lists (which an image without `apt-get clean` keeps).
func (g *planner) toolchainLayer(db *dpkgDB) LayerPlan {
	b := g.layer("/bin/sh -c apt-get update && apt-get install -y --no-install-recommends build-essential python3 git")
	for _, p := range buildPackages {
		mark := len(b.l.Entries)
		p.files(b)
		b.debPackageFiles(p.name)
		b.install(db, p.name, p.section, mark)
	}
	b.inline("var/lib/dpkg/status", db.status())
	for i := range 4 {
		b.file(fmt.Sprintf("var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.%d", i), g.logNormal(4<<20, 0.5, 1<<20, 16<<20), Text)
	}
	return b.done()
}
