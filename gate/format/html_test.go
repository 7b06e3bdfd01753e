package format_test

import (
	"bytes"
	"math"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/slimcheck/slimcheck/gate/format"
	"github.com/slimcheck/slimcheck/gate/internal/gatetest"
	"github.com/slimcheck/slimcheck/report"
)

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func walk(n *html.Node, fn func(*html.Node)) {
	fn(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, fn)
	}
}

func hasClass(n *html.Node, class string) bool {
	for _, c := range strings.Fields(attr(n, "class")) {
		if c == class {
			return true
		}
	}
	return false
}

// TestHTMLIsSelfContained parses the page and checks what it shows: one
// row per rule, one bar per layer, a treemap whose tiles are coloured by
// category with areas proportional to bytes, the split, and nothing that
// would reach the network.
func TestHTMLIsSelfContained(t *testing.T) {
	in := fixedInput()
	out := render(t, "html", in, format.Options{})
	doc, err := html.Parse(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("parsing: %v", err)
	}
	var rows, layerRows, scripts, styles int
	tileArea := map[string]float64{}
	var total float64
	var sections []string
	walk(doc, func(n *html.Node) {
		if n.Type != html.ElementNode {
			return
		}
		for _, a := range n.Attr {
			v := strings.ToLower(a.Val)
			if (a.Key == "src" || a.Key == "href" || a.Key == "action") && v != "" && !strings.HasPrefix(v, "#") && !strings.HasPrefix(v, "data:") {
				t.Errorf("<%s %s=%q> reaches outside the page", n.Data, a.Key, a.Val)
			}
			if a.Key == "style" && strings.Contains(v, "url(") {
				t.Errorf("inline style loads a URL: %q", a.Val)
			}
		}
		switch n.Data {
		case "link", "iframe", "img", "object", "embed":
			t.Errorf("external-resource element <%s>", n.Data)
		case "script":
			scripts++
			if attr(n, "src") != "" {
				t.Error("script with src")
			}
		case "style":
			styles++
		case "section":
			sections = append(sections, attr(n, "id"))
		case "tr":
			if n.Parent != nil && n.Parent.Data == "tbody" && n.Parent.Parent != nil {
				for p := n.Parent; p != nil; p = p.Parent {
					if p.Data == "section" && attr(p, "id") == "rules" {
						rows++
						break
					}
				}
			}
		case "div":
			if hasClass(n, "row") && n.Parent != nil && attr(n.Parent, "id") == "layers" {
				layerRows++
			}
		case "rect":
			if hasClass(n, "dir") {
				return
			}
			cat := attr(n, "data-cat")
			if !report.Category(cat).Valid() {
				t.Errorf("tile %q has category %q", attr(n, "data-path"), cat)
			}
			if !hasClass(n, "c-"+cat) || attr(n, "fill") == "" {
				t.Errorf("tile %q is not coloured by its category", attr(n, "data-path"))
			}
			w, _ := strconv.ParseFloat(attr(n, "width"), 64)
			h, _ := strconv.ParseFloat(attr(n, "height"), 64)
			tileArea[cat] += w * h
			total += w * h
		}
	})
	if rows != len(in.Results) {
		t.Errorf("%d rule rows for %d results", rows, len(in.Results))
	}
	if layerRows != len(in.Report.Layers) {
		t.Errorf("%d layer bars for %d layers", layerRows, len(in.Report.Layers))
	}
	if scripts != 1 || styles != 1 {
		t.Errorf("%d scripts, %d styles; want one of each, inline", scripts, styles)
	}
	if strings.Join(sections, ",") != "rules,filesystem,layers,split,actions" {
		t.Errorf("sections %v", sections)
	}
	// Tile areas follow the bytes of the final filesystem, category by category.
	var visible int64
	byCat := map[string]int64{}
	for _, f := range in.Report.Files {
		if f.Status == "visible" && f.Type != "dir" {
			visible += f.Bytes
			byCat[string(f.Category)] += f.Bytes
		}
	}
	if len(tileArea) != len(byCat) {
		t.Errorf("tiles in categories %v, files in %v", tileArea, byCat)
	}
	for cat, b := range byCat {
		want := float64(b) / float64(visible)
		got := tileArea[cat] / total
		if math.Abs(got-want) > 0.02 {
			t.Errorf("category %s: %.3f of the treemap, %.3f of the bytes", cat, got, want)
		}
	}
	if !bytes.Contains(out, []byte("node:20-bookworm-slim")) || !bytes.Contains(out, []byte("saves 264 MB")) {
		t.Error("the split and its saving are missing")
	}
}

func TestHTMLEscapesHostileNames(t *testing.T) {
	in := fixedInput()
	in.Report.Image.Reference = `evil"><script>alert(1)</script>`
	in.Report.Files[0].Path = `/usr/<img src=x onerror=alert(1)>`
	out := string(render(t, "html", in, format.Options{}))
	if strings.Contains(out, "<script>alert(1)") || strings.Contains(out, "<img src=x") {
		t.Error("hostile names were not escaped")
	}
}

func TestTreemapAreasAndBounds(t *testing.T) {
	r := gatetest.Report()
	tiles := format.Treemap(r, 1000, 500)
	if len(tiles) == 0 {
		t.Fatal("no tiles")
	}
	var leaves float64
	for _, tl := range tiles {
		if tl.X < -1e-6 || tl.Y < -1e-6 || tl.X+tl.W > 1000+1e-6 || tl.Y+tl.H > 500+1e-6 {
			t.Errorf("tile %s out of bounds: %+v", tl.Path, tl)
		}
		if !tl.Dir {
			leaves += tl.W * tl.H
		}
	}
	if leaves < 0.8*1000*500 || leaves > 1000*500+1e-3 {
		t.Errorf("leaves cover %.0f of %d", leaves, 1000*500)
	}
	// Thousands of files stay a bounded drawing.
	big := &report.Report{}
	for i := 0; i < 20000; i++ {
		big.Files = append(big.Files, report.File{Path: "/d" + strconv.Itoa(i%50) + "/f" + strconv.Itoa(i), Type: "file", Status: "visible", Bytes: int64(1 + i%977), Category: report.App})
	}
	if n := len(format.Treemap(big, 1200, 560)); n == 0 || n > 2600 {
		t.Errorf("%d tiles for 20000 files", n)
	}
	if format.Treemap(&report.Report{}, 10, 10) != nil {
		t.Error("tiles for an empty image")
	}
}
