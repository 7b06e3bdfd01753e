package composer

import (
	"errors"
	"path"
	"sort"
	"strings"

	"github.com/slimcheck/slimcheck/analyze/deps/model"
)

// opinion is what a source says about one installed package.
type opinion struct {
	class model.Class
	ev    model.Evidence
}

// analyze classifies the project's installed packages.
func (pr *project) analyze(files map[string][]byte) (model.Root, []model.Problem) {
	ops, probs := pr.sourceOpinions(files)
	prod, dev := pr.walk()
	root := model.Root{Dir: pr.dir, Ecosystem: model.PHP}
	manifestPath := path.Join(pr.dir, "composer.json")
	for _, name := range pr.names {
		ip := pr.installed[name]
		op, has := ops[name]
		switch {
		case has && op.class == model.Dev && prod[name]:
			op = opinion{model.Prod, model.Evidence{Source: manifestPath,
				How: "required (through installed composer.json files) by \"require\", although " + op.ev.Source + " says " + op.ev.How}}
		case has:
		case prod[name]:
			op = opinion{model.Prod, model.Evidence{Source: manifestPath, How: "reachable from \"require\" through installed composer.json files"}}
		case dev[name]:
			op = opinion{model.Dev, model.Evidence{Source: manifestPath, How: "reachable only from \"require-dev\" through installed composer.json files"}}
		default:
			op = opinion{model.Extraneous, model.Evidence{Source: manifestPath, How: "not reachable from any requirement"}}
		}
		pkg := model.Package{Name: name, Version: ip.man.Version, Paths: []string{ip.dir}, Evidence: op.ev}
		switch op.class {
		case model.Dev:
			root.Dev = append(root.Dev, pkg)
		case model.Prod:
			root.Prod = append(root.Prod, pkg)
		default:
			root.Extraneous = append(root.Extraneous, pkg)
		}
	}
	seen := map[string]bool{}
	for _, list := range [][]model.Package{root.Dev, root.Prod, root.Extraneous} {
		for _, p := range list {
			if !seen[p.Evidence.Source] {
				seen[p.Evidence.Source] = true
				root.Sources = append(root.Sources, p.Evidence.Source)
			}
		}
	}
	sort.Slice(root.Sources, func(i, j int) bool {
		mi, mj := path.Base(root.Sources[i]) == "composer.json", path.Base(root.Sources[j]) == "composer.json"
		if mi != mj {
			return !mi
		}
		return root.Sources[i] < root.Sources[j]
	})
	return root, probs
}

// sourceOpinions reads installed.json, else composer.lock. A file that does
// not parse is a Problem and the next one is used.
func (pr *project) sourceOpinions(files map[string][]byte) (map[string]opinion, []model.Problem) {
	var probs []model.Problem
	inst := path.Join(pr.vendor, "composer", "installed.json")
	if data, ok := files[inst]; ok {
		f, err := parseInstalled(data)
		switch {
		case err == nil:
			return pr.installedOpinions(inst, f), probs
		case !errors.Is(err, errNoDevInfo):
			probs = append(probs, model.Problem{Path: inst, Reason: err.Error()})
		}
	}
	lock := path.Join(pr.dir, "composer.lock")
	if data, ok := files[lock]; ok {
		l, err := parseLock(data)
		if err != nil {
			return nil, append(probs, model.Problem{Path: lock, Reason: err.Error()})
		}
		out := map[string]opinion{}
		for _, p := range l.Packages {
			if n := strings.ToLower(p.Name); pr.installed[n] != nil {
				out[n] = opinion{model.Prod, model.Evidence{Source: lock, How: `listed in "packages"`}}
			}
		}
		for _, p := range l.PackagesDev {
			if n := strings.ToLower(p.Name); pr.installed[n] != nil {
				if _, both := out[n]; !both {
					out[n] = opinion{model.Dev, model.Evidence{Source: lock, How: `listed in "packages-dev"`}}
				}
			}
		}
		return out, probs
	}
	return nil, probs
}

// installedOpinions maps installed.json entries to installed packages by
// their install-path (relative to vendor/composer) or, without one, by name.
func (pr *project) installedOpinions(src string, f *installedFile) map[string]opinion {
	devNames := map[string]bool{}
	for _, n := range f.DevPackageNames {
		devNames[strings.ToLower(n)] = true
	}
	byDir := map[string]string{}
	for _, n := range pr.names {
		byDir[pr.installed[n].dir] = n
	}
	out := map[string]opinion{}
	for _, p := range f.Packages {
		n := strings.ToLower(p.Name)
		name, ok := "", false
		if p.InstallPath != "" {
			name, ok = byDir[path.Join(pr.vendor, "composer", p.InstallPath)]
		}
		if !ok && pr.installed[n] != nil {
			name, ok = n, true
		}
		if !ok {
			continue
		}
		if devNames[n] {
			out[name] = opinion{model.Dev, model.Evidence{Source: src, How: `listed in "dev-package-names"`}}
		} else {
			out[name] = opinion{model.Prod, model.Evidence{Source: src, How: `installed, not in "dev-package-names"`}}
		}
	}
	return out
}

// walk computes which installed packages the root's "require" reaches and
// which its "require-dev" reaches, following each installed package's own
// "require" and resolving a name to the package itself or to one that
// replaces or provides it.
func (pr *project) walk() (prod, dev map[string]bool) {
	providers := map[string][]string{}
	for _, n := range pr.names {
		providers[n] = append(providers[n], n)
		for _, alias := range pr.installed[n].man.Provides {
			if alias != n {
				providers[alias] = append(providers[alias], n)
			}
		}
	}
	run := func(seeds []string) map[string]bool {
		seen := map[string]bool{}
		queue := []string{}
		push := func(req string) {
			for _, n := range providers[req] {
				if !seen[n] {
					seen[n] = true
					queue = append(queue, n)
				}
			}
		}
		for _, s := range seeds {
			push(s)
		}
		for len(queue) > 0 {
			n := queue[0]
			queue = queue[1:]
			for _, r := range pr.installed[n].man.Require {
				push(r)
			}
		}
		return seen
	}
	return run(pr.man.Require), run(pr.man.RequireDev)
}
