// Package tui is slimcheck's full-screen terminal UI over a report.Report and
// its recommend.Plan: layers with their category mix, the category breakdown
// with its evidence, the file tree of the image or of one layer, and the
// recommended builder/runtime split with its generated files.
//
// It never opens images: everything slow (loading the image, writing files)
// is an injected function that tui runs in a tea.Cmd or a goroutine owned by
// Run, so Update and View stay pure and instant. View state (cursors, open
// directories, filters) lives in tui types keyed by path or layer index,
// never in the report.
package tui
