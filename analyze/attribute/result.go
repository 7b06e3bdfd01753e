package attribute

import (
	"github.com/slimcheck/slimcheck/analyze/ecosystem"
	"github.com/slimcheck/slimcheck/report"
)

// Result is the attribution of an Index: one category per entry.
type Result struct {
	Category  [][]report.Category // [layer][entry], parallel to analyze.Layer.Entries
	Evidence  [][]int32           // [layer][entry] index into Table, -1 for none
	Table     []report.Evidence   // deduplicated evidence
	Packages  []report.Package    // installed OS packages, with their bytes
	Databases []report.Database   // package databases found
	Ecosystem report.Ecosystem    // the application's ecosystem
	Problems  []report.Problem    // evidence that could not be used
	OS        ecosystem.OSRelease // the distribution, from os-release
	ImageLibc string              // the image's C library: glibc, musl or unknown
}
