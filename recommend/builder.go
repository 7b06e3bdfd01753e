package recommend

import (
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/slimcheck/slimcheck/report"
)

// safeFlag matches COPY/ADD/RUN flags that can be replayed as written.
var safeFlag = regexp.MustCompile(`^--(chown|chmod|link|mount|network|security)(=[A-Za-z0-9_.,:/=@+-]*)?$`)

// flagFor names the instruction a flag belongs to.
func flagFor(f string) string {
	name, _, _ := strings.Cut(strings.TrimPrefix(f, "--"), "=")
	switch name {
	case "mount", "network", "security":
		return "RUN"
	}
	return "COPY"
}

// s2iChown matches OpenShift's ownership fix of the s2i upload.
var s2iChown = regexp.MustCompile(`^chown -R [0-9]+:[0-9]+ /tmp/src/?$`)

// remoteSource matches ADD sources fetched over the network.
var remoteSource = regexp.MustCompile(`^(https?|git|ssh)://|^git@`)

// archiveSource matches sources ADD extracts.
var archiveSource = regexp.MustCompile(`\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst)$`)

// steps recovers the build steps of the layers from first on.
func (p *planner) steps(first int, replay bool) []Step {
	var out []Step
	labels := p.r.Image.Config.Labels
	for i := first; i < len(p.r.Layers); i++ {
		l := p.r.Layers[i]
		pc := parseCreatedBy(l.CreatedBy)
		st := Step{Layer: i, CreatedBy: report.Shorten(redact(strings.Join(strings.Fields(l.CreatedBy), " ")), 400)}
		switch {
		case pc.empty && p.plan.Origin.S2I && i == len(p.r.Layers)-1 && replay:
			out = append(out, p.s2iSteps(i, "the s2i build recorded one layer without a command: the source upload and the assemble run")...)
			continue
		case pc.empty:
			st.Comment = "layer " + itoa(i) + " recorded no command"
		case strings.HasPrefix(pc.body, "#"):
			st.Comment = "layer " + itoa(i) + " was written by a tool, not a Dockerfile step"
		default:
			p.fillStep(&st, pc, labels)
		}
		if !replay {
			st.Replay = false
			if st.Comment == "" {
				st.Comment = "already applied in the analyzed image"
			}
		}
		out = append(out, st)
	}
	return out
}

// fillStep turns a parsed history entry into a replayable step, or a
// comment saying why it cannot be replayed.
func (p *planner) fillStep(st *Step, pc parsed, labels map[string]string) {
	st.Instruction = pc.instr
	for _, f := range pc.flags {
		if !safeFlag.MatchString(f) || flagFor(f) != pc.instr && !(flagFor(f) == "COPY" && pc.instr == "ADD") || strings.Contains(f, "from=") {
			st.Comment = "recorded with " + report.Shorten(f, 60) + ", which refers to something the history does not describe"
			return
		}
	}
	st.Flags = pc.flags
	switch pc.instr {
	case "RUN":
		for _, a := range pc.buildArgs {
			k, v, _ := strings.Cut(a, "=")
			if !isEnvName(k) {
				continue
			}
			if isSecret(k, v) || isSecretName(k) {
				st.SecretNames = append(st.SecretNames, k)
				st.BuildArgs = append(st.BuildArgs, k)
				p.plan.Findings = append(p.plan.Findings, Finding{Severity: "warning", Kind: "secret-build-arg", Layer: st.Layer,
					Message: "build argument " + k + " of layer " + itoa(st.Layer) + " looks like a secret and its value is recorded in the image history; use a build secret (RUN --mount=type=secret) instead"})
				continue
			}
			if strings.ContainsAny(v, "\n\r\"\\$`") {
				st.BuildArgs = append(st.BuildArgs, k)
				continue
			}
			st.BuildArgs = append(st.BuildArgs, k+"="+v)
		}
		if s2iChown.MatchString(pc.body) {
			st.Comment = "chown of the s2i upload: folded into COPY --chown"
			return
		}
		if red := redact(pc.body); red != pc.body {
			st.Comment = "holds a credential; rewrite it with a build secret before replaying"
			return
		}
		st.Args = []string{pc.body}
		st.Replay = true
	case "COPY", "ADD":
		srcs, dest, hashed := copyArgs(pc.body)
		switch {
		case dest == "":
			st.Comment = "could not read the sources and destination"
		case hashed && p.plan.Origin.S2I && under(path.Clean(dest), "/tmp/src"):
			st.Instruction, st.Args, st.Replay = "COPY", []string{".", dest}, true
			st.Flags = []string{"--chown=" + s2iUser(labels) + ":0"}
			st.Comment = "the s2i source upload: the application source (the build context)"
		case hashed && strings.HasPrefix(srcs[0], "dir:"):
			st.Instruction, st.Args, st.Replay = "COPY", []string{".", dest}, true
			st.Comment = "recorded as " + report.Shorten(srcs[0], 20) + ": assumed to be the build context"
		case hashed:
			st.Comment = "copies a file recorded only by its hash (" + report.Shorten(srcs[0], 24) + ") to " + report.Shorten(dest, 80) + ": add its source here"
		case pc.instr == "ADD" && anyMatch(remoteSource, srcs):
			st.Comment = "ADD of a remote URL: download it in a RUN step (and verify its checksum) instead"
		default:
			st.Args = append(append([]string(nil), srcs...), dest)
			st.Replay = true
			if pc.instr == "ADD" && !anyMatch(archiveSource, srcs) {
				st.Instruction = "COPY"
				st.Comment = "ADD of local files is COPY (hadolint DL3020)"
			}
		}
	case "WORKDIR", "USER":
		if pc.body == "" {
			st.Comment = "empty " + pc.instr
			return
		}
		st.Args = []string{pc.body}
		st.Replay = true
	default:
		st.Comment = pc.instr + " is configuration; the runtime stage carries the final value"
	}
	if st.Replay && strings.Contains(pc.body, "s2i/assemble") {
		st.Comment = "the s2i assemble script builds the app from /tmp/src"
	}
}

func anyMatch(re *regexp.Regexp, ss []string) bool {
	for _, s := range ss {
		if re.MatchString(s) {
			return true
		}
	}
	return false
}

// s2iUser is the user assemble runs as (label io.openshift.s2i.assemble-user, else 1001).
func s2iUser(labels map[string]string) string {
	if u := labels["io.openshift.s2i.assemble-user"]; u != "" && isNumeric(u) {
		return u
	}
	return "1001"
}

// s2iSteps writes the two steps an s2i build stands for.
func (p *planner) s2iSteps(layer int, why string) []Step {
	scripts := s2iScripts(p.r.Image.Config.Labels)
	u := s2iUser(p.r.Image.Config.Labels)
	return []Step{
		{Layer: layer, Instruction: "COPY", Args: []string{".", "/tmp/src"}, Flags: []string{"--chown=" + u + ":0"}, Replay: true, Comment: why},
		{Layer: layer, Instruction: "USER", Args: []string{u}, Replay: true},
		{Layer: layer, Instruction: "RUN", Args: []string{scripts + "/assemble"}, Replay: true, Comment: "the s2i assemble script builds the app from /tmp/src"},
	}
}

func isNumeric(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// hasTool reports whether the image has an executable named name in one of
// the usual directories or on its PATH.
func (p *planner) hasTool(name string) bool {
	dirs := []string{"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"}
	dirs = append(dirs, strings.Split(p.env["PATH"], ":")...)
	for _, d := range dirs {
		if !strings.HasPrefix(d, "/") {
			continue
		}
		if n := p.view.resolve(d + "/" + name); n != nil && !n.isDir() {
			return true
		}
	}
	return false
}

// pruneRule is how one package manager drops dev dependencies in place.
type pruneRule struct {
	tool    string
	command func(dir string, names []string) string
}

// pruneFor maps lockfile names (from the attribution's evidence) to rules.
func pruneFor(lockfile string, berry bool) (pruneRule, bool) {
	switch lockfile {
	case "package-lock.json", ".package-lock.json", "npm-shrinkwrap.json", "package.json":
		return pruneRule{"npm", func(d string, _ []string) string { return "cd " + shQuote(d) + " && npm prune --omit=dev" }}, true
	case "yarn.lock":
		if berry {
			return pruneRule{"yarn", func(d string, _ []string) string {
				return "cd " + shQuote(d) + " && yarn workspaces focus --all --production"
			}}, true
		}
		return pruneRule{"yarn", func(d string, _ []string) string {
			return "cd " + shQuote(d) + " && yarn install --production --frozen-lockfile --ignore-scripts --prefer-offline"
		}}, true
	case "pnpm-lock.yaml":
		return pruneRule{"pnpm", func(d string, _ []string) string { return "cd " + shQuote(d) + " && pnpm prune --prod" }}, true
	case "composer.lock", "composer.json":
		return pruneRule{"composer", func(d string, _ []string) string {
			return "cd " + shQuote(d) + " && composer install --no-dev --no-interaction --no-scripts --optimize-autoloader"
		}}, true
	case "Pipfile.lock", "poetry.lock", "pyproject.toml", "Pipfile", "uv.lock", "pdm.lock":
		return pruneRule{"pip", func(_ string, names []string) string {
			if len(names) == 0 {
				return ""
			}
			return "pip uninstall -y " + strings.Join(names, " ")
		}}, true
	}
	return pruneRule{}, false
}

// pipName matches package names safe to pass to pip unquoted.
var pipName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,100}$`)

// prune works out the package-manager commands that remove the dev
// dependencies the copy set excludes, and marks those exclusions.
func (p *planner) prune(cs *CopySet) []string {
	type group struct {
		rule  pruneRule
		dir   string
		names map[string]bool
	}
	groups := map[string]*group{}
	var order []string
	pnpDirs := map[string]bool{}
	defer func() { p.plan.Findings = append(p.plan.Findings, pnpFindings(pnpDirs)...) }()
	devPaths := map[string]int{}
	for i, e := range cs.Exclude {
		if e.Category == report.DevDependencies {
			devPaths[e.Path] = i
		}
	}
	if len(devPaths) == 0 {
		return nil
	}
	for i := range p.r.Files {
		f := &p.r.Files[i]
		if f.Status != "visible" || f.Category != report.DevDependencies || f.Evidence < 0 || f.Evidence >= len(p.r.Evidence) {
			continue
		}
		if _, ok := coveringExclusion(f.Path, devPaths); !ok {
			continue
		}
		ev := p.r.Evidence[f.Evidence]
		if ev.Source == "" {
			continue
		}
		dir := path.Dir(cleanAbs(ev.Source))
		if isPnPMap(ev.Source) {
			// Removing the zips is enough: Plug'n'Play opens a package only
			// when it is required. `yarn workspaces focus` would rewrite the
			// map against the builder's HOME and cache, not the image's.
			pnpDirs[dir] = true
			continue
		}
		if path.Base(dir) == "node_modules" { // npm's hidden lockfile, node_modules/.package-lock.json
			dir = path.Dir(dir)
		}
		berry := p.view.get(dir+"/.yarnrc.yml") != nil
		rule, ok := pruneFor(path.Base(ev.Source), berry)
		if !ok {
			continue
		}
		key := rule.tool + "\x00" + dir
		g := groups[key]
		if g == nil {
			g = &group{rule: rule, dir: dir, names: map[string]bool{}}
			groups[key] = g
			order = append(order, key)
		}
		if ev.Package != "" && pipName.MatchString(ev.Package) {
			g.names[ev.Package] = true
		}
	}
	sort.Strings(order)
	var cmds []string
	for _, k := range order {
		g := groups[k]
		if !p.hasTool(g.rule.tool) {
			p.plan.Findings = append(p.plan.Findings, Finding{Severity: "info", Kind: "no-prune-tool", Layer: -1,
				Message: g.rule.tool + " is not in the image, so the builder removes the dev dependencies under " + g.dir + " by path only"})
			continue
		}
		names := make([]string, 0, len(g.names))
		for n := range g.names {
			names = append(names, n)
		}
		sort.Strings(names)
		c := g.rule.command(g.dir, names)
		if c == "" {
			continue
		}
		cmds = append(cmds, c)
		for i := range cs.Exclude {
			e := &cs.Exclude[i]
			if e.Category == report.DevDependencies && (g.rule.tool == "pip" || under(e.Path, g.dir)) {
				e.Pruned = true
			}
		}
	}
	return cmds
}

// coveringExclusion finds the exclusion path at or above p.
func coveringExclusion(p string, paths map[string]int) (int, bool) {
	for q := cleanAbs(p); ; q = path.Dir(q) {
		if i, ok := paths[q]; ok {
			return i, true
		}
		if q == "/" || q == "" {
			return 0, false
		}
	}
}

// shQuote quotes s for a POSIX shell.
func shQuote(s string) string {
	if s != "" && simpleShell.MatchString(s) && !strings.Contains(s, "=") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
