package hostile

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"sigs.k8s.io/yaml"

	"github.com/slimcheck/slimcheck/internal/demo"
	"github.com/slimcheck/slimcheck/internal/imagetest"
)

// TestOutputSafety checks where analyze -o FILE and recommend -o DIR
// write: never through a symbolic link, never outside the directory given,
// nothing at all when they refuse, and never a temporary file left behind.
func TestOutputSafety(t *testing.T) {
	t.Parallel()
	img := archive(t, image(t, v1.Config{}, imagetest.Layer(t, imagetest.File("app/x", 10))))
	for _, c := range outputCases(img) {
		t.Run(c.name, func(t *testing.T) {
			l := newOutputLayout(t)
			args := c.prepare(t, l)
			before := snapshot(t, l.root, l.elsewhere)
			r := slimcheck(t, runOpts{}, args...)
			noCrash(t, r)
			if r.code != 2 {
				t.Fatalf("exit %d, want 2 (refused); stderr: %s", r.code, r.stderr)
			}
			if !strings.Contains(r.stderr, c.want) {
				t.Errorf("stderr %q does not say %q", r.stderr, c.want)
			}
			if after := snapshot(t, l.root, l.elsewhere); after != before {
				t.Errorf("a refused run changed the file system:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

// snapshot describes every entry under the roots (name, type, link target,
// contents), so any write shows as a difference.
func snapshot(t *testing.T, roots ...string) string {
	t.Helper()
	var b strings.Builder
	for _, root := range roots {
		err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			b.WriteString(p)
			switch {
			case d.Type()&os.ModeSymlink != 0:
				target, _ := os.Readlink(p)
				b.WriteString(" -> " + target)
			case d.Type().IsRegular():
				data, _ := os.ReadFile(p)
				b.WriteString(" = " + string(data))
			}
			b.WriteString("; ")
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}

// TestGeneratedFilesRunNothingFromTheImage plans a build for an s2i image
// whose labels, history, environment and file names carry shell, YAML and
// Dockerfile injections, writes every target's files and runs the
// generated chained-build.sh with a fake `oc`: no injected command may run
// on the host, every value must reach oc as one argument, openshift.yaml
// must read back each value as itself, and in the Dockerfiles every
// injected value must stay inside one JSON-form argument.
func TestGeneratedFilesRunNothingFromTheImage(t *testing.T) {
	t.Parallel()
	marks := t.TempDir()
	marker := filepath.Join(marks, "pwned")
	inj := "$(touch " + marker + ")`touch " + marker + "`;touch " + marker + "'\"\n touch " + marker + "\\"
	yamlInj := inj + "\n---\nkind: Pod\n: x\n{{ . }} &a *a !!binary"
	img := hostileS2I(t, inj, yamlInj)
	out := filepath.Join(t.TempDir(), "out")
	r := slimcheck(t, runOpts{}, "recommend", "--offline", "--target", "all", "-o", out, img)
	noCrash(t, r)
	if r.code != 0 {
		t.Fatalf("exit %d; stderr: %s", r.code, r.stderr)
	}
	for _, name := range []string{"Dockerfile", "runtime.Dockerfile", "chained-build.sh", "openshift.yaml"} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Fatalf("recommend wrote no %s: %v (stderr %s)", name, err, r.stderr)
		}
	}

	// The script, run as a user would, with a fake oc that records its arguments.
	bin := t.TempDir()
	log := filepath.Join(t.TempDir(), "oc.log")
	fakeOC := "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\0' \"$a\" >> " + shellQuote(log) + "; done\nprintf '\\0' >> " + shellQuote(log) + "\ncat > /dev/null\n"
	if err := os.WriteFile(filepath.Join(bin, "oc"), []byte(fakeOC), 0o755); err != nil {
		t.Fatal(err)
	}
	sh := exec.Command("sh", "chained-build.sh")
	sh.Dir = out
	sh.Env = []string{"PATH=" + bin + ":/usr/bin:/bin", "HOME=" + t.TempDir()}
	if b, err := sh.CombinedOutput(); err != nil {
		t.Fatalf("running chained-build.sh: %v\n%s", err, b)
	}
	if left, _ := os.ReadDir(marks); len(left) > 0 {
		t.Fatalf("chained-build.sh ran a command from the image: %s exists", filepath.Join(marks, left[0].Name()))
	}
	raw, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	args := strings.Split(string(raw), "\x00")
	for _, want := range []string{"--context-dir=sub" + inj} {
		found := false
		for _, a := range args {
			found = found || a == want
		}
		if !found {
			t.Errorf("oc never got the argument %q whole; it got %q", want, args)
		}
	}

	// openshift.yaml reads back every hostile value as itself.
	y, err := os.ReadFile(filepath.Join(out, "openshift.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var docs []any
	for _, doc := range bytes.Split(y, []byte("\n---\n")) {
		var v any
		if err := yaml.Unmarshal(doc, &v); err != nil {
			t.Fatalf("openshift.yaml does not parse: %v", err)
		}
		docs = append(docs, v)
	}
	values := map[string]bool{}
	collect(docs, values)
	for _, want := range []string{"https://example.com/app.git" + yamlInj, "main" + inj, "sub" + inj} {
		if !values[want] {
			t.Errorf("openshift.yaml does not hold %q as one value", want)
		}
	}
	for v := range values {
		if v == "Pod" {
			t.Error("the YAML injection created a document of its own (kind: Pod)")
		}
	}

	// In the Dockerfiles, every instruction that mentions the marker keeps
	// the injected value whole inside one JSON-form argument.
	for _, name := range []string{"Dockerfile", "runtime.Dockerfile"} {
		df, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		res, err := parser.Parse(bytes.NewReader(df))
		if err != nil {
			t.Fatalf("%s does not parse: %v", name, err)
		}
		for _, n := range res.AST.Children {
			if !strings.Contains(n.Original, marker) {
				continue
			}
			if !n.Attributes["json"] {
				t.Errorf("%s line %d carries an image value outside JSON form: %q", name, n.StartLine, clip(n.Original, 300))
				continue
			}
			for a := n.Next; a != nil; a = a.Next {
				if strings.Contains(a.Value, marker) && !strings.Contains(a.Value, inj) {
					t.Errorf("%s line %d split an injected value: argument %q", name, n.StartLine, clip(a.Value, 300))
				}
			}
		}
	}
}

// hostileS2I is the demo s2i image with injections in its OpenShift build
// labels, history, environment and app file names, as a docker archive.
func hostileS2I(t *testing.T, inj, yamlInj string) string {
	t.Helper()
	img, err := demo.Image()
	if err != nil {
		t.Fatal(err)
	}
	img, err = mutate.Append(img, mutate.Addendum{
		Layer: imagetest.Layer(t,
			imagetest.File("opt/app-root/src/"+inj+".js", 100),
			imagetest.Dir("opt/app-root/src/"+inj+"/"),
			imagetest.File("opt/app-root/src/"+inj+"/x", 100)),
		History: v1.History{CreatedBy: "RUN echo " + inj},
	})
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cf = cf.DeepCopy()
	cf.Config.Labels["io.openshift.build.source-location"] = "https://example.com/app.git" + yamlInj
	cf.Config.Labels["io.openshift.build.commit.ref"] = "main" + inj
	cf.Config.Labels["io.openshift.build.source-context-dir"] = "sub" + inj
	cf.Config.Env = append(cf.Config.Env, "HOSTILE="+inj)
	if img, err = mutate.ConfigFile(img, cf); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "s2i.tar")
	imagetest.WriteDockerArchive(t, p, "hostile.example/s2i:1", img)
	return p
}

// collect gathers every string value (not key) of a decoded YAML tree.
func collect(v any, into map[string]bool) {
	switch x := v.(type) {
	case string:
		into[x] = true
	case []any:
		for _, e := range x {
			collect(e, into)
		}
	case map[string]any:
		for _, e := range x {
			collect(e, into)
		}
	}
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// outputLayout is the file system an output case runs in.
type outputLayout struct {
	root, elsewhere, victim string // victim: a file outside root that must not change
}

func newOutputLayout(t *testing.T) outputLayout {
	l := outputLayout{root: t.TempDir(), elsewhere: t.TempDir()}
	l.victim = filepath.Join(l.elsewhere, "victim")
	if err := os.WriteFile(l.victim, []byte("precious\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return l
}

func symlink(t *testing.T, target, link string) {
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

// outputCase is one hostile output path; prepare returns the command line.
type outputCase struct {
	name    string
	prepare func(t *testing.T, l outputLayout) []string
	want    string // in the error
}

// outputCases lists the output paths that must be refused; img is an image
// to analyze.
func outputCases(img string) []outputCase {
	return []outputCase{
		{"analyze: -o is a symlink to a file elsewhere", func(t *testing.T, l outputLayout) []string {
			symlink(t, l.victim, filepath.Join(l.root, "report.json"))
			return []string{"analyze", "-o", filepath.Join(l.root, "report.json"), img}
		}, "exists"},
		{"analyze: -o is a symlink, --force", func(t *testing.T, l outputLayout) []string {
			symlink(t, l.victim, filepath.Join(l.root, "report.json"))
			return []string{"analyze", "--force", "-o", filepath.Join(l.root, "report.json"), img}
		}, "symbolic link"},
		{"analyze: -o is a dangling symlink", func(t *testing.T, l outputLayout) []string {
			symlink(t, filepath.Join(l.elsewhere, "new-file"), filepath.Join(l.root, "report.json"))
			return []string{"analyze", "-o", filepath.Join(l.root, "report.json"), img}
		}, "exists"},
		{"analyze: -o is a dangling symlink, --force", func(t *testing.T, l outputLayout) []string {
			symlink(t, filepath.Join(l.elsewhere, "new-file"), filepath.Join(l.root, "report.json"))
			return []string{"analyze", "--force", "-o", filepath.Join(l.root, "report.json"), img}
		}, "symbolic link"},
		{"analyze: -o is a directory", func(t *testing.T, l outputLayout) []string {
			os.Mkdir(filepath.Join(l.root, "report.json"), 0o755)
			return []string{"analyze", "--force", "-o", filepath.Join(l.root, "report.json"), img}
		}, "directory"},
		{"analyze: -o in a dangling symlinked directory", func(t *testing.T, l outputLayout) []string {
			symlink(t, filepath.Join(l.elsewhere, "missing-dir"), filepath.Join(l.root, "out"))
			return []string{"analyze", "-o", filepath.Join(l.root, "out", "report.json"), img}
		}, "report.json"},
		{"recommend: -o DIR is a symlink to a directory elsewhere", func(t *testing.T, l outputLayout) []string {
			symlink(t, l.elsewhere, filepath.Join(l.root, "out"))
			return []string{"recommend", "--demo", "--offline", "-o", filepath.Join(l.root, "out")}
		}, "symbolic link"},
		{"recommend: -o DIR below a symlinked directory", func(t *testing.T, l outputLayout) []string {
			symlink(t, l.elsewhere, filepath.Join(l.root, "link"))
			return []string{"recommend", "--demo", "--offline", "-o", filepath.Join(l.root, "link", "out")}
		}, "symbolic link"},
		{"recommend: -o DIR holds a Dockerfile symlink, --force", func(t *testing.T, l outputLayout) []string {
			os.Mkdir(filepath.Join(l.root, "out"), 0o755)
			symlink(t, l.victim, filepath.Join(l.root, "out", "Dockerfile"))
			return []string{"recommend", "--demo", "--offline", "--force", "--target", "all", "-o", filepath.Join(l.root, "out")}
		}, "symbolic link"},
		{"recommend: -o DIR holds a dangling script symlink, --force", func(t *testing.T, l outputLayout) []string {
			os.Mkdir(filepath.Join(l.root, "out"), 0o755)
			symlink(t, filepath.Join(l.elsewhere, "evil.sh"), filepath.Join(l.root, "out", "chained-build.sh"))
			return []string{"recommend", "--demo", "--offline", "--force", "--target", "all", "-o", filepath.Join(l.root, "out")}
		}, "symbolic link"},
		{"recommend: -o DIR climbs out with ..", func(t *testing.T, l outputLayout) []string {
			os.Mkdir(filepath.Join(l.root, "a"), 0o755)
			return []string{"recommend", "--demo", "--offline", "-o", filepath.Join(l.root, "a") + "/../../" + filepath.Base(l.elsewhere)}
		}, ".."},
	}
}
