package pkgdb

import (
	"path"
	"strings"
)

// Where the package databases live.
const (
	dpkgStatus    = "/var/lib/dpkg/status"
	dpkgStatusDir = "/var/lib/dpkg/status.d"
	dpkgInfoDir   = "/var/lib/dpkg/info"
	apkInstalled  = "/lib/apk/db/installed"
)

// isRPMDir reports whether dir is where rpm keeps its database: the classic place or the one Fedora 36+
// and openSUSE use. In either image family the other path is usually a symlink, which the walker does not
// capture, so each database is seen once.
func isRPMDir(dir string) bool {
	return dir == "/var/lib/rpm" || dir == "/usr/lib/sysimage/rpm"
}

// rpmRank orders the rpm database file names as rpm would prefer them when several sit in one directory (a
// converted database leaves the old one behind): SQLite, then NDB, then BerkeleyDB; -1 for other names.
func rpmRank(base string) int {
	switch base {
	case "rpmdb.sqlite":
		return 0
	case "Packages.db":
		return 1
	case "Packages":
		return 2
	}
	return -1
}

// Capture limits in bytes. They are far above real databases (the largest status files are a few MB, a
// CentOS rpmdb with 264 packages is 30 MB) so that only absurd files are refused.
const (
	dpkgStatusLimit = 64 << 20
	dpkgEntryLimit  = 8 << 20 // one status.d stanza or md5sums file
	dpkgListLimit   = 32 << 20
	apkLimit        = 32 << 20
	rpmLimit        = 256 << 20
)

// kind classifies a captured path.
type kind int

const (
	kindNone kind = iota
	kindDpkgStatus
	kindDpkgStatusD
	kindDpkgList
	kindApk
	kindRpm
)

// classify tells what database file p (absolute and cleaned) is, if any.
func classify(p string) (kind, int64) {
	dir, base := path.Split(p)
	dir = strings.TrimSuffix(dir, "/")
	switch {
	case p == dpkgStatus:
		return kindDpkgStatus, dpkgStatusLimit
	case dir == dpkgStatusDir && base != "":
		return kindDpkgStatusD, dpkgEntryLimit
	case dir == dpkgInfoDir && strings.HasSuffix(base, ".list") && len(base) > len(".list"):
		return kindDpkgList, dpkgListLimit
	case p == apkInstalled:
		return kindApk, apkLimit
	}
	if isRPMDir(dir) && rpmRank(base) >= 0 {
		return kindRpm, rpmLimit
	}
	return kindNone, 0
}

// CapturePath tells the layer walker whether to keep the contents of the regular file at p (absolute and
// cleaned, as in the index) for Parse, and up to how many bytes. It accepts the dpkg status file, every file
// directly in /var/lib/dpkg/status.d/ (distroless stanzas and their .md5sums), the file lists
// /var/lib/dpkg/info/<pkg>.list and <pkg>:<arch>.list, apk's /lib/apk/db/installed, and the rpm databases
// Packages, Packages.db and rpmdb.sqlite in /var/lib/rpm and /usr/lib/sysimage/rpm. A file larger than
// limit is best skipped rather than cut: a cut database is still read, but a cut at a line boundary cannot
// be detected.
func CapturePath(p string) (limit int64, ok bool) {
	k, limit := classify(p)
	return limit, k != kindNone
}
