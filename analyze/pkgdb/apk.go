package pkgdb

import "github.com/slimcheck/slimcheck/analyze/pkgdb/apk"

// parseApk reads /lib/apk/db/installed.
func parseApk(b []byte) ([]Database, []Problem) {
	raw, err := apk.ParseInstalled(b)
	probs := problems(apkInstalled, err)
	if len(raw) == 0 && err != nil {
		return nil, probs
	}
	pkgs := make([]Package, len(raw))
	reqs, provs := make([][]string, len(raw)), make([][]string, len(raw))
	for i, r := range raw {
		src := r.Origin
		if src == "" {
			src = r.Name
		}
		pkgs[i] = Package{
			Name:          r.Name,
			Version:       r.Version,
			Arch:          r.Arch,
			SourceName:    src,
			Manager:       Apk,
			InstalledSize: r.InstalledSize,
			Files:         sortedUnique(r.Files),
		}
		reqs[i], provs[i] = r.Depends, r.Provides
	}
	resolveDepends(pkgs, reqs, provs)
	return []Database{{Manager: Apk, Path: apkInstalled, Packages: pkgs}}, probs
}
