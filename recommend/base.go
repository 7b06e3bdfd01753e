package recommend

import (
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/slimcheck/slimcheck/recommend/catalog"
)

// candidate is a catalog entry that fits, with the command adapted to it.
type candidate struct {
	entry catalog.Entry
	cmd   command
	score int
	why   []string
}

// arch returns the GOARCH part of the image's platform ("linux/arm64/v8" → arm64).
func (p *planner) arch() string {
	parts := strings.Split(p.r.Image.Platform, "/")
	if len(parts) >= 2 {
		return parts[1]
	}
	return ""
}

// candidates ranks the catalog entries that can run the app and explains
// the ones that cannot.
func (p *planner) candidates() ([]candidate, []Rejection) {
	var out []candidate
	var rejected []Rejection
	for _, e := range p.cat.Entries {
		if e.Ecosystem != p.catEco {
			continue
		}
		if !e.Serves(p.catEco, p.plan.Ecosystem.VersionKey) {
			continue
		}
		if !e.SupportsArch(p.arch()) {
			rejected = append(rejected, Rejection{Image: e.Image, Reason: "not published for " + p.arch()})
			continue
		}
		why, err := p.fits(&e)
		if err != nil {
			rejected = append(rejected, Rejection{Image: e.Image, Reason: err.Error()})
			continue
		}
		c, err := adaptCommand(p.r.Image.Config.Entrypoint, p.r.Image.Config.Cmd, &e, p.commandEnv())
		if err != nil {
			rejected = append(rejected, Rejection{Image: e.Image, Reason: strings.TrimPrefix(err.Error(), errIncompatible.Error()+"\n")})
			continue
		}
		score, pref := p.preference(&e)
		out = append(out, candidate{entry: e, cmd: c, score: score, why: append(why, pref...)})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].score < out[j].score })
	return out, rejected
}

// fits checks the libc, its version and the interpreter prefix.
func (p *planner) fits(e *catalog.Entry) ([]string, error) {
	eco := p.plan.Ecosystem
	var why []string
	if p.catEco == "binary" {
		need := eco.Libc
		if need == "" || need == "unknown" || need == "none" || p.r.Ecosystem.Name == "static" {
			need = "none"
		}
		if need != "none" && e.Libc != need {
			return nil, fmt.Errorf("the binary is dynamically linked against %s; this base has %s", need, e.Libc)
		}
		if need == "none" {
			why = append(why, "the binary is static and needs no libc")
		}
	} else {
		if eco.GlibcAddons > 0 && e.Libc == "musl" {
			return nil, fmt.Errorf("native addons link glibc (%s); a musl base cannot load them", p.addonList("glibc"))
		}
		if eco.MuslAddons > 0 && e.Libc == "glibc" {
			return nil, fmt.Errorf("native addons link musl (%s); a glibc base cannot load them", p.addonList("musl"))
		}
	}
	needsGlibc := eco.GlibcAddons > 0 || p.catEco == "binary" && e.Libc == "glibc"
	if needsGlibc && eco.LibcVersion != "" && e.LibcVersion != "" && e.Libc == "glibc" {
		if compareVersions(e.LibcVersion, eco.LibcVersion) < 0 {
			return nil, fmt.Errorf("built against glibc %s; this base has glibc %s, which may lack the symbols it needs", eco.LibcVersion, e.LibcVersion)
		}
		why = append(why, "glibc "+e.LibcVersion+" ≥ the image's "+eco.LibcVersion)
	}
	if e.SamePrefix && p.view.resolve(e.Interpreter) == nil {
		return nil, fmt.Errorf("installed packages belong to another interpreter; the image has no %s", e.Interpreter)
	}
	if e.SamePrefix {
		why = append(why, "same interpreter path as the image ("+e.Interpreter+")")
	}
	if p.catEco != "binary" {
		v := p.plan.Ecosystem.VersionKey
		why = append([]string{"serves " + p.catEco + " " + v}, why...)
	}
	return why, nil
}

// preference scores an entry (lower wins): the catalog rank, with UBI
// bases first for s2i and RHEL-family images and Alpine first for Alpine
// images.
func (p *planner) preference(e *catalog.Entry) (int, []string) {
	score := e.Rank
	var why []string
	o := p.plan.Origin
	switch {
	case (o.S2I || o.Family == "rhel") && e.Family == "ubi":
		score -= 100
		why = append(why, "UBI base preferred for s2i and UBI-built images")
		if m := p.rhelMajor(); m != "" && strings.Contains(e.Image, "/ubi"+m+"/") {
			score -= 10
			why = append(why, "same RHEL major ("+m+") as the builder")
		}
	case o.Family == "alpine" && e.Family == "alpine":
		score -= 50
		why = append(why, "Alpine base for an Alpine-built image")
	}
	return score, why
}

// rhelMajor guesses the RHEL major of the builder ("8", "9") from the glibc
// package's release or the builder image name.
func (p *planner) rhelMajor() string {
	for _, pk := range p.r.Packages {
		if pk.Name == "glibc" {
			for _, m := range []string{"8", "9", "10"} {
				if strings.Contains(pk.Version, ".el"+m) {
					return m
				}
			}
		}
	}
	if os := p.plan.Origin.OpenShift; os != nil {
		for _, m := range []string{"8", "9", "10"} {
			if strings.Contains(os.BuilderImage, "ubi"+m) {
				return m
			}
		}
	}
	return ""
}

// addonList names up to three addons linking libc.
func (p *planner) addonList(libc string) string {
	var names []string
	for _, a := range p.r.Ecosystem.NativeAddons {
		if addonLibc(a, p.r.Ecosystem.Libc) == libc {
			names = append(names, path.Base(a.Path))
		}
	}
	if len(names) > 3 {
		names = append(names[:3], "…")
	}
	return strings.Join(names, ", ")
}

// override builds the candidate for --runtime-base: the catalog entry when
// the image is listed (its checks become warnings), or an unknown base.
func (p *planner) override(image string) candidate {
	e, ok := p.cat.Lookup(image)
	if !ok {
		c, _ := adaptCommand(p.r.Image.Config.Entrypoint, p.r.Image.Config.Cmd, nil, p.commandEnv())
		cand := candidate{entry: catalog.Entry{Image: image, Family: guessFamily(image), Libc: guessLibc(image), Shell: true}, cmd: c, why: []string{"chosen with --runtime-base"}}
		if cand.entry.Libc == "musl" && p.plan.Ecosystem.GlibcAddons > 0 {
			p.warn("runtime-base", "--runtime-base "+image+" looks like Alpine (musl), but native addons link glibc ("+p.addonList("glibc")+"): they will not load")
		}
		return cand
	}
	why := []string{"chosen with --runtime-base"}
	if w, err := p.fits(&e); err != nil {
		p.warn("runtime-base", "--runtime-base "+image+": "+err.Error())
	} else {
		why = append(why, w...)
	}
	c, err := adaptCommand(p.r.Image.Config.Entrypoint, p.r.Image.Config.Cmd, &e, p.commandEnv())
	if err != nil {
		p.warn("runtime-base", "--runtime-base "+image+": "+strings.TrimPrefix(err.Error(), errIncompatible.Error()+"\n"))
		c, _ = adaptCommand(p.r.Image.Config.Entrypoint, p.r.Image.Config.Cmd, nil, p.commandEnv())
	}
	return candidate{entry: e, cmd: c, why: why}
}

func guessFamily(image string) string {
	switch {
	case strings.Contains(image, "alpine"):
		return "alpine"
	case strings.Contains(image, "distroless"):
		return "distroless"
	case strings.Contains(image, "ubi"):
		return "ubi"
	case image == "scratch":
		return "scratch"
	}
	return "unknown"
}

func guessLibc(image string) string {
	if strings.Contains(image, "alpine") {
		return "musl"
	}
	return ""
}

// isIncompatible reports whether err marks a base as unfit.
func isIncompatible(err error) bool { return errors.Is(err, errIncompatible) }
