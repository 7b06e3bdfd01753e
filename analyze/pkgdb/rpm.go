package pkgdb

import (
	"cmp"
	"context"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/slimcheck/slimcheck/analyze/pkgdb/rpm"
)

// parseRPMDir reads the rpm database of one directory. When several database files sit there, the one rpm
// would use (rpmdb.sqlite, then Packages.db, then Packages) is read and the others are reported as unread;
// if it is unusable, the next one is tried.
func parseRPMDir(ctx context.Context, files map[string][]byte, paths []string) ([]Database, []Problem) {
	paths = slices.Clone(paths)
	slices.SortFunc(paths, func(a, b string) int { return cmp.Compare(rpmRank(path.Base(a)), rpmRank(path.Base(b))) })
	var probs []Problem
	for i, p := range paths {
		raw, err := rpm.Parse(ctx, files[p])
		probs = append(probs, problems(p, err)...)
		if len(raw) == 0 && err != nil {
			continue
		}
		for _, q := range paths[i+1:] {
			probs = append(probs, Problem{q, fmt.Errorf("not read: %s in the same directory is the database in use", path.Base(p))})
		}
		return []Database{{Manager: Rpm, Path: p, Packages: fromRPM(raw)}}, probs
	}
	return nil, probs
}

// fromRPM converts decoded headers, leaving directories out of Files.
func fromRPM(raw []rpm.Package) []Package {
	pkgs := make([]Package, len(raw))
	reqs, provs := make([][]string, len(raw)), make([][]string, len(raw))
	for i, r := range raw {
		files := make([]string, 0, len(r.Files))
		var ghosts []string
		for _, f := range r.Files {
			if !f.IsDir() && f.Path != "/" {
				files = append(files, f.Path)
				if f.Ghost() {
					ghosts = append(ghosts, f.Path)
				}
			}
		}
		pkgs[i] = Package{
			Name:          r.Name,
			Version:       r.EVR(),
			Arch:          r.Arch,
			SourceName:    sourceName(r.SourceRPM),
			Manager:       Rpm,
			InstalledSize: r.Size,
			Files:         sortedUnique(files),
			Ghosts:        sortedUnique(ghosts),
		}
		reqs[i], provs[i] = r.Requires, r.Provides
	}
	resolveDepends(pkgs, reqs, provs)
	return pkgs
}

// sourceName takes the name out of a source rpm file name: "gcc-4.8.5-36.el7_6.1.src.rpm" → "gcc".
func sourceName(srpm string) string {
	s, ok := strings.CutSuffix(srpm, ".src.rpm")
	if !ok {
		s, ok = strings.CutSuffix(srpm, ".nosrc.rpm")
	}
	if !ok {
		return s
	}
	for range 2 { // drop release, then version
		i := strings.LastIndexByte(s, '-')
		if i <= 0 {
			return s
		}
		s = s[:i]
	}
	return s
}
