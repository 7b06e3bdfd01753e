// Package deps finds, for every language project on an image, which
// installed third-party packages are needed only by development
// dependencies (bytes a runtime image does not need), with evidence naming
// the lockfile or manifest rule that said so.
//
// The image walk calls CapturePath for every regular file to decide which
// small files to keep in memory; DevOnly then reads those files (a map from
// absolute cleaned path to contents, as of the final filesystem view) and
// returns a Result per project root. Ecosystems: node (npm, yarn classic and
// berry, pnpm, Yarn Plug'n'Play; see package node), PHP (composer; package
// composer) and Python (pipenv, poetry; package python).
package deps

import (
	"context"
	"sort"
	"strings"

	"github.com/slimcheck/slimcheck/analyze/deps/composer"
	"github.com/slimcheck/slimcheck/analyze/deps/model"
	"github.com/slimcheck/slimcheck/analyze/deps/node"
	"github.com/slimcheck/slimcheck/analyze/deps/python"
)

// Result lists every detected project root; see model.Result.
type Result = model.Result

// Root is one project root and its classified packages; see model.Root.
type Root = model.Root

// Package is one installed package; see model.Package.
type Package = model.Package

// Evidence names the file and rule behind a class; see model.Evidence.
type Evidence = model.Evidence

// Problem reports an input that could not be used; see model.Problem.
type Problem = model.Problem

// Class is dev, prod or extraneous; see model.Class.
type Class = model.Class

// Ecosystem names a package ecosystem; see model.Ecosystem.
type Ecosystem = model.Ecosystem

// Index answers which classified package owns a path; see model.Index.
type Index = model.Index

// Match is an Index answer; see model.Match.
type Match = model.Match

// NewIndex builds an Index over r for attributing file paths.
func NewIndex(r Result) *Index { return model.NewIndex(r) }

// CapturePath reports whether the file at p (absolute, cleaned) should be
// captured for DevOnly, and how many bytes at most: lockfiles and Yarn
// Plug'n'Play maps (.pnp.cjs, .pnp.js, .pnp.data.json) up to 32 MiB,
// package.json and composer.json up to 1 MiB, dist-info RECORD files up to
// 8 MiB. Files inside package-manager caches are never captured.
//
// The walk asks this for every file, so the base name is taken once and
// each ecosystem's Capture is asked only about names it can accept.
func CapturePath(p string) (limit int64, ok bool) {
	base := p[strings.LastIndexByte(p, '/')+1:]
	if node.CapturesName(base) {
		if l, ok := node.Capture(p); ok {
			return l, true
		}
	}
	if composer.CapturesName(base) {
		if l, ok := composer.Capture(p); ok {
			return l, true
		}
	}
	if python.CapturesName(base) {
		if l, ok := python.Capture(p); ok {
			return l, true
		}
	}
	return 0, false
}

// CapturePrefix reports whether the walk should keep the leading bytes of
// a file at p (absolute, cleaned) that is too large for CapturePath, and how
// many: Yarn Plug'n'Play maps, whose first MiB still names where their
// packages live. DevOnly reads such a prefix, given under the file's path,
// as a map it cannot parse, and keeps every directory it names.
func CapturePrefix(p string) (n int64, ok bool) {
	return node.CapturePrefix(p)
}

// DevOnly classifies what is installed for every project root found in
// files. It never fails as a whole: inputs it cannot use (a lockfile that
// does not parse, a work limit reached) come back as Problems, and analysis
// falls back to the next source.
func DevOnly(ctx context.Context, files map[string][]byte) (Result, []Problem) {
	var res Result
	var probs []Problem
	for _, analyze := range [...]func(context.Context, map[string][]byte) ([]Root, []Problem){
		node.Analyze, composer.Analyze, python.Analyze,
	} {
		if ctx.Err() != nil {
			probs = append(probs, Problem{Path: "/", Reason: "stopped: " + ctx.Err().Error()})
			break
		}
		roots, ps := analyze(ctx, files)
		res.Roots = append(res.Roots, roots...)
		probs = append(probs, ps...)
	}
	sort.SliceStable(res.Roots, func(i, j int) bool {
		a, b := res.Roots[i], res.Roots[j]
		if a.Dir != b.Dir {
			return a.Dir < b.Dir
		}
		return a.Ecosystem < b.Ecosystem
	})
	sort.SliceStable(probs, func(i, j int) bool { return probs[i].Path < probs[j].Path })
	return res, probs
}
