package gate

import "fmt"

// Level is what breaching a rule does to the verdict.
type Level string

// Levels.
const (
	LevelOff  Level = "off"  // the rule is not checked
	LevelWarn Level = "warn" // a breach is reported but does not fail the gate
	LevelFail Level = "fail" // a breach fails the gate
)

// Enabled reports whether a rule at this level is checked.
func (l Level) Enabled() bool { return l == LevelWarn || l == LevelFail }

// parseLevel reads fail, warn or off.
func parseLevel(s string) (Level, error) {
	switch Level(s) {
	case LevelFail, LevelWarn, LevelOff:
		return Level(s), nil
	}
	return "", fmt.Errorf("level %q is not one of fail, warn, off", s)
}

// Status is one rule's outcome.
type Status string

// Statuses, from best to worst; Skip means the rule could not or need not be
// checked on this image (the message says why).
const (
	Pass Status = "pass"
	Skip Status = "skip"
	Warn Status = "warn"
	Fail Status = "fail"
)

// Label is the upper-case tag printed in reports: PASS, SKIP, WARN, FAIL.
func (s Status) Label() string {
	switch s {
	case Pass:
		return "PASS"
	case Skip:
		return "SKIP"
	case Warn:
		return "WARN"
	case Fail:
		return "FAIL"
	}
	return "????"
}

// Unit says how a rule's measured value and limit are expressed.
type Unit string

// Units.
const (
	UnitBytes   Unit = "bytes"
	UnitPercent Unit = "percent" // 0..100
	UnitRatio   Unit = "ratio"   // 0..1, as dive writes it
	UnitCount   Unit = "count"
	UnitNone    Unit = "none" // a yes/no rule (secrets-in-env)
)
