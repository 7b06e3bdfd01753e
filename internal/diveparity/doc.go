// Package diveparity holds the dive-parity oracle tests: they run dive
// v0.13.1's own archive loader and analyzer next to analyze.Walk and
// analyze.Dive on the same generated images and demand identical figures.
// It is a nested module so that dive's dependencies never reach the
// product's go.mod; the package has no non-test code besides this comment.
package diveparity
