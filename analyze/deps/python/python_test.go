package python

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/slimcheck/slimcheck/analyze/deps/model"
)

type files map[string][]byte

// dist writes <sp>/<name>-<version>.dist-info/RECORD listing rel paths
// (plus the dist-info's own files, as pip writes them).
func (f files) dist(sp, name, version string, rel ...string) files {
	info := name + "-" + version + ".dist-info"
	var b strings.Builder
	for _, r := range append(rel, info+"/METADATA", info+"/RECORD") {
		b.WriteString(r + ",sha256=abc,12\n")
	}
	f[sp+"/"+info+"/RECORD"] = []byte(b.String())
	return f
}

const sysSP = "/usr/local/lib/python3.11/site-packages"

func sysDists(f files) files {
	return f.dist(sysSP, "requests", "2.31.0", "requests/__init__.py", "requests/api.py").
		dist(sysSP, "urllib3", "2.0.0", "urllib3/__init__.py").
		dist(sysSP, "pytest", "7.4.0", "pytest/__init__.py", "_pytest/main.py", "../../../bin/pytest").
		dist(sysSP, "py", "1.11.0", "py.py", "__pycache__/py.cpython-311.pyc").
		dist(sysSP, "six", "1.16.0", "six.py", "__pycache__/six.cpython-311.pyc").
		dist(sysSP, "google_api_core", "2.0.0", "google/api_core/__init__.py").
		dist(sysSP, "google_cloud_testutils", "1.3.0", "google/cloud/testutils/__init__.py").
		dist(sysSP, "pip", "23.0", "pip/__init__.py").
		dist("/usr/lib/python3/dist-packages", "python_apt", "2.0", "apt/__init__.py")
}

const pipfileLock = `{"_meta":{"hash":{"sha256":"x"}},
"default":{"requests":{"version":"==2.31.0"},"urllib3":{"version":"==2.0.0"},"six":{"version":"==1.16.0"},"Google.API-Core":{"version":"==2.0.0"}},
"develop":{"pytest":{"version":"==7.4.0"},"py":{"version":"==1.11.0"},"urllib3":{"version":"==2.0.0"},"google-cloud-testutils":{"version":"==1.3.0"}}}`

func paths(pkgs []model.Package) []string {
	out := []string{}
	for _, p := range pkgs {
		out = append(out, p.Paths...)
	}
	sort.Strings(out)
	return out
}

func wantPaths(t *testing.T, what string, got []model.Package, want ...string) {
	t.Helper()
	sort.Strings(want)
	if want == nil {
		want = []string{}
	}
	if g := paths(got); strings.Join(g, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\n got  %q\n want %q", what, g, want)
	}
}

func TestPipfileLockSystemSitePackages(t *testing.T) {
	f := sysDists(files{"/app/Pipfile.lock": []byte(pipfileLock)})
	roots, probs := Analyze(context.Background(), f)
	if len(probs) != 0 || len(roots) != 1 {
		t.Fatalf("roots %+v problems %v", roots, probs)
	}
	r := roots[0]
	sp := sysSP + "/"
	wantPaths(t, "dev", r.Dev,
		sp+"_pytest", sp+"pytest", sp+"pytest-7.4.0.dist-info", "/usr/local/bin/pytest",
		sp+"py.py", sp+"__pycache__/py.cpython-311.pyc", sp+"py-1.11.0.dist-info",
		sp+"google/cloud", sp+"google_cloud_testutils-1.3.0.dist-info")
	wantPaths(t, "prod", r.Prod,
		sp+"requests", sp+"requests-2.31.0.dist-info", sp+"urllib3", sp+"urllib3-2.0.0.dist-info",
		sp+"six.py", sp+"__pycache__/six.cpython-311.pyc", sp+"six-1.16.0.dist-info",
		sp+"google/api_core", sp+"google_api_core-2.0.0.dist-info")
	wantPaths(t, "extraneous (shared site-packages: not reported)", r.Extraneous)
	for _, p := range r.Dev {
		if p.Evidence.Source != "/app/Pipfile.lock" || p.Evidence.How != `in "develop" and not in "default"` {
			t.Errorf("evidence of %s = %+v", p.Name, p.Evidence)
		}
	}
}

func TestPoetry(t *testing.T) {
	venv := "/app/.venv/lib/python3.12/site-packages"
	local := func(f files) files {
		return f.dist(venv, "flask", "3.0.0", "flask/app.py").
			dist(venv, "click", "8.1.0", "click/core.py").
			dist(venv, "black", "24.1.0", "black/__init__.py", "../../../bin/black").
			dist(venv, "mypy_extensions", "1.0.0", "mypy_extensions.py").
			dist(venv, "pip", "24.0", "pip/__init__.py").
			dist(sysSP, "black", "23.0", "black/__init__.py") // outside: not this project's
	}
	tests := []struct {
		name     string
		files    files
		problems int
		how      string
	}{{
		name: "lock 1.1 category",
		files: files{"/app/poetry.lock": []byte(`
[[package]]
name = "Flask"
version = "3.0.0"
category = "main"
optional = false

[[package]]
name = "click"
version = "8.1.0"
category = "main"

[[package]]
name = "black"
version = "24.1.0"
category = "dev"

[[package]]
name = "mypy-extensions"
version = "1.0.0"
category = "dev"

[metadata]
lock-version = "1.1"
[metadata.files]
flask = [
    {file = "Flask-3.0.0.tar.gz", hash = "sha256:x"},
]
`)},
		how: `category = "dev"`,
	}, {
		name: "lock 2.1 groups",
		files: files{"/app/poetry.lock": []byte(`
[[package]]
name = "flask"
version = "3.0.0"
groups = ["main"]
[package.dependencies]
click = ">=8"

[[package]]
name = "click"
version = "8.1.0"
groups = ["main", "dev"]

[[package]]
name = "black"
version = "24.1.0"
groups = ["dev"]
[package.dependencies]
click = ">=8"
mypy-extensions = {version = ">=0.4.3", markers = "python_version < \"3.13\""}

[[package]]
name = "mypy-extensions"
version = "1.0.0"
groups = ["dev", "lint"]

[metadata]
lock-version = "2.1"
`)},
		how: `groups do not include "main"`,
	}, {
		name: "lock 2.0 walked from pyproject.toml; broken Pipfile.lock is a problem",
		files: files{
			"/app/Pipfile.lock": []byte(`{"default": [`),
			"/app/poetry.lock": []byte(`
[[package]]
name = "flask"
version = "3.0.0"
[package.dependencies]
click = ">=8"

[[package]]
name = "click"
version = "8.1.0"

[[package]]
name = "black"
version = "24.1.0"
[package.dependencies]
click = ">=8"
mypy-extensions = ">=0.4.3"

[[package]]
name = "mypy-extensions"
version = "1.0.0"

[metadata]
lock-version = "2.0"
`),
			"/app/pyproject.toml": []byte(`
[tool.poetry]
name = "app"
[tool.poetry.dependencies]
python = "^3.12"
Flask = "^3.0"
[tool.poetry.group.dev.dependencies]
black = "^24"
`)},
		problems: 1,
		how:      "reachable only from pyproject.toml non-main groups",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			roots, probs := Analyze(context.Background(), local(tc.files))
			if len(probs) != tc.problems {
				t.Errorf("problems = %v, want %d", probs, tc.problems)
			}
			if len(roots) != 1 {
				t.Fatalf("roots = %+v", roots)
			}
			r := roots[0]
			wantPaths(t, "dev", r.Dev, venv+"/black", venv+"/black-24.1.0.dist-info", "/app/.venv/bin/black",
				venv+"/mypy_extensions.py", venv+"/mypy_extensions-1.0.0.dist-info")
			wantPaths(t, "prod", r.Prod, venv+"/flask", venv+"/flask-3.0.0.dist-info", venv+"/click", venv+"/click-8.1.0.dist-info")
			wantPaths(t, "extraneous", r.Extraneous, venv+"/pip", venv+"/pip-24.0.dist-info")
			for _, p := range r.Dev {
				if !strings.Contains(p.Evidence.How, tc.how) {
					t.Errorf("evidence of %s = %+v, want %q", p.Name, p.Evidence, tc.how)
				}
			}
		})
	}
}

func TestPoetryLock20WithoutPyproject(t *testing.T) {
	f := files{"/app/poetry.lock": []byte("[[package]]\nname = \"a\"\nversion = \"1\"\n[metadata]\nlock-version = \"2.0\"\n")}
	roots, probs := Analyze(context.Background(), f)
	if len(roots) != 0 || len(probs) != 1 || probs[0].Path != "/app/poetry.lock" {
		t.Errorf("roots %+v problems %v", roots, probs)
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"Flask": "flask", "mypy_extensions": "mypy-extensions", "zope.interface": "zope-interface",
		"A__B--c..D": "a-b-c-d", " x ": "x", "": "",
	} {
		if got := normalize(in); got != want {
			t.Errorf("normalize(%q) = %q, want %q", in, got, want)
		}
	}
	if got := requirementName("Requests[socks] >=2.0; python_version>'3'"); got != "requests" {
		t.Errorf("requirementName = %q", got)
	}
}

func TestCapture(t *testing.T) {
	for p, want := range map[string]int64{
		"/app/Pipfile.lock":                                   LockfileLimit,
		"/app/poetry.lock":                                    LockfileLimit,
		"/app/pyproject.toml":                                 PyprojectLimit,
		sysSP + "/a-1.dist-info/RECORD":                       RecordLimit,
		"/usr/lib/python3/dist-packages/a-1.dist-info/RECORD": RecordLimit,
		"/root/.cache/pypoetry/virtualenvs/x/lib/python3.11/site-packages/a-1.dist-info/RECORD": RecordLimit,
		sysSP + "/a/poetry.lock":          0,
		sysSP + "/a-1.dist-info/METADATA": 0,
		"/root/.cache/pip/x/RECORD":       0,
		"/app/RECORD":                     0,
	} {
		if got, ok := Capture(p); got != want || ok != (want != 0) {
			t.Errorf("Capture(%q) = %d, %v; want %d", p, got, ok, want)
		}
	}
}

func FuzzPipfileLock(f *testing.F) {
	f.Add([]byte(pipfileLock))
	f.Add([]byte(`{"default":null,"develop":{"A.B":{}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := parsePipfileLock(data)
		if err != nil {
			return
		}
		for n := range c.dev {
			if c.prod[n] {
				t.Fatalf("%q both prod and dev", n)
			}
		}
	})
}

func FuzzPoetryLock(f *testing.F) {
	f.Add([]byte("[[package]]\nname = \"a\"\nversion = \"1\"\ngroups = [\"dev\"]\n[package.dependencies]\nb = \"*\"\n"), []byte("[tool.poetry.dependencies]\nb = \"*\"\n"))
	f.Add([]byte("[[package]]\nname = \"a\"\ncategory = \"dev\"\n"), []byte(""))
	f.Add([]byte("[[package]]\nname = \"a\"\n[package.dependencies]\na = \"*\"\n[metadata]\nlock-version = \"2.0\"\n"),
		[]byte("[project]\ndependencies = [\"a>=1\"]\n[dependency-groups]\ndev = [\"a\", {include-group = \"x\"}]\n"))
	f.Fuzz(func(t *testing.T, lock, pyproject []byte) {
		l, err := parsePoetryLock(lock)
		if err != nil {
			return
		}
		c, err := poetryClasses(l, pyproject, "/app/pyproject.toml")
		if err != nil {
			return
		}
		for n := range c.dev {
			if c.prod[n] {
				t.Fatalf("%q both prod and dev", n)
			}
		}
	})
}

func FuzzRecord(f *testing.F) {
	f.Add([]byte("a/__init__.py,sha256=x,1\n../../../bin/a,,\n\"q,uoted\",,\n/abs/path,,\n"))
	f.Add([]byte("../../../../../../../../..,,\n,,\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fl, _ := parseRecord(sysSP, data)
		for _, p := range fl {
			if !strings.HasPrefix(p, "/") || under(sysSP, p) {
				t.Fatalf("bad path %q", p)
			}
		}
		fs := files{"/app/Pipfile.lock": []byte(`{"develop":{"a":{}}}`)}
		fs[sysSP+"/a-1.dist-info/RECORD"] = data
		fs[sysSP+"/b-1.dist-info/RECORD"] = data
		roots, _ := Analyze(context.Background(), fs)
		for _, r := range roots {
			for _, p := range r.Dev {
				if len(p.Paths) == 0 {
					t.Fatalf("dev package without paths")
				}
			}
		}
	})
}
