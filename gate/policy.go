package gate

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/slimcheck/slimcheck/report"
)

// Policy is the set of rules an image is checked against. The zero value
// checks nothing; DefaultPolicy is what `slimcheck ci` uses without a
// configuration file.
type Policy struct {
	// Source says where the policy came from: "defaults", or a file path
	// followed by its format.
	Source string `json:"source"`

	MaxSize           Limit `json:"maxSize"`           // Image.SizeBytes (sum of all layers' file sizes)
	MaxCompressedSize Limit `json:"maxCompressedSize"` // Image.CompressedBytes (stored layer blobs)
	MaxLayers         Limit `json:"maxLayers"`         // number of layers

	// dive's rules, with dive's names and semantics.
	LowestEfficiency         Limit `json:"lowestEfficiency"`
	HighestWastedBytes       Limit `json:"highestWastedBytes"`
	HighestUserWastedPercent Limit `json:"highestUserWastedPercent"`

	MaxHiddenBytes Limit `json:"maxHiddenBytes"` // Hidden.Bytes

	// Forbid fails the gate when a category holds more bytes than its
	// MaxCategory tolerance (0 without one).
	Forbid Forbid `json:"forbid"`
	// MaxCategory caps categories' bytes; for a forbidden category it is
	// the tolerance.
	MaxCategory        map[report.Category]Limit `json:"maxCategory,omitempty"`
	MaxDevDependencies Limit                     `json:"maxDevDependencies"`

	// Plan rules: MaxRemovable limits what the recommended split leaves
	// behind (bytes or % of the image), MinSavings what it would save net of
	// the new runtime base (bytes or %).
	MaxRemovable Limit `json:"maxRemovable"`
	MinSavings   Limit `json:"minSavings"`

	// Baseline is an image reference to compare with; MaxGrowth limits how
	// much larger than it the image may be (bytes or % of the baseline).
	Baseline  string `json:"baseline,omitempty"`
	MaxGrowth Limit  `json:"maxGrowth"`

	// IgnorePaths are globs whose entries no rule sees (see Exclude).
	IgnorePaths []string `json:"ignorePaths,omitempty"`
	// MinSizeForRatioRules skips ratio rules (dive's efficiency and user
	// wasted percent, and percentage limits) on images smaller than this.
	MinSizeForRatioRules int64 `json:"minSizeForRatioRules"`

	// SecretsInEnv is the level of the secret-looking ENV check.
	SecretsInEnv Level `json:"secretsInEnv"`
}

// Forbid lists categories that should not be in the image.
type Forbid struct {
	Level      Level             `json:"level"`
	Categories []report.Category `json:"categories,omitempty"`
}

// DefaultMaxGrowth is the max-growth used when a baseline is set without one.
const DefaultMaxGrowth = "10%"

// DefaultPolicy returns dive's default CI rules (lowestEfficiency 0.9,
// highestWastedBytes disabled, highestUserWastedPercent 0.1) plus
// slimcheck's defaults, which only warn: package caches in the image and
// secret-looking ENV values.
func DefaultPolicy() *Policy {
	return &Policy{
		Source:                   "defaults",
		LowestEfficiency:         Limit{Level: LevelFail, Unit: UnitRatio, Value: 0.9, Text: "0.9"},
		HighestWastedBytes:       Limit{Level: LevelOff, Unit: UnitBytes, Text: "disabled"},
		HighestUserWastedPercent: Limit{Level: LevelFail, Unit: UnitRatio, Value: 0.1, Text: "0.1"},
		Forbid:                   Forbid{Level: LevelWarn, Categories: []report.Category{report.PackageCache}},
		SecretsInEnv:             LevelWarn,
	}
}

// Keys returns every key of .slimcheck.yaml (and flag name of `slimcheck
// ci`), in the order rules are reported.
func Keys() []string {
	out := make([]string, len(keyDefs))
	for i, k := range keyDefs {
		out[i] = k.name
	}
	return out
}

// KeyHelp returns the one-line description of a key, for flag help.
func KeyHelp(key string) string {
	if k := lookupKey(key); k != nil {
		return k.help
	}
	return ""
}

// Set sets one rule from a flag-style value: "250MB", "10%", "off",
// "build-toolchain,package-cache", "package-cache=1MB,docs=5MB". The key is
// as in .slimcheck.yaml. The rule's level becomes fail unless the value
// switches it off; use SetLevel for warn.
func (p *Policy) Set(key, value string) error {
	k := lookupKey(key)
	if k == nil {
		return unknownKeyError(key)
	}
	if err := k.set(p, scalar(value)); err != nil {
		return fmt.Errorf("%s: %w", key, err)
	}
	return nil
}

// SetLevel changes the level of a configured rule, e.g. to warn.
func (p *Policy) SetLevel(key string, level Level) error {
	if !level.Enabled() && level != LevelOff {
		return fmt.Errorf("%s: level %q is not one of fail, warn, off", key, level)
	}
	switch key {
	case "forbid":
		if len(p.Forbid.Categories) == 0 {
			return fmt.Errorf("%s: no categories are forbidden, so there is no level to set", key)
		}
		p.Forbid.Level = level
		return nil
	case "max-category":
		if len(p.MaxCategory) == 0 {
			return fmt.Errorf("%s: no category limits are set, so there is no level to set", key)
		}
		for c, l := range p.MaxCategory {
			l.Level = level
			p.MaxCategory[c] = l
		}
		return nil
	case "secrets-in-env":
		p.SecretsInEnv = level
		return nil
	}
	l := p.limit(key)
	if l == nil {
		if lookupKey(key) != nil {
			return fmt.Errorf("%s: this setting is not a rule and has no level", key)
		}
		return unknownKeyError(key)
	}
	if !l.Enabled() {
		return fmt.Errorf("%s: the rule is not set, so there is no level to set (give it a limit first)", key)
	}
	l.Level = level
	return nil
}

// limit returns the Limit field of a single-limit rule key, or nil.
func (p *Policy) limit(key string) *Limit {
	switch key {
	case "max-size":
		return &p.MaxSize
	case "max-compressed-size":
		return &p.MaxCompressedSize
	case "max-layers":
		return &p.MaxLayers
	case "lowestEfficiency":
		return &p.LowestEfficiency
	case "highestWastedBytes":
		return &p.HighestWastedBytes
	case "highestUserWastedPercent":
		return &p.HighestUserWastedPercent
	case "max-hidden-bytes":
		return &p.MaxHiddenBytes
	case "max-dev-dependencies":
		return &p.MaxDevDependencies
	case "max-removable":
		return &p.MaxRemovable
	case "min-savings":
		return &p.MinSavings
	case "max-growth":
		return &p.MaxGrowth
	}
	return nil
}

// Validate reports settings that contradict each other, all at once.
func (p *Policy) Validate() error {
	var errs []error
	if p.MaxGrowth.Enabled() && p.Baseline == "" {
		errs = append(errs, errors.New("max-growth: needs a baseline image (baseline: REF or --baseline REF)"))
	}
	for _, g := range p.IgnorePaths {
		if err := validateGlob(g); err != nil {
			errs = append(errs, fmt.Errorf("ignore-paths: %w", err))
		}
	}
	for _, c := range p.Forbid.Categories {
		if !c.Valid() {
			errs = append(errs, fmt.Errorf("forbid: %w", unknownCategoryError(string(c))))
		}
	}
	for c := range p.MaxCategory {
		if !c.Valid() {
			errs = append(errs, fmt.Errorf("max-category: %w", unknownCategoryError(string(c))))
		}
	}
	if p.MinSizeForRatioRules < 0 {
		errs = append(errs, fmt.Errorf("min-size-for-ratio-rules: must not be negative"))
	}
	return errors.Join(errs...)
}

// finish fills in what a policy implies once all sources were applied.
func (p *Policy) finish() {
	if p.Baseline != "" && p.MaxGrowth.Level == "" {
		l, _ := parseAmount(DefaultMaxGrowth, 0)
		p.MaxGrowth = l
	}
}

// Finish applies implied settings (a baseline without max-growth gets
// DefaultMaxGrowth) and validates the policy. Call it after the last Set.
func (p *Policy) Finish() error {
	p.finish()
	return p.Validate()
}

// NeedsPlan reports whether an enabled rule needs the recommendation.
func (p *Policy) NeedsPlan() bool {
	return p.MaxRemovable.Enabled() || p.MinSavings.Enabled() || p.SecretsInEnv.Enabled()
}

// NeedsPlanToFail reports whether a rule at fail level needs the
// recommendation: without one, the gate cannot give a verdict.
func (p *Policy) NeedsPlanToFail() bool {
	return p.MaxRemovable.Level == LevelFail || p.MinSavings.Level == LevelFail || p.SecretsInEnv == LevelFail
}

func unknownKeyError(key string) error {
	return fmt.Errorf("unknown key %q (allowed keys: %s)", key, strings.Join(Keys(), ", "))
}

func unknownCategoryError(c string) error {
	return fmt.Errorf("unknown category %q (allowed: %s)", c, categoryList())
}

func categoryList() string {
	var names []string
	for _, c := range report.Categories() {
		names = append(names, string(c))
	}
	return strings.Join(names, ", ")
}

// sortedCategories returns the keys of m in precedence order.
func sortedCategories(m map[report.Category]Limit) []report.Category {
	var out []report.Category
	for c := range m {
		out = append(out, c)
	}
	rank := map[report.Category]int{}
	for i, c := range report.Categories() {
		rank[c] = i
	}
	sort.Slice(out, func(i, j int) bool {
		ri, oki := rank[out[i]]
		rj, okj := rank[out[j]]
		if oki != okj {
			return oki
		}
		if ri != rj {
			return ri < rj
		}
		return out[i] < out[j]
	})
	return out
}
