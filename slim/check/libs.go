package check

import (
	"bufio"
	"bytes"
	"debug/elf"
	"fmt"
	"path"
	"strings"

	"github.com/slimcheck/slimcheck/analyze/ecosystem/elfinfo"
)

// triplets are the multiarch library directory names, by ELF machine.
var machineTriplets = map[elf.Machine][]string{
	elf.EM_X86_64:  {"x86_64-linux-gnu"},
	elf.EM_AARCH64: {"aarch64-linux-gnu"},
	elf.EM_386:     {"i386-linux-gnu"},
	elf.EM_ARM:     {"arm-linux-gnueabihf", "arm-linux-gnueabi"},
	elf.EM_PPC64:   {"powerpc64le-linux-gnu", "powerpc64-linux-gnu"},
	elf.EM_S390:    {"s390x-linux-gnu"},
	elf.EM_RISCV:   {"riscv64-linux-gnu"},
}

// triplets are every multiarch directory name, for finding loaders.
var triplets = []string{"x86_64-linux-gnu", "aarch64-linux-gnu", "i386-linux-gnu", "arm-linux-gnueabihf",
	"arm-linux-gnueabi", "powerpc64le-linux-gnu", "powerpc64-linux-gnu", "s390x-linux-gnu", "riscv64-linux-gnu"}

// glibcCore are glibc's own sonames: present wherever glibc is, missing
// together when it is not.
var glibcCore = map[string]bool{
	"libc.so.6": true, "libm.so.6": true, "libpthread.so.0": true, "libdl.so.2": true, "librt.so.1": true,
	"libutil.so.1": true, "libresolv.so.2": true, "libanl.so.1": true, "libnsl.so.1": true,
	"libcrypt.so.1": true, "libmvec.so.1": true, "libBrokenLocale.so.1": true,
}

// isLibcSoname reports whether a needed name belongs to a C library itself.
func isLibcSoname(n string) bool {
	return glibcCore[n] || elfinfo.LibcOfLibrary(n) != "" || strings.HasPrefix(n, "ld64.so.")
}

// muslSelf reports whether musl's loader answers a needed name itself:
// it treats libc, libpthread, librt, libm, libdl, libutil and libxnet, with
// any suffix, as part of libc (ldso/dynlink.c, "reserved").
func muslSelf(n string) bool {
	for _, p := range []string{"libc.", "libpthread.", "librt.", "libm.", "libdl.", "libutil.", "libxnet."} {
		if strings.HasPrefix(n, p) {
			return true
		}
	}
	return false
}

// checkELF checks that the ELF file at p can be run or loaded in the image:
// its architecture, its C library, its program loader and, one by one, the
// libraries it needs and what they need in turn. role names the file in
// messages ("native addon", "library"); sev is the severity of what fails.
func (c *checker) checkELF(p string, e *ELF, sev Severity, role string) {
	if prev, ok := c.elfDone[p]; ok && (prev == Error || prev == sev) {
		return
	}
	c.elfDone[p] = sev
	name := p
	if role != "" {
		name = role + " " + p
	}
	if c.machine != 0 && e.Machine != c.machine {
		c.add(sev, KindArch, p, "%s is built for %s, but the image is %s", name, e.Machine, c.arch)
		return
	}
	lib := e.Libc()
	libcMissing := false
	if (lib == elfinfo.Glibc || lib == elfinfo.Musl) && len(c.libc[lib]) == 0 {
		libcMissing = true
		c.add(sev, KindLibc, p, "%s is linked against %s (%s), but the image's C library is %s: it cannot be loaded",
			name, lib, libcEvidence(e), c.libcDescription())
	}
	if e.Interp != "" && !libcMissing {
		if _, ok := c.v.regular(e.Interp); !ok {
			c.add(sev, KindLoader, p, "%s needs the program loader %s, which is not in the image (its C library: %s)",
				name, e.Interp, c.libcDescription())
		}
	}
	if e.Truncated && len(e.Needed) == 0 {
		c.add(Warning, KindUnreadable, p, "%s: its dynamic section lies beyond the first %d MiB read, so its libraries were not checked",
			name, c.opts.ELFPrefix>>20)
	}
	for _, n := range e.Needed {
		if libcMissing && isLibcSoname(n) {
			continue
		}
		found, ok := c.findLibrary(p, e, n)
		if !ok {
			c.add(sev, KindLibrary, p, "%s needs %s, which is not in %s", name, n, describeDirs(c.searchDirs(p, e)))
			continue
		}
		if f := c.facts[found]; found != "" && f != nil && f.elf != nil {
			c.checkELF(found, f.elf, sev, "library")
		}
	}
}

// libcEvidence says what shows an ELF file's C library.
func libcEvidence(e *ELF) string {
	if e.Interp != "" {
		return "loader " + e.Interp
	}
	for _, n := range e.Needed {
		if elfinfo.LibcOfLibrary(n) != "" {
			return "needs " + n
		}
	}
	for _, v := range e.VersionNeeds {
		if strings.HasPrefix(v, "GLIBC_") {
			return "asks for " + v
		}
	}
	return "by its symbols"
}

// loadedByMusl reports whether musl's loader would load e.
func (c *checker) loadedByMusl(e *ELF) bool {
	if len(c.libc[elfinfo.Musl]) == 0 {
		return false
	}
	return e.Libc() == elfinfo.Musl || len(c.libc[elfinfo.Glibc]) == 0
}

// findLibrary finds the file the dynamic loader would load for needed name n
// of the object at p: "" with true when the loader itself provides it.
func (c *checker) findLibrary(p string, e *ELF, n string) (string, bool) {
	if n == "" {
		return "", true
	}
	if strings.Contains(n, "/") {
		q := n
		if !strings.HasPrefix(q, "/") {
			q = path.Join(c.workdir, q)
		}
		r, ok := c.v.regular(q)
		return r.path, ok
	}
	if c.loadedByMusl(e) && muslSelf(n) {
		return "", true
	}
	for _, d := range c.searchDirs(p, e) {
		r, ok := c.v.regular(path.Join(d, n))
		if !ok {
			continue
		}
		if f := c.facts[r.path]; f != nil && f.elf != nil && (f.elf.Class != e.Class || f.elf.Machine != e.Machine) {
			continue // the loader skips objects of another class or machine
		}
		return r.path, true
	}
	return "", false
}

// searchDirs lists where the loader looks for e's libraries, in order.
func (c *checker) searchDirs(p string, e *ELF) []string {
	origin := path.Dir(p)
	expand := func(list []string) []string {
		var out []string
		for _, d := range list {
			lib := "lib"
			if e.Class == elf.ELFCLASS64 {
				lib = "lib64"
			}
			d = strings.NewReplacer("${ORIGIN}", origin, "$ORIGIN", origin, "${LIB}", lib, "$LIB", lib).Replace(d)
			if !strings.HasPrefix(d, "/") {
				d = path.Join(c.workdir, d)
			}
			out = append(out, path.Clean(d))
		}
		return out
	}
	var dirs []string
	ldLibraryPath := splitPathList(c.env["LD_LIBRARY_PATH"])
	if c.loadedByMusl(e) {
		dirs = append(dirs, expand(ldLibraryPath)...)
		dirs = append(dirs, expand(e.Runpath)...)
		dirs = append(dirs, expand(e.Rpath)...)
		dirs = append(dirs, c.muslPath()...)
		return dedupe(dirs)
	}
	if len(e.Runpath) == 0 {
		dirs = append(dirs, expand(e.Rpath)...)
	}
	dirs = append(dirs, expand(ldLibraryPath)...)
	dirs = append(dirs, expand(e.Runpath)...)
	dirs = append(dirs, c.ldSoConfDirs()...)
	if e.Class == elf.ELFCLASS64 {
		dirs = append(dirs, "/lib64", "/usr/lib64")
	} else {
		dirs = append(dirs, "/lib32", "/usr/lib32")
	}
	for _, t := range machineTriplets[e.Machine] {
		dirs = append(dirs, "/lib/"+t, "/usr/lib/"+t)
	}
	dirs = append(dirs, "/lib", "/usr/lib")
	return dedupe(dirs)
}

// muslPath is musl's search path: /etc/ld-musl-ARCH.path when present,
// else its built-in default.
func (c *checker) muslPath() []string {
	for _, p := range c.v.children("/etc") {
		b := path.Base(p)
		if !strings.HasPrefix(b, "ld-musl-") || !strings.HasSuffix(b, ".path") {
			continue
		}
		if f := c.facts[p]; f != nil && f.body != nil {
			var dirs []string
			for _, d := range strings.FieldsFunc(string(f.body), func(r rune) bool { return r == ':' || r == '\n' }) {
				if d = strings.TrimSpace(d); strings.HasPrefix(d, "/") {
					dirs = append(dirs, path.Clean(d))
				}
			}
			return dirs
		}
	}
	return []string{"/lib", "/usr/local/lib", "/usr/lib"}
}

// ldSoConfDirs are the directories /etc/ld.so.conf names, with its
// includes followed (once per run).
func (c *checker) ldSoConfDirs() []string {
	if c.confRead {
		return c.confDirs
	}
	c.confRead = true
	seen := map[string]bool{}
	var walk func(p string, depth int)
	walk = func(p string, depth int) {
		if depth > 4 || seen[p] {
			return
		}
		seen[p] = true
		r, ok := c.v.regular(p)
		if !ok {
			return
		}
		f := c.facts[r.path]
		if f == nil || f.body == nil {
			return
		}
		dirs, includes := parseLdSoConf(f.body)
		c.confDirs = append(c.confDirs, dirs...)
		for _, pat := range includes {
			if !strings.HasPrefix(pat, "/") {
				pat = path.Join(path.Dir(p), pat)
			}
			for _, m := range c.v.children(path.Dir(pat)) {
				if ok, _ := path.Match(path.Base(pat), path.Base(m)); ok {
					walk(m, depth+1)
				}
			}
		}
	}
	walk("/etc/ld.so.conf", 0)
	return c.confDirs
}

// parseLdSoConf reads ld.so.conf: one directory per line (or several,
// separated by spaces, tabs, commas or colons), "include PATTERN" lines and
// comments. "hwcap" lines and libc5 "=TYPE" suffixes are ignored.
func parseLdSoConf(b []byte) (dirs, includes []string) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() && len(dirs)+len(includes) < maxStrings {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		fields := strings.FieldsFunc(line, func(r rune) bool { return r == ' ' || r == '\t' || r == ',' || r == ':' })
		if len(fields) == 0 {
			continue
		}
		switch fields[0] {
		case "include":
			includes = append(includes, fields[1:]...)
			continue
		case "hwcap":
			continue
		}
		for _, d := range fields {
			if i := strings.IndexByte(d, '='); i >= 0 {
				d = d[:i]
			}
			if strings.HasPrefix(d, "/") {
				dirs = append(dirs, path.Clean(d))
			}
		}
	}
	return dirs, includes
}

// dedupe drops repeated entries, keeping the first.
func dedupe(list []string) []string {
	seen := map[string]bool{}
	out := list[:0:0]
	for _, d := range list {
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	return out
}

// describeDirs lists search directories for a message.
func describeDirs(dirs []string) string {
	const show = 6
	if len(dirs) > show {
		return fmt.Sprintf("%s, … (%d directories searched)", strings.Join(dirs[:show], ", "), len(dirs))
	}
	return strings.Join(dirs, ", ")
}
