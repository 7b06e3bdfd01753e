package depcheck

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/slimcheck/slimcheck"

// deps returns the transitive imports of pkg (module-relative), via go list.
func deps(t *testing.T, pkg string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", module+"/"+pkg).Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("go list %s: %v\n%s", pkg, err, ee.Stderr)
		}
		t.Fatalf("go list %s: %v", pkg, err)
	}
	return strings.Fields(string(out))
}

func TestFences(t *testing.T) {
	ui := []string{"github.com/charmbracelet/bubbletea", "github.com/charmbracelet/lipgloss", "github.com/charmbracelet/bubbles", "github.com/spf13/cobra"}
	tests := []struct {
		pkg       string
		forbidden []string
	}{
		{"analyze/...", ui},
		{"report", append(append([]string{}, ui...), "github.com/google/go-containerregistry", module+"/analyze")},
		{"recommend/...", ui},
		{"gate/...", ui},
		{"tui/...", []string{"github.com/google/go-containerregistry", module + "/analyze", "github.com/spf13/cobra"}},
	}
	for _, tt := range tests {
		t.Run(strings.ReplaceAll(tt.pkg, "/", "_"), func(t *testing.T) {
			base := strings.TrimSuffix(tt.pkg, "/...")
			out, err := exec.Command("go", "list", module+"/"+tt.pkg).Output()
			if err != nil || len(strings.TrimSpace(string(out))) == 0 {
				t.Skipf("no packages match %s yet", tt.pkg)
			}
			for _, p := range strings.Fields(string(out)) {
				rel := strings.TrimPrefix(p, module+"/")
				if !strings.HasPrefix(rel, base) {
					continue
				}
				for _, d := range deps(t, rel) {
					for _, f := range tt.forbidden {
						if d == f || strings.HasPrefix(d, f+"/") {
							t.Errorf("%s imports %s (through its dependencies); that crosses an architecture fence", p, d)
						}
					}
				}
			}
		})
	}
}
