package pnp

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fixtureApp is where the fixtures' project lives, in testdata/<variant>
// and in the images built from them.
const fixtureApp = "/usr/src/app"

// variants are the recorded installs (testdata/README.md) and the map file
// each one's state is read from.
var variants = []struct {
	name, mapFile string
}{
	{"yarn4-global", ScriptName},
	{"yarn4-local", ScriptName},
	{"yarn4-split", DataName},
	{"yarn3-local", ScriptName},
	{"yarn2-local", LegacyScriptName},
}

// readTestdata reads testdata/<variant>/<image path>.
func readTestdata(t testing.TB, variant, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", variant, filepath.FromSlash(strings.TrimPrefix(p, "/"))))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// encodeState writes st back in the map's JSON layout, for round trips.
func encodeState(st *State) []byte {
	nullable := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	type entry struct {
		name      string
		instances []any
	}
	// One registry entry per run of instances of one name, so that the
	// order of the instances survives.
	var entries []*entry
	for _, p := range st.Packages {
		if len(entries) == 0 || entries[len(entries)-1].name != p.Name {
			entries = append(entries, &entry{name: p.Name})
		}
		e := entries[len(entries)-1]
		deps := []any{}
		for _, d := range p.Dependencies {
			switch {
			case d.Missing:
				deps = append(deps, []any{d.Name, nil})
			case d.Target.Name != d.Name:
				deps = append(deps, []any{d.Name, []string{d.Target.Name, d.Target.Reference}})
			default:
				deps = append(deps, []any{d.Name, d.Target.Reference})
			}
		}
		e.instances = append(e.instances, []any{nullable(p.Reference), map[string]any{
			"packageLocation": p.Location, "packageDependencies": deps, "linkType": p.LinkType}})
	}
	reg := []any{}
	for _, e := range entries {
		reg = append(reg, []any{nullable(e.name), e.instances})
	}
	roots := []any{}
	for _, r := range st.Roots {
		roots = append(roots, map[string]string{"name": r.Name, "reference": r.Reference})
	}
	b, err := json.Marshal(map[string]any{"dependencyTreeRoots": roots, "packageRegistryData": reg})
	if err != nil {
		panic(err)
	}
	return b
}

// yarnLiteral quotes s the way Yarn 4's generateStringLiteral does.
func yarnLiteral(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, `'`, `\'`)
	return "'" + strings.ReplaceAll(s, "\n", "\\\n") + "'"
}
