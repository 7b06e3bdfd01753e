package slim

import (
	"fmt"
	"math"

	"github.com/slimcheck/slimcheck/recommend"
	"github.com/slimcheck/slimcheck/report"
)

// DefaultTolerance is how far, in percent, the measured size may be from the
// plan's estimate when the estimate read the base's size from its registry.
const DefaultTolerance = 2.0

// Proof puts the written image's measured size next to the plan's estimate
// and the original image's size. Sizes are sums of file sizes in the layers,
// as slimcheck measures every image.
type Proof struct {
	OriginalBytes        int64   `json:"originalBytes"`
	EstimateBytes        int64   `json:"estimateBytes"`
	MeasuredBytes        int64   `json:"measuredBytes"`
	MeasuredStoredBytes  int64   `json:"measuredCompressedBytes"` // sum of the written layer blobs
	EstimatedBaseBytes   int64   `json:"estimatedBaseBytes"`
	MeasuredBaseBytes    int64   `json:"measuredBaseBytes"`
	EstimatedCopiedBytes int64   `json:"estimatedCopiedBytes"`
	MeasuredLayerBytes   int64   `json:"measuredLayerBytes"`
	BaseSource           string  `json:"baseSource"` // where the estimate's base figure came from: registry, cache, catalog, unknown
	DeltaBytes           int64   `json:"deltaBytes"` // measured - estimate
	DeltaPercent         float64 `json:"deltaPercent"`
	SavedBytes           int64   `json:"savedBytes"` // original - measured
	SavedPercent         float64 `json:"savedPercent"`
	Tolerance            float64 `json:"tolerancePercent"`
	Within               bool    `json:"within"`
	// Failed: off by more than the tolerance although the estimate's base
	// figure was read from the registry: the plan promised what it did not
	// deliver.
	Failed bool `json:"failed"`
	// Cause says why measured and estimate differ beyond the tolerance.
	Cause string `json:"cause,omitempty"`
}

// Compare measures the written image (its report, read back from where it
// was written; its first baseLayers layers are the base's) against plan's
// estimate and the original image's report.
func Compare(plan *recommend.PlanResult, original, written *report.Report, baseLayers int, tolerance float64) Proof {
	e := plan.Estimate
	p := Proof{
		OriginalBytes: original.Image.SizeBytes, EstimateBytes: e.RuntimeBytes, MeasuredBytes: written.Image.SizeBytes,
		MeasuredStoredBytes: written.Image.CompressedBytes, EstimatedBaseBytes: e.BaseBytes, EstimatedCopiedBytes: e.CopiedBytes,
		BaseSource: e.BaseSource, Tolerance: tolerance,
	}
	for i, l := range written.Layers {
		if i < baseLayers {
			p.MeasuredBaseBytes += l.SizeBytes
		} else {
			p.MeasuredLayerBytes += l.SizeBytes
		}
	}
	p.DeltaBytes = p.MeasuredBytes - p.EstimateBytes
	p.DeltaPercent = percent(p.DeltaBytes, p.EstimateBytes)
	p.SavedBytes = p.OriginalBytes - p.MeasuredBytes
	p.SavedPercent = percent(p.SavedBytes, p.OriginalBytes)
	p.Within = math.Abs(p.DeltaPercent) <= tolerance
	if p.Within {
		return p
	}
	live := e.BaseSource == "registry" || e.BaseSource == "cache"
	baseOff := p.MeasuredBaseBytes - p.EstimatedBaseBytes
	layerOff := p.MeasuredLayerBytes - p.EstimatedCopiedBytes
	switch {
	case e.BaseSource == "unknown" && abs(baseOff) >= abs(layerOff):
		p.Cause = fmt.Sprintf("the estimate had no size for %s (not in the catalog, and its registry was not read), so it left the base's %s out",
			runtimeImage(plan), report.Bytes(p.MeasuredBaseBytes))
	case !live && abs(baseOff) >= abs(layerOff):
		p.Cause = fmt.Sprintf("the estimate used the catalog's recorded size of %s (%s), which its registry was not asked for; it measures %s",
			runtimeImage(plan), report.Bytes(p.EstimatedBaseBytes), report.Bytes(p.MeasuredBaseBytes))
	case abs(baseOff) >= abs(layerOff):
		p.Cause = fmt.Sprintf("the runtime base measures %s, but the estimate read %s from %s (did its tag move?)",
			report.Bytes(p.MeasuredBaseBytes), report.Bytes(p.EstimatedBaseBytes), e.BaseSource)
		p.Failed = true
	default:
		p.Cause = fmt.Sprintf("the new layer holds %s where the plan selected %s", report.Bytes(p.MeasuredLayerBytes), report.Bytes(p.EstimatedCopiedBytes))
		p.Failed = true // slimcheck's own assembly did not match its plan
	}
	return p
}

func runtimeImage(p *recommend.PlanResult) string {
	if p.Runtime != nil {
		return p.Runtime.Image
	}
	return "the runtime base"
}

func percent(n, of int64) float64 {
	if of == 0 {
		if n == 0 {
			return 0
		}
		return 100
	}
	return float64(n) / float64(of) * 100
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}
