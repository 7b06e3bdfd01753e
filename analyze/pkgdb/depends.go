package pkgdb

import (
	"path"
	"strings"
)

// resolveDepends fills Package.Depends: each requirement in reqs[i] (a package name, a virtual name or
// capability, or an absolute path) is matched against the names and provides[j] of the packages in the same
// database, and, for paths nothing provides, against their Files.
func resolveDepends(pkgs []Package, reqs, provides [][]string) {
	prov := make(map[string][]int, len(pkgs))
	for i, p := range pkgs {
		prov[p.Name] = append(prov[p.Name], i)
		for _, c := range provides[i] {
			prov[c] = append(prov[c], i)
		}
	}
	var owners map[string][]int
	for i := range pkgs {
		var names []string
		for _, r := range reqs[i] {
			idx, ok := prov[r]
			if !ok && strings.HasPrefix(r, "/") {
				if owners == nil {
					owners = fileOwners(pkgs)
				}
				idx = owners[path.Clean(r)]
			}
			for _, j := range idx {
				if pkgs[j].Name != pkgs[i].Name {
					names = append(names, pkgs[j].Name)
				}
			}
		}
		pkgs[i].Depends = sortedUnique(names)
	}
}

// fileOwners maps every owned path to the packages owning it.
func fileOwners(pkgs []Package) map[string][]int {
	owners := map[string][]int{}
	for i, p := range pkgs {
		for _, f := range p.Files {
			owners[f] = append(owners[f], i)
		}
	}
	return owners
}
