package gen

import (
	"fmt"
	"sort"
	"strings"

	rpmdb "github.com/anchore/go-rpmdb/pkg"
)

// fileFilter decides whether an rpm file is laid out on disk.
type fileFilter func(p *rpmPackage, f *rpmFile) bool

// installLangs mimics `%_install_langs en_US` (the CentOS container image's
// /etc/rpm/macros.image-language-conf): rpm skips files tagged with another
// language.
func installLangs(_ *rpmPackage, f *rpmFile) bool {
	return f.lang == "" || f.lang == "C" || strings.HasPrefix(f.lang, "en")
}

// isDocPath reports whether p is documentation the CentOS kickstart deletes
// (`find /usr/share/{man,doc,info,gnome/help} -type f | xargs rm`).
func isDocPath(p string) bool {
	for _, pre := range []string{"/usr/share/man/", "/usr/share/doc/", "/usr/share/info/", "/usr/share/gnome/help/"} {
		if strings.HasPrefix(p, pre) {
			return true
		}
	}
	return false
}

// installPackages lays the files of pkgs out in t, in order, the way rpm
// would: ghost files are skipped, directories shared by several packages keep
// the first package's metadata, files with equal inode numbers inside one
// package become hard links to the first of them, and contents come from
// known (verified real bytes) or are zero-filled to the recorded size.
func installPackages(t *layerTree, pkgs []*rpmPackage, keep fileFilter, known map[string][]byte) error {
	for _, p := range pkgs {
		if err := installPackage(t, p, keep, known); err != nil {
			return fmt.Errorf("installing %s: %w", p.nevra(), err)
		}
	}
	return nil
}

func installPackage(t *layerTree, p *rpmPackage, keep fileFilter, known map[string][]byte) error {
	// Hard-link groups: the first kept member in byte order is the target.
	linkTarget := map[int32]string{}
	var regular []int
	for i := range p.files {
		f := &p.files[i]
		if f.flags&rpmdb.RPMFILE_GHOST != 0 || !keep(p, f) {
			continue
		}
		if f.mode&modeTypeMask == modeRegular {
			regular = append(regular, i)
		}
	}
	sort.Slice(regular, func(a, b int) bool { return p.files[regular[a]].path < p.files[regular[b]].path })
	for _, i := range regular {
		f := &p.files[i]
		if f.inode == 0 {
			continue
		}
		if _, ok := linkTarget[f.inode]; !ok {
			linkTarget[f.inode] = f.path
		}
	}

	for i := range p.files {
		f := &p.files[i]
		if f.flags&rpmdb.RPMFILE_GHOST != 0 || !keep(p, f) {
			continue
		}
		if f.size < 0 {
			return fmt.Errorf("laying out %s: negative size %d", f.path, f.size)
		}
		uid, gid := userID(f.user), groupID(f.group)
		perm := int64(f.mode & 0o7777)
		switch f.mode & modeTypeMask {
		case modeDir:
			if existing := t.get(f.path); existing != nil && existing.kind == kindDir && !existing.implicit {
				continue // another package already owns this directory
			}
			if err := t.add(entry{path: f.path, kind: kindDir, mode: perm, uid: uid, gid: gid}); err != nil {
				return err
			}
		case modeSymlink:
			if f.linkTo == "" {
				return fmt.Errorf("laying out symlink %s: no target recorded", f.path)
			}
			if err := t.add(entry{path: f.path, kind: kindSymlink, mode: perm, uid: uid, gid: gid, link: f.linkTo}); err != nil {
				return err
			}
		case modeRegular:
			e := entry{path: f.path, kind: kindFile, mode: perm, uid: uid, gid: gid, size: f.size}
			if target, ok := linkTarget[f.inode]; ok && f.inode != 0 && target != f.path {
				e = entry{path: f.path, kind: kindHardlink, mode: perm, uid: uid, gid: gid, link: target}
			} else if c, ok := known[f.path]; ok {
				e.content, e.size = c, int64(len(c))
			}
			if err := t.add(e); err != nil {
				return err
			}
		default:
			// Device nodes and FIFOs are not created in container layers.
		}
	}
	return nil
}
