package gen

import (
	"fmt"
	"sort"
	"strings"
)

// baseRoots are the packages the OS base layer is kickstarted from: roughly
// the package list of the CentOS 7 container image without systemd, as in the
// slimmer UBI-style bases. Their dependency closure is installed.
func baseRoots() []string {
	return []string{
		"filesystem", "setup", "basesystem", "gpg-pubkey", "centos-release",
		"bash", "coreutils", "findutils", "gzip", "tar", "less", "vim-minimal",
		"hostname", "rootfiles", "rpm", "yum", "yum-plugin-ovl", "yum-plugin-fastestmirror",
	}
}

// toolchainRoots are the packages the builder installs on top of the base:
// the compilers and build helpers an s2i Node.js builder ships so native
// addons (node-gyp) can compile, plus git for source checkouts.
func toolchainRoots() []string {
	return []string{
		"bison", "flex", "gcc", "gcc-c++", "make", "patch",
	}
}

// toolchainOnly are packages that base-package dependencies would pull into
// the base but that belong to the toolchain layer (kmod's weak-modules script
// wants /usr/bin/nm). Edges into them are not followed when closing the base.
func toolchainOnly() map[string]bool {
	return map[string]bool{"binutils": true}
}

// excludedPackages are never installed and edges into them are not followed.
// kernel-headers and kernel-debug-devel: their headers alone (multi-megabyte
// changelogs and file lists) would not fit the artifact budget, and the
// generator does not trim headers, so glibc-headers' requirement on
// kernel-headers stays unsatisfied. systemd and dracut: only scriptlets
// (rsync's unit files, kmod's initramfs hook) want them, and container bases
// leave them out to stay small.
func excludedPackages() map[string]bool {
	return map[string]bool{
		"kernel-headers": true, "kernel-debug-devel": true,
		"systemd": true, "dracut": true,
	}
}

// packageSet is the outcome of dependency resolution: the base packages and
// the packages the toolchain layer adds, each in install order.
type packageSet struct {
	base      []*rpmPackage
	toolchain []*rpmPackage
}

// resolvePackages closes baseRoots and toolchainRoots over the packages'
// Requires, resolving capabilities through Provides and file paths. rpmlib()
// and config() requirements are ignored; so are requirements that resolve to
// an excluded package.
func resolvePackages(pkgs []rpmPackage) (packageSet, error) {
	byName := map[string]*rpmPackage{}
	provider := map[string]string{}
	// Deterministic provider choice: first package by name.
	order := make([]*rpmPackage, len(pkgs))
	for i := range pkgs {
		order[i] = &pkgs[i]
	}
	sort.Slice(order, func(i, j int) bool { return order[i].info.Name < order[j].info.Name })
	for _, p := range order {
		if _, dup := byName[p.info.Name]; dup {
			return packageSet{}, fmt.Errorf("resolving packages: %s installed twice", p.info.Name)
		}
		byName[p.info.Name] = p
	}
	for _, p := range order {
		for _, cap := range p.info.Provides {
			if _, ok := provider[cap]; !ok {
				provider[cap] = p.info.Name
			}
		}
		for _, f := range p.files {
			if _, ok := provider[f.path]; !ok {
				provider[f.path] = p.info.Name
			}
		}
	}
	excluded := excludedPackages()
	closure := func(roots []string, have map[string]bool, skip map[string]bool) (map[string]bool, error) {
		set := map[string]bool{}
		queue := append([]string(nil), roots...)
		for len(queue) > 0 {
			n := queue[0]
			queue = queue[1:]
			if set[n] || have[n] || excluded[n] || skip[n] {
				continue
			}
			p, ok := byName[n]
			if !ok {
				return nil, fmt.Errorf("resolving packages: %s is not in the rpmdb", n)
			}
			set[n] = true
			for _, req := range p.info.Requires {
				if strings.HasPrefix(req, "rpmlib(") || strings.HasPrefix(req, "config(") {
					continue
				}
				prov, ok := provider[req]
				if !ok {
					return nil, fmt.Errorf("resolving packages: nothing provides %q needed by %s", req, n)
				}
				queue = append(queue, prov)
			}
		}
		return set, nil
	}
	base, err := closure(baseRoots(), nil, toolchainOnly())
	if err != nil {
		return packageSet{}, err
	}
	tc, err := closure(toolchainRoots(), base, nil)
	if err != nil {
		return packageSet{}, err
	}
	return packageSet{base: installOrder(byName, base), toolchain: installOrder(byName, tc)}, nil
}

// installOrder returns the named packages in the order rpm installs them:
// setup and filesystem first (everything else lands inside the tree they
// create, including the /bin -> usr/bin symlinks), then by recorded install
// time and name. The order is reused for database rows.
func installOrder(byName map[string]*rpmPackage, set map[string]bool) []*rpmPackage {
	out := make([]*rpmPackage, 0, len(set))
	for n := range set {
		out = append(out, byName[n])
	}
	first := map[string]int{"setup": 1, "filesystem": 2}
	sort.Slice(out, func(i, j int) bool {
		fi, fj := first[out[i].info.Name], first[out[j].info.Name]
		if fi != 0 || fj != 0 {
			if fi == 0 || fj == 0 {
				return fi != 0
			}
			return fi < fj
		}
		if out[i].info.InstallTime != out[j].info.InstallTime {
			return out[i].info.InstallTime < out[j].info.InstallTime
		}
		return out[i].info.Name < out[j].info.Name
	})
	return out
}
