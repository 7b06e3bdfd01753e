package check

import (
	"debug/elf"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/slimcheck/slimcheck/analyze"
	"github.com/slimcheck/slimcheck/analyze/ecosystem"
	"github.com/slimcheck/slimcheck/analyze/ecosystem/elfinfo"
)

// defaultPath is the PATH a container gets when the image sets none.
const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// maxDepth bounds how deeply interpreters, wrappers, scripts and package
// scripts are followed.
const maxDepth = 8

// checker holds the state of one run.
type checker struct {
	ix      *analyze.Index
	v       view
	opts    Options
	facts   map[string]*facts
	env     map[string]string
	path    []string
	workdir string
	machine elf.Machine
	arch    string
	libc    map[string][]string // libc → loaders present

	findings []Finding
	seen     map[string]int
	chain    []Step
	elfDone  map[string]Severity // ELF files checked, with the severity they were checked at
	confDirs []string            // ld.so.conf directories, read once
	confRead bool
	scratch  []byte // reused for ELF prefixes
}

func newChecker(ix *analyze.Index, opts Options) *checker {
	cfg := ix.Config.Config
	c := &checker{
		ix: ix, v: view{ix: ix}, opts: opts,
		facts: map[string]*facts{}, env: map[string]string{},
		workdir: "/", seen: map[string]int{}, elfDone: map[string]Severity{},
		arch: ix.Config.Architecture,
	}
	for _, kv := range cfg.Env {
		k, val, _ := strings.Cut(kv, "=")
		c.env[k] = val
	}
	p, ok := c.env["PATH"]
	if !ok {
		p = defaultPath
	}
	c.path = strings.Split(p, ":")
	if cfg.WorkingDir != "" {
		c.workdir = path.Clean("/" + cfg.WorkingDir)
	}
	c.machine = machines[c.arch]
	c.libc = c.findLoaders()
	return c
}

// findLoaders lists the program loaders present in the library directories,
// by C library.
func (c *checker) findLoaders() map[string][]string {
	out := map[string][]string{}
	for _, dir := range []string{"/lib", "/lib64", "/lib32", "/usr/lib", "/usr/lib64", "/usr/lib32"} {
		names := c.v.children(dir)
		for _, t := range triplets {
			names = append(names, c.v.children(dir+"/"+t)...)
		}
		for _, p := range names {
			b := path.Base(p)
			var l string
			switch {
			case strings.HasPrefix(b, "ld-musl-") && strings.Contains(b, ".so"):
				l = elfinfo.Musl
			case strings.HasPrefix(b, "ld-linux") && strings.Contains(b, ".so"), strings.HasPrefix(b, "ld64.so."):
				l = elfinfo.Glibc
			default:
				continue
			}
			if _, ok := c.v.regular(p); ok {
				out[l] = append(out[l], p)
			}
		}
	}
	for l := range out {
		sort.Strings(out[l])
	}
	return out
}

// libcName describes the image's C library for results and messages.
func (c *checker) libcName() string {
	switch {
	case len(c.libc[elfinfo.Glibc]) > 0 && len(c.libc[elfinfo.Musl]) > 0:
		return "glibc+musl"
	case len(c.libc[elfinfo.Glibc]) > 0:
		return elfinfo.Glibc
	case len(c.libc[elfinfo.Musl]) > 0:
		return elfinfo.Musl
	}
	return elfinfo.None
}

// libcDescription is libcName with the loader that shows it.
func (c *checker) libcDescription() string {
	var ls []string
	for _, l := range []string{elfinfo.Glibc, elfinfo.Musl} {
		if len(c.libc[l]) > 0 {
			ls = append(ls, l+" ("+c.libc[l][0]+")")
		}
	}
	if len(ls) == 0 {
		return "none (no dynamic loader in /lib or /usr/lib)"
	}
	return strings.Join(ls, " and ")
}

// add records a finding once; a repeat at error severity upgrades it.
func (c *checker) add(sev Severity, kind, p, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	key := kind + "\x00" + p + "\x00" + msg
	if i, ok := c.seen[key]; ok {
		if sev == Error {
			c.findings[i].Severity = Error
		}
		return
	}
	c.seen[key] = len(c.findings)
	c.findings = append(c.findings, Finding{Severity: sev, Kind: kind, Path: p, Message: msg})
}

// run performs every check.
func (c *checker) run() {
	c.checkUser()
	c.checkWorkdir()
	c.checkCommand()
	c.checkLayers()
}

// checkLayers checks native addons everywhere and every ELF file of the
// layers the caller named.
func (c *checker) checkLayers() {
	named := map[int32]bool{}
	for _, l := range c.opts.Layers {
		named[int32(l)] = true
	}
	for _, r := range c.ix.Final {
		e := &c.ix.Layers[r.Layer].Entries[r.Entry]
		f := c.facts[e.Path]
		if e.Type != analyze.TypeFile || f == nil || f.elf == nil {
			continue
		}
		switch {
		case strings.HasSuffix(e.Path, ".node") || ecosystem.IsAddonPath(e.Path):
			c.checkELF(e.Path, f.elf, Error, "native addon")
		case named[r.Layer]:
			c.checkELF(e.Path, f.elf, Warning, "")
		}
	}
}

// result assembles the Result.
func (c *checker) result() *Result {
	cfg := c.ix.Config.Config
	r := &Result{
		Command:  append(append([]string{}, cfg.Entrypoint...), cfg.Cmd...),
		Chain:    c.chain,
		User:     cfg.User,
		Libc:     c.libcName(),
		ELFFiles: len(c.elfDone),
		Findings: c.findings,
	}
	for _, l := range []string{elfinfo.Glibc, elfinfo.Musl} {
		r.Loaders = append(r.Loaders, c.libc[l]...)
	}
	if r.Findings == nil {
		r.Findings = []Finding{}
	}
	return r
}
