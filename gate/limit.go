package gate

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/dustin/go-humanize"

	"github.com/slimcheck/slimcheck/report"
)

// Limit is one rule's threshold and what breaching it does.
type Limit struct {
	Level Level   `json:"level"`
	Unit  Unit    `json:"unit"`            // bytes, percent, ratio or count
	Bytes int64   `json:"bytes,omitempty"` // the threshold when Unit is bytes
	Value float64 `json:"value,omitempty"` // the threshold when Unit is percent (0..100), ratio (0..1) or count
	Text  string  `json:"text"`            // as configured ("250MB", "5%", "0.9")
}

// Enabled reports whether the rule is checked.
func (l Limit) Enabled() bool { return l.Level.Enabled() }

// String shows the threshold for reports.
func (l Limit) String() string {
	switch l.Unit {
	case UnitBytes:
		return report.Bytes(l.Bytes)
	case UnitPercent:
		return trimFloat(l.Value) + " %"
	case UnitCount:
		return strconv.FormatFloat(l.Value, 'f', -1, 64)
	case UnitRatio:
		return strconv.FormatFloat(l.Value, 'g', -1, 64)
	}
	return l.Text
}

// number returns the threshold as a float, whatever its unit.
func (l Limit) number() float64 {
	if l.Unit == UnitBytes {
		return float64(l.Bytes)
	}
	return l.Value
}

func trimFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// isOff reports whether a configured value switches a rule off.
func isOff(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "off", "disabled", "false", "no", "none":
		return true
	}
	return false
}

// parseSize reads a size limit: "250MB", "1.5GiB", "1024".
func parseSize(s string) (Limit, error) {
	n, err := report.ParseBytes(s)
	if err != nil {
		return Limit{}, err
	}
	return Limit{Level: LevelFail, Unit: UnitBytes, Bytes: n, Text: strings.TrimSpace(s)}, nil
}

// parsePercent reads "25%" or "25 %" as 25; max caps it (0 for none).
func parsePercent(s string, max float64) (Limit, error) {
	t := strings.TrimSpace(s)
	num, ok := strings.CutSuffix(t, "%")
	if !ok {
		return Limit{}, fmt.Errorf("percentage %q does not end in %%", s)
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return Limit{}, fmt.Errorf("percentage %q is not a non-negative number followed by %%", s)
	}
	if max > 0 && v > max {
		return Limit{}, fmt.Errorf("percentage %q is above %g %%", s, max)
	}
	return Limit{Level: LevelFail, Unit: UnitPercent, Value: v, Text: t}, nil
}

// parseAmount reads a size or, ending in %, a percentage.
func parseAmount(s string, maxPercent float64) (Limit, error) {
	if strings.HasSuffix(strings.TrimSpace(s), "%") {
		return parsePercent(s, maxPercent)
	}
	l, err := parseSize(s)
	if err != nil {
		return Limit{}, fmt.Errorf("%q is neither a size (250MB, 1GiB) nor a percentage (10%%)", s)
	}
	return l, nil
}

// parseCount reads a non-negative whole number.
func parseCount(s string) (Limit, error) {
	t := strings.TrimSpace(s)
	n, err := strconv.ParseInt(t, 10, 32)
	if err != nil || n < 0 {
		return Limit{}, fmt.Errorf("%q is not a non-negative whole number", s)
	}
	return Limit{Level: LevelFail, Unit: UnitCount, Value: float64(n), Text: t}, nil
}

// parseDiveRatio reads lowestEfficiency or highestUserWastedPercent the way
// dive v0.13.1 does (runtime/ci/rule.go): strconv.ParseFloat, then a range
// check that NaN slips through. allowNaN is true for .dive-ci files, where
// dive accepts NaN (and then never fails the rule).
func parseDiveRatio(s string, allowNaN bool) (Limit, error) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return Limit{}, fmt.Errorf("invalid value %q: want a ratio between 0 and 1 (0.9 means 90 %%) or \"disabled\"", s)
	}
	if v < 0 || v > 1 {
		return Limit{}, fmt.Errorf("value %q is outside the allowed range 0-1 (a ratio: 0.9 means 90 %%)", s)
	}
	if math.IsNaN(v) && !allowNaN {
		return Limit{}, fmt.Errorf("value %q is not a number", s)
	}
	return Limit{Level: LevelFail, Unit: UnitRatio, Value: v, Text: s}, nil
}

// parseDiveBytes reads highestWastedBytes the way dive does, with
// humanize.ParseBytes ("20Mb", "1,000", "1.5 GiB"). Thresholds past
// MaxInt64 are kept as MaxInt64: no image can exceed either.
func parseDiveBytes(s string) (Limit, error) {
	n, err := humanize.ParseBytes(s)
	if err != nil {
		return Limit{}, fmt.Errorf("invalid value %q: want a size such as 20MB, 1.5GiB or 1000, or \"disabled\"", s)
	}
	b := int64(math.MaxInt64)
	if n < math.MaxInt64 {
		b = int64(n)
	}
	return Limit{Level: LevelFail, Unit: UnitBytes, Bytes: b, Text: s}, nil
}
