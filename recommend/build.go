package recommend

import (
	"context"
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/slimcheck/slimcheck/recommend/catalog"
	"github.com/slimcheck/slimcheck/report"
)

// ErrNoFiles is returned for a report made without its file list
// (summary Options.Files): the plan needs every entry to pick exact paths.
var ErrNoFiles = errors.New("the report has no file list (analyze with files included)")

// planner carries the state of one Plan call.
type planner struct {
	ctx    context.Context
	r      *report.Report
	opts   Options
	cat    *catalog.Catalog
	view   *fsView
	env    map[string]string
	catEco string
	plan   *PlanResult
	x      *excluder
	sel    *selector
	roots  []root          // the app's roots, base aside
	skip   map[string]bool // exclusion paths under roots
	// configured is set once config has carried the image's configuration
	// (and reported its secrets).
	configured bool
}

// Plan recommends a builder/runtime split for the image r describes (a
// report with its Files), or says why none fits and what smaller fixes
// help. It reads nothing but r and, through opts.BaseSize, the chosen
// base's registry; it never fails on odd input, only on unusable options,
// a missing file list or a cancelled context.
func Plan(ctx context.Context, r *report.Report, opts Options) (*PlanResult, error) {
	if err := opts.Validate(); err != nil {
		return nil, fmt.Errorf("checking recommend options: %w", err)
	}
	if r == nil || len(r.Files) == 0 {
		return nil, ErrNoFiles
	}
	cat := opts.Catalog
	if cat == nil {
		var err error
		if cat, err = catalog.Default(); err != nil {
			return nil, err
		}
	}
	p := &planner{ctx: ctx, r: r, opts: opts, cat: cat, view: newView(r.Files), env: map[string]string{}}
	for _, kv := range r.Image.Config.Env {
		if k, v, ok := strings.Cut(kv, "="); ok {
			p.env[k] = v
		}
	}
	p.catEco = catalogEcosystem(r.Ecosystem)
	p.plan = &PlanResult{
		SchemaVersion: SchemaVersion,
		Image: Image{Reference: r.Image.Reference, Digest: r.Image.Digest, Platform: r.Image.Platform,
			SizeBytes: r.Image.SizeBytes, CompressedBytes: r.Image.CompressedBytes},
		Reasons:   []string{},
		Ecosystem: p.ecosystem(),
		Findings:  []Finding{},
		Copy:      CopySet{Include: []CopyPath{}, Exclude: []Exclusion{}},
		Builder:   Builder{Steps: []Step{}},
	}
	p.plan.Origin = findOrigin(r, family(r), p.env)
	p.plan.QuickWins = p.quickWins()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := p.split(ctx); err != nil {
		return nil, err
	}
	p.finish()
	return p.plan, nil
}

// ecosystem summarises the report's ecosystem for the plan.
func (p *planner) ecosystem() Ecosystem {
	e := p.r.Ecosystem
	out := Ecosystem{Name: e.Name, Version: e.Version, AppDir: e.AppDir, Libc: e.Libc, StaticBinary: e.StaticBinary}
	out.VersionKey = versionKey(p.catEco, e.Version)
	for _, a := range e.NativeAddons {
		switch addonLibc(a, e.Libc) {
		case "glibc":
			out.GlibcAddons++
		case "musl":
			out.MuslAddons++
		}
	}
	libc := e.Libc
	if libc == "" || libc == "none" || libc == "unknown" {
		switch {
		case out.GlibcAddons > 0:
			libc = "glibc"
		case out.MuslAddons > 0:
			libc = "musl"
		}
	}
	out.LibcVersion = libcVersion(p.r.Packages, libc)
	return out
}

// addonLibc is the C library an addon links: as read from it, or, when it
// could not be read, the image's own (an addon built in the image links it).
func addonLibc(a report.NativeAddon, imageLibc string) string {
	if a.Libc == "glibc" || a.Libc == "musl" {
		return a.Libc
	}
	if imageLibc == "glibc" || imageLibc == "musl" {
		return imageLibc
	}
	return ""
}

// noSplit records why no split is proposed.
func (p *planner) noSplit(reason string) {
	p.plan.Verdict = QuickWinsOnly
	p.plan.Reasons = append(p.plan.Reasons, reason)
	p.plan.Estimate = p.currentOnly()
}

func (p *planner) warn(kind, msg string) {
	p.plan.Findings = append(p.plan.Findings, Finding{Severity: "warning", Kind: kind, Message: msg, Layer: -1})
}

// split works out the runtime stage, or records why there is none.
func (p *planner) split(ctx context.Context) error {
	eco := p.r.Ecosystem
	if p.catEco == "" && p.opts.RuntimeBase == "" {
		name := eco.Name
		if name == "" {
			name = "unknown"
		}
		p.noSplit("the application's ecosystem (" + name + ") has no runtime bases in the catalog; pass --runtime-base to choose one")
		return nil
	}
	p.x = &excluder{protected: p.protected(), evidence: p.r.Evidence}
	if !p.hasTool("rm") {
		p.x.disabled = true
		p.plan.Findings = append(p.plan.Findings, Finding{Severity: "info", Kind: "no-rm", Layer: -1,
			Message: "the image has no rm, so the builder stage cannot delete caches or dev dependencies: the copy set keeps them"})
	}
	p.sel = &selector{v: p.view, x: p.x}
	roots, reason := p.appRoots()
	if reason != "" {
		p.noSplit(reason)
		return nil
	}
	p.roots, p.skip = roots, map[string]bool{}
	for _, r := range roots {
		if r.src.isDir() {
			for _, ex := range p.x.exclusionsUnder(r.src) {
				p.skip[ex.Path] = true
			}
		}
	}
	var chosen candidate
	known := true
	if p.opts.RuntimeBase != "" {
		chosen = p.override(p.opts.RuntimeBase)
		_, known = p.cat.Lookup(p.opts.RuntimeBase)
	} else {
		if p.catEco != "binary" && p.plan.Ecosystem.VersionKey == "" {
			p.noSplit("the " + p.catEco + " version is unknown, so no runtime base can be matched; pass --runtime-base")
			return nil
		}
		cands, rejected := p.candidates()
		p.plan.Rejected = rejected
		if len(cands) == 0 {
			what := p.catEco
			if p.catEco != "binary" {
				what += " " + p.plan.Ecosystem.VersionKey
			}
			if len(rejected) == 0 {
				p.noSplit("the catalog has no runtime base for " + what + " on " + p.arch() + "; pass --runtime-base")
			} else {
				p.noSplit("no catalog runtime base for " + what + " fits (see rejected); pass --runtime-base to choose one")
			}
			return nil
		}
		chosen = cands[0]
		for _, c := range cands[1:] {
			p.plan.Alternatives = append(p.plan.Alternatives, p.runtimeBase(c, "catalog"))
		}
	}
	var base *catalog.Entry
	if known {
		base = &chosen.entry
	}
	roots = p.addExtras(roots, chosen, base)
	cs := p.sel.copySet(roots)
	p.plan.Copy = cs
	p.plan.Builder = p.builder(&p.plan.Copy)
	p.plan.Copy.NotCopied = p.notCopied(roots)
	p.config(chosen, base, known)
	src := "catalog"
	if p.opts.RuntimeBase != "" {
		src = "override"
	}
	rb := p.runtimeBase(chosen, src)
	info, err := p.baseSize(ctx, chosen.entry, known)
	if err != nil {
		return err
	}
	rb.Size = info
	p.plan.Runtime = &rb
	p.plan.Estimate = p.estimate(p.plan.Copy, info)
	p.verdict(info)
	return nil
}

// protected are files the copy set never drops: addons, the binary, the
// files the command runs.
func (p *planner) protected() map[string]bool {
	m := map[string]bool{}
	for _, a := range p.r.Ecosystem.NativeAddons {
		m[cleanAbs(a.Path)] = true
	}
	if b := cleanAbs(p.r.Ecosystem.StaticBinary); b != "" {
		m[b] = true
	}
	wd := workdirOr(p.r.Image.Config.WorkingDir)
	for _, a := range append(append([]string(nil), p.r.Image.Config.Entrypoint...), p.r.Image.Config.Cmd...) {
		if a == "" || strings.ContainsAny(a, " $") {
			continue
		}
		q := a
		if !strings.HasPrefix(q, "/") {
			q = path.Join(wd, q)
		}
		if n := p.view.get(q); n != nil && !n.isDir() {
			m[n.path] = true
		}
	}
	return m
}

// appRoots chooses what the app needs copied, base aside.
func (p *planner) appRoots() ([]root, string) {
	eco := p.r.Ecosystem
	if p.catEco == "binary" {
		b := cleanAbs(eco.StaticBinary)
		if !representable(b) {
			return nil, "the binary's path cannot be written in a Dockerfile"
		}
		n := p.view.get(b)
		if n == nil || n.isDir() {
			return nil, "the binary the image runs was not found in its final filesystem"
		}
		src := n
		if n.file != nil && n.file.Type == "symlink" {
			if src = p.view.resolve(b); src == nil || src.isDir() {
				return nil, "the binary " + b + " is a dangling symlink"
			}
		}
		return []root{{n: n, src: src, explicit: true, reason: "the binary the image runs"}}, ""
	}
	app := cleanAbs(eco.AppDir)
	if app == "" {
		return nil, "the application directory is unknown"
	}
	if !representable(app) {
		return nil, "the application directory's path cannot be written in a Dockerfile"
	}
	if isSystemDir(app) {
		return nil, "the application directory is " + app + ", a system directory that cannot be copied whole"
	}
	n := p.view.get(app)
	if n == nil {
		return nil, "the application directory " + app + " is not in the final filesystem"
	}
	if n.file != nil && n.file.Type == "symlink" {
		r := p.view.resolve(app)
		if r == nil || !r.isDir() || isSystemDir(r.path) {
			return nil, "the application directory " + app + " is a symlink that does not lead to a directory"
		}
		p.plan.Findings = append(p.plan.Findings, Finding{Severity: "info", Kind: "app-dir-symlink", Path: app, Layer: -1,
			Message: "the application directory " + app + " is a symlink to " + r.path + "; the copy takes " + r.path + " and does not recreate the link"})
		n = r
	}
	var roots []root
	if p.catEco == "java" {
		roots = p.sel.javaRoots(append(append([]string(nil), p.r.Image.Config.Entrypoint...), p.r.Image.Config.Cmd...), p.r.Image.Config.WorkingDir)
	}
	if len(roots) == 0 {
		roots = []root{{n: n, src: n, fromApp: true, reason: "the application directory"}}
	}
	roots = append(roots, p.sel.outsideRoots(n.path)...)
	return capRoots(dropNested(roots), p.opts.MaxCopyRoots), ""
}

// addExtras adds what the chosen base needs besides the app: the s2i run
// script, shared libraries of native addons, CA certificates and tzdata.
func (p *planner) addExtras(roots []root, c candidate, base *catalog.Entry) []root {
	// The s2i scripts are copied only when the command still runs one.
	scripts := s2iScripts(p.r.Image.Config.Labels)
	if p.plan.Origin.S2I && !mentionsUnder(append(append([]string(nil), c.cmd.entrypoint...), c.cmd.cmd...), scripts) {
		var kept []root
		for _, r := range roots {
			if !under(r.n.path, scripts) {
				kept = append(kept, r)
			}
		}
		roots = kept
	}
	for _, e := range c.cmd.extra {
		n := p.view.get(e)
		if n == nil || n.isDir() || coveredBy(n.path, roots, nil) || !representable(e) {
			p.warn("entrypoint", "the command needs "+e+", which is not in the image")
			continue
		}
		src := n
		if n.file != nil && n.file.Type == "symlink" {
			if src = p.view.resolve(e); src == nil {
				continue
			}
		}
		roots = append(roots, root{n: n, src: src, explicit: true, reason: "the start script the command runs"})
	}
	libs, fs := p.sel.libraryRoots(p.r.Ecosystem, base, p.arch(), roots, p.skip)
	p.plan.Findings = append(p.plan.Findings, fs...)
	if len(libs) > 0 {
		p.plan.Findings = append(p.plan.Findings, Finding{Severity: "info", Kind: "copied-library", Layer: -1,
			Message: itoa(len(libs)) + " shared libraries are copied for native addons; they may need further libraries of their own: check with ldd in the runtime image"})
	}
	roots = append(roots, libs...)
	if p.catEco == "binary" {
		roots = append(roots, p.sel.assetRoots(base, roots)...)
	}
	var ok []root
	for _, r := range roots {
		if representable(r.n.path) && representable(r.src.path) {
			ok = append(ok, r)
			continue
		}
		p.warn("path", "a path to copy cannot be written in a Dockerfile and is left out: "+report.Shorten(strings.ToValidUTF8(r.n.path, "?"), 80))
	}
	return dropNested(ok)
}

// commandEnv describes the image for adaptCommand.
func (p *planner) commandEnv() commandEnv {
	copied := func(q string) bool {
		return p.view.get(q) != nil && coveredBy(cleanAbs(q), p.roots, p.skip)
	}
	dirs := []string{"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"}
	dirs = append(dirs, strings.Split(p.env["PATH"], ":")...)
	return commandEnv{
		eco:        p.catEco,
		env:        p.env,
		labels:     p.r.Image.Config.Labels,
		copied:     copied,
		s2iScripts: s2iScripts(p.r.Image.Config.Labels),
		workdir:    p.r.Image.Config.WorkingDir,
		onPath: func(name string) bool {
			for _, d := range dirs {
				if strings.HasPrefix(d, "/") && copied(d+"/"+name) {
					return true
				}
			}
			return false
		},
	}
}

// mentionsUnder reports whether a command word names a path under dir.
func mentionsUnder(args []string, dir string) bool {
	for _, a := range args {
		for _, w := range strings.Fields(a) {
			if under(w, dir) {
				return true
			}
		}
	}
	return false
}

// notCopied lists the application directory's top-level entries (or the
// binary's siblings) that no include takes and no exclusion explains.
func (p *planner) notCopied(roots []root) []PathBytes {
	dir := cleanAbs(p.r.Ecosystem.AppDir)
	if dir == "" && p.catEco == "binary" {
		dir = path.Dir(cleanAbs(p.r.Ecosystem.StaticBinary))
	}
	n := p.view.get(dir)
	if n == nil || !n.isDir() || isSystemDir(dir) {
		return nil
	}
	var out []PathBytes
	for _, c := range n.sorted {
		if coveredBy(c.path, roots, nil) {
			continue
		}
		covered := false
		for _, r := range roots {
			if under(r.n.path, c.path) {
				covered = true // an include lies inside: partly copied
			}
		}
		if covered {
			continue
		}
		f, b := leaves(c)
		if f == 0 {
			continue
		}
		out = append(out, PathBytes{Path: c.path, Files: f, Bytes: b})
	}
	if len(out) > 0 {
		p.plan.Findings = append(p.plan.Findings, Finding{Severity: "info", Kind: "not-copied", Path: dir, Layer: -1,
			Message: "only the files the command runs are copied from " + dir + "; if the app reads other files there at run time (templates, static assets, config), add them (see copy.notCopied)"})
	}
	return out
}

// builder fills the builder stage.
func (p *planner) builder(cs *CopySet) Builder {
	b := Builder{Steps: []Step{}}
	o := p.plan.Origin
	if o.Base != "" {
		b.From, b.FromNote = o.Base, o.BaseEvidence
		b.Steps = p.steps(o.BaseLayers, true)
	} else {
		b.From = p.analyzedRef()
		b.FromNote = "the base image could not be identified, so the builder stage starts from the analyzed image itself, where every step is already applied"
		b.Steps = p.steps(1, false)
	}
	b.Prune = p.prune(cs)
	for _, e := range cs.Exclude {
		b.Remove = append(b.Remove, e.Path)
	}
	if len(b.Remove) > 0 {
		b.Tools = append(b.Tools, "rm")
	}
	for _, c := range b.Prune {
		for _, t := range []string{"npm", "yarn", "pnpm", "composer", "pip"} {
			if strings.Contains(c, " "+t+" ") || strings.HasPrefix(c, t+" ") {
				b.Tools = append(b.Tools, t)
			}
		}
	}
	b.Tools = uniqueSorted(b.Tools)
	return b
}

// analyzedRef is how a Dockerfile names the analyzed image.
func (p *planner) analyzedRef() string {
	img := p.r.Image
	ref := strings.TrimPrefix(img.Reference, "docker:")
	if img.Source == "registry" || img.Source == "docker" || img.Source == "" {
		if validRef(ref) {
			return ref
		}
	}
	if validRef(img.Name) && !strings.Contains(img.Name, ".tar") && !strings.HasPrefix(img.Name, "/") && !strings.HasPrefix(img.Name, ".") {
		return img.Name
	}
	p.plan.Findings = append(p.plan.Findings, Finding{Severity: "info", Kind: "builder-image", Layer: -1,
		Message: "the analyzed image (" + report.Shorten(img.Reference, 80) + ") has no registry name: load it and tag it slimcheck-analyzed-image before building"})
	return "slimcheck-analyzed-image"
}

// config carries the image's configuration to the runtime stage.
func (p *planner) config(c candidate, base *catalog.Entry, known bool) {
	p.configured = true
	cfg := carryConfig(p.r.Image.Config, p.plan.Copy.Include, &p.plan.Findings)
	cfg.Changed = append(cfg.Changed, c.cmd.changes...)
	cfg.Entrypoint, cfg.Cmd = c.cmd.entrypoint, c.cmd.cmd
	cfg.SetEntrypoint = len(cfg.Entrypoint) == 0
	for _, w := range c.cmd.warnings {
		p.warn("entrypoint", w)
	}
	p.plan.Config = cfg
	owner := ""
	for _, in := range p.plan.Copy.Include {
		if in.Chown != "" {
			owner = in.Chown
			break
		}
	}
	entry := base
	if entry == nil {
		entry = &c.entry
	}
	p.plan.Config.User = p.runtimeUser(p.r.Image.Config.User, entry, known, owner)
	p.plan.Config.sanitize(&p.plan.Findings)
	if hc := cfg.Healthcheck; hc != nil && len(hc.Test) > 1 && known {
		prog := hc.Test[1]
		if hc.Test[0] == "CMD-SHELL" {
			if !base.Shell {
				p.warn("healthcheck", "the healthcheck runs a shell command, and "+base.Image+" has no shell")
			}
			prog, _, _ = strings.Cut(strings.TrimSpace(prog), " ")
		}
		if name := path.Base(prog); (name == "curl" || name == "wget") && !base.HasTool(name) {
			p.warn("healthcheck", "the healthcheck runs "+name+"; "+base.Image+" may not have it")
		}
	}
}

// runtimeBase describes a candidate for the plan.
func (p *planner) runtimeBase(c candidate, source string) RuntimeBase {
	e := c.entry
	return RuntimeBase{Image: e.Image, Family: e.Family, Libc: e.Libc, LibcVersion: e.LibcVersion, Shell: e.Shell,
		Interpreter: e.Interpreter, Source: source, Why: c.why,
		Size: BaseInfo{Image: e.Image, SizeBytes: e.Size.SizeBytes, CompressedBytes: e.Size.CompressedBytes, Source: "catalog", Recorded: e.Size.Recorded, Note: e.Size.Source}}
}

// baseSize reads the chosen base's size live when it can, else from the
// catalog, and says which.
func (p *planner) baseSize(ctx context.Context, e catalog.Entry, known bool) (BaseInfo, error) {
	fallback := BaseInfo{Image: e.Image, Source: "unknown", Note: "not in the catalog and not read from a registry: the estimate leaves the base out"}
	if known {
		fallback = BaseInfo{Image: e.Image, SizeBytes: e.Size.SizeBytes, CompressedBytes: e.Size.CompressedBytes, Source: "catalog", Recorded: e.Size.Recorded, Note: e.Size.Source}
	}
	if e.Image == "scratch" {
		return BaseInfo{Image: "scratch", Source: "catalog", Note: "scratch is empty", Recorded: e.Size.Recorded}, nil
	}
	if p.opts.BaseSize == nil {
		if known {
			fallback.Note = "offline: " + fallback.Note
		}
		return fallback, nil
	}
	info, err := p.opts.BaseSize(ctx, e.Image, p.r.Image.Platform)
	if err != nil {
		if ctx.Err() != nil {
			return BaseInfo{}, ctx.Err()
		}
		fallback.Note = "registry read failed (" + report.Shorten(oneLine(err.Error()), 160) + "); " + fallback.Note
		return fallback, nil
	}
	if info.Image == "" {
		info.Image = e.Image
	}
	return info, nil
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// verdict decides between split and already-slim.
func (p *planner) verdict(base BaseInfo) {
	e := p.plan.Estimate
	p.plan.Verdict = Split
	if base.Source == "unknown" {
		p.plan.Reasons = append(p.plan.Reasons, "the runtime base's size is unknown, so the saving cannot be weighed")
		return
	}
	small := e.SavedPercent < p.opts.SlimPercent || e.SavedBytes < p.opts.SlimBytes
	if small && !p.opts.ForceSplit {
		p.plan.Verdict = AlreadySlim
		if e.SavedBytes <= 0 {
			p.plan.Reasons = append(p.plan.Reasons, fmt.Sprintf("a split on %s would not make it smaller (%s): the image is already slim", p.plan.Runtime.Image, report.Bytes(-e.SavedBytes)+" larger"))
		} else {
			p.plan.Reasons = append(p.plan.Reasons, fmt.Sprintf("a split would save only %s (%.1f %%): the image is already slim", report.Bytes(e.SavedBytes), e.SavedPercent))
		}
		return
	}
	p.plan.Reasons = append(p.plan.Reasons, fmt.Sprintf("a builder/runtime split on %s saves %s (%.1f %%)", p.plan.Runtime.Image, report.Bytes(e.SavedBytes), e.SavedPercent))
}

// finish orders the findings and fills empty lists.
func (p *planner) finish() {
	if !p.configured {
		// No runtime configuration was planned, but secrets in the image's
		// config are a finding whatever the verdict.
		var found []Finding
		carryConfig(p.r.Image.Config, nil, &found)
		for _, f := range found {
			if strings.HasPrefix(f.Kind, "secret-") {
				p.plan.Findings = append(p.plan.Findings, f)
			}
		}
	}
	f := p.plan.Findings
	sort.SliceStable(f, func(i, j int) bool {
		if f[i].Severity != f[j].Severity {
			return f[i].Severity == "warning"
		}
		return false
	})
	if p.plan.QuickWins == nil {
		p.plan.QuickWins = []QuickWin{}
	}
}
