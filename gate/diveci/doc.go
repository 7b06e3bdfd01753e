// Package diveci checks slimcheck's CI gate against dive's own CLI: it
// builds dive v0.13.1 from the module cache and compares `dive --ci`
// verdicts with gate.Evaluate on the same generated images. Tests only.
package diveci
