package ecosystem

import (
	"context"
	"path"
	"sort"
	"strings"

	"github.com/slimcheck/slimcheck/analyze"
	"github.com/slimcheck/slimcheck/analyze/ecosystem/elfinfo"
	"github.com/slimcheck/slimcheck/report"
)

// versionEnv lists, per ecosystem, the ENV variables official and s2i
// images set to the runtime's version, in preference order.
func versionEnv(eco string) []string {
	switch eco {
	case Node:
		return []string{"NODE_VERSION", "NODEJS_VERSION"}
	case Python:
		return []string{"PYTHON_VERSION"}
	case Java:
		return []string{"JAVA_VERSION", "JAVA_MAJOR_VERSION", "JDK_VERSION"}
	case Go:
		return []string{"GOLANG_VERSION", "GO_VERSION"}
	case Ruby:
		return []string{"RUBY_VERSION"}
	case PHP:
		return []string{"PHP_VERSION"}
	case DotNet:
		return []string{"DOTNET_VERSION", "ASPNET_VERSION", "ASPNETCORE_VERSION", "DOTNET_CORE_VERSION"}
	}
	return nil
}

// runtimeCommands lists the binaries that show an ecosystem's runtime is
// installed.
func runtimeCommands(eco string) []string {
	switch eco {
	case Node:
		return []string{"node", "nodejs"}
	case Python:
		return []string{"python3", "python"}
	case Java:
		return []string{"java"}
	case Go:
		return []string{"go"}
	case Ruby:
		return []string{"ruby"}
	case PHP:
		return []string{"php", "php-fpm"}
	case DotNet:
		return []string{"dotnet"}
	}
	return nil
}

// runtimePackage reports whether an OS package is (part of) an
// ecosystem's runtime, which also dates its version.
func runtimePackage(eco, name string) bool {
	switch eco {
	case Node:
		return name == "nodejs" || name == "nodejs-current" || name == "nodejs-lts" || isVersioned(name, "nodejs")
	case Python:
		// Python 2 packages are left out: on RHEL 7 and older Debian they
		// are there for yum and other system tools, not for an app.
		return name == "python3" || name == "python3-minimal" || (isVersioned(name, "python") && strings.HasPrefix(name, "python3")) ||
			(strings.HasPrefix(name, "python3") && strings.HasSuffix(name, "-minimal"))
	case Java:
		return (strings.HasPrefix(name, "java-") && strings.Contains(name, "openjdk") && !strings.HasSuffix(name, "-devel")) ||
			(strings.HasPrefix(name, "openjdk") && strings.Contains(name, "jre")) ||
			(strings.HasPrefix(name, "temurin-") && strings.HasSuffix(name, "-jre"))
	case Go:
		return name == "golang" || name == "go" || isVersioned(name, "golang")
	case Ruby:
		return name == "ruby" || isVersioned(name, "ruby") || name == "ruby-libs"
	case PHP:
		return name == "php" || name == "php-cli" || isVersioned(name, "php") || strings.HasSuffix(name, "-cli") && strings.HasPrefix(name, "php")
	case DotNet:
		return strings.HasPrefix(name, "dotnet-runtime-") || strings.HasPrefix(name, "aspnetcore-runtime-")
	}
	return false
}

// signal is one piece of evidence for an ecosystem.
type signal struct {
	eco  string
	rank int // lower is stronger
	how  string
}

// Signal ranks.
const (
	rankEntrypoint = iota
	rankMarker
	rankEnv
	rankBinary
	rankPackage
)

// ecosystem picks the ecosystem and its version.
func (d *detector) ecosystem() {
	var sigs []signal
	if d.entry.eco != "" {
		sigs = append(sigs, signal{d.entry.eco, rankEntrypoint, d.entry.how})
	}
	if dir := d.res.Ecosystem.AppDir; dir != "" {
		for _, m := range d.markersIn(dir) {
			eco, marker, _ := strings.Cut(m, "\x00")
			sigs = append(sigs, signal{eco, rankMarker, "app dir holds " + marker})
		}
	}
	for _, eco := range ecosystemOrder() {
		for _, k := range versionEnv(eco) {
			if v := d.res.Env[k]; v != "" {
				sigs = append(sigs, signal{eco, rankEnv, "ENV " + k + "=" + v})
				break
			}
		}
	}
	for _, eco := range ecosystemOrder() {
		for _, c := range runtimeCommands(eco) {
			if p, ok := d.which(c); ok {
				sigs = append(sigs, signal{eco, rankBinary, c + " on PATH at " + p})
				break
			}
		}
	}
	for _, eco := range ecosystemOrder() {
		for _, p := range d.pkgs {
			if runtimePackage(eco, p.Name) {
				sigs = append(sigs, signal{eco, rankPackage, "OS package " + p.Name + " " + p.Version})
				break
			}
		}
	}
	if len(sigs) == 0 {
		return
	}
	order := map[string]int{}
	for i, e := range ecosystemOrder() {
		order[e] = i
	}
	order[Static] = -1
	sort.SliceStable(sigs, func(i, j int) bool {
		if sigs[i].rank != sigs[j].rank {
			return sigs[i].rank < sigs[j].rank
		}
		return order[sigs[i].eco] < order[sigs[j].eco]
	})
	best := sigs[0].eco
	eco := &d.res.Ecosystem
	eco.Name = best
	for _, s := range sigs {
		if s.eco == best {
			d.evidence(best + ": " + s.how)
		}
	}
	if best == Static {
		eco.StaticBinary = d.entry.file
		return
	}
	d.version(best)
}

// version finds the runtime version of eco: ENV first, then the OS
// package, then files the runtime ships.
func (d *detector) version(eco string) {
	e := &d.res.Ecosystem
	for _, k := range versionEnv(eco) {
		if v := d.res.Env[k]; v != "" {
			e.Version, e.VersionSource = v, "ENV "+k
			return
		}
	}
	for _, p := range d.pkgs {
		if runtimePackage(eco, p.Name) && p.Version != "" {
			e.Version, e.VersionSource = p.Version, p.Manager+" package "+p.Name
			return
		}
	}
	switch eco {
	case Node:
		for _, p := range []string{"/usr/local/include/node/node_version.h", "/usr/include/node/node_version.h"} {
			if b, ok := d.v.captured(p); ok {
				if v := ParseNodeVersionH(b); v != "" {
					e.Version, e.VersionSource = v, p
					return
				}
			}
		}
	case Java:
		for _, dir := range d.jdkRoots() {
			if b, ok := d.v.captured(path.Join(dir, "release")); ok {
				if v := ParseJavaRelease(b); v != "" {
					e.Version, e.VersionSource = v, path.Join(dir, "release")
					return
				}
			}
		}
	case Python:
		for _, venv := range d.res.Venvs {
			if b, ok := d.v.captured(path.Join(venv, "pyvenv.cfg")); ok {
				if v, _ := ParsePyvenvCfg(b); v != "" {
					e.Version, e.VersionSource = v, path.Join(venv, "pyvenv.cfg")
					return
				}
			}
		}
		if p := d.pythonBinary(); p != "" {
			e.Version, e.VersionSource = strings.TrimPrefix(path.Base(p), "python"), p
		}
	}
}

// jdkRoots returns the directories that look like JDK or JRE roots.
func (d *detector) jdkRoots() []string {
	var out []string
	for _, l := range d.ix.Layers {
		for p := range l.Captured {
			if path.Base(p) == "release" && isJDKRoot(path.Dir(p)) {
				if _, ok := d.ix.Lookup(p); ok {
					out = append(out, path.Dir(p))
				}
			}
		}
	}
	sort.Strings(out)
	return compactStrings(out)
}

// pythonBinary returns a versioned python interpreter (python3.11) in the
// usual bin directories, preferring /usr/local.
func (d *detector) pythonBinary() string {
	for _, dir := range []string{"/usr/local/bin", "/usr/bin"} {
		var best string
		for _, r := range d.v.children(dir) {
			base := path.Base(d.ix.Entry(r).Path)
			if strings.HasPrefix(base, "python3.") && isVersioned(base, "python") && base > path.Base(best) {
				best = path.Join(dir, base)
			}
		}
		if best != "" {
			return best
		}
	}
	return ""
}

// imageLibc decides which C library the image provides.
func (d *detector) imageLibc() {
	var musl, glibc string
	for _, dir := range []string{"/lib", "/lib64", "/usr/lib", "/usr/lib64"} {
		for _, r := range d.v.children(dir) {
			e := d.ix.Entry(r)
			base := path.Base(e.Path)
			switch elfinfo.LibcOfLibrary(base) {
			case elfinfo.Musl:
				if musl == "" {
					musl = e.Path
				}
			case elfinfo.Glibc:
				if glibc == "" {
					glibc = e.Path
				}
			}
		}
	}
	if glibc == "" {
		// Debian and Ubuntu keep libc.so.6 in a multiarch directory.
		for _, triplet := range []string{"x86_64-linux-gnu", "aarch64-linux-gnu", "arm-linux-gnueabihf", "i386-linux-gnu",
			"powerpc64le-linux-gnu", "s390x-linux-gnu", "riscv64-linux-gnu"} {
			for _, dir := range []string{"/lib/", "/usr/lib/"} {
				if p, _, _, ok := d.v.file(dir + triplet + "/libc.so.6"); ok && glibc == "" {
					glibc = p
				}
			}
		}
	}
	for _, p := range d.pkgs {
		switch p.Name {
		case "musl":
			if musl == "" {
				musl = p.Manager + " package musl"
			}
		case "libc6", "glibc":
			if glibc == "" {
				glibc = p.Manager + " package " + p.Name
			}
		}
	}
	if musl == "" && d.res.OS.ID == "alpine" {
		musl = "alpine os-release"
	}
	switch {
	case musl != "" && (glibc == "" || d.res.OS.ID == "alpine"):
		d.res.ImageLibc = elfinfo.Musl
		d.evidence("image libc: musl (" + musl + ")")
	case glibc != "":
		d.res.ImageLibc = elfinfo.Glibc
		d.evidence("image libc: glibc (" + glibc + ")")
	default:
		d.res.ImageLibc = elfinfo.Unknown
	}
}

// libc decides which libc the application needs: none for a static
// entrypoint, else what its binary or its runtime's binary links, else the
// image's.
func (d *detector) libc() {
	e := &d.res.Ecosystem
	if info := d.entry.elf; info != nil {
		if l := info.Libc(); l != elfinfo.Unknown {
			e.Libc = l
			return
		}
	}
	bins := []string{}
	if d.entry.interp != "" {
		bins = append(bins, d.entry.interp)
	}
	for _, c := range runtimeCommands(e.Name) {
		if p, ok := d.which(c); ok {
			bins = append(bins, p)
		}
	}
	for _, b := range bins {
		head := d.v.head(b)
		if !elfinfo.IsELF(head) {
			continue
		}
		if info, err := elfinfo.Parse(head); err == nil {
			if l := info.Libc(); l != elfinfo.Unknown {
				e.Libc = l
				d.evidence("libc: " + l + " (" + b + ": " + info.String() + ")")
				return
			}
		}
	}
	e.Libc = d.res.ImageLibc
}

// addons lists the native addons in the final filesystem that no OS
// package owns, with the libc each links.
func (d *detector) addons(ctx context.Context, owned func(string) bool) {
	for _, r := range d.ix.Final {
		e := d.ix.Entry(r)
		if e.Type != analyze.TypeFile || !IsAddonPath(e.Path) || (owned != nil && owned(e.Path)) {
			continue
		}
		a := addonOf(d, e.Path)
		d.res.Ecosystem.NativeAddons = append(d.res.Ecosystem.NativeAddons, a)
		if ctx.Err() != nil {
			return
		}
	}
}

func addonOf(d *detector, p string) (a report.NativeAddon) {
	a.Path, a.Libc = p, elfinfo.Unknown
	head := d.v.head(p)
	if len(head) == 0 {
		return a
	}
	if !elfinfo.IsELF(head) {
		d.problem(p, "native addon is not an ELF file (built for another OS, or damaged)", d.layerOf(p))
		return a
	}
	info, err := elfinfo.Parse(head)
	if err != nil {
		d.problem(p, "reading native addon ELF header: "+err.Error(), d.layerOf(p))
		return a
	}
	a.Libc, a.Needed = info.Libc(), info.Needed
	return a
}
