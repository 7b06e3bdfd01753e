package source

import (
	"fmt"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// platform is an os/arch[/variant] triple, normalised.
type platform struct {
	OS, Arch, Variant string
}

func (p platform) String() string {
	s := p.OS + "/" + p.Arch
	if p.Variant != "" {
		s += "/" + p.Variant
	}
	return s
}

// parsePlatform parses "os/arch[/variant]".
func parsePlatform(s string) (platform, error) {
	parts := strings.Split(s, "/")
	if len(parts) < 2 || len(parts) > 3 {
		return platform{}, fmt.Errorf("parsing platform %q: want os/arch[/variant]", s)
	}
	for _, p := range parts {
		if p == "" || strings.ContainsAny(p, " \t\r\n:@") {
			return platform{}, fmt.Errorf("parsing platform %q: want os/arch[/variant]", s)
		}
	}
	p := platform{OS: strings.ToLower(parts[0]), Arch: strings.ToLower(parts[1])}
	if len(parts) == 3 {
		p.Variant = strings.ToLower(parts[2])
	}
	return normalize(p), nil
}

// fromV1 converts a descriptor or config platform.
func fromV1(p *v1.Platform) platform {
	if p == nil {
		return platform{}
	}
	return normalize(platform{OS: strings.ToLower(p.OS), Arch: strings.ToLower(p.Architecture), Variant: strings.ToLower(p.Variant)})
}

// normalize maps architecture aliases to the OCI names (as containerd does).
func normalize(p platform) platform {
	switch p.Arch {
	case "x86_64", "x86-64":
		p.Arch = "amd64"
	case "aarch64":
		p.Arch = "arm64"
	case "armhf":
		p.Arch, p.Variant = "arm", "v7"
	case "armel":
		p.Arch, p.Variant = "arm", "v6"
	case "i386", "i686":
		p.Arch = "386"
	}
	return p
}

// defaultVariant is the variant an empty variant stands for.
func defaultVariant(arch string) string {
	switch arch {
	case "arm64":
		return "v8"
	case "arm":
		return "v7"
	case "amd64":
		return "v1"
	}
	return ""
}

// matchScore rates have against want: 0 no match, 1 os/arch match with
// another variant than the default, 2 exact (variants equal after defaults).
func matchScore(want, have platform) int {
	if want.OS != have.OS || want.Arch != have.Arch || have.OS == "" {
		return 0
	}
	wv, hv := want.Variant, have.Variant
	if wv == "" {
		wv = defaultVariant(want.Arch)
	}
	if hv == "" {
		hv = defaultVariant(have.Arch)
	}
	if wv == hv {
		return 2
	}
	if want.Variant == "" {
		return 1
	}
	return 0
}

// isAttestation reports descriptors that are not runnable images (buildx
// attestations and other "unknown/unknown" entries).
func isAttestation(d v1.Descriptor) bool {
	if d.Annotations["vnd.docker.reference.type"] != "" {
		return true
	}
	return d.Platform != nil && d.Platform.OS == "unknown" && d.Platform.Architecture == "unknown"
}

func v1Platform(p platform) v1.Platform {
	return v1.Platform{OS: p.OS, Architecture: p.Arch, Variant: p.Variant}
}
