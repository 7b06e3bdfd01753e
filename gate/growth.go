package gate

import (
	"sort"

	"github.com/slimcheck/slimcheck/report"
)

// Growth compares an image with a baseline image.
type Growth struct {
	BaseReference string           `json:"baseReference"`
	BaseBytes     int64            `json:"baseBytes"`
	Bytes         int64            `json:"bytes"`
	DeltaBytes    int64            `json:"deltaBytes"` // Bytes - BaseBytes
	Percent       float64          `json:"percent"`    // DeltaBytes of BaseBytes, 0..; 0 when BaseBytes is 0
	Layers        []LayerGrowth    `json:"layers"`     // every layer position, in order
	Categories    []CategoryGrowth `json:"categories"` // every category present in either, in precedence order
}

// LayerGrowth compares the layers at one position.
type LayerGrowth struct {
	Index     int    `json:"index"`
	Status    string `json:"status"` // unchanged (same diffID), changed, added, removed
	CreatedBy string `json:"createdBy"`
	BaseBytes int64  `json:"baseBytes"`
	Bytes     int64  `json:"bytes"`
	Delta     int64  `json:"delta"`
}

// CategoryGrowth compares one category's bytes.
type CategoryGrowth struct {
	Category  report.Category `json:"category"`
	BaseBytes int64           `json:"baseBytes"`
	Bytes     int64           `json:"bytes"`
	Delta     int64           `json:"delta"`
}

// Compare measures how cur grew against base. Layers are compared by
// position (a rebuild of the same Dockerfile keeps positions); a layer
// with the same diffID is unchanged.
func Compare(cur, base *report.Report) Growth {
	g := Growth{
		BaseReference: base.Image.Reference,
		BaseBytes:     base.Image.SizeBytes,
		Bytes:         cur.Image.SizeBytes,
		DeltaBytes:    cur.Image.SizeBytes - base.Image.SizeBytes,
	}
	if g.BaseBytes > 0 {
		g.Percent = 100 * float64(g.DeltaBytes) / float64(g.BaseBytes)
	}
	for i := 0; i < max(len(cur.Layers), len(base.Layers)); i++ {
		lg := LayerGrowth{Index: i}
		switch {
		case i >= len(base.Layers):
			l := cur.Layers[i]
			lg.Status, lg.CreatedBy, lg.Bytes = "added", l.CreatedBy, l.SizeBytes
		case i >= len(cur.Layers):
			b := base.Layers[i]
			lg.Status, lg.CreatedBy, lg.BaseBytes = "removed", b.CreatedBy, b.SizeBytes
		default:
			l, b := cur.Layers[i], base.Layers[i]
			lg.CreatedBy, lg.Bytes, lg.BaseBytes = l.CreatedBy, l.SizeBytes, b.SizeBytes
			lg.Status = "changed"
			if l.DiffID != "" && l.DiffID == b.DiffID {
				lg.Status = "unchanged"
			}
		}
		lg.Delta = lg.Bytes - lg.BaseBytes
		g.Layers = append(g.Layers, lg)
	}
	bytesOf := func(r *report.Report) map[report.Category]int64 {
		m := map[report.Category]int64{}
		for _, c := range r.Categories {
			m[c.Category] += c.Bytes
		}
		return m
	}
	cb, bb := bytesOf(cur), bytesOf(base)
	for _, c := range report.Categories() {
		if _, ok := cb[c]; !ok {
			if _, ok := bb[c]; !ok {
				continue
			}
		}
		g.Categories = append(g.Categories, CategoryGrowth{Category: c, BaseBytes: bb[c], Bytes: cb[c], Delta: cb[c] - bb[c]})
	}
	return g
}

// grewDetails lists the layers and categories that grew, largest first.
func (g Growth) grewDetails(n int) []Detail {
	var layers, cats []Detail
	for _, l := range g.Layers {
		if l.Delta > 0 {
			layers = append(layers, Detail{Kind: "layer", Name: report.Shorten(report.CreatedBy(l.CreatedBy), 100), Bytes: l.Delta, Layer: l.Index, Note: l.Status})
		}
	}
	for _, c := range g.Categories {
		if c.Delta > 0 {
			cats = append(cats, Detail{Kind: "category", Name: string(c.Category), Bytes: c.Delta, Layer: -1})
		}
	}
	byBytes := func(d []Detail) {
		sort.SliceStable(d, func(i, j int) bool { return d[i].Bytes > d[j].Bytes })
	}
	byBytes(layers)
	byBytes(cats)
	if len(layers) > n {
		layers = layers[:n]
	}
	if len(cats) > n {
		cats = cats[:n]
	}
	return append(layers, cats...)
}
