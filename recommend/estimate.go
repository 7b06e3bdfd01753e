package recommend

import "github.com/slimcheck/slimcheck/report"

// estimateMethod explains the figures; docs/recommend.md says more.
const estimateMethod = "runtime = base + copied. base: the sum of file sizes in the runtime base's layers (as slimcheck measures any image), read from its registry when reachable, else the catalog's recorded figure. copied: the sum of the sizes of exactly the files the copy set selects from the image's final filesystem (copy.include minus copy.exclude), which is what one new layer holding them adds. today: the sum of file sizes in all layers (image.sizeBytes)."

// estimate puts the runtime image next to today's.
func (p *planner) estimate(cs CopySet, base BaseInfo) Estimate {
	e := Estimate{
		CurrentBytes:           p.r.Image.SizeBytes,
		CurrentCompressedBytes: p.r.Image.CompressedBytes,
		BaseBytes:              base.SizeBytes,
		BaseCompressedBytes:    base.CompressedBytes,
		BaseSource:             base.Source,
		CopiedBytes:            cs.Bytes,
		CopiedFiles:            cs.Files,
		Method:                 estimateMethod,
		Categories:             []CategoryEstimate{},
	}
	e.RuntimeBytes = e.BaseBytes + e.CopiedBytes
	e.SavedBytes = e.CurrentBytes - e.RuntimeBytes
	e.SavedPercent = percent(e.SavedBytes, e.CurrentBytes)
	kept := map[report.Category]int64{}
	for _, s := range cs.Select(p.r.Files) {
		if s.File.Type != "dir" {
			kept[s.File.Category] += s.File.Bytes
		}
	}
	seen := map[report.Category]bool{}
	for _, c := range p.r.Categories {
		seen[c.Category] = true
		e.Categories = append(e.Categories, CategoryEstimate{Category: c.Category, Bytes: c.Bytes, KeptBytes: kept[c.Category], RemovedBytes: c.Bytes - kept[c.Category]})
	}
	for _, c := range report.Categories() {
		if !seen[c] && kept[c] > 0 {
			e.Categories = append(e.Categories, CategoryEstimate{Category: c, KeptBytes: kept[c], RemovedBytes: -kept[c]})
		}
	}
	return e
}

// currentOnly is the estimate when no split is proposed.
func (p *planner) currentOnly() Estimate {
	e := Estimate{CurrentBytes: p.r.Image.SizeBytes, CurrentCompressedBytes: p.r.Image.CompressedBytes, BaseSource: "none", RuntimeBytes: p.r.Image.SizeBytes, Method: "no split proposed: the runtime size is today's", Categories: []CategoryEstimate{}}
	for _, c := range p.r.Categories {
		e.Categories = append(e.Categories, CategoryEstimate{Category: c.Category, Bytes: c.Bytes, KeptBytes: c.Bytes})
	}
	return e
}
