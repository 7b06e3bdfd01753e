package gate

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// diveDefaults are dive v0.13.1's flag defaults for its CI rules
// (cmd/root.go), used for a rule a .dive-ci file does not set.
var diveDefaults = map[string]string{
	"lowestEfficiency":         "0.9",
	"highestWastedBytes":       "disabled",
	"highestUserWastedPercent": "0.1",
}

// DiveKeys are dive's CI rule keys, in the order slimcheck reports them.
func DiveKeys() []string {
	return []string{"lowestEfficiency", "highestWastedBytes", "highestUserWastedPercent"}
}

// ParseDiveCI reads a dive .dive-ci file exactly as dive v0.13.1 reads it
// (viper over gopkg.in/yaml.v3, runtime/ci/rule.go), so that it gives the
// same verdicts as `dive --ci`:
//   - keys are case-insensitive; the rules are rules.lowestEfficiency,
//     rules.highestWastedBytes and rules.highestUserWastedPercent (a
//     top-level key spelled "rules.lowestEfficiency" wins, as in viper);
//     every other key (plugins:, …) is ignored;
//   - a rule that is absent or null takes dive's default (0.9, disabled,
//     0.1); when "rules" is not a mapping (a list, a string) every rule reads
//     as "" and is misconfigured, as in dive;
//   - values are turned into strings the way viper does (0.95 → "0.95") and
//     only the exact string "disabled" switches a rule off;
//   - the ratios are parsed with strconv.ParseFloat and must lie within 0-1
//     (NaN passes that check, and then never fails, as in dive);
//     highestWastedBytes with go-humanize's ParseBytes ("20Mb" is 20 MB).
//
// Every other rule keeps DefaultPolicy's value (slimcheck's defaults only
// warn, so the exit code is dive's). Where dive reports "CI Misconfigured"
// (exit 1) ParseDiveCI returns an error naming every bad rule, and so does
// invalid YAML; keys that differ only in case are an error too (viper picks
// one at random).
func ParseDiveCI(data []byte, name string) (*Policy, error) {
	p := DefaultPolicy()
	p.Source = name + " (dive format)"
	config := map[string]any{}
	if err := yaml.Unmarshal(data, &config); err != nil {
		return nil, fmt.Errorf("parsing dive CI config %s: %w", name, err)
	}
	if err := lowerKeys(config); err != nil {
		return nil, fmt.Errorf("parsing dive CI config %s: %w", name, err)
	}
	var errs []error
	for _, key := range DiveKeys() {
		value := diveLookup(config, key)
		l, err := diveRule(key, value)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		*p.limit(key) = l
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("dive CI config %s is misconfigured (dive reports \"CI Misconfigured\"):\n%w", name, err)
	}
	return p, nil
}

// SetDive sets one of dive's rules from a dive flag value
// (--lowestEfficiency 0.95), with dive's parsing: only "disabled" switches
// it off, and NaN is accepted.
func (p *Policy) SetDive(key, value string) error {
	if _, ok := diveDefaults[key]; !ok {
		return fmt.Errorf("%q is not one of dive's rules (%s)", key, strings.Join(DiveKeys(), ", "))
	}
	l, err := diveRule(key, value)
	if err != nil {
		return err
	}
	*p.limit(key) = l
	return nil
}

// diveRule parses one dive rule value as runtime/ci/rule.go does.
func diveRule(key, value string) (Limit, error) {
	if value == "disabled" {
		l := Limit{Level: LevelOff, Unit: UnitRatio, Text: value}
		if key == "highestWastedBytes" {
			l.Unit = UnitBytes
		}
		return l, nil
	}
	var l Limit
	var err error
	if key == "highestWastedBytes" {
		l, err = parseDiveBytes(value)
	} else {
		l, err = parseDiveRatio(value, true)
	}
	if err != nil {
		return Limit{}, fmt.Errorf("%s: %w", key, err)
	}
	return l, nil
}

// diveLookup finds rules.<key> the way viper's find does for a config file
// value, falling back to dive's flag default.
func diveLookup(config map[string]any, key string) string {
	lk := strings.ToLower(key)
	if v := config["rules."+lk]; v != nil {
		return viperString(v)
	}
	switch r := config["rules"].(type) {
	case map[string]any:
		if v := r[lk]; v != nil {
			return viperString(v)
		}
	case nil:
		// absent or null: dive's default
	default:
		// "rules" holds a plain value: viper treats the path as shadowed and
		// returns nil, which dive reads as "".
		return ""
	}
	return diveDefaults[key]
}

// lowerKeys lower-cases every mapping key, recursively, as viper's
// insensitiviseMap does; non-string keys are formatted with %v (cast's
// ToStringMap). Two keys that collide are an error.
func lowerKeys(m map[string]any) error {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	lowered := map[string]string{}
	for _, k := range keys {
		v, err := lowerValue(m[k])
		if err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
		l := strings.ToLower(k)
		if prev, dup := lowered[l]; dup {
			return fmt.Errorf("keys %q and %q differ only in case (dive would pick one at random)", prev, k)
		}
		lowered[l] = k
		delete(m, k)
		m[l] = v
	}
	return nil
}

func lowerValue(v any) (any, error) {
	switch t := v.(type) {
	case map[string]any:
		return t, lowerKeys(t)
	case map[any]any:
		m := make(map[string]any, len(t))
		for k, val := range t {
			ks := fmt.Sprintf("%v", k)
			if _, dup := m[ks]; dup {
				return nil, fmt.Errorf("key %q appears twice", ks)
			}
			m[ks] = val
		}
		return m, lowerKeys(m)
	case []any:
		for i := range t {
			nv, err := lowerValue(t[i])
			if err != nil {
				return nil, err
			}
			t[i] = nv
		}
	}
	return v, nil
}

// viperString is cast.ToString (spf13/cast v1.7.1) for the types
// gopkg.in/yaml.v3 decodes into: what dive's viper.GetString returns.
func viperString(v any) string {
	switch s := v.(type) {
	case string:
		return s
	case bool:
		return strconv.FormatBool(s)
	case float64:
		return strconv.FormatFloat(s, 'f', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(s), 'f', -1, 32)
	case int:
		return strconv.Itoa(s)
	case int64:
		return strconv.FormatInt(s, 10)
	case int32:
		return strconv.FormatInt(int64(s), 10)
	case uint:
		return strconv.FormatUint(uint64(s), 10)
	case uint64:
		return strconv.FormatUint(s, 10)
	case uint32:
		return strconv.FormatUint(uint64(s), 10)
	case json.Number:
		return s.String()
	case []byte:
		return string(s)
	case nil:
		return ""
	case fmt.Stringer:
		return s.String()
	case error:
		return s.Error()
	}
	return "" // cast reports an error and GetString returns ""
}
