package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestLanguageOf(t *testing.T) {
	for name, want := range map[string]language{
		"Dockerfile": langDockerfile, "runtime.Dockerfile": langDockerfile, "Dockerfile.builder": langDockerfile,
		"Containerfile": langDockerfile, "chained-build.sh": langShell, "openshift.yaml": langYAML, "x.yml": langYAML,
		"README.md": langPlain,
	} {
		if got := languageOf(name); got != want {
			t.Errorf("languageOf(%q) = %v, want %v", name, got, want)
		}
	}
}

// TestHighlight checks which words get which style, by marking each style
// with its own colour and reading the colours back.
func TestHighlight(t *testing.T) {
	st := colorStyles(true)
	tests := []struct {
		name, file, line string
		styled           map[string]string // text → the style expected on it
	}{
		{"instruction and flag", "Dockerfile", "COPY --from=builder /a /b", map[string]string{"COPY": st.SynKeyword.Render("COPY"), "--from=builder": st.SynFlag.Render("--from=builder")}},
		{"comment", "Dockerfile", "# syntax=docker/dockerfile:1", map[string]string{"#": st.SynComment.Render("# syntax=docker/dockerfile:1")}},
		{"env with string and variable", "Dockerfile", `ENV PATH="/x:${PATH}" A=$B`, map[string]string{"ENV": st.SynKeyword.Render("ENV"), `"/x:${PATH}"`: st.SynString.Render(`"/x:${PATH}"`), "$B": st.SynVar.Render("$B")}},
		{"shell keyword", "chained-build.sh", "set -eu", map[string]string{"set": st.SynKeyword.Render("set"), "-eu": st.SynFlag.Render("-eu")}},
		{"yaml key and value", "openshift.yaml", `  runPolicy: "Serial"`, map[string]string{"runPolicy": st.SynKey.Render("runPolicy"), `"Serial"`: st.SynString.Render(`"Serial"`)}},
		{"yaml list item", "openshift.yaml", "  - type: ImageChange", map[string]string{"-": st.SynKeyword.Render("-"), "type": st.SynKey.Render("type")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := highlight(st, tt.file, tt.line)[0]
			if ansi.Strip(got) != tt.line {
				t.Fatalf("text changed: %q", ansi.Strip(got))
			}
			for text, want := range tt.styled {
				if !strings.Contains(got, want) {
					t.Errorf("%q is not styled as expected in %q", text, got)
				}
			}
		})
	}
}

// FuzzHighlight: whatever the file holds, highlighting keeps its text
// (made safe) and emits no control characters of its own beyond styles.
func FuzzHighlight(f *testing.F) {
	for _, g := range sampleFiles() {
		f.Add(g.Name, g.Content)
	}
	f.Add("Dockerfile", "RUN echo \"unterminated\nRUN ${X\n\x1b]52;c;aGk=\x07\tCOPY")
	f.Add("x.yaml", "key: 'v\n- \n-\n:\n  # c")
	f.Fuzz(func(t *testing.T, name, content string) {
		st := colorStyles(true)
		lines := highlight(st, name, content)
		want := strings.Split(strings.TrimSuffix(content, "\n"), "\n")
		if len(lines) != len(want) {
			t.Fatalf("%d lines from %d", len(lines), len(want))
		}
		for i, l := range lines {
			plain := ansi.Strip(l)
			if plain != safe(want[i]) {
				t.Fatalf("line %d: %q, want %q", i, plain, safe(want[i]))
			}
			for _, r := range plain {
				if r < 0x20 || r == 0x7f {
					t.Fatalf("line %d keeps control character %q", i, r)
				}
			}
		}
	})
}
