package openshift

import (
	"context"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/slimcheck/slimcheck/internal/golden"
	"github.com/slimcheck/slimcheck/recommend"
	"github.com/slimcheck/slimcheck/recommend/dockerfile"
	"github.com/slimcheck/slimcheck/recommend/internal/reporttest"
	"github.com/slimcheck/slimcheck/report"
)

func plan(t testing.TB, r *report.Report) *recommend.PlanResult {
	t.Helper()
	opts := recommend.DefaultOptions()
	opts.ForceSplit = true
	p, err := recommend.Plan(context.Background(), r, opts)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// docs splits a multi-document YAML file and parses each document.
func docs(t testing.TB, b []byte) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, d := range strings.Split(string(b), "\n---\n")[1:] {
		var m map[string]any
		if err := yaml.Unmarshal([]byte(d), &m); err != nil {
			t.Fatalf("YAML document does not parse: %v\n%s", err, d)
		}
		out = append(out, m)
	}
	return out
}

// get walks a path of map keys.
func get(m map[string]any, keys ...string) any {
	var v any = m
	for _, k := range keys {
		mm, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = mm[k]
	}
	return v
}

// checkObjects verifies what OpenShift requires of every object and what
// the chained build needs: the runtime BuildConfig takes exactly the
// planned paths from the builder image and rebuilds when it changes.
func checkObjects(t testing.TB, objs []map[string]any, p *recommend.PlanResult) {
	t.Helper()
	kinds := map[string]int{}
	var runtime map[string]any
	for _, o := range objs {
		kind, _ := o["kind"].(string)
		api, _ := o["apiVersion"].(string)
		name, _ := get(o, "metadata", "name").(string)
		kinds[kind]++
		switch kind {
		case "ImageStream":
			if api != "image.openshift.io/v1" {
				t.Errorf("ImageStream %s has apiVersion %q", name, api)
			}
		case "BuildConfig":
			if api != "build.openshift.io/v1" {
				t.Errorf("BuildConfig %s has apiVersion %q", name, api)
			}
			if get(o, "spec", "strategy", "type") == nil || get(o, "spec", "output", "to", "kind") != "ImageStreamTag" {
				t.Errorf("BuildConfig %s lacks strategy.type or an ImageStreamTag output", name)
			}
			if name == "runtime" {
				runtime = o
			}
		default:
			t.Errorf("unexpected kind %q", kind)
		}
		if name == "" {
			t.Errorf("%s without metadata.name", kind)
		}
	}
	if kinds["ImageStream"] != 2 || runtime == nil {
		t.Fatalf("objects: %v", kinds)
	}
	if get(runtime, "spec", "strategy", "type") != "Docker" || get(runtime, "spec", "source", "type") != "Dockerfile" {
		t.Error("the runtime build is not a Docker build of an inline Dockerfile")
	}
	df, _ := get(runtime, "spec", "source", "dockerfile").(string)
	if err := dockerfile.Check([]byte(df), p, dockerfile.ChainedRuntime); err != nil {
		t.Errorf("the inline runtime.Dockerfile: %v", err)
	}
	images, _ := get(runtime, "spec", "source", "images").([]any)
	if len(images) != 1 {
		t.Fatalf("source.images = %v", images)
	}
	img := images[0].(map[string]any)
	if get(img, "from", "name") != "builder:latest" || get(img, "from", "kind") != "ImageStreamTag" {
		t.Errorf("source image = %v", img["from"])
	}
	paths, _ := img["paths"].([]any)
	if len(paths) != len(p.Copy.Include) {
		t.Fatalf("%d source paths for %d includes", len(paths), len(p.Copy.Include))
	}
	for i, in := range p.Copy.Include {
		from := in.Path
		if in.Resolved != "" {
			from = in.Resolved
		}
		if got := paths[i].(map[string]any)["sourcePath"]; got != from {
			t.Errorf("path %d = %v, want %s", i, got, from)
		}
	}
	triggers, _ := get(runtime, "spec", "triggers").([]any)
	found := false
	for _, tr := range triggers {
		m := tr.(map[string]any)
		if m["type"] == "ImageChange" && get(m, "imageChange", "from", "name") == "builder:latest" {
			found = true
		}
	}
	if !found {
		t.Error("no ImageChange trigger on the builder image")
	}
}

func TestRender(t *testing.T) {
	for _, c := range reporttest.Cases() {
		t.Run(c.Name, func(t *testing.T) {
			p := plan(t, c.Report)
			f, err := Render(p, Options{})
			if err != nil {
				t.Fatal(err)
			}
			golden.Assert(t, f.YAML, ".yaml")
			golden.Assert(t, f.Script, ".sh")
			checkObjects(t, docs(t, f.YAML), p)
			checkScript(t, f.Script, p)
		})
	}
}

// checkScript parses the oc commands back and compares them with the plan.
func checkScript(t testing.TB, script []byte, p *recommend.PlanResult) {
	t.Helper()
	joined := strings.ReplaceAll(string(script), " \\\n  ", " ")
	var cmds [][]string
	for _, l := range strings.Split(joined, "\n") {
		if l == "" || strings.HasPrefix(l, "#") || l == "set -eu" {
			continue
		}
		words, err := shWords(l)
		if err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		cmds = append(cmds, words)
	}
	if len(cmds) != 2 {
		t.Fatalf("script commands: %q", cmds)
	}
	if s2iBuild(p) {
		os := p.Origin.OpenShift
		want := streamName(os.BuilderImage) + "~" + os.SourceLocation
		if os.Ref != "" {
			want += "#" + os.Ref
		}
		if cmds[0][0] != "oc" || cmds[0][1] != "new-build" || cmds[0][2] != want {
			t.Errorf("builder command = %q, want new-build %s", cmds[0], want)
		}
	} else if cmds[0][1] != "import-image" || cmds[0][3] != "--from="+analyzed(p) {
		t.Errorf("builder command = %q", cmds[0])
	}
	var paths []string
	for _, w := range cmds[1] {
		if v, ok := strings.CutPrefix(w, "--source-image-path="); ok {
			paths = append(paths, v)
		}
	}
	if len(paths) != len(p.Copy.Include) {
		t.Errorf("runtime command %q has %d source paths, want %d", cmds[1], len(paths), len(p.Copy.Include))
	}
}

// shWords splits a line into POSIX shell words (plain, single-quoted and
// the '\” idiom; | ends a command and is kept as a word).
func shWords(l string) ([]string, error) {
	var words []string
	var cur strings.Builder
	in, quoted := false, false
	for i := 0; i < len(l); i++ {
		c := l[i]
		switch {
		case quoted:
			if c == '\'' {
				quoted = false
			} else {
				cur.WriteByte(c)
			}
		case c == '\'':
			quoted, in = true, true
		case c == '\\' && i+1 < len(l):
			i++
			cur.WriteByte(l[i])
			in = true
		case c == ' ':
			if in {
				words = append(words, cur.String())
				cur.Reset()
				in = false
			}
		case strings.IndexByte("\"$`;&<>(){}*?", c) >= 0:
			return nil, &unsafeError{c}
		default:
			cur.WriteByte(c)
			in = true
		}
	}
	if quoted {
		return nil, &unsafeError{'\''}
	}
	if in {
		words = append(words, cur.String())
	}
	return words, nil
}

type unsafeError struct{ c byte }

func (e *unsafeError) Error() string { return "unquoted " + string(e.c) }

// TestHostileLabels: io.openshift.build.* labels are hostile input; the
// script quotes them and the YAML carries them verbatim.
func TestHostileLabels(t *testing.T) {
	for _, s := range []string{"https://example.com/a b.git", "it's", "$(rm -rf /)", "`id`", "a;b&c|d", "new\nline", "ünï"} {
		r := reporttest.NodeS2I()
		r.Image.Config.Labels["io.openshift.build.source-location"] = s
		r.Image.Config.Labels["io.openshift.build.commit.ref"] = s
		p := plan(t, r)
		f, err := Render(p, Options{})
		if err != nil {
			t.Fatal(err)
		}
		objs := docs(t, f.YAML)
		checkObjects(t, objs, p)
		if !strings.Contains(s, "\n") {
			checkScript(t, f.Script, p)
		}
		var bc map[string]any
		for _, o := range objs {
			if o["kind"] == "BuildConfig" && get(o, "metadata", "name") == "builder" {
				bc = o
			}
		}
		if get(bc, "spec", "source", "git", "uri") != s {
			t.Errorf("git uri = %v, want %q", get(bc, "spec", "source", "git", "uri"), s)
		}
	}
}

func TestNames(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"quay.io/example/nodejs-hello:1.0", "nodejs-hello"}, {"App_Name@sha256:abc", "app-name"},
		{"docker-archive:/tmp/x.tar", "x-tar"}, {"", "app"}, {"123", "app-123"}, {"___", "app"},
	} {
		if got := appName(tt.in); got != tt.want {
			t.Errorf("appName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	for _, tt := range []struct{ in, want string }{
		{"image-registry.openshift-image-registry.svc:5000/openshift/nodejs@sha256:abc", "nodejs"},
		{"image-registry.openshift-image-registry.svc:5000/openshift/nodejs:20-ubi9", "nodejs:20-ubi9"},
		{"image-registry.openshift-image-registry.svc:5000/team/builder:1", "team/builder:1"},
		{"registry.access.redhat.com/ubi9/nodejs-20:latest", "registry.access.redhat.com/ubi9/nodejs-20:latest"},
	} {
		if got := streamName(tt.in); got != tt.want {
			t.Errorf("streamName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	for _, s := range []string{"plain", "a b", "it's", "", "x'y'z", "$HOME"} {
		w, err := shWords("echo " + shQuote(s))
		if err != nil || len(w) != 2 || w[1] != s {
			t.Errorf("shQuote(%q) reads back as %q, %v", s, w, err)
		}
	}
}

// FuzzOpenShift: any builder image, source location and ref give YAML
// that parses with the required fields and a script whose words read back.
func FuzzOpenShift(f *testing.F) {
	f.Add("registry.access.redhat.com/ubi9/nodejs-20:latest", "https://github.com/example/app.git", "main")
	f.Add("image-registry.openshift-image-registry.svc:5000/openshift/nodejs@sha256:0", "git@github.com:a/b.git", "a'b")
	f.Add("x", "$(id)", "\n")
	f.Fuzz(func(t *testing.T, builder, src, ref string) {
		r := reporttest.NodeS2I()
		r.Image.Config.Labels["io.openshift.build.image"] = builder
		r.Image.Config.Labels["io.openshift.build.source-location"] = src
		r.Image.Config.Labels["io.openshift.build.commit.ref"] = ref
		p := plan(t, r)
		out, err := Render(p, Options{})
		if err != nil {
			t.Fatal(err)
		}
		checkObjects(t, docs(t, out.YAML), p)
		if !strings.ContainsAny(builder+src+ref, "\n\r") {
			checkScript(t, out.Script, p)
		}
	})
}
