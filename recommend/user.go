package recommend

import (
	"strings"

	"github.com/slimcheck/slimcheck/recommend/catalog"
)

// runtimeUser keeps the image's USER, non-root staying non-root: a named
// account the base lacks becomes the uid that owns the copied files (or the
// base's own non-root account).
func (p *planner) runtimeUser(orig string, base *catalog.Entry, known bool, owner string) string {
	name, _, _ := strings.Cut(orig, ":")
	switch {
	case orig == "" || name == "root" || name == "0":
		nonRoot := "1001"
		if known && base.NonRoot != "" {
			nonRoot = base.NonRoot
		}
		p.plan.Findings = append(p.plan.Findings, Finding{Severity: "info", Kind: "root-user", Layer: -1,
			Message: "the image runs as root; the runtime stage keeps that, but consider USER " + nonRoot})
		return orig
	case isNumeric(name) || !known || base.HasUser(name):
		return orig
	}
	uid, _, _ := strings.Cut(owner, ":")
	to := ""
	switch {
	case uid != "" && uid != "0" && isNumeric(uid):
		to = uid
	case base.NonRoot != "":
		to = base.NonRoot
	default:
		to = "65532"
	}
	p.plan.Config.Changed = append(p.plan.Config.Changed, Change{What: "user", From: orig, To: to,
		Reason: base.Image + " has no account " + name + "; a numeric non-root uid works without one"})
	return to
}
