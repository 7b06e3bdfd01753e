package recommend

import (
	"path"
	"sort"
	"strings"

	"github.com/slimcheck/slimcheck/report"
)

// Yarn Plug'n'Play keeps installed packages as zips in a cache (the
// project's .yarn/cache or Yarn 4's global ~/.yarn/berry/cache) and runs
// them from there: the attribution calls the zips its map references app or
// dev-dependencies with lockfile evidence naming the map. The copy set and
// the quick wins must treat those zips as installed packages, not as the
// cache their directory looks like.

// lockfileKind is the evidence kind of files a dependency source classified
// (attribute.KindLockfile).
const lockfileKind = "lockfile"

// isPnPMap reports whether p names a Yarn Plug'n'Play map.
func isPnPMap(p string) bool {
	switch path.Base(p) {
	case ".pnp.cjs", ".pnp.js", ".pnp.data.json":
		return true
	}
	return false
}

// installedDep reports whether a dependency source (a lockfile, a
// Plug'n'Play map) placed f: it is an installed package, whatever directory
// it lies in.
func installedDep(f *report.File, evidence []report.Evidence) bool {
	return f != nil && f.Evidence >= 0 && f.Evidence < len(evidence) && evidence[f.Evidence].Kind == lockfileKind
}

// pnpCaches returns the directories holding a zip that a Plug'n'Play map
// references: `yarn cache clean` there deletes packages the app loads.
func pnpCaches(r *report.Report) map[string]bool {
	out := map[string]bool{}
	for i := range r.Files {
		f := &r.Files[i]
		if f.Status != "visible" || !strings.HasSuffix(f.Path, ".zip") || !installedDep(f, r.Evidence) {
			continue
		}
		if isPnPMap(r.Evidence[f.Evidence].Source) {
			out[path.Dir(cleanAbs(f.Path))] = true
		}
	}
	return out
}

// pnpFindings says, once per Plug'n'Play project, that its dev-only
// packages leave by path while its map still lists them.
func pnpFindings(dirs map[string]bool) []Finding {
	keys := make([]string, 0, len(dirs))
	for d := range dirs {
		keys = append(keys, d)
	}
	sort.Strings(keys)
	var out []Finding
	for _, d := range keys {
		out = append(out, Finding{Severity: "info", Kind: "pnp-dev-removed", Path: d, Layer: -1,
			Message: "the builder removes the dev-only packages of the Yarn Plug'n'Play project " + d +
				" by path (their zips and unplugged directories); its Plug'n'Play map still lists them, which nothing" +
				" notices unless they are required at run time. To drop them from the map too, run" +
				" `yarn workspaces focus --all --production` in the build"})
	}
	return out
}
