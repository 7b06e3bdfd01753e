// Package hostile holds slimcheck's reliability suite: crafted hostile
// images, registry faults, interruption and output-safety cases, each run
// through the real slimcheck binary, plus the memory benchmark of the file
// index. The package has no code of its own; its tests are the point. See
// docs/reliability.md for the table of cases and the test proving each.
package hostile
