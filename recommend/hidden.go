package recommend

import (
	"path"

	"github.com/slimcheck/slimcheck/report"
)

// rewriteWins are metadata-only rewrites: files copied again by a later
// step that only changed owner or mode.
func (p *planner) rewriteWins(byLayer [][]int, claimed []bool) []QuickWin {
	type key struct{ upper, lower int }
	agg := map[key]*QuickWin{}
	var keys []key
	rewritten := map[key]map[string]bool{}
	for _, rw := range p.r.Rewrites {
		if rw.Layer < 0 || rw.Layer >= len(p.r.Layers) || rw.Lower < 0 || rw.Lower >= len(p.r.Layers) {
			continue
		}
		k := key{rw.Layer, rw.Lower}
		q := agg[k]
		if q == nil {
			lower := parseCreatedBy(p.r.Layers[rw.Lower].CreatedBy)
			fix := "change owner and mode in the step that creates the files (the same RUN), not in a later one"
			if lower.instr == "COPY" || lower.instr == "ADD" {
				fix = "use `" + lower.instr + " --chown=… --chmod=…` in layer " + itoa(rw.Lower) + " instead of a separate chown/chmod step"
			}
			q = &QuickWin{ID: "metadata-rewrite", Layer: rw.Layer, CreatedBy: tidy(p.r.Layers[rw.Layer].CreatedBy), Fix: fix}
			agg[k] = q
			keys = append(keys, k)
			rewritten[k] = map[string]bool{}
		}
		q.Bytes += rw.Bytes
		q.Files++
		rewritten[k][rw.Path] = true
	}
	var out []QuickWin
	for _, k := range keys {
		q := agg[k]
		for _, i := range byLayer[k.lower] {
			if rewritten[k][p.r.Files[i].Path] {
				claimed[i] = true
			}
		}
		q.Advice = stepName(q.CreatedBy, k.upper) + " copied " + report.Bytes(q.Bytes) + " of files from layer " + itoa(k.lower) + " again only to change their owner or mode: " + q.Fix
		out = append(out, *q)
	}
	return out
}

// hit is an entry of report.Files as hiddenWins sees it: its layer and type.
type hit struct {
	layer int
	kind  string
}

// hiders indexes the entries that can hide an older file, in file order.
// Other entries never change hider's answer, so they are left out.
type hiders struct {
	same    map[string][]hit // every entry at the path of a file hiddenWins weighs: its replacements
	markers map[string][]hit // every whiteout or opaque marker: deletions of a file or a directory above it
}

// newHiders indexes the entries that can hide the files hidden (indices in
// files).
func newHiders(files []report.File, hidden []int) hiders {
	idx := hiders{same: make(map[string][]hit, len(hidden)), markers: map[string][]hit{}}
	oldest := files[hidden[0]].Layer // entries no newer than every hidden file hide none
	for _, i := range hidden {
		idx.same[files[i].Path] = nil
		oldest = min(oldest, files[i].Layer)
	}
	for i := range files {
		f := &files[i]
		if f.Layer <= oldest {
			continue
		}
		h := hit{f.Layer, f.Type}
		if hs, ok := idx.same[f.Path]; ok {
			idx.same[f.Path] = append(hs, h)
		}
		if isMarker(f.Type) {
			idx.markers[f.Path] = append(idx.markers[f.Path], h)
		}
	}
	return idx
}

// isMarker reports whether an entry type deletes what lies below it.
func isMarker(kind string) bool { return kind == "whiteout" || kind == "opaque" }

// hider returns the first layer above f's that deletes or replaces it, -1
// when none does, and whether it deleted it. At f's own path any entry
// counts; above it only markers.
func (idx hiders) hider(f *report.File) (int, bool) {
	best, deleted := -1, false
	for q := f.Path; ; q = path.Dir(q) {
		hs := idx.markers[q]
		if q == f.Path {
			hs = idx.same[q]
		}
		for _, h := range hs {
			if h.layer <= f.Layer || best >= 0 && h.layer >= best {
				continue
			}
			best, deleted = h.layer, isMarker(h.kind)
		}
		if q == "/" || q == "." || q == "" {
			break
		}
	}
	return best, deleted
}

// hiddenWins are bytes a step wrote that a later step deleted or replaced:
// they stay in the image.
func (p *planner) hiddenWins(byLayer [][]int, claimed []bool) []QuickWin {
	var hidden []int // unclaimed files some later layer deleted or replaced
	for _, files := range byLayer {
		for _, i := range files {
			if f := &p.r.Files[i]; !claimed[i] && (f.Status == "overwritten" || f.Status == "deleted") {
				hidden = append(hidden, i)
			}
		}
	}
	if len(hidden) == 0 {
		return nil
	}
	idx := newHiders(p.r.Files, hidden)
	type key struct{ layer, by int }
	agg := map[key]*QuickWin{}
	dirs := map[key]map[string]int64{}
	var keys []key
	for _, i := range hidden {
		f := &p.r.Files[i]
		li := f.Layer
		by, deleted := idx.hider(f)
		k := key{li, by}
		q := agg[k]
		if q == nil {
			how := "replaced"
			if deleted {
				how = "deleted"
			}
			id := "hidden"
			if !deleted && isPackageDB(f.Path) {
				id = "package-db-rewrite"
			}
			q = &QuickWin{ID: id, Layer: li, CreatedBy: tidy(p.r.Layers[li].CreatedBy), Advice: how}
			agg[k] = q
			dirs[k] = map[string]int64{}
			keys = append(keys, k)
		}
		claimed[i] = true
		q.Bytes += f.Bytes
		q.Files++
		dirs[k][topDir(f.Path)] += f.Bytes
	}
	var out []QuickWin
	for _, k := range keys {
		q := agg[k]
		q.Paths = topPaths(dirs[k], 3)
		later := "a later layer"
		if k.by >= 0 && k.by < len(p.r.Layers) {
			later = stepName(tidy(p.r.Layers[k.by].CreatedBy), k.by)
		}
		switch {
		case q.ID == "package-db-rewrite":
			q.Fix = "every package-install step stores a new copy of the package database: install all packages in one RUN"
		case q.Advice == "deleted":
			q.Fix = "delete them in the same RUN that creates them (or never create them); files removed later stay in the image"
		default:
			q.Fix = "the older copies stay in the image: create the files once, in their final form, or change them in the step that creates them"
		}
		q.Advice = stepName(q.CreatedBy, k.layer) + " wrote " + report.Bytes(q.Bytes) + " that " + later + " " + q.Advice + ": " + q.Fix
		out = append(out, *q)
	}
	return out
}
