// Package depcheck holds the test that fences imports between layers of the
// architecture: analysis never imports the TUI or the CLI framework, and
// the TUI never opens images (see docs/architecture.md).
package depcheck
