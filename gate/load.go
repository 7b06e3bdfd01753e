package gate

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

// maxPolicyBytes caps a policy file: a larger one is not a policy.
const maxPolicyBytes = 1 << 20

// PolicyFiles are the file names FindPolicy looks for, in order: ours,
// then dive's (read as dive reads it).
var PolicyFiles = []string{".slimcheck.yaml", ".slimcheck.yml", ".dive-ci"}

// FindPolicy returns the first of PolicyFiles that exists in dir, or "" when
// none does (the caller then uses DefaultPolicy).
func FindPolicy(dir string) (string, error) {
	for _, name := range PolicyFiles {
		p := filepath.Join(dir, name)
		_, err := os.Stat(p)
		if err == nil {
			return p, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("looking for %s: %w", p, err)
		}
	}
	return "", nil
}

// LoadPolicy reads a policy file. A file named like dive's (.dive-ci,
// dive-ci.yaml…) or whose top level has dive's "rules" key is read as dive
// reads .dive-ci (see ParseDiveCI); any other as .slimcheck.yaml (see
// ParsePolicy).
func LoadPolicy(path string) (*Policy, error) {
	data, err := readPolicyFile(path)
	if err != nil {
		return nil, err
	}
	if IsDiveCI(path, data) {
		return ParseDiveCI(data, path)
	}
	return ParsePolicy(data, path)
}

func readPolicyFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading policy %s: %w", path, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxPolicyBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading policy %s: %w", path, err)
	}
	if len(data) > maxPolicyBytes {
		return nil, fmt.Errorf("reading policy %s: larger than %d bytes", path, maxPolicyBytes)
	}
	return data, nil
}

// IsDiveCI reports whether a policy file is in dive's .dive-ci format: by
// its name, or by a top-level "rules" key (any case, as viper reads keys).
func IsDiveCI(path string, data []byte) bool {
	if strings.Contains(strings.ToLower(filepath.Base(path)), "dive-ci") {
		return true
	}
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 {
		return false
	}
	top := doc.Content[0]
	if top.Kind != yaml.MappingNode {
		return false
	}
	for i := 0; i < len(top.Content); i += 2 {
		if strings.EqualFold(top.Content[i].Value, "rules") {
			return true
		}
	}
	return false
}

// ParsePolicy reads .slimcheck.yaml: rules as top-level keys (see Keys),
// each a limit, "off", or {limit: …, level: fail|warn|off}. Keys not set keep
// DefaultPolicy's values. Call Finish once flags were applied. Unknown keys and bad values are errors that name
// the key and the allowed values, all reported at once.
func ParsePolicy(data []byte, name string) (*Policy, error) {
	p := DefaultPolicy()
	p.Source = name
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return p, nil // an empty file: the defaults
		}
		return nil, fmt.Errorf("parsing policy %s: %w", name, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, fmt.Errorf("parsing policy %s: more than one YAML document", name)
	}
	if len(doc.Content) == 0 {
		return p, nil
	}
	top := doc.Content[0]
	if isNull(top) {
		return p, nil
	}
	if top.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("parsing policy %s: line %d: want a mapping of rule keys to values", name, top.Line)
	}
	var errs []error
	seen := map[string]int{}
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], top.Content[i+1]
		if line, dup := seen[k.Value]; dup {
			errs = append(errs, fmt.Errorf("line %d: %s: set twice (first on line %d)", k.Line, k.Value, line))
			continue
		}
		seen[k.Value] = k.Line
		def := lookupKey(k.Value)
		if def == nil {
			hint := ""
			if strings.EqualFold(k.Value, "rules") {
				hint = "; dive's rules: section belongs in a .dive-ci file, in .slimcheck.yaml its keys are top-level"
			}
			errs = append(errs, fmt.Errorf("line %d: %w%s", k.Line, unknownKeyError(k.Value), hint))
			continue
		}
		if err := def.set(p, v); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", k.Value, err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("policy %s:\n%w", name, err)
	}
	return p, nil
}
