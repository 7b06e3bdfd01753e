package pnp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// File names a Plug'n'Play install writes in the project root.
const (
	// ScriptName is the loader Yarn 3 and 4 write (and Yarn 2 for
	// "type": "module" projects).
	ScriptName = ".pnp.cjs"
	// LegacyScriptName is the loader Yarn 2 writes.
	LegacyScriptName = ".pnp.js"
	// DataName holds the state when pnpEnableInlining is false.
	DataName = ".pnp.data.json"
)

// ErrNoInlineState says a loader script embeds no state: with
// pnpEnableInlining: false it reads .pnp.data.json beside it instead.
var ErrNoInlineState = errors.New("the Plug'n'Play loader embeds no state (it reads " + DataName + ")")

// ErrClassic says a .pnp.js was written by Yarn 1, whose Plug'n'Play map
// has another format that is not read.
var ErrClassic = errors.New("a Yarn 1 Plug'n'Play map, which is not read")

// Locator names one package instance. The top-level workspace, which the
// map writes as [null, null], is the zero Locator.
type Locator struct {
	// Name is the package name ("" for the top-level entry).
	Name string
	// Reference is Yarn's reference: "npm:1.2.3", "workspace:packages/a",
	// "virtual:<hash>#npm:1.2.3", "patch:…" ("" for the top-level entry).
	Reference string
}

// TopLevel reports whether l is the map's top-level entry ([null, null]).
func (l Locator) TopLevel() bool { return l.Name == "" && l.Reference == "" }

// Workspace reports whether l is a workspace of the project: the top-level
// entry or a "workspace:" reference.
func (l Locator) Workspace() bool {
	return l.TopLevel() || strings.HasPrefix(l.Reference, "workspace:")
}

// Version is the version a reference names ("npm:4.3.4" and
// "virtual:<hash>#npm:4.3.4" give "4.3.4"), or "" when it names none.
func (l Locator) Version() string {
	r := l.Reference
	if strings.HasPrefix(r, "virtual:") {
		if i := strings.IndexByte(r, '#'); i >= 0 {
			r = r[i+1:]
		}
	}
	v, ok := strings.CutPrefix(r, "npm:")
	if !ok || v == "" || strings.ContainsAny(v, ":#/ ") {
		return ""
	}
	return v
}

// String formats l as name@reference, as Yarn does.
func (l Locator) String() string {
	if l.TopLevel() {
		return "<top-level>"
	}
	return l.Name + "@" + l.Reference
}

// Dependency is one entry of a package's packageDependencies.
type Dependency struct {
	// Name is the name the package requires it by (an alias name for
	// aliased dependencies).
	Name string
	// Target is the package instance the name resolves to; its Name
	// differs from Name for an alias ("my-ms": ["ms", "npm:2.0.0"]).
	Target Locator
	// Missing is set for null: an (optional) peer dependency nothing
	// provides. Target is then empty.
	Missing bool
}

// Package is one package instance of the map.
type Package struct {
	Locator
	// Location is packageLocation as written: relative to the directory of
	// the map ("./.yarn/cache/x.zip/node_modules/x/",
	// "../../root/.yarn/berry/cache/…", "./packages/a/").
	Location string
	// LinkType is "HARD" (the package's own files) or "SOFT" (a link to
	// files elsewhere: workspaces, portals, links, virtual bases).
	LinkType string
	// Dependencies are its packageDependencies, in map order.
	Dependencies []Dependency
}

// State is the part of a Plug'n'Play runtime state slimcheck reads.
type State struct {
	// Roots are the dependencyTreeRoots: the project's workspaces.
	Roots []Locator
	// Packages are the entries of packageRegistryData, in map order.
	Packages []Package
}

// Parse reads the state from a file named name (a base name or path): the
// plain JSON of a .pnp.data.json, else a loader script. For a loader that
// embeds no state it returns ErrNoInlineState.
func Parse(name string, data []byte) (*State, error) {
	if name == DataName || strings.HasSuffix(name, "/"+DataName) {
		return ParseData(data)
	}
	return ParseScript(data)
}

// ParseData reads the JSON of a .pnp.data.json (or of an embedded state).
func ParseData(data []byte) (*State, error) {
	var raw struct {
		Roots    []json.RawMessage `json:"dependencyTreeRoots"`
		Registry []json.RawMessage `json:"packageRegistryData"`
	}
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("decoding the Plug'n'Play state: %w", err)
	}
	if raw.Registry == nil {
		return nil, errors.New("decoding the Plug'n'Play state: no packageRegistryData")
	}
	st := &State{}
	for _, r := range raw.Roots {
		var l struct {
			Name      *string `json:"name"`
			Reference *string `json:"reference"`
		}
		if json.Unmarshal(r, &l) == nil && l.Name != nil && l.Reference != nil {
			st.Roots = append(st.Roots, Locator{*l.Name, *l.Reference})
		}
	}
	for i, e := range raw.Registry {
		if err := st.addEntry(e); err != nil {
			return nil, fmt.Errorf("decoding packageRegistryData entry %d: %w", i, err)
		}
	}
	return st, nil
}

// addEntry decodes one [name, [[reference, info], …]] entry.
func (st *State) addEntry(e json.RawMessage) error {
	var pair []json.RawMessage
	if err := json.Unmarshal(e, &pair); err != nil || len(pair) != 2 {
		return errors.New("not a [name, instances] pair")
	}
	name, err := nullableString(pair[0])
	if err != nil {
		return fmt.Errorf("name: %w", err)
	}
	var instances []json.RawMessage
	if err := json.Unmarshal(pair[1], &instances); err != nil {
		return fmt.Errorf("instances of %q: not an array", name)
	}
	for _, in := range instances {
		var ri []json.RawMessage
		if err := json.Unmarshal(in, &ri); err != nil || len(ri) != 2 {
			return fmt.Errorf("instance of %q: not a [reference, information] pair", name)
		}
		ref, err := nullableString(ri[0])
		if err != nil {
			return fmt.Errorf("reference of %q: %w", name, err)
		}
		if (name == "") != (ref == "") {
			return fmt.Errorf("instance %q@%q: only the top-level entry has no name or reference", name, ref)
		}
		var info struct {
			Location *string             `json:"packageLocation"`
			Deps     [][]json.RawMessage `json:"packageDependencies"`
			LinkType string              `json:"linkType"`
		}
		if err := json.Unmarshal(ri[1], &info); err != nil {
			return fmt.Errorf("information of %s@%s: %w", name, ref, err)
		}
		if info.Location == nil {
			return fmt.Errorf("%s@%s has no packageLocation", name, ref)
		}
		p := Package{Locator: Locator{name, ref}, Location: *info.Location, LinkType: info.LinkType}
		for _, d := range info.Deps {
			dep, err := decodeDependency(d)
			if err != nil {
				return fmt.Errorf("dependency of %s@%s: %w", name, ref, err)
			}
			p.Dependencies = append(p.Dependencies, dep)
		}
		st.Packages = append(st.Packages, p)
	}
	return nil
}

// decodeDependency decodes [name, reference | [name, reference] | null].
func decodeDependency(d []json.RawMessage) (Dependency, error) {
	if len(d) != 2 {
		return Dependency{}, errors.New("not a [name, reference] pair")
	}
	var name string
	if err := json.Unmarshal(d[0], &name); err != nil || name == "" {
		return Dependency{}, errors.New("no name")
	}
	v := bytes.TrimSpace(d[1])
	switch {
	case bytes.Equal(v, []byte("null")):
		return Dependency{Name: name, Missing: true}, nil
	case len(v) > 0 && v[0] == '[':
		var alias []string
		if err := json.Unmarshal(v, &alias); err != nil || len(alias) != 2 || alias[0] == "" || alias[1] == "" {
			return Dependency{}, fmt.Errorf("%s: not an [alias, reference] pair", name)
		}
		return Dependency{Name: name, Target: Locator{alias[0], alias[1]}}, nil
	}
	var ref string
	if err := json.Unmarshal(v, &ref); err != nil || ref == "" {
		return Dependency{}, fmt.Errorf("%s: no reference", name)
	}
	return Dependency{Name: name, Target: Locator{name, ref}}, nil
}

// nullableString decodes a JSON string or null ("").
func nullableString(raw json.RawMessage) (string, error) {
	var s *string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", errors.New("neither a string nor null")
	}
	if s == nil {
		return "", nil
	}
	if *s == "" {
		return "", errors.New("empty string")
	}
	return *s, nil
}
