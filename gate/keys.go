package gate

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/slimcheck/slimcheck/report"
)

// keyDef is one key of .slimcheck.yaml (and flag of `slimcheck ci`).
type keyDef struct {
	name string
	help string                              // what it does and the values it takes
	set  func(p *Policy, n *yaml.Node) error // applies a YAML value (a scalar for flags)
}

// keyDefs lists the keys in the order their rules are reported.
var keyDefs = []keyDef{
	{"max-size", "fail when the image (sum of all layers' file sizes) is larger: SIZE such as 250MB",
		limitKey(func(p *Policy) *Limit { return &p.MaxSize }, parseSize)},
	{"max-compressed-size", "fail when the stored (compressed) layers add up to more: SIZE",
		limitKey(func(p *Policy) *Limit { return &p.MaxCompressedSize }, parseSize)},
	{"max-layers", "fail when the image has more layers: COUNT",
		limitKey(func(p *Policy) *Limit { return &p.MaxLayers }, parseCount)},
	{"lowestEfficiency", "dive's rule: fail when dive's efficiency is below this ratio (0-1) or \"disabled\"",
		diveKey(func(p *Policy) *Limit { return &p.LowestEfficiency }, func(s string) (Limit, error) { return parseDiveRatio(s, false) })},
	{"highestWastedBytes", "dive's rule: fail when dive's wasted bytes exceed this size (20MB) or \"disabled\"",
		diveKey(func(p *Policy) *Limit { return &p.HighestWastedBytes }, func(s string) (Limit, error) { return parseDiveBytes(s) })},
	{"highestUserWastedPercent", "dive's rule: fail when wasted bytes / user bytes exceed this ratio (0-1) or \"disabled\"",
		diveKey(func(p *Policy) *Limit { return &p.HighestUserWastedPercent }, func(s string) (Limit, error) { return parseDiveRatio(s, false) })},
	{"max-hidden-bytes", "fail when more bytes are stored but hidden (overwritten or deleted) in later layers: SIZE",
		limitKey(func(p *Policy) *Limit { return &p.MaxHiddenBytes }, parseSize)},
	{"forbid", "fail when any of these categories holds bytes (tolerance: max-category): CATEGORY[,CATEGORY…]", setForbid},
	{"max-category", "cap the bytes of categories: CATEGORY=SIZE[,CATEGORY=SIZE…]", setMaxCategory},
	{"max-dev-dependencies", "fail when dev dependencies (devDependencies and the like) hold more: SIZE",
		limitKey(func(p *Policy) *Limit { return &p.MaxDevDependencies }, parseSize)},
	{"max-removable", "fail when the recommended split would leave more behind: SIZE or PERCENT of the image",
		limitKey(func(p *Policy) *Limit { return &p.MaxRemovable }, func(s string) (Limit, error) { return parseAmount(s, 100) })},
	{"min-savings", "fail when the recommended split would save more (net of its runtime base): SIZE or PERCENT",
		limitKey(func(p *Policy) *Limit { return &p.MinSavings }, func(s string) (Limit, error) { return parseAmount(s, 100) })},
	{"baseline", "compare with this image (e.g. the main branch's build): REF", setBaseline},
	{"max-growth", "fail when the image grew more than this against the baseline: SIZE or PERCENT (default " + DefaultMaxGrowth + ")",
		limitKey(func(p *Policy) *Limit { return &p.MaxGrowth }, func(s string) (Limit, error) { return parseAmount(s, 0) })},
	{"ignore-paths", "globs no rule sees (/models/**, *.onnx): GLOB[,GLOB…]", setIgnorePaths},
	{"min-size-for-ratio-rules", "skip ratio rules on images smaller than this: SIZE", setMinRatioSize},
	{"secrets-in-env", "secret-looking ENV values in the image config: fail, warn or off", setSecrets},
}

func lookupKey(name string) *keyDef {
	for i := range keyDefs {
		if keyDefs[i].name == name {
			return &keyDefs[i]
		}
	}
	return nil
}

// scalar wraps a flag value as a YAML string node.
func scalar(v string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v}
}

// nodeErr prefixes err with the node's line when it came from a file.
func nodeErr(n *yaml.Node, format string, args ...any) error {
	err := fmt.Errorf(format, args...)
	if n != nil && n.Line > 0 {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	return err
}

// plainFloat rewrites a YAML float (.5, 1e9, .nan) as Go writes it, so
// that YAML's spellings parse.
func plainFloat(n *yaml.Node) *yaml.Node {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!float" {
		return n
	}
	var f float64
	if n.Decode(&f) != nil {
		return n
	}
	c := *n
	c.Value = strconv.FormatFloat(f, 'f', -1, 64)
	return &c
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// limitValue reads a rule value: a scalar limit, "off", or a mapping
// {limit: …, level: fail|warn|off}.
func limitValue(n *yaml.Node, parse func(string) (Limit, error)) (Limit, error) {
	switch n.Kind {
	case yaml.ScalarNode:
		if isNull(n) {
			return Limit{}, nodeErr(n, "needs a value (a limit, off, or {limit: …, level: warn})")
		}
		n = plainFloat(n)
		if isOff(n.Value) {
			return Limit{Level: LevelOff, Text: n.Value}, nil
		}
		l, err := parse(n.Value)
		if err != nil {
			return Limit{}, nodeErr(n, "%w", err)
		}
		return l, nil
	case yaml.MappingNode:
		var limitNode *yaml.Node
		level := LevelFail
		var errs []error
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			switch k.Value {
			case "limit":
				limitNode = v
			case "level":
				lv, err := parseLevel(v.Value)
				if err != nil || v.Kind != yaml.ScalarNode {
					errs = append(errs, nodeErr(v, "level: %q is not one of fail, warn, off", v.Value))
					continue
				}
				level = lv
			default:
				errs = append(errs, nodeErr(k, "unknown field %q (allowed: limit, level)", k.Value))
			}
		}
		if len(errs) > 0 {
			return Limit{}, errors.Join(errs...)
		}
		if level == LevelOff {
			return Limit{Level: LevelOff, Text: "off"}, nil
		}
		if limitNode == nil {
			return Limit{}, nodeErr(n, "needs a limit: {limit: …, level: %s}", level)
		}
		if limitNode.Kind != yaml.ScalarNode || isNull(limitNode) || isOff(limitNode.Value) {
			return Limit{}, nodeErr(limitNode, "limit: want a single value")
		}
		l, err := parse(plainFloat(limitNode).Value)
		if err != nil {
			return Limit{}, nodeErr(limitNode, "limit: %w", err)
		}
		l.Level = level
		return l, nil
	}
	return Limit{}, nodeErr(n, "want a limit, off, or {limit: …, level: fail|warn|off}")
}

func limitKey(field func(*Policy) *Limit, parse func(string) (Limit, error)) func(*Policy, *yaml.Node) error {
	return func(p *Policy, n *yaml.Node) error {
		l, err := limitValue(n, parse)
		if err != nil {
			return err
		}
		*field(p) = l
		return nil
	}
}

// diveKey is limitKey for dive's rules: dive's own "disabled" is honoured
// as written, as are our off words.
func diveKey(field func(*Policy) *Limit, parse func(string) (Limit, error)) func(*Policy, *yaml.Node) error {
	return func(p *Policy, n *yaml.Node) error {
		l, err := limitValue(n, parse)
		if err != nil {
			return err
		}
		if l.Level == LevelOff {
			l.Unit = field(p).Unit
		}
		*field(p) = l
		return nil
	}
}

// stringList reads a sequence of strings, or one comma-separated string.
func stringList(n *yaml.Node) ([]string, error) {
	switch n.Kind {
	case yaml.ScalarNode:
		if isNull(n) {
			return nil, nil
		}
		var out []string
		for _, s := range strings.Split(n.Value, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
		return out, nil
	case yaml.SequenceNode:
		var out []string
		var errs []error
		for _, c := range n.Content {
			if c.Kind != yaml.ScalarNode || isNull(c) {
				errs = append(errs, nodeErr(c, "want a string"))
				continue
			}
			out = append(out, c.Value)
		}
		return out, errors.Join(errs...)
	}
	return nil, nodeErr(n, "want a list of strings")
}

func categories(n *yaml.Node) ([]report.Category, error) {
	names, err := stringList(n)
	if err != nil {
		return nil, err
	}
	var out []report.Category
	var errs []error
	seen := map[report.Category]bool{}
	for _, s := range names {
		c := report.Category(s)
		if !c.Valid() {
			errs = append(errs, nodeErr(n, "%w", unknownCategoryError(s)))
			continue
		}
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out, errors.Join(errs...)
}

// setForbid reads [cat, …], "cat,cat", off, or {categories: […], level: …}.
func setForbid(p *Policy, n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode && !isNull(n) && isOff(n.Value) {
		p.Forbid = Forbid{Level: LevelOff}
		return nil
	}
	if n.Kind != yaml.MappingNode {
		cs, err := categories(n)
		if err != nil {
			return err
		}
		p.Forbid = Forbid{Level: LevelFail, Categories: cs}
		return nil
	}
	f := Forbid{Level: LevelFail}
	var errs []error
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "categories":
			cs, err := categories(v)
			if err != nil {
				errs = append(errs, err)
			}
			f.Categories = cs
		case "level":
			lv, err := parseLevel(v.Value)
			if err != nil {
				errs = append(errs, nodeErr(v, "level: %q is not one of fail, warn, off", v.Value))
			}
			f.Level = lv
		default:
			errs = append(errs, nodeErr(k, "unknown field %q (allowed: categories, level)", k.Value))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	p.Forbid = f
	return nil
}

// setMaxCategory reads {category: limit | {limit, level}, …} or, from a
// flag, "category=SIZE,category=SIZE".
func setMaxCategory(p *Policy, n *yaml.Node) error {
	m := map[report.Category]Limit{}
	var errs []error
	add := func(at *yaml.Node, name string, v *yaml.Node) {
		c := report.Category(name)
		if !c.Valid() {
			errs = append(errs, nodeErr(at, "%w", unknownCategoryError(name)))
			return
		}
		l, err := limitValue(v, parseSize)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
			return
		}
		m[c] = l
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			add(n.Content[i], n.Content[i].Value, n.Content[i+1])
		}
	case yaml.ScalarNode:
		if isNull(n) || isOff(n.Value) {
			break
		}
		for _, part := range strings.Split(n.Value, ",") {
			name, val, ok := strings.Cut(strings.TrimSpace(part), "=")
			if !ok {
				errs = append(errs, nodeErr(n, "%q: want CATEGORY=SIZE", part))
				continue
			}
			add(n, strings.TrimSpace(name), scalar(strings.TrimSpace(val)))
		}
	default:
		errs = append(errs, nodeErr(n, "want a mapping of category to size, e.g. {package-cache: 1MB}"))
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	p.MaxCategory = m
	return nil
}

func setBaseline(p *Policy, n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode || isNull(n) {
		return nodeErr(n, "want an image reference")
	}
	ref := strings.TrimSpace(n.Value)
	if isOff(ref) || ref == "" {
		p.Baseline = ""
		return nil
	}
	if strings.ContainsAny(ref, " \t\r\n") {
		return nodeErr(n, "%q is not an image reference", ref)
	}
	p.Baseline = ref
	return nil
}

func setIgnorePaths(p *Policy, n *yaml.Node) error {
	globs, err := stringList(n)
	if err != nil {
		return err
	}
	var errs []error
	for _, g := range globs {
		if err := validateGlob(g); err != nil {
			errs = append(errs, nodeErr(n, "%w", err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	p.IgnorePaths = globs
	return nil
}

func setMinRatioSize(p *Policy, n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode || isNull(n) {
		return nodeErr(n, "want a size such as 10MB")
	}
	if isOff(n.Value) {
		p.MinSizeForRatioRules = 0
		return nil
	}
	l, err := parseSize(n.Value)
	if err != nil {
		return nodeErr(n, "%w", err)
	}
	p.MinSizeForRatioRules = l.Bytes
	return nil
}

func setSecrets(p *Policy, n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode || isNull(n) {
		return nodeErr(n, "want fail, warn or off")
	}
	v := strings.TrimSpace(n.Value)
	if isOff(v) {
		p.SecretsInEnv = LevelOff
		return nil
	}
	lv, err := parseLevel(v)
	if err != nil {
		return nodeErr(n, "%q is not one of fail, warn, off", n.Value)
	}
	p.SecretsInEnv = lv
	return nil
}
