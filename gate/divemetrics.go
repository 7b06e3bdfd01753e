package gate

import (
	"io/fs"

	"github.com/slimcheck/slimcheck/analyze"
	"github.com/slimcheck/slimcheck/analyze/summary"
	"github.com/slimcheck/slimcheck/report"
)

// diveMetrics recomputes dive v0.13.1's efficiency, wasted bytes and user
// wasted percent from the report's file list with analyze.Dive, the very
// function that computed the report's own figures (docs/metrics.md lists
// dive's quirks, all kept). layers gives each layer's entries in tar order;
// sizes[i] is layer i's size.
func diveMetrics(layers [][]report.File, sizes []int64) report.Dive {
	ix := &analyze.Index{Layers: make([]analyze.Layer, len(layers))}
	for li, files := range layers {
		entries := make([]analyze.Entry, len(files))
		for i, f := range files {
			entries[i] = analyze.Entry{Path: f.Path, Size: f.Bytes, Mode: fs.FileMode(f.Mode), Type: entryType(f.Type)}
		}
		ix.Layers[li] = analyze.Layer{Index: li, Entries: entries, Size: sizes[li]}
	}
	return summary.Dive(analyze.Dive(ix))
}

// entryType is the analyze.EntryType a report names (report.File.Type is
// its String()); an unknown name is TypeOther.
func entryType(name string) analyze.EntryType {
	for t := analyze.TypeFile; t <= analyze.TypeMeta; t++ {
		if t.String() == name {
			return t
		}
	}
	return analyze.TypeOther
}
