package gen

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"time"
)

// localeArchiveSize is the size of /usr/lib/locale/locale-archive after the
// CentOS kickstart rebuilt it with only the en_* locales (the rpm ships a
// 106 MB locale-archive.tmpl that build-locale-archive consumes and deletes).
const localeArchiveSize = 3_264_512

// kickstartRemoved reports files the CentOS container kickstart's %post
// deletes from the installed tree: documentation, the locale template,
// /usr/sbin/sln.
func kickstartRemoved(p string) bool {
	return isDocPath(p) || p == "/usr/lib/locale/locale-archive.tmpl" || p == "/usr/sbin/sln"
}

// buildBaseTree lays out the OS base layer: the base packages filtered like
// the CentOS kickstart, the files its %post writes, the accounts the
// packages' scriptlets create, and the rpmdb listing exactly these packages.
func buildBaseTree(ctx context.Context, base []*rpmPackage) (*layerTree, error) {
	t := newLayerTree(nil)
	keep := func(p *rpmPackage, f *rpmFile) bool { return installLangs(p, f) && !kickstartRemoved(f.path) }
	if err := installPackages(t, base, keep, rpmPayloads()); err != nil {
		return nil, err
	}
	if err := addScriptletFiles(t, base); err != nil {
		return nil, err
	}
	passwd, group := accountFiles(packageNames(base))
	db, err := writeRPMDBSQLite(ctx, base)
	if err != nil {
		return nil, fmt.Errorf("writing base rpmdb: %w", err)
	}
	for _, f := range []struct {
		path    string
		mode    int64
		content []byte
		size    int64
	}{
		{"/etc/passwd", 0o644, passwd, 0},
		{"/etc/group", 0o644, group, 0},
		{"/etc/yum/vars/infra", 0o644, []byte("container\n"), 0},
		{"/etc/rpm/macros.image-language-conf", 0o644, []byte("%_install_langs en_US\n"), 0},
		{"/etc/BUILDTIME", 0o644, []byte("20180531_0145\n"), 0},
		{"/usr/lib/locale/locale-archive", 0o644, nil, localeArchiveSize},
		{rpmdbSQLitePath, 0o644, db, 0},
	} {
		size := f.size
		if f.content != nil {
			size = int64(len(f.content))
		}
		if err := t.add(entry{path: f.path, kind: kindFile, mode: f.mode, size: size, content: f.content}); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// packageNames returns the names of pkgs.
func packageNames(pkgs []*rpmPackage) []string {
	out := make([]string, len(pkgs))
	for i, p := range pkgs {
		out[i] = p.info.Name
	}
	return out
}

// yumRepo names the CentOS 7 repository a package came from: "updates" for
// errata builds (release like 36.el7_6.1), else "base".
func yumRepo(p *rpmPackage) string {
	if strings.Contains(p.info.Release, "el7_") {
		return "updates"
	}
	return "base"
}

// rpmFileName is the package file name yum downloads.
func rpmFileName(p *rpmPackage) string {
	return p.nevra() + ".rpm"
}

// rpmDownloadSize estimates a package's .rpm size from its installed size:
// CentOS 7 payloads are xz-compressed cpio, roughly 5:1 for these binaries,
// plus the signed header.
func rpmDownloadSize(p *rpmPackage) int64 {
	return int64(p.info.Size)/5 + int64(len(p.blob)) + 2048
}

// buildToolchainTree lays out the `yum install` layer: the toolchain packages
// with their docs, the rewritten rpmdb (base + toolchain), account files when
// scriptlets changed them, ld.so.cache, the yum cache, yumdb and yum.log.
func buildToolchainTree(ctx context.Context, lower *fsView, base, toolchain []*rpmPackage, when time.Time) (*layerTree, error) {
	t := newLayerTree(lower)
	if err := installPackages(t, toolchain, installLangs, rpmPayloads()); err != nil {
		return nil, err
	}
	if err := addScriptletFiles(t, toolchain); err != nil {
		return nil, err
	}
	all := append(append([]*rpmPackage(nil), base...), toolchain...)
	db, err := writeRPMDBSQLite(ctx, all)
	if err != nil {
		return nil, fmt.Errorf("writing toolchain rpmdb: %w", err)
	}
	files := []entry{
		{path: rpmdbSQLitePath, kind: kindFile, mode: 0o644, content: db, size: int64(len(db))},
		{path: "/etc/ld.so.cache", kind: kindFile, mode: 0o644, size: 15_803},
	}
	passwd, group := accountFiles(packageNames(all))
	for _, f := range []struct {
		path    string
		content []byte
	}{{"/etc/passwd", passwd}, {"/etc/group", group}} {
		if old := lower.get(f.path); old == nil || !bytes.Equal(old.content, f.content) {
			files = append(files, entry{path: f.path, kind: kindFile, mode: 0o644, content: f.content, size: int64(len(f.content))})
		}
	}
	files = append(files, yumCacheEntries(toolchain)...)
	files = append(files, yumStateEntries(toolchain, when)...)
	for _, e := range files {
		if err := t.add(e); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// yumCacheEntries is what `yum install` with keepcache=1 leaves under
// /var/cache/yum: per repository the downloaded packages and the metadata.
func yumCacheEntries(pkgs []*rpmPackage) []entry {
	const root = "/var/cache/yum/x86_64/7"
	var out []entry
	repos := map[string]bool{}
	for _, p := range pkgs {
		repo := yumRepo(p)
		repos[repo] = true
		out = append(out, entry{path: root + "/" + repo + "/packages/" + rpmFileName(p), kind: kindFile, mode: 0o644, size: rpmDownloadSize(p), content: rpmLead(p)})
	}
	// Repository metadata as yum 3.4 stores it, with sizes like the CentOS
	// 7.5 mirrors' files. The checksum-prefixed names are synthetic.
	meta := map[string][]struct {
		name string
		size int64
	}{
		"base": {
			{"repomd.xml", 3_736},
			{"cachecookie", 0},
			{"mirrorlist.txt", 298},
			{hexName("base primary") + "-primary.sqlite.bz2", 6_111_049},
			{hexName("base comps") + "-c7-x86_64-comps.xml.gz", 159_124},
		},
		"updates": {
			{"repomd.xml", 2_984},
			{"cachecookie", 0},
			{"mirrorlist.txt", 294},
			{hexName("updates primary") + "-primary.sqlite.bz2", 4_862_311},
		},
		"extras": {
			{"repomd.xml", 2_998},
			{"cachecookie", 0},
			{"mirrorlist.txt", 294},
			{hexName("extras primary") + "-primary.sqlite.bz2", 149_513},
		},
	}
	names := make([]string, 0, len(meta))
	for r := range meta {
		names = append(names, r)
	}
	sort.Strings(names)
	for _, repo := range names {
		for _, m := range meta[repo] {
			out = append(out, entry{path: root + "/" + repo + "/" + m.name, kind: kindFile, mode: 0o644, size: m.size})
		}
		if !repos[repo] {
			out = append(out, entry{path: root + "/" + repo + "/packages", kind: kindDir, mode: 0o755})
		}
	}
	out = append(out,
		entry{path: root + "/timedhosts.txt", kind: kindFile, mode: 0o644, content: []byte("mirror.centos.org 0.0424\n"), size: 25},
		entry{path: root + "/timedhosts", kind: kindFile, mode: 0o644, size: 0},
	)
	return out
}

// hexName is a stable 64-hex-digit stand-in for a content checksum.
func hexName(label string) string {
	sum := sha256.Sum256([]byte("slimcheck demo " + label))
	return hex.EncodeToString(sum[:])
}

// rpmLead is the 96-byte lead every .rpm file starts with (rpm lib/rpmlead.c):
// magic, format 3.0, binary type, arch x86_64, the NEVR name, OS linux and
// signature type 5 (header-style signatures).
func rpmLead(p *rpmPackage) []byte {
	lead := make([]byte, 96)
	copy(lead, []byte{0xed, 0xab, 0xee, 0xdb, 3, 0, 0, 0, 0, 1})
	name := fmt.Sprintf("%s-%s-%s", p.info.Name, p.info.Version, p.info.Release)
	copy(lead[10:75], name) // NUL-terminated, at most 65 bytes
	lead[75] = 0
	lead[76], lead[77] = 0, 1 // os linux
	lead[78], lead[79] = 0, 5 // RPMSIGTYPE_HEADERSIG
	return lead
}

// yumStateEntries are yum's own records of the transaction: yum.log, the
// history database and one yumdb directory per installed package.
func yumStateEntries(pkgs []*rpmPackage, when time.Time) []entry {
	var log strings.Builder
	for i, p := range pkgs {
		ts := when.Add(time.Duration(i) * 2 * time.Second).Format("Jan 02 15:04:05")
		nevra := p.nevra()
		if p.info.Epoch != nil && *p.info.Epoch != 0 {
			nevra = fmt.Sprintf("%d:%s", *p.info.Epoch, nevra)
		}
		fmt.Fprintf(&log, "%s Installed: %s\n", ts, nevra)
	}
	out := []entry{
		{path: "/var/log/yum.log", kind: kindFile, mode: 0o600, content: []byte(log.String()), size: int64(log.Len())},
		{path: "/var/lib/yum/history/history-" + when.Format("2006-01-02") + ".sqlite", kind: kindFile, mode: 0o600, size: 118_784},
		{path: "/var/lib/yum/history/history-" + when.Format("2006-01-02") + ".sqlite-journal", kind: kindFile, mode: 0o600, size: 0},
		{path: "/var/lib/yum/rpmdb-indexes/version", kind: kindFile, mode: 0o644, size: 48},
		{path: "/var/lib/yum/rpmdb-indexes/conflicts", kind: kindFile, mode: 0o644, size: 48},
		{path: "/var/lib/yum/rpmdb-indexes/file-requires", kind: kindFile, mode: 0o644, size: 2_310},
		{path: "/var/lib/yum/rpmdb-indexes/obsoletes", kind: kindFile, mode: 0o644, size: 48},
		{path: "/var/lib/yum/rpmdb-indexes/pkgtups-checksums", kind: kindFile, mode: 0o644, size: 18_420},
	}
	for _, p := range pkgs {
		letter := "_"
		if p.info.Name != "" {
			letter = p.info.Name[:1]
		}
		dir := fmt.Sprintf("/var/lib/yum/yumdb/%s/%s-%s", letter, sigmd5OrName(p), p.nevra())
		for _, kv := range [][2]string{
			{"checksum_type", "sha256"},
			{"command_line", "install -y --setopt=keepcache=1 " + strings.Join(toolchainRoots(), " ")},
			{"from_repo", yumRepo(p)},
			{"installed_by", "0"},
			{"reason", reasonFor(p)},
			{"releasever", "7"},
			{"var_infra", "container"},
		} {
			out = append(out, entry{path: dir + "/" + kv[0], kind: kindFile, mode: 0o644, content: []byte(kv[1]), size: int64(len(kv[1]))})
		}
	}
	return out
}

// reasonFor is yumdb's install reason: "user" for requested packages.
func reasonFor(p *rpmPackage) string {
	for _, r := range toolchainRoots() {
		if r == p.info.Name {
			return "user"
		}
	}
	return "dep"
}

// sigmd5OrName is the hex header digest yumdb uses as directory prefix.
func sigmd5OrName(p *rpmPackage) string {
	if p.info.SigMD5 != "" {
		return p.info.SigMD5
	}
	return p.info.Name
}
