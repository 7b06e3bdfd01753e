// Package gate is slimcheck's CI gate: a Policy of size rules (ours and
// dive's .dive-ci rules, with dive's names and semantics), loaded from
// .slimcheck.yaml or a .dive-ci file, and Evaluate, which checks a report
// against it and returns one Result per rule. Outcomes are results, not
// errors: the caller decides what a failed rule means (the CLI exits 1).
// See docs/ci.md.
package gate
