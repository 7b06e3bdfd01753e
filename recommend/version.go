package recommend

import (
	"strconv"
	"strings"

	"github.com/slimcheck/slimcheck/report"
)

// catalogEcosystem maps a report ecosystem name to the catalog's.
func catalogEcosystem(e report.Ecosystem) string {
	switch e.Name {
	case "node", "python", "java", "ruby", "php", "dotnet":
		return e.Name
	case "go", "static", "rust", "c", "cpp", "binary":
		return "binary"
	}
	if e.StaticBinary != "" {
		return "binary"
	}
	return ""
}

// versionKey reduces a runtime version to the key catalog entries list:
// the major for node and java ("20", "21"; Java's "1.8" is "8"), major.minor
// for python, ruby, php and dotnet. It returns "" when v has no number.
func versionKey(eco, v string) string {
	v = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(v, "v"), "jdk-"))
	parts := numericParts(v)
	if len(parts) == 0 {
		return ""
	}
	switch eco {
	case "node":
		return parts[0]
	case "java":
		if parts[0] == "1" && len(parts) > 1 {
			return parts[1]
		}
		return parts[0]
	case "python", "ruby", "php", "dotnet":
		if len(parts) < 2 {
			return ""
		}
		return parts[0] + "." + parts[1]
	}
	return ""
}

// numericParts returns the leading dot-separated numbers of v: "3.12.1rc1"
// gives [3 12 1].
func numericParts(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ".") {
		n := 0
		for n < len(p) && p[n] >= '0' && p[n] <= '9' {
			n++
		}
		if n == 0 {
			break
		}
		out = append(out, strings.TrimLeft(p[:n], "0"))
		if out[len(out)-1] == "" {
			out[len(out)-1] = "0"
		}
		if n < len(p) {
			break
		}
	}
	return out
}

// compareVersions compares dotted numeric versions: -1, 0 or 1. Missing
// parts count as 0; a version with no number compares equal to anything.
func compareVersions(a, b string) int {
	pa, pb := numericParts(a), numericParts(b)
	if len(pa) == 0 || len(pb) == 0 {
		return 0
	}
	for i := 0; i < max(len(pa), len(pb)); i++ {
		var x, y int
		if i < len(pa) {
			x, _ = strconv.Atoi(pa[i])
		}
		if i < len(pb) {
			y, _ = strconv.Atoi(pb[i])
		}
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
	}
	return 0
}

// libcVersion finds the C library's version among the OS packages: glibc
// (rpm), libc6 (dpkg) or musl (apk), reduced to major.minor[.patch].
func libcVersion(pkgs []report.Package, libc string) string {
	for _, p := range pkgs {
		var ok bool
		switch libc {
		case "glibc":
			ok = p.Name == "glibc" || p.Name == "libc6"
		case "musl":
			ok = p.Name == "musl"
		}
		if !ok {
			continue
		}
		v := p.Version
		if i := strings.IndexByte(v, ':'); i >= 0 { // dpkg epoch
			v = v[i+1:]
		}
		parts := numericParts(v)
		if len(parts) >= 2 {
			return strings.Join(parts, ".")
		}
	}
	return ""
}
