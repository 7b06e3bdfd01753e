package node

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// bigProject builds a project with n hoisted packages: the first half
// production (a chain plus fan-out), the second half dev-only, every tenth
// one nested once, and a v3 lockfile saying so.
func bigProject(tb testing.TB, n int) files {
	f := files{}
	var prod, dev []string
	entries := []lockEntry{}
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("pkg-%05d", i)
		isDev := i >= n/2
		deps := []string{}
		if i+1 < n && (i+1 < n/2) == !isDev {
			deps = append(deps, fmt.Sprintf("pkg-%05d@1", i+1))
		}
		if i%10 == 0 {
			deps = append(deps, "nested@2")
			f.pkg(tb, "/app/node_modules/"+name+"/node_modules/nested", "2.0.0")
			entries = append(entries, lockEntry{"node_modules/" + name + "/node_modules/nested", "2.0.0", map[bool]string{true: "dev"}[isDev]})
		}
		f.pkg(tb, "/app/node_modules/"+name, "1.0.0", deps...)
		flags := ""
		if isDev {
			flags = "dev"
		}
		entries = append(entries, lockEntry{"node_modules/" + name, "1.0.0", flags})
		if i == 0 {
			prod = append(prod, name+"@1")
		}
		if i == n/2 {
			dev = append(dev, name+"@1")
		}
	}
	f.project(tb, "/app", prod, dev)
	f["/app/package-lock.json"] = npmLockBytes(tb, entries...)
	return f
}

func BenchmarkAnalyzeNpm5000(b *testing.B) {
	f := bigProject(b, 5000)
	size := 0
	for _, v := range f {
		size += len(v)
	}
	b.SetBytes(int64(size))
	b.ResetTimer()
	for b.Loop() {
		Analyze(context.Background(), f)
	}
}

func TestBigProjectClassification(t *testing.T) {
	f := bigProject(t, 2000)
	start := time.Now()
	r, probs := analyzeRoot(t, f, "/app")
	if len(probs) != 0 {
		t.Errorf("problems: %v", probs)
	}
	if len(r.Dev) != 1100 || len(r.Prod) != 1100 || len(r.Extraneous) != 0 {
		t.Errorf("dev %d prod %d extraneous %d, want 1100/1100/0", len(r.Dev), len(r.Prod), len(r.Extraneous))
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
}

func TestHostileShapesAreBounded(t *testing.T) {
	f := files{}
	f.project(t, "/app", []string{"a@1"}, []string{"b@1"})
	f.pkg(t, "/app/node_modules/a", "1.0.0", "b@1").pkg(t, "/app/node_modules/b", "1.0.0", "a@1") // a cycle
	dir := "/app/node_modules/deep"
	for i := 0; i < 400; i++ { // 400 nested levels, each requiring missing packages
		f.pkg(t, dir, "1.0.0", "missing-1@1", "missing-2@1", "deep@1")
		dir += "/node_modules/deep"
	}
	f["/app/yarn.lock"] = []byte("# yarn lockfile v1\n\n" + strings.Repeat("a@1:\n  version \"1.0.0\"\n  dependencies:\n    a \"1\"\n\n", 2000))
	start := time.Now()
	r, _ := analyzeRoot(t, f, "/app")
	if len(r.Prod) != 2 || len(r.Extraneous) != 400 {
		t.Errorf("prod %v extraneous %d", pathsOf(r.Prod), len(r.Extraneous))
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
}
