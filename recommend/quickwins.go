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
	byLayer := make([][]*report.File, len(p.r.Layers))
	for i := range p.r.Files {
		f := &p.r.Files[i]
		if f.Layer < 0 || f.Layer >= len(byLayer) || f.Status == "marker" || f.Type == "dir" {
			continue
		}
		byLayer[f.Layer] = append(byLayer[f.Layer], f)
	}
	claimed := map[*report.File]bool{}
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
		l := p.r.Layers[li]
		pc := parseCreatedBy(l.CreatedBy)
		cmd := pc.body
		found := map[string]*QuickWin{}
		dirs := map[string]map[string]int64{}
		var order []string
		for _, f := range files {
			if claimed[f] || f.Status != "visible" {
				continue
			}
			for _, r := range rules {
				if !r.match(f) || r.when != nil && (pc.instr != "RUN" || !r.when.MatchString(cmd)) {
					continue
				}
				claimed[f] = true
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
		for _, id := range order {
			q := found[id]
			q.Paths = topPaths(dirs[id], 3)
			q.Advice = stepName(q.CreatedBy, li) + " left " + report.Bytes(q.Bytes) + " of " + q.Advice + ": " + q.Fix
			out = append(out, *q)
		}
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

// rewriteWins are metadata-only rewrites: files copied again by a later
// step that only changed owner or mode.
func (p *planner) rewriteWins(byLayer [][]*report.File, claimed map[*report.File]bool) []QuickWin {
	type key struct{ upper, lower int }
	agg := map[key]*QuickWin{}
	var keys []key
	rewritten := map[key]map[string]bool{}
	for _, rw := range p.r.Rewrites {
		if rw.Layer < 0 || rw.Layer >= len(p.r.Layers) || rw.Lower < 0 || rw.Lower >= len(p.r.Layers) {
			continue
		}
		k := key{rw.Layer, rw.Lower}
		q := agg[k]
		if q == nil {
			lower := parseCreatedBy(p.r.Layers[rw.Lower].CreatedBy)
			fix := "change owner and mode in the step that creates the files (the same RUN), not in a later one"
			if lower.instr == "COPY" || lower.instr == "ADD" {
				fix = "use `" + lower.instr + " --chown=… --chmod=…` in layer " + itoa(rw.Lower) + " instead of a separate chown/chmod step"
			}
			q = &QuickWin{ID: "metadata-rewrite", Layer: rw.Layer, CreatedBy: tidy(p.r.Layers[rw.Layer].CreatedBy), Fix: fix}
			agg[k] = q
			keys = append(keys, k)
			rewritten[k] = map[string]bool{}
		}
		q.Bytes += rw.Bytes
		q.Files++
		rewritten[k][rw.Path] = true
	}
	var out []QuickWin
	for _, k := range keys {
		q := agg[k]
		for _, f := range byLayer[k.lower] {
			if rewritten[k][f.Path] {
				claimed[f] = true
			}
		}
		q.Advice = stepName(q.CreatedBy, k.upper) + " copied " + report.Bytes(q.Bytes) + " of files from layer " + itoa(k.lower) + " again only to change their owner or mode: " + q.Fix
		out = append(out, *q)
	}
	return out
}

// hiddenWins are bytes a step wrote that a later step deleted or replaced:
// they stay in the image.
func (p *planner) hiddenWins(byLayer [][]*report.File, claimed map[*report.File]bool) []QuickWin {
	type hit struct {
		layer int
		kind  string
	}
	idx := map[string][]hit{}
	for i := range p.r.Files {
		f := &p.r.Files[i]
		idx[f.Path] = append(idx[f.Path], hit{f.Layer, f.Type})
	}
	hider := func(f *report.File) (int, bool) {
		best, deleted := -1, false
		for q := f.Path; ; q = path.Dir(q) {
			for _, h := range idx[q] {
				if h.layer <= f.Layer || best >= 0 && h.layer >= best {
					continue
				}
				if q == f.Path || h.kind == "whiteout" || h.kind == "opaque" {
					best, deleted = h.layer, h.kind == "whiteout" || h.kind == "opaque"
				}
			}
			if q == "/" || q == "." || q == "" {
				break
			}
		}
		return best, deleted
	}
	type key struct{ layer, by int }
	agg := map[key]*QuickWin{}
	dirs := map[key]map[string]int64{}
	var keys []key
	for li, files := range byLayer {
		for _, f := range files {
			if claimed[f] || (f.Status != "overwritten" && f.Status != "deleted") {
				continue
			}
			by, deleted := hider(f)
			k := key{li, by}
			q := agg[k]
			if q == nil {
				how := "replaced"
				if deleted {
					how = "deleted"
				}
				id := "hidden"
				if !deleted && isPackageDB(f.Path) {
					id = "package-db-rewrite"
				}
				q = &QuickWin{ID: id, Layer: li, CreatedBy: tidy(p.r.Layers[li].CreatedBy), Advice: how}
				agg[k] = q
				dirs[k] = map[string]int64{}
				keys = append(keys, k)
			}
			claimed[f] = true
			q.Bytes += f.Bytes
			q.Files++
			dirs[k][topDir(f.Path)] += f.Bytes
		}
	}
	var out []QuickWin
	for _, k := range keys {
		q := agg[k]
		q.Paths = topPaths(dirs[k], 3)
		later := "a later layer"
		if k.by >= 0 && k.by < len(p.r.Layers) {
			later = stepName(tidy(p.r.Layers[k.by].CreatedBy), k.by)
		}
		switch {
		case q.ID == "package-db-rewrite":
			q.Fix = "every package-install step stores a new copy of the package database: install all packages in one RUN"
		case q.Advice == "deleted":
			q.Fix = "delete them in the same RUN that creates them (or never create them); files removed later stay in the image"
		default:
			q.Fix = "the older copies stay in the image: create the files once, in their final form, or change them in the step that creates them"
		}
		q.Advice = stepName(q.CreatedBy, k.layer) + " wrote " + report.Bytes(q.Bytes) + " that " + later + " " + q.Advice + ": " + q.Fix
		out = append(out, *q)
	}
	return out
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
	parts := strings.Split(strings.TrimPrefix(path.Dir(p), "/"), "/")
	if len(parts) > 4 {
		parts = parts[:4]
	}
	return "/" + strings.Join(parts, "/")
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
