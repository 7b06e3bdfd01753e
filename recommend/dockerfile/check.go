package dockerfile

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"

	"github.com/slimcheck/slimcheck/recommend"
)

// Kind says which generated file Check looks at.
type Kind int

// Kinds of generated Dockerfile.
const (
	MultiStage     Kind = iota // Dockerfile
	ChainedRuntime             // runtime.Dockerfile
)

// keywordLine matches the first line of an instruction as Render writes it.
var keywordLine = regexp.MustCompile(`^[A-Z]+( |$)`)

// remoteURL matches sources ADD would download.
var remoteURL = regexp.MustCompile(`^(https?|git|ssh)://|^git@`)

// Check parses a generated Dockerfile with BuildKit's parser and verifies
// what the recommendation promises: one instruction per intended line (no
// value spilled onto a line of its own), every instruction well formed, no
// ADD of a remote URL, no RUN in the runtime stage (so no package-manager
// cache can be left there), COPY of exactly the planned paths, the planned
// exclusions deleted before the copy, and the planned ENTRYPOINT and CMD.
// It returns every problem found, joined.
func Check(content []byte, p *recommend.PlanResult, kind Kind) error {
	res, err := parser.Parse(bytes.NewReader(content))
	if err != nil {
		return fmt.Errorf("parsing the Dockerfile: %w", err)
	}
	var errs []error
	if err := checkLines(content, res.AST); err != nil {
		errs = append(errs, err)
	}
	stages, _, err := instructions.Parse(res.AST, nil)
	if err != nil {
		return errors.Join(append(errs, fmt.Errorf("reading the instructions: %w", err))...)
	}
	want := 2
	if kind == ChainedRuntime && len(p.Copy.Exclude) == 0 {
		want = 1
	}
	if len(stages) != want {
		return errors.Join(append(errs, fmt.Errorf("has %d stages, want %d", len(stages), want))...)
	}
	final := stages[len(stages)-1]
	if final.BaseName != p.Runtime.Image {
		errs = append(errs, fmt.Errorf("the runtime stage is FROM %q, want %q", final.BaseName, p.Runtime.Image))
	}
	for _, st := range stages {
		for _, c := range st.Commands {
			if a, ok := c.(*instructions.AddCommand); ok {
				for _, s := range a.SourcePaths {
					if remoteURL.MatchString(s) {
						errs = append(errs, fmt.Errorf("ADD of a remote URL %q", s))
					}
				}
			}
		}
	}
	errs = append(errs, checkRuntime(final, p, kind, kind == ChainedRuntime && len(stages) == 2)...)
	if len(p.Copy.Exclude) > 0 && len(stages) == 2 {
		wantRm := make([]string, len(p.Copy.Exclude))
		for i, e := range p.Copy.Exclude {
			wantRm[i] = e.Path
			if kind == ChainedRuntime {
				wantRm[i] = Stage + e.Path
			}
		}
		if kind == MultiStage {
			wantRm = p.Builder.Remove
		}
		if !hasRemove(stages[0], wantRm) {
			errs = append(errs, fmt.Errorf("the %s stage does not delete exactly the %d excluded paths", stages[0].Name, len(wantRm)))
		}
	}
	return errors.Join(errs...)
}

// checkLines verifies that every instruction starts on a line of its own
// and that the file holds exactly the instructions written.
func checkLines(content []byte, ast *parser.Node) error {
	lines := strings.Split(string(content), "\n")
	starts := map[int]bool{}
	prevCont := false
	for i, l := range lines {
		switch {
		case prevCont:
			if !strings.HasPrefix(l, "    ") {
				return fmt.Errorf("line %d continues an instruction but is not indented", i+1)
			}
		case l == "" || strings.HasPrefix(l, "# "):
		case keywordLine.MatchString(l):
			starts[i+1] = true
		default:
			return fmt.Errorf("line %d is neither an instruction, a comment nor a continuation: %.60q", i+1, l)
		}
		prevCont = strings.HasSuffix(l, " \\") && !strings.HasPrefix(l, "# ")
	}
	if len(ast.Children) != len(starts) {
		return fmt.Errorf("BuildKit reads %d instructions, the file has %d instruction lines", len(ast.Children), len(starts))
	}
	for _, n := range ast.Children {
		if !starts[n.StartLine] {
			return fmt.Errorf("an instruction starts on line %d, which was not written as one", n.StartLine)
		}
	}
	return nil
}

// expand applies BuildKit's word expansion with no variables set.
func expand(word string) (string, error) {
	lex := shell.NewLex('\\')
	s, _, err := lex.ProcessWord(word, emptyEnv{})
	return s, err
}

type emptyEnv struct{}

func (emptyEnv) Get(string) (string, bool) { return "", false }
func (emptyEnv) Keys() []string            { return nil }

// containsWildcards mirrors BuildKit: an unescaped *, ? or [.
func containsWildcards(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '*', '?', '[':
			return true
		}
	}
	return false
}

// checkRuntime checks the final stage.
func checkRuntime(st instructions.Stage, p *recommend.PlanResult, kind Kind, pruned bool) []error {
	var errs []error
	type pair struct{ src, dest string }
	var got []pair
	env := map[string]string{}
	labels := map[string]string{}
	var vols, ports []string
	workdir, user := "", ""
	for _, c := range st.Commands {
		switch c := c.(type) {
		case *instructions.EnvCommand:
			if err := c.Expand(expand); err != nil {
				errs = append(errs, fmt.Errorf("expanding ENV: %w", err))
				continue
			}
			for _, kv := range c.Env {
				env[kv.Key] = kv.Value
			}
		case *instructions.LabelCommand:
			if err := c.Expand(expand); err != nil {
				errs = append(errs, fmt.Errorf("expanding LABEL: %w", err))
				continue
			}
			for _, kv := range c.Labels {
				labels[kv.Key] = kv.Value
			}
		case *instructions.WorkdirCommand:
			if err := c.Expand(expand); err != nil {
				errs = append(errs, fmt.Errorf("expanding WORKDIR: %w", err))
			}
			workdir = c.Path
		case *instructions.UserCommand:
			if err := c.Expand(expand); err != nil {
				errs = append(errs, fmt.Errorf("expanding USER: %w", err))
			}
			user = c.User
		case *instructions.ExposeCommand:
			ports = append(ports, c.Ports...)
		case *instructions.VolumeCommand:
			if err := c.Expand(expand); err != nil {
				errs = append(errs, fmt.Errorf("expanding VOLUME: %w", err))
			}
			vols = append(vols, c.Volumes...)
		case *instructions.RunCommand:
			errs = append(errs, fmt.Errorf("the runtime stage runs %q: it must only copy", strings.Join(c.CmdLine, " ")))
		case *instructions.AddCommand:
			errs = append(errs, errors.New("the runtime stage uses ADD"))
		case *instructions.CopyCommand:
			if err := c.Expand(expand); err != nil {
				errs = append(errs, fmt.Errorf("expanding COPY: %w", err))
				continue
			}
			for _, s := range c.SourcePaths {
				src := s
				if containsWildcards(s) {
					src = globUnescape(s)
				}
				dest := c.DestPath
				if strings.HasSuffix(dest, "/") && len(c.SourcePaths) > 1 {
					dest = path.Join(dest, path.Base(src))
				}
				got = append(got, pair{src, dest})
			}
		case *instructions.CmdCommand:
			if !equal(c.CmdLine, p.Config.Cmd) || c.PrependShell {
				errs = append(errs, fmt.Errorf("CMD is %q, want %q", c.CmdLine, p.Config.Cmd))
			}
		case *instructions.EntrypointCommand:
			if !equal(c.CmdLine, p.Config.Entrypoint) || c.PrependShell {
				errs = append(errs, fmt.Errorf("ENTRYPOINT is %q, want %q", c.CmdLine, p.Config.Entrypoint))
			}
		}
	}
	errs = append(errs, checkConfig(p.Config, env, labels, vols, workdir, user)...)
	if !equal(ports, p.Config.ExposedPorts) && len(ports)+len(p.Config.ExposedPorts) > 0 {
		errs = append(errs, fmt.Errorf("EXPOSE reads back as %q, want %q", ports, p.Config.ExposedPorts))
	}
	var want []pair
	for i, in := range p.Copy.Include {
		src := in.Path
		switch {
		case pruned:
			src = Stage + in.Path
		case kind == ChainedRuntime:
			from := in.Path
			if in.Resolved != "" {
				from = in.Resolved
			}
			src = contextDir(i) + "/" + path.Base(from)
		}
		want = append(want, pair{src, in.Path})
	}
	key := func(ps []pair) []string {
		out := make([]string, len(ps))
		for i, x := range ps {
			out[i] = x.src + "\x00" + x.dest
		}
		sort.Strings(out)
		return out
	}
	if !equal(key(got), key(want)) {
		errs = append(errs, fmt.Errorf("the runtime stage copies %d paths that differ from the %d planned ones", len(got), len(want)))
	}
	return errs
}

// checkConfig compares the expanded configuration with the plan's.
func checkConfig(c recommend.Config, env, labels map[string]string, vols []string, workdir, user string) []error {
	var errs []error
	wantEnv := map[string]string{}
	for _, e := range c.Env {
		v := e.Value
		if e.Name == "PATH" && strings.HasSuffix(v, recommend.PathFromBase) {
			v = strings.TrimSuffix(v, recommend.PathFromBase) + defaultPath
		}
		wantEnv[e.Name] = v
	}
	if !sameMap(env, wantEnv) {
		errs = append(errs, fmt.Errorf("ENV reads back as %q, want %q", env, wantEnv))
	}
	if !sameMap(labels, c.Labels) {
		errs = append(errs, fmt.Errorf("LABEL reads back as %q, want %q", labels, c.Labels))
	}
	if workdir != c.WorkingDir {
		errs = append(errs, fmt.Errorf("WORKDIR reads back as %q, want %q", workdir, c.WorkingDir))
	}
	if user != c.User {
		errs = append(errs, fmt.Errorf("USER reads back as %q, want %q", user, c.User))
	}
	if !equal(vols, c.Volumes) && len(vols)+len(c.Volumes) > 0 {
		errs = append(errs, fmt.Errorf("VOLUME reads back as %q, want %q", vols, c.Volumes))
	}
	return errs
}

func sameMap(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// hasRemove reports whether the stage deletes exactly paths with rm -rf --.
func hasRemove(st instructions.Stage, paths []string) bool {
	for _, c := range st.Commands {
		r, ok := c.(*instructions.RunCommand)
		if !ok || r.PrependShell || len(r.CmdLine) < 3 || r.CmdLine[0] != "rm" || r.CmdLine[1] != "-rf" || r.CmdLine[2] != "--" {
			continue
		}
		if equal(r.CmdLine[3:], paths) {
			return true
		}
	}
	return false
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
