package pkgdb

import (
	"path"
	"strings"

	"github.com/slimcheck/slimcheck/analyze/pkgdb/dpkg"
)

// dpkgInput is what Parse found of the dpkg database.
type dpkgInput struct {
	status  bool              // /var/lib/dpkg/status was captured
	statusD []string          // files in /var/lib/dpkg/status.d, sorted
	lists   map[string]string // "<pkg>" or "<pkg>:<arch>" → path of its .list file
}

// parseDpkgStatus reads /var/lib/dpkg/status and joins each installed package to its file list,
// info/<name>:<arch>.list (Multi-Arch: same packages) or else info/<name>.list.
func parseDpkgStatus(files map[string][]byte, in dpkgInput) ([]Database, []Problem) {
	raw, err := dpkg.ParseStatus(files[dpkgStatus])
	probs := problems(dpkgStatus, err)
	if len(raw) == 0 && err != nil {
		return nil, probs
	}
	var (
		pkgs    []Package
		dr      []dpkg.Package
		missing []string
	)
	for _, r := range raw {
		if !r.Installed() {
			continue
		}
		p := fromDpkg(r)
		list, ok := in.lists[r.Name+":"+r.Arch]
		if !ok {
			list, ok = in.lists[r.Name]
		}
		if ok {
			paths, err := dpkg.ParseFileList(files[list])
			probs = append(probs, problems(list, err)...)
			p.Files = sortedUnique(paths)
		} else {
			missing = append(missing, r.Name)
		}
		pkgs, dr = append(pkgs, p), append(dr, r)
	}
	if len(missing) > 0 {
		probs = append(probs, Problem{dpkgInfoDir, errMissingFileLists(missing, len(pkgs))})
	}
	resolveDpkg(pkgs, dr)
	return []Database{{Manager: Dpkg, Path: dpkgStatus, Packages: pkgs}}, probs
}

// parseDpkgStatusD reads distroless /var/lib/dpkg/status.d: each file holds the stanza of one package and
// <file>.md5sums its file list. A file holding several stanzas gets its md5sums joined to the stanza whose
// package name is the file name.
func parseDpkgStatusD(files map[string][]byte, paths []string) ([]Database, []Problem) {
	var (
		probs   []Problem
		pkgs    []Package
		dr      []dpkg.Package
		missing []string
		sums    = map[string]string{}
		parsed  bool
	)
	for _, p := range paths {
		if stem, ok := strings.CutSuffix(p, ".md5sums"); ok {
			sums[stem] = p
		}
	}
	for _, p := range paths {
		if strings.HasSuffix(p, ".md5sums") {
			continue
		}
		raw, err := dpkg.ParseStatus(files[p])
		probs = append(probs, problems(p, err)...)
		parsed = parsed || len(raw) > 0 || err == nil
		stem, _, _ := strings.Cut(path.Base(p), ":")
		for _, r := range raw {
			if !r.Installed() {
				continue
			}
			pk := fromDpkg(r)
			if s, ok := sums[p]; ok && (len(raw) == 1 || r.Name == stem) {
				paths, err := dpkg.ParseMD5Sums(files[s])
				probs = append(probs, problems(s, err)...)
				pk.Files = sortedUnique(paths)
			} else {
				missing = append(missing, r.Name)
			}
			pkgs, dr = append(pkgs, pk), append(dr, r)
		}
	}
	if !parsed {
		return nil, probs
	}
	if len(missing) > 0 {
		probs = append(probs, Problem{dpkgStatusDir, errMissingFileLists(missing, len(pkgs))})
	}
	resolveDpkg(pkgs, dr)
	return []Database{{Manager: Dpkg, Path: dpkgStatusDir, Packages: pkgs}}, probs
}

// fromDpkg converts a stanza; Files and Depends are filled in later.
func fromDpkg(r dpkg.Package) Package {
	src := r.Source
	if src == "" {
		src = r.Name
	}
	return Package{
		Name:          r.Name,
		Version:       r.Version,
		Arch:          r.Arch,
		SourceName:    src,
		Manager:       Dpkg,
		InstalledSize: r.InstalledSizeKiB * 1024,
	}
}

func resolveDpkg(pkgs []Package, raw []dpkg.Package) {
	reqs, provs := make([][]string, len(raw)), make([][]string, len(raw))
	for i, r := range raw {
		reqs[i], provs[i] = r.Depends, r.Provides
	}
	resolveDepends(pkgs, reqs, provs)
}
