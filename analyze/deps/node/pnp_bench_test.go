package node

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/slimcheck/slimcheck/analyze/deps/node/pnp"
)

// bigPnPProject is a Yarn 4 global-cache project with n packages in its
// Plug'n'Play map: the first half production, the second dev-only, each
// depending on the next three of its half and on a virtual instance.
func bigPnPProject(tb testing.TB, n int) files {
	var b strings.Builder
	b.WriteString(`{"__info": [], "dependencyTreeRoots": [{"name": "app", "reference": "workspace:."}], "packageRegistryData": [`)
	b.WriteString(`[null, [[null, {"packageLocation": "./", "packageDependencies": [["app", "workspace:."], ["p-00000", "npm:1.0.0"], ["p-` +
		fmt.Sprintf("%05d", n/2) + `", "npm:1.0.0"]], "linkType": "SOFT"}]]],`)
	b.WriteString(`["app", [["workspace:.", {"packageLocation": "./", "packageDependencies": [], "linkType": "SOFT"}]]]`)
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("p-%05d", i)
		var deps []string
		for j := i + 1; j <= i+3 && j < n && (j < n/2) == (i < n/2); j++ {
			deps = append(deps, fmt.Sprintf(`["p-%05d", "npm:1.0.0"]`, j))
		}
		fmt.Fprintf(&b, `, ["%s", [["npm:1.0.0", {"packageLocation": "../../../root/.yarn/berry/cache/%s-npm-1.0.0-0123456789-10c0.zip/node_modules/%s/", "packageDependencies": [%s], "linkType": "HARD"}]]]`,
			name, name, name, strings.Join(deps, ", "))
	}
	b.WriteString("]}")
	lit := "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(b.String()) + "'"
	f := files{"/usr/src/app/.pnp.cjs": []byte("#!/usr/bin/env node\nconst RAW_RUNTIME_STATE =\n" + lit + ";\n")}
	f.project(tb, "/usr/src/app", []string{"p-00000@1.0.0"}, []string{fmt.Sprintf("p-%05d@1.0.0", n/2)})
	return f
}

// BenchmarkPnPAnalyze reads and classifies a 20,000-package map; bytes/op
// are the map's.
func BenchmarkPnPAnalyze(b *testing.B) {
	f := bigPnPProject(b, 20_000)
	b.SetBytes(int64(len(f["/usr/src/app/.pnp.cjs"])))
	for b.Loop() {
		r, _ := analyzeRoot(b, f, "/usr/src/app")
		if len(r.Prod) != 10_000 || len(r.Dev) != 10_000 {
			b.Fatalf("%d prod, %d dev", len(r.Prod), len(r.Dev))
		}
	}
}

// BenchmarkPnPParse reads the same map's state only.
func BenchmarkPnPParse(b *testing.B) {
	data := bigPnPProject(b, 20_000)["/usr/src/app/.pnp.cjs"]
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := pnp.ParseScript(data); err != nil {
			b.Fatal(err)
		}
	}
}

// TestBigPnPProject keeps the benchmark's project honest and bounded.
func TestBigPnPProject(t *testing.T) {
	r, probs := Analyze(context.Background(), bigPnPProject(t, 2_000))
	if len(probs) != 0 || len(r) != 1 || len(r[0].Prod) != 1_000 || len(r[0].Dev) != 1_000 {
		t.Fatalf("roots %d, problems %v", len(r), probs)
	}
}
