package recommend

import (
	"path"
	"strings"

	"github.com/slimcheck/slimcheck/recommend/catalog"
	"github.com/slimcheck/slimcheck/report"
)

// coreSonames are the C library's own objects, present in every base of
// the same libc.
var coreSonames = map[string]bool{
	"libc.so.6": true, "libm.so.6": true, "libpthread.so.0": true, "libdl.so.2": true,
	"librt.so.1": true, "libutil.so.1": true, "libresolv.so.2": true, "libanl.so.1": true,
	"libnsl.so.1": true, "libcrypt.so.1": true, "libmvec.so.1": true,
	"ld-linux-x86-64.so.2": true, "ld-linux-aarch64.so.1": true, "ld-linux.so.2": true,
	"ld-linux-armhf.so.3": true, "ld64.so.2": true, "ld64.so.1": true,
	"linux-vdso.so.1": true, "linux-gate.so.1": true,
}

// isCoreSoname reports whether soname ships with every libc of its kind.
func isCoreSoname(s string) bool {
	return coreSonames[s] || strings.HasPrefix(s, "libc.musl-") || strings.HasPrefix(s, "ld-musl-")
}

// triplets are the multiarch library directory names per GOARCH.
var triplets = map[string][]string{
	"amd64":   {"x86_64-linux-gnu"},
	"arm64":   {"aarch64-linux-gnu"},
	"arm":     {"arm-linux-gnueabihf", "arm-linux-gnueabi"},
	"386":     {"i386-linux-gnu"},
	"ppc64le": {"powerpc64le-linux-gnu"},
	"s390x":   {"s390x-linux-gnu"},
}

// libraryDirs are searched, after the addon's own directory, for a soname.
func libraryDirs(arch string) []string {
	dirs := []string{"/lib64", "/usr/lib64", "/lib", "/usr/lib", "/usr/local/lib", "/usr/local/lib64"}
	for _, t := range triplets[arch] {
		dirs = append(dirs, "/lib/"+t, "/usr/lib/"+t)
	}
	return dirs
}

// libraryRoots adds the shared libraries native addons need that the
// runtime base does not ship (base nil: unknown, so every one found).
func (s *selector) libraryRoots(eco report.Ecosystem, base *catalog.Entry, arch string, taken []root, skip map[string]bool) ([]root, []Finding) {
	var roots []root
	var findings []Finding
	added := map[string]bool{}
	for _, a := range eco.NativeAddons {
		for _, so := range a.Needed {
			if so == "" || strings.ContainsAny(so, "/\x00") || isCoreSoname(so) || base != nil && base.Provide(so) {
				continue
			}
			var found *node
			for _, d := range append([]string{path.Dir(cleanAbs(a.Path))}, libraryDirs(arch)...) {
				if n := s.v.resolve(d + "/" + so); n != nil && !n.isDir() {
					// Keep the soname's own entry (usually a symlink to the
					// versioned file): the loader looks the soname up. The
					// search dir itself may be a symlink (/lib64 → usr/lib64),
					// so look the name up inside the resolved directory.
					if dn := s.v.resolve(d); dn != nil && dn.isDir() {
						found = s.v.get(dn.path + "/" + so)
					}
					if found == nil {
						found = n
					}
					break
				}
			}
			if found == nil {
				where := "the runtime base"
				if base != nil {
					where = base.Image
				}
				findings = append(findings, Finding{Severity: "warning", Kind: "missing-library", Path: a.Path, Layer: -1,
					Message: "native addon " + a.Path + " needs " + so + ", which neither the image nor " + where + " is known to provide"})
				continue
			}
			if added[found.path] || coveredBy(found.path, taken, skip) || !representable(found.path) {
				continue
			}
			added[found.path] = true
			src := found
			if found.file != nil && found.file.Type == "symlink" {
				if src = s.v.resolve(found.path); src == nil {
					continue
				}
			}
			roots = append(roots, root{n: found, src: src, explicit: true,
				reason: "shared library " + so + " needed by " + a.Path})
		}
	}
	return roots, findings
}

// coveredBy reports whether p is copied by one of roots and not excluded.
func coveredBy(p string, roots []root, skip map[string]bool) bool {
	for _, r := range roots {
		if under(p, r.n.path) {
			for q := p; q != r.n.path && q != "/"; q = path.Dir(q) {
				if skip[q] {
					return false
				}
			}
			return true
		}
	}
	return false
}

// caBundles are where TLS libraries look for CA certificates.
var caBundles = []string{
	"/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt",
	"/etc/ssl/cert.pem", "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
}

// assetRoots adds, for a binary on a base without them, the image's CA
// bundle and time-zone database when present.
func (s *selector) assetRoots(base *catalog.Entry, taken []root) []root {
	var roots []root
	name := "the runtime base"
	if base != nil {
		name = base.Image
	}
	if base == nil || !base.Provide("ca-certificates") {
		for _, p := range caBundles {
			n := s.v.get(p)
			if n == nil || coveredBy(p, taken, nil) {
				continue
			}
			src := s.v.resolve(p)
			if src == nil || src.isDir() {
				continue
			}
			roots = append(roots, root{n: n, src: src, explicit: true,
				reason: "CA certificates present in the image; " + name + " has none and TLS clients need them"})
			break
		}
	}
	if base == nil || !base.Provide("tzdata") {
		if n := s.v.get("/usr/share/zoneinfo"); n != nil && n.isDir() && !coveredBy(n.path, taken, nil) {
			if f, _ := leaves(n); f > 0 {
				roots = append(roots, root{n: n, src: n, explicit: true,
					reason: "time-zone database present in the image; " + name + " has none"})
			}
		}
	}
	return roots
}
