package recommend

import (
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/slimcheck/slimcheck/report"
)

// qwRule is one kind of waste a single step leaves behind.
type qwRule struct {
	id, rule string
	match    func(f *report.File) bool
	when     *regexp.Regexp // the step's command must match; nil: any step
	advice   func(cmd string) (what, fix string)
}

func prefix(ps ...string) func(f *report.File) bool {
	return func(f *report.File) bool {
		for _, p := range ps {
			if strings.HasPrefix(f.Path, p) {
				return true
			}
		}
		return false
	}
}

func contains(ps ...string) func(f *report.File) bool {
	return func(f *report.File) bool {
		for _, p := range ps {
			if strings.Contains(f.Path, p) {
				return true
			}
		}
		return false
	}
}

func category(c report.Category, dirs ...string) func(f *report.File) bool {
	return func(f *report.File) bool {
		if f.Category != c {
			return false
		}
		if len(dirs) == 0 {
			return true
		}
		return prefix(dirs...)(f)
	}
}

func fixed(what, fix string) func(string) (string, string) {
	return func(string) (string, string) { return what, fix }
}

var (
	reApt      = regexp.MustCompile(`\bapt(-get)?\b`)
	reRPM      = regexp.MustCompile(`\b(yum|dnf|microdnf)\b`)
	reApk      = regexp.MustCompile(`\bapk\b`)
	rePip      = regexp.MustCompile(`\bpip[0-9.]*\b|\bpipenv\b|\bpoetry\b`)
	reNpm      = regexp.MustCompile(`\bnpm\b|s2i/assemble`)
	reYarn     = regexp.MustCompile(`\byarn\b`)
	reMaven    = regexp.MustCompile(`\bmvnw?\b|\bmaven\b`)
	reGradle   = regexp.MustCompile(`\bgradlew?\b`)
	reGo       = regexp.MustCompile(`\bgo\s+(build|install|mod|get|test|generate)\b`)
	reComposer = regexp.MustCompile(`\bcomposer\b`)
	reInstall  = regexp.MustCompile(`\b(apt-get|apt|yum|dnf|microdnf|apk|zypper)\s+(-\S+\s+)*(install|add|groupinstall)\b`)
)

// rpmClean names the clean command for the package manager in cmd.
func rpmClean(cmd string) (string, string) {
	switch {
	case strings.Contains(cmd, "microdnf"):
		return "microdnf clean all", "DL3040"
	case regexp.MustCompile(`\bdnf\b`).MatchString(cmd):
		return "dnf clean all", "DL3040"
	}
	return "yum clean all", "DL3032"
}

// qwContext is what the rules know about the image beyond a file.
type qwContext struct {
	installed func(f *report.File) bool // a dependency source placed f (a lockfile, a Plug'n'Play map)
	pnpCache  func(f *report.File) bool // f lies in a cache directory some Plug'n'Play map loads zips from
	pnp       bool                      // the image has a Yarn Plug'n'Play project
}

// quickWinRules, in the order they claim files.
func quickWinRules(k qwContext) []qwRule {
	yarnCache := contains("/.cache/yarn/", "/.yarn/berry/cache/", "/.yarn-cache/")
	berryCache := contains("/.yarn/berry/cache/")
	// With a Plug'n'Play project on the image, a bare `yarn cache clean`
	// deletes the zips it runs from: the zips its map references are
	// installed packages (never a quick win), other zips beside them go one
	// by one, and Yarn's global mirror with --mirror.
	pnpMirror := func(f *report.File) bool {
		return k.pnp && berryCache(f) && !k.installed(f) && !k.pnpCache(f)
	}
	return []qwRule{
		{id: "apt-lists", rule: "DL3009", match: prefix("/var/lib/apt/lists/"), when: reApt,
			advice: fixed("apt package lists", "add `&& rm -rf /var/lib/apt/lists/*` at the end of the same RUN")},
		{id: "apt-cache", match: prefix("/var/cache/apt/"), when: reApt,
			advice: fixed("apt's package cache", "add `&& apt-get clean` at the end of the same RUN")},
		{id: "rpm-cache", match: prefix("/var/cache/yum/", "/var/cache/dnf/", "/var/cache/libdnf5/"), when: reRPM,
			advice: func(cmd string) (string, string) {
				c, _ := rpmClean(cmd)
				return "the yum/dnf cache", "add `&& " + c + "` at the end of the same RUN (or `rm -rf /var/cache/yum /var/cache/dnf`)"
			}},
		{id: "apk-cache", rule: "DL3019", match: prefix("/var/cache/apk/"), when: reApk,
			advice: fixed("apk's package cache", "use `apk add --no-cache …` instead of `apk update`/`apk add`")},
		{id: "pip-cache", rule: "DL3042", match: contains("/.cache/pip/"), when: rePip,
			advice: fixed("pip's download cache", "use `pip install --no-cache-dir …` (or ENV PIP_NO_CACHE_DIR=1)")},
		{id: "npm-cache", match: contains("/.npm/_cacache/", "/.npm/_logs/", "/.npm/_npx/"), when: reNpm,
			advice: fixed("npm's cache", "add `&& npm cache clean --force` at the end of the same RUN")},
		{id: "yarn-pnp-cache", match: func(f *report.File) bool { return f.Category == report.PackageCache && k.pnpCache(f) }, when: reYarn,
			advice: fixed("cache zips no Plug'n'Play map references",
				"delete just these at the end of the same RUN; `yarn cache clean` would also delete the zips the app loads through its Plug'n'Play map")},
		{id: "yarn-mirror", rule: "DL3060", match: pnpMirror, when: reYarn,
			advice: fixed("Yarn's global mirror", "add `&& yarn cache clean --mirror` at the end of the same RUN; a bare `yarn cache clean`"+
				" would also delete the project's .yarn/cache, which its Plug'n'Play map loads packages from")},
		{id: "yarn-cache", rule: "DL3060", when: reYarn,
			match: func(f *report.File) bool {
				return k.pnp && yarnCache(f) && !k.installed(f) && !k.pnpCache(f) && !berryCache(f)
			},
			advice: fixed("yarn's cache", "delete it (`rm -rf` the directory) at the end of the same RUN; with Yarn 2+ running,"+
				" a bare `yarn cache clean` would delete the zips the Plug'n'Play project loads")},
		{id: "yarn-cache", rule: "DL3060", when: reYarn,
			match:  func(f *report.File) bool { return !k.pnp && yarnCache(f) && !k.installed(f) },
			advice: fixed("yarn's cache", "add `&& yarn cache clean` at the end of the same RUN")},
		{id: "maven-repository", match: contains("/.m2/repository/"), when: reMaven,
			advice: fixed("Maven's local repository (~/.m2)", "build in a separate stage, or use `-Dmaven.repo.local=/tmp/m2` and `rm -rf /tmp/m2` in the same RUN")},
		{id: "gradle-cache", match: contains("/.gradle/caches/", "/.gradle/wrapper/dists/"), when: reGradle,
			advice: fixed("Gradle's caches", "build in a separate stage, or add `&& rm -rf ~/.gradle` in the same RUN")},
		{id: "go-cache", match: contains("/.cache/go-build/", "/go/pkg/mod/"), when: reGo,
			advice: fixed("Go's build and module caches", "build in a separate stage, or add `&& go clean -cache -modcache` in the same RUN")},
		{id: "composer-cache", match: contains("/.composer/cache/", "/.cache/composer/"), when: reComposer,
			advice: fixed("Composer's cache", "use `composer install --no-cache …` or add `&& composer clear-cache`")},
		{id: "package-cache", match: category(report.PackageCache),
			advice: fixed("package caches", "clean them at the end of the same RUN that fills them")},
		{id: "docs", rule: "DL3015", match: category(report.Docs, "/usr/share/doc/", "/usr/share/man/", "/usr/share/info/", "/usr/share/gtk-doc/"), when: reInstall,
			advice: func(cmd string) (string, string) {
				if reRPM.MatchString(cmd) {
					return "package documentation", "install with `--setopt=tsflags=nodocs` (yum/dnf) or `--nodocs` (microdnf)"
				}
				if reApt.MatchString(cmd) {
					return "package documentation", "use `apt-get install --no-install-recommends` and exclude docs with a dpkg `path-exclude=/usr/share/doc/*` rule"
				}
				return "package documentation", "install without documentation (apk: avoid *-doc packages)"
			}},
		{id: "build-toolchain", match: category(report.BuildToolchain), when: reInstall,
			advice: fixed("build tools (compilers, headers)", "remove them in the same RUN once the build is done, or build in a separate stage")},
		{id: "temp", match: category(report.Temp, "/tmp/", "/var/tmp/"),
			advice: fixed("temporary files", "delete them at the end of the same RUN")},
	}
}

// quickWins finds, layer by layer, the waste each step left and the fix.
func (p *planner) quickWins() []QuickWin {
	byLayer := layerFiles(p.r)
	claimed := make([]bool, len(p.r.Files)) // by index in p.r.Files
	var out []QuickWin
	out = append(out, p.rewriteWins(byLayer, claimed)...)
	out = append(out, p.hiddenWins(byLayer, claimed)...)
	caches := pnpCaches(p.r)
	rules := quickWinRules(qwContext{
		installed: func(f *report.File) bool { return installedDep(f, p.r.Evidence) },
		pnpCache:  func(f *report.File) bool { return caches[path.Dir(cleanAbs(f.Path))] },
		pnp:       len(caches) > 0,
	})
	for li, files := range byLayer {
		out = append(out, p.layerWins(li, files, rules, claimed)...)
	}
	var kept []QuickWin
	for _, q := range out {
		if q.Bytes >= p.opts.QuickWinMinBytes {
			kept = append(kept, q)
		}
	}
	sort.SliceStable(kept, func(i, j int) bool {
		if kept[i].Bytes != kept[j].Bytes {
			return kept[i].Bytes > kept[j].Bytes
		}
		return kept[i].Layer < kept[j].Layer
	})
	if kept == nil {
		kept = []QuickWin{}
	}
	return kept
}

// layerWins applies the rules to the unclaimed visible files layer li
// added (indices in p.r.Files), claiming the files a rule matches.
func (p *planner) layerWins(li int, files []int, rules []qwRule, claimed []bool) []QuickWin {
	l := p.r.Layers[li]
	pc := parseCreatedBy(l.CreatedBy)
	cmd := pc.body
	// A rule whose step condition fails here matches no file of the layer.
	var live []qwRule
	for _, r := range rules {
		if r.when == nil || pc.instr == "RUN" && r.when.MatchString(cmd) {
			live = append(live, r)
		}
	}
	if len(live) == 0 {
		return nil
	}
	found := map[string]*QuickWin{}
	dirs := map[string]map[string]int64{}
	var order []string
	for _, i := range files {
		f := &p.r.Files[i]
		if claimed[i] || f.Status != "visible" {
			continue
		}
		for _, r := range live {
			if !r.match(f) {
				continue
			}
			claimed[i] = true
			q := found[r.id]
			if q == nil {
				what, fix := r.advice(cmd)
				rule := r.rule
				if r.id == "rpm-cache" {
					_, rule = rpmClean(cmd)
				}
				q = &QuickWin{ID: r.id, Rule: rule, Layer: li, CreatedBy: tidy(l.CreatedBy), Advice: what, Fix: fix}
				found[r.id] = q
				dirs[r.id] = map[string]int64{}
				order = append(order, r.id)
			}
			q.Bytes += f.Bytes
			q.Files++
			dirs[r.id][topDir(f.Path)] += f.Bytes
			break
		}
	}
	out := make([]QuickWin, 0, len(order))
	for _, id := range order {
		q := found[id]
		q.Paths = topPaths(dirs[id], 3)
		q.Advice = stepName(q.CreatedBy, li) + " left " + report.Bytes(q.Bytes) + " of " + q.Advice + ": " + q.Fix
		out = append(out, *q)
	}
	return out
}

// layerFiles lists, per layer, the indices in r.Files of the entries the
// quick wins weigh: neither directories nor markers.
func layerFiles(r *report.Report) [][]int {
	counts := make([]int, len(r.Layers))
	for i := range r.Files {
		if l, ok := weighed(&r.Files[i], len(counts)); ok {
			counts[l]++
		}
	}
	byLayer := make([][]int, len(counts))
	flat := make([]int, 0, len(r.Files))
	for l, c := range counts {
		byLayer[l] = flat[len(flat) : len(flat) : len(flat)+c]
		flat = flat[:len(flat)+c]
	}
	for i := range r.Files {
		if l, ok := weighed(&r.Files[i], len(counts)); ok {
			byLayer[l] = append(byLayer[l], i)
		}
	}
	return byLayer
}

// weighed returns f's layer when the quick wins weigh f.
func weighed(f *report.File, layers int) (int, bool) {
	if f.Layer < 0 || f.Layer >= layers || f.Status == "marker" || f.Type == "dir" {
		return 0, false
	}
	return f.Layer, true
}

// isPackageDB reports whether p belongs to an OS package database.
func isPackageDB(p string) bool {
	for _, d := range []string{"/var/lib/rpm/", "/usr/lib/sysimage/rpm/", "/var/lib/dpkg/", "/lib/apk/db/", "/var/lib/yum/", "/var/lib/dnf/"} {
		if strings.HasPrefix(p, d) {
			return true
		}
	}
	return false
}

// tidy shortens and redacts a history command for display.
func tidy(createdBy string) string {
	return report.Shorten(redact(report.CreatedBy(createdBy)), 160)
}

// stepName quotes a tidied step: "`RUN apt-get …` (layer 3)".
func stepName(tidied string, layer int) string {
	if tidied == "" {
		return "layer " + itoa(layer)
	}
	return "`" + report.Shorten(tidied, 72) + "` (layer " + itoa(layer) + ")"
}

// topDir groups a path by its first four components.
func topDir(p string) string {
	d := path.Dir(p)
	if !strings.HasPrefix(d, "/") {
		parts := strings.Split(d, "/")
		if len(parts) > 4 {
			parts = parts[:4]
		}
		return "/" + strings.Join(parts, "/")
	}
	// d is clean: its first four components end before its fifth slash.
	slashes := 0
	for i := 0; i < len(d); i++ {
		if d[i] == '/' {
			if slashes++; slashes == 5 {
				return d[:i]
			}
		}
	}
	return d
}

// topPaths returns the n keys with the most bytes.
func topPaths(m map[string]int64, n int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	if len(keys) > n {
		keys = keys[:n]
	}
	return keys
}
