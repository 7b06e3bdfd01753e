package bench

import (
	"fmt"
	"sort"
	"strings"
)

// debPkg is one installed Debian package of a plan.
type debPkg struct {
	name, version, section string
	installedKB            int64
	paths                  []string // absolute paths it owns, for its .list file
	files                  []string // the non-directory entries it added (tar names)
}

// dpkgDB is the dpkg database a plan builds up layer by layer.
type dpkgDB struct{ pkgs []*debPkg }

// status renders /var/lib/dpkg/status for the installed packages.
func (db *dpkgDB) status() []byte {
	var b strings.Builder
	for _, p := range db.pkgs {
		fmt.Fprintf(&b, "Package: %s\nStatus: install ok installed\nPriority: optional\nSection: %s\n", p.name, p.section)
		fmt.Fprintf(&b, "Installed-Size: %d\nMaintainer: Debian Developers <debian-devel@lists.debian.org>\n", p.installedKB)
		fmt.Fprintf(&b, "Architecture: amd64\nVersion: %s\nDescription: %s package\n generated for the slimcheck benchmark\n\n", p.version, p.name)
	}
	return []byte(b.String())
}

// remove drops the named packages and returns them.
func (db *dpkgDB) remove(names map[string]bool) []*debPkg {
	var kept, gone []*debPkg
	for _, p := range db.pkgs {
		if names[p.name] {
			gone = append(gone, p)
		} else {
			kept = append(kept, p)
		}
	}
	db.pkgs = kept
	return gone
}

// install records the entries b added since mark as package name's files and
// writes its info/<name>.list and .md5sums, as dpkg does.
func (b *layerBuilder) install(db *dpkgDB, name, section string, mark int) *debPkg {
	p := &debPkg{name: name, section: section, version: fmt.Sprintf("%d.%d.%d-%d", 1+b.g.rng.IntN(9), b.g.rng.IntN(40), b.g.rng.IntN(12), 1+b.g.rng.IntN(4))}
	dirs := map[string]bool{}
	var files []string
	var size int64
	for _, e := range b.l.Entries[mark:] {
		if e.Kind == KindDir {
			continue
		}
		files = append(files, "/"+e.Name)
		p.files = append(p.files, e.Name)
		size += e.Size
		for i := range len(e.Name) {
			if e.Name[i] == '/' {
				dirs["/"+e.Name[:i]] = true
			}
		}
	}
	for d := range dirs {
		p.paths = append(p.paths, d)
	}
	sort.Strings(p.paths)
	p.paths = append(p.paths, files...)
	p.installedKB = size/1024 + 1
	var list, sums strings.Builder
	list.WriteString("/.\n")
	for _, f := range p.paths {
		list.WriteString(f + "\n")
	}
	for _, f := range files {
		fmt.Fprintf(&sums, "%032x  %s\n", b.g.rng.Uint64(), f[1:])
	}
	b.inline("var/lib/dpkg/info/"+name+".list", []byte(list.String()))
	b.inline("var/lib/dpkg/info/"+name+".md5sums", []byte(sums.String()))
	db.pkgs = append(db.pkgs, p)
	return p
}

var debianBase = []string{
	"adduser", "apt", "base-files", "base-passwd", "bash", "bsdutils", "ca-certificates", "coreutils", "curl",
	"dash", "debconf", "debianutils", "diffutils", "dpkg", "e2fsprogs", "findutils", "gcc-12-base", "gpgv",
	"grep", "gzip", "hostname", "init-system-helpers", "libacl1", "libapt-pkg6.0", "libattr1", "libaudit1",
	"libblkid1", "libbz2-1.0", "libc-bin", "libc6", "libcap-ng0", "libcap2", "libcom-err2", "libcrypt1",
	"libcurl4", "libdb5.3", "libdebconfclient0", "libext2fs2", "libffi8", "libgcc-s1", "libgcrypt20",
	"libgmp10", "libgnutls30", "libgpg-error0", "libhogweed6", "libidn2-0", "liblz4-1", "liblzma5", "libmd0",
	"libmount1", "libnettle8", "libp11-kit0", "libpam-modules", "libpam0g", "libpcre2-8-0", "libseccomp2",
	"libselinux1", "libsemanage2", "libsepol2", "libsmartcols1", "libss2", "libssl3", "libstdc++6",
	"libsystemd0", "libtasn1-6", "libtinfo6", "libudev1", "libunistring2", "libuuid1", "libxxhash0",
	"libzstd1", "login", "logsave", "mawk", "mount", "ncurses-base", "ncurses-bin", "openssl", "passwd",
	"perl-base", "sed", "sysvinit-utils", "tar", "tzdata", "usr-is-merged", "util-linux", "zlib1g",
}

var (
	locales   = []string{"ca", "cs", "da", "de", "el", "eo", "es", "eu", "fi", "fr", "gl", "hu", "id", "it", "ja", "ko", "nb", "nl", "pl", "pt", "pt_BR", "ro", "ru", "sk", "sl", "sr", "sv", "tr", "uk", "vi", "zh_CN", "zh_TW"}
	tzRegions = []string{"Africa", "America", "Antarctica", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific", "Etc"}
)

// debPackageFiles adds the files one Debian package typically ships.
func (b *layerBuilder) debPackageFiles(name string) {
	g := b.g
	lib := strings.HasPrefix(name, "lib")
	if lib {
		so := fmt.Sprintf("usr/lib/x86_64-linux-gnu/%s.so", strings.TrimRight(strings.TrimSuffix(name, "-0"), "0123456789.-"))
		real := fmt.Sprintf("%s.%d.%d.%d", so, 1+g.rng.IntN(6), g.rng.IntN(30), g.rng.IntN(9))
		b.file(real, g.logNormal(180<<10, 1.1, 8<<10, 12<<20), Binary)
		b.symlink(fmt.Sprintf("%s.%d", so, 1+g.rng.IntN(6)), real[strings.LastIndexByte(real, '/')+1:])
	} else {
		for range 1 + g.rng.IntN(6) {
			b.file("usr/bin/"+name+pick(g, []string{"", "-" + g.word(2), g.word(1)}), g.logNormal(60<<10, 1.2, 2<<10, 4<<20), Binary)
		}
		for range g.rng.IntN(5) {
			b.file("usr/share/man/man1/"+g.word(2)+".1.gz", g.logNormal(2<<10, 0.8, 200, 64<<10), Random)
		}
	}
	b.file("usr/share/doc/"+name+"/copyright", g.logNormal(6<<10, 1, 500, 200<<10), Text)
	b.file("usr/share/doc/"+name+"/changelog.Debian.gz", g.logNormal(4<<10, 1, 300, 100<<10), Random)
	if g.rng.IntN(5) == 0 {
		for _, loc := range locales {
			b.file("usr/share/locale/"+loc+"/LC_MESSAGES/"+name+".mo", g.logNormal(20<<10, 0.8, 1<<10, 400<<10), Text)
		}
	}
	switch name {
	case "tzdata":
		for range g.n(600) {
			b.file("usr/share/zoneinfo/"+pick(g, tzRegions)+"/"+strings.ToUpper(g.word(1)[:1])+g.word(3), g.logNormal(1500, 0.6, 100, 8<<10), Binary)
		}
	case "perl-base":
		b.tree("usr/lib/x86_64-linux-gnu/perl-base", treeSpec{files: g.n(400), dirNames: []string{"File", "IO", "Text", "Unicode", "unicore", "lib", "To", "Getopt", "Tie", "warnings", "Hash", "List", "Scalar"}, maxDepth: 3, exts: []string{".pm", ".pl"}, median: 6 << 10, sigma: 1.2, content: Text})
	case "ca-certificates":
		for range g.n(140) {
			b.file("usr/share/ca-certificates/mozilla/"+strings.ToUpper(g.word(3))+"_Root_CA.crt", g.logNormal(2<<10, 0.3, 900, 8<<10), Text)
		}
	}
}

// debianBaseLayer plans a debian:bookworm-like root filesystem (merged /usr,
// /etc, the dpkg database) and records its packages in db.
func (g *planner) debianBaseLayer(db *dpkgDB) LayerPlan {
	b := g.layer("/bin/sh -c #(nop) ADD file:bookworm-rootfs.tar.xz in / ")
	for _, d := range []string{"bin", "lib", "lib64", "sbin"} {
		b.symlink(d, "usr/"+d)
	}
	for _, d := range []string{"boot", "dev", "home", "media", "mnt", "opt", "proc", "root", "run", "srv", "sys", "tmp", "var/tmp", "var/log", "var/cache", "usr/local/bin", "usr/local/lib"} {
		b.dir(d)
	}
	for range g.n(120) {
		b.file("etc/"+pick(g, []string{"", "default/", "security/", "pam.d/", "apt/apt.conf.d/", "cron.daily/", "systemd/", "skel/"})+g.word(2), g.logNormal(700, 1, 10, 32<<10), Text)
	}
	b.inline("etc/os-release", []byte("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\n"))
	b.inline("etc/passwd", []byte("root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"))
	for _, name := range debianBase {
		mark := len(b.l.Entries)
		b.debPackageFiles(name)
		b.install(db, name, pick(g, []string{"admin", "libs", "utils", "shells", "base"}), mark)
	}
	b.inline("var/lib/dpkg/status", db.status())
	return b.done()
}
