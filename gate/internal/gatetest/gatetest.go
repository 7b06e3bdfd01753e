// Package gatetest holds fixed reports, advice and policies for the gate's
// tests and golden files: a 474 MB Node.js image with a build toolchain,
// package caches, dev dependencies and a secret in its ENV.
package gatetest

import (
	"time"

	"github.com/slimcheck/slimcheck/gate"
	"github.com/slimcheck/slimcheck/report"
)

// Report returns the fixed report. Its figures are consistent: categories
// add up to the image size, layers to the image, and Files list every entry.
func Report() *report.Report {
	const mb = 1_000_000
	files := []report.File{
		{Path: "/usr/lib/x86_64-linux-gnu/libc.so.6", Layer: 0, Type: "file", Status: "visible", Bytes: 60 * mb, Category: report.OSBase},
		{Path: "/usr/share/doc/base/changelog.gz", Layer: 0, Type: "file", Status: "visible", Bytes: 14 * mb, Category: report.Docs},
		{Path: "/usr/local/bin/node", Layer: 1, Type: "file", Status: "visible", Bytes: 96 * mb, Category: report.Runtime},
		{Path: "/usr/bin/gcc-12", Layer: 2, Type: "file", Status: "visible", Bytes: 120 * mb, Category: report.BuildToolchain},
		{Path: "/var/cache/apt/archives/gcc.deb", Layer: 2, Type: "file", Status: "visible", Bytes: 40 * mb, Category: report.PackageCache},
		{Path: "/var/lib/apt/lists/deb.debian.org_dists", Layer: 2, Type: "file", Status: "overwritten", Bytes: 18 * mb, Category: report.Wasted},
		{Path: "/app/server.js", Layer: 3, Type: "file", Status: "visible", Bytes: 2 * mb, Category: report.App},
		{Path: "/app/node_modules/express/index.js", Layer: 3, Type: "file", Status: "visible", Bytes: 30 * mb, Category: report.App},
		{Path: "/app/node_modules/typescript/lib/tsc.js", Layer: 3, Type: "file", Status: "visible", Bytes: 52 * mb, Category: report.DevDependencies},
		{Path: "/root/.npm/_cacache/index", Layer: 3, Type: "file", Status: "visible", Bytes: 24 * mb, Category: report.PackageCache},
		{Path: "/var/lib/apt/lists/deb.debian.org_dists", Layer: 4, Type: "file", Status: "visible", Bytes: 18 * mb, Category: report.PackageCache},
	}
	r := &report.Report{
		SchemaVersion: report.SchemaVersion,
		Tool:          report.Tool{Name: "slimcheck", Version: "test"},
		Image: report.Image{
			Reference: "registry.example.com/shop/api:1.4.2", Source: "registry", Name: "registry.example.com/shop/api:1.4.2",
			Digest: "sha256:4f1c3a4e8d2b7c9a0e5f6d1b2c3a4e8d2b7c9a0e5f6d1b2c3a4e8d2b7c9a0e5f", Platform: "linux/amd64",
			Created: time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC), CompressedBytes: 171 * mb,
			Config: report.Config{Env: []string{"PATH=/usr/local/bin:/usr/bin", "NODE_ENV=production", "STRIPE_SECRET_KEY=redacted"}, User: "node"},
		},
		Layers: []report.Layer{
			{Index: 0, DiffID: "sha256:aaa0", CompressedBytes: 29 * mb, CreatedBy: "/bin/sh -c #(nop) ADD file:9a3c in / "},
			{Index: 1, DiffID: "sha256:aaa1", CompressedBytes: 33 * mb, CreatedBy: "/bin/sh -c #(nop) COPY dir:node in /usr/local"},
			{Index: 2, DiffID: "sha256:aaa2", CompressedBytes: 64 * mb, CreatedBy: "/bin/sh -c apt-get update && apt-get install -y build-essential python3"},
			{Index: 3, DiffID: "sha256:aaa3", CompressedBytes: 44 * mb, CreatedBy: "/bin/sh -c npm install"},
			{Index: 4, DiffID: "sha256:aaa4", CompressedBytes: 1 * mb, CreatedBy: "/bin/sh -c apt-get update"},
		},
		Dive: report.Dive{Efficiency: 0.9627, SizeBytes: 474 * mb, UserSizeBytes: 400 * mb, WastedBytes: 36 * mb, UserWastedPercent: 0.09,
			InefficientFiles: []report.Inefficiency{{Path: "/var/lib/apt/lists/deb.debian.org_dists", Count: 2, CumulativeSize: 36 * mb}}},
		Hidden: report.Hidden{Bytes: 18 * mb, Files: 1, Top: []report.HiddenPath{{Path: "/var/lib/apt/lists/deb.debian.org_dists", Layer: 2, Bytes: 18 * mb, Reason: "overwritten"}}},
		Files:  files,
	}
	cats := map[report.Category]*report.CategoryTotal{}
	for _, f := range files {
		l := &r.Layers[f.Layer]
		if l.Categories == nil {
			l.Categories = map[report.Category]int64{}
		}
		l.SizeBytes += f.Bytes
		l.Entries++
		l.Categories[f.Category] += f.Bytes
		r.Image.SizeBytes += f.Bytes
		if f.Status == "visible" {
			r.Image.FinalBytes += f.Bytes
			r.Image.FinalFiles++
		}
		if cats[f.Category] == nil {
			cats[f.Category] = &report.CategoryTotal{Category: f.Category}
		}
		cats[f.Category].Bytes += f.Bytes
		cats[f.Category].Files++
	}
	cats[report.BuildToolchain].TopDirs = []report.PathSize{{Path: "/usr/bin", Bytes: 120 * mb, Layer: -1}}
	cats[report.BuildToolchain].TopPackages = []report.PackageBytes{{Name: "gcc-12", Version: "12.2.0-14", Manager: "dpkg", Bytes: 120 * mb, Files: 1}}
	cats[report.PackageCache].TopDirs = []report.PathSize{{Path: "/var/cache/apt/archives", Bytes: 40 * mb, Layer: -1}, {Path: "/root/.npm/_cacache", Bytes: 24 * mb, Layer: -1}}
	cats[report.DevDependencies].TopDirs = []report.PathSize{{Path: "/app/node_modules/typescript", Bytes: 52 * mb, Layer: -1}}
	for _, c := range report.Categories() {
		if t := cats[c]; t != nil {
			t.Percent = 100 * float64(t.Bytes) / float64(r.Image.SizeBytes)
			r.Categories = append(r.Categories, *t)
			if c.NotNeededAtRuntime() {
				r.NotNeeded += t.Bytes
			}
		}
	}
	r.Largest.Files = []report.PathSize{
		{Path: "/usr/bin/gcc-12", Bytes: 120 * mb, Layer: 2, Category: report.BuildToolchain},
		{Path: "/usr/local/bin/node", Bytes: 96 * mb, Layer: 1, Category: report.Runtime},
	}
	return r
}

// Baseline returns the report of the same image one release earlier: no npm
// cache, a smaller node_modules.
func Baseline() *report.Report {
	r := Report()
	r.Image.Reference = "registry.example.com/shop/api:main"
	var keep []report.File
	for _, f := range r.Files {
		switch f.Path {
		case "/root/.npm/_cacache/index":
			continue
		case "/app/node_modules/express/index.js":
			f.Bytes = 20_000_000
		}
		keep = append(keep, f)
	}
	r.Files = keep
	r.Layers[3].DiffID = "sha256:bbb3"
	sz, cats := int64(0), map[report.Category]int64{}
	l3 := int64(0)
	for _, f := range keep {
		sz += f.Bytes
		cats[f.Category] += f.Bytes
		if f.Layer == 3 {
			l3 += f.Bytes
		}
	}
	r.Image.SizeBytes = sz
	r.Layers[3].SizeBytes = l3
	for i := range r.Categories {
		r.Categories[i].Bytes = cats[r.Categories[i].Category]
	}
	return r
}

// Advice is the recommendation for Report: a split onto a slim Node.js base.
func Advice() *gate.Advice {
	return &gate.Advice{
		Verdict: "split", RuntimeBase: "node:20-bookworm-slim",
		CurrentBytes: 474_000_000, RuntimeBytes: 210_000_000, SavedBytes: 264_000_000, SavedPercent: 55.7, RemovedBytes: 288_000_000,
		Categories: []gate.CategorySplit{
			{Category: report.Wasted, Bytes: 18_000_000, RemovedBytes: 18_000_000},
			{Category: report.BuildToolchain, Bytes: 120_000_000, RemovedBytes: 120_000_000},
			{Category: report.PackageCache, Bytes: 82_000_000, RemovedBytes: 82_000_000},
			{Category: report.DevDependencies, Bytes: 52_000_000, RemovedBytes: 52_000_000},
			{Category: report.Docs, Bytes: 14_000_000, RemovedBytes: 14_000_000},
			{Category: report.App, Bytes: 32_000_000, KeptBytes: 32_000_000},
			{Category: report.Runtime, Bytes: 96_000_000, KeptBytes: 96_000_000},
			{Category: report.OSBase, Bytes: 60_000_000, RemovedBytes: 2_000_000, KeptBytes: 58_000_000},
		},
		Actions: []gate.Action{
			{ID: "split", Title: "Split the build into a builder stage and a runtime stage on node:20-bookworm-slim", Bytes: 264_000_000, Layer: -1},
			{ID: "apt-lists", Title: "Remove apt caches and lists in the same RUN that installs packages", Bytes: 76_000_000, Layer: 2, Detail: "rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*"},
			{ID: "npm-cache", Title: "Clean the npm cache after npm install", Bytes: 24_000_000, Layer: 3, Detail: "npm ci --omit=dev && npm cache clean --force"},
			{ID: "docs", Title: "Leave documentation out", Bytes: 14_000_000, Layer: 0},
		},
		Secrets: []gate.Secret{{Message: "ENV STRIPE_SECRET_KEY looks like a secret (value not shown)", Layer: -1}},
	}
}

// Policy is a policy that exercises every rule against Report: some pass,
// some warn, some fail.
func Policy() *gate.Policy {
	p, err := gate.ParsePolicy([]byte(PolicyYAML), ".slimcheck.yaml")
	if err != nil {
		panic(err) // a fixed, valid document
	}
	if err := p.Finish(); err != nil {
		panic(err)
	}
	return p
}

// PolicyYAML is Policy's source.
const PolicyYAML = `max-size: 500MB
max-compressed-size: {limit: 150MB, level: warn}
max-layers: 20
lowestEfficiency: 0.95
highestWastedBytes: 20MB
highestUserWastedPercent: 0.1
max-hidden-bytes: 50MB
forbid: [build-toolchain, package-cache]
max-category:
  package-cache: 1MB
  docs: {limit: 20MB, level: warn}
max-dev-dependencies: {limit: 10MB, level: warn}
max-removable: 50%
min-savings: 300MB
baseline: registry.example.com/shop/api:main
max-growth: 5%
secrets-in-env: fail
`
