package pkgdb

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"
)

// Parse reads every package database in files (captured path → contents, see CapturePath; other paths are
// ignored) and returns the databases found, sorted by path, and the problems met, sorted by path and
// otherwise in the order found. A damaged database yields Problems and whatever packages could still be
// read; parsing carries on with the other databases. Only installed packages are returned. When ctx is
// done, the databases not yet parsed are reported as problems.
func Parse(ctx context.Context, files map[string][]byte) ([]Database, []Problem) {
	var (
		dbs   []Database
		probs []Problem
		dpkg  dpkgInput
		rpm   = map[string][]string{} // directory → database files present
		apk   bool
	)
	for _, p := range slices.Sorted(maps.Keys(files)) {
		switch k, _ := classify(p); k {
		case kindDpkgStatus:
			dpkg.status = true
		case kindDpkgStatusD:
			dpkg.statusD = append(dpkg.statusD, p)
		case kindDpkgList:
			name := strings.TrimSuffix(path.Base(p), ".list")
			if dpkg.lists == nil {
				dpkg.lists = map[string]string{}
			}
			dpkg.lists[name] = p
		case kindApk:
			apk = true
		case kindRpm:
			rpm[path.Dir(p)] = append(rpm[path.Dir(p)], p)
		}
	}

	// Each job parses one database; a panic in one becomes a Problem and the others still run.
	type job struct {
		path string
		run  func() ([]Database, []Problem)
	}
	var jobs []job
	if dpkg.status {
		jobs = append(jobs, job{dpkgStatus, func() ([]Database, []Problem) { return parseDpkgStatus(files, dpkg) }})
	}
	if len(dpkg.statusD) > 0 {
		jobs = append(jobs, job{dpkgStatusDir, func() ([]Database, []Problem) { return parseDpkgStatusD(files, dpkg.statusD) }})
	}
	if apk {
		jobs = append(jobs, job{apkInstalled, func() ([]Database, []Problem) { return parseApk(files[apkInstalled]) }})
	}
	for _, dir := range slices.Sorted(maps.Keys(rpm)) {
		jobs = append(jobs, job{dir, func() ([]Database, []Problem) { return parseRPMDir(ctx, files, rpm[dir]) }})
	}
	for _, j := range jobs {
		if err := ctx.Err(); err != nil {
			probs = append(probs, Problem{j.path, fmt.Errorf("not parsed: %w", err)})
			continue
		}
		d, p := guard(j.path, j.run)
		dbs = append(dbs, d...)
		probs = append(probs, p...)
	}
	for i := range dbs {
		sortPackages(dbs[i].Packages)
	}
	slices.SortStableFunc(dbs, func(a, b Database) int { return strings.Compare(a.Path, b.Path) })
	slices.SortStableFunc(probs, func(a, b Problem) int { return strings.Compare(a.Path, b.Path) })
	return dbs, probs
}

// guard runs one database parse, turning a panic into a Problem: input must never crash slimcheck.
func guard(p string, run func() ([]Database, []Problem)) (dbs []Database, probs []Problem) {
	defer func() {
		if r := recover(); r != nil {
			dbs, probs = nil, []Problem{{p, fmt.Errorf("parsing aborted by an internal error: %v", r)}}
		}
	}()
	return run()
}

// problems splits a parser's joined error into one Problem per part.
func problems(p string, err error) []Problem {
	if err == nil {
		return nil
	}
	var parts []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		parts = j.Unwrap()
	} else {
		parts = []error{err}
	}
	out := make([]Problem, 0, len(parts))
	for _, e := range parts {
		if e != nil {
			out = append(out, Problem{p, e})
		}
	}
	return out
}

// sortPackages orders packages by name, architecture and version.
func sortPackages(pkgs []Package) {
	slices.SortStableFunc(pkgs, func(a, b Package) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.Arch, b.Arch), strings.Compare(a.Version, b.Version))
	})
}

// sortedUnique sorts paths and drops duplicates in place.
func sortedUnique(s []string) []string {
	slices.Sort(s)
	return slices.Compact(s)
}

// errMissingFileLists builds the summary problem for installed packages without a file list.
func errMissingFileLists(missing []string, installed int) error {
	const show = 5
	missing = slices.Sorted(slices.Values(missing))
	ex := strings.Join(missing[:min(show, len(missing))], ", ")
	if len(missing) > show {
		ex += ", ..."
	}
	return fmt.Errorf("no file list for %d of %d installed packages (%s); their files stay unattributed", len(missing), installed, ex)
}
