package node

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
)

// dep is one declared dependency: a name and the range as written.
type dep struct {
	Name  string
	Range string
}

// manifest is the part of a package.json the analysis needs.
type manifest struct {
	Name     string
	Version  string
	Deps     []dep // dependencies
	DevDeps  []dep // devDependencies
	OptDeps  []dep // optionalDependencies
	PeerDeps []dep // peerDependencies
}

// prodDeps returns dependencies, optionalDependencies and peerDependencies:
// everything a package needs at run time.
func (m *manifest) prodDeps() []dep {
	out := make([]dep, 0, len(m.Deps)+len(m.OptDeps)+len(m.PeerDeps))
	out = append(out, m.Deps...)
	out = append(out, m.OptDeps...)
	return append(out, m.PeerDeps...)
}

// utf8BOM is the byte-order mark some editors put before JSON.
const utf8BOM = "\xEF\xBB\xBF"

// parseManifest decodes a package.json leniently: fields of an unexpected
// type are ignored, dependency names that cannot name an install directory
// are dropped. Only a document that is not a JSON object is an error.
func parseManifest(data []byte) (manifest, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(bytes.TrimPrefix(data, []byte(utf8BOM)), &raw); err != nil {
		return manifest{}, fmt.Errorf("decoding package.json: %w", err)
	}
	return manifest{
		Name:     jsonString(raw["name"]),
		Version:  jsonString(raw["version"]),
		Deps:     depList(raw["dependencies"]),
		DevDeps:  depList(raw["devDependencies"]),
		OptDeps:  depList(raw["optionalDependencies"]),
		PeerDeps: depList(raw["peerDependencies"]),
	}, nil
}

// jsonString returns raw as a string if it is a JSON string, else "".
func jsonString(raw json.RawMessage) string {
	var s string
	if len(raw) == 0 || json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}

// depList decodes a name→range object, sorted by name. A non-object gives
// nil; a non-string range is kept as "".
func depList(raw json.RawMessage) []dep {
	var m map[string]json.RawMessage
	if len(raw) == 0 || json.Unmarshal(raw, &m) != nil {
		return nil
	}
	out := make([]dep, 0, len(m))
	for name, r := range m {
		if validName(name) {
			out = append(out, dep{Name: name, Range: jsonString(r)})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
