package dockerfile

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/slimcheck/slimcheck/internal/golden"
	"github.com/slimcheck/slimcheck/recommend"
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

// renderChecked renders both Dockerfiles of p and checks each with
// BuildKit's parser against the plan, failing t on any error.
func renderChecked(t testing.TB, p *recommend.PlanResult) ([]byte, Chained) {
	t.Helper()
	df, err := Render(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := Check(df, p, MultiStage); err != nil {
		t.Fatalf("Dockerfile: %v\n%s", err, df)
	}
	ch, err := RenderChained(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := Check(ch.Dockerfile, p, ChainedRuntime); err != nil {
		t.Fatalf("runtime.Dockerfile: %v\n%s", err, ch.Dockerfile)
	}
	return df, ch
}

// TestRender golden-tests both Dockerfiles of every test image and checks
// them with BuildKit's parser.
func TestRender(t *testing.T) {
	for _, c := range reporttest.Cases() {
		t.Run(c.Name, func(t *testing.T) {
			p := plan(t, c.Report)
			df, ch := renderChecked(t, p)
			golden.Assert(t, df, ".Dockerfile")
			golden.Assert(t, ch.Dockerfile, ".runtime.Dockerfile")
			if len(ch.Paths) != len(p.Copy.Include) {
				t.Errorf("%d source paths for %d includes", len(ch.Paths), len(p.Copy.Include))
			}
		})
	}
}

// TestRenderNoSplit: a plan without a split has no Dockerfile.
func TestRenderNoSplit(t *testing.T) {
	p, err := recommend.Plan(context.Background(), reporttest.AlreadySlim(), recommend.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Render(p); !errors.Is(err, ErrNoSplit) {
		t.Errorf("Render: %v", err)
	}
	if _, err := RenderChained(p); !errors.Is(err, ErrNoSplit) {
		t.Errorf("RenderChained: %v", err)
	}
}

// TestHostileValues puts quotes, spaces, backslashes, dollars, pattern
// characters and line breaks in every value a Dockerfile carries; each must
// read back as itself and stay on its line.
func TestHostileValues(t *testing.T) {
	for _, s := range []string{
		`a b`, `it's`, `say "hi"`, `back\slash`, `$HOME`, `${PATH}`, `a*b?[c]`, `x\*y`, "tab\there",
		"new\nline", `trailing\`, `<<EOF`, `["json"]`, `--flag`, `#hash`, "ünïcödé", `'; rm -rf / #`,
	} {
		t.Run(strings.Map(func(r rune) rune {
			if r < 'a' || r > 'z' {
				return '_'
			}
			return r
		}, s), func(t *testing.T) {
			r := hostile(s, "make "+s)
			p := plan(t, r)
			if p.Verdict != recommend.Split {
				t.Fatalf("verdict %s: %v", p.Verdict, p.Reasons)
			}
			renderChecked(t, p)
		})
	}
}

// hostile is a Node app whose directory, files, environment, labels,
// working directory, command and history hold s.
func hostile(s, run string) *report.Report {
	app := "/srv/" + s
	entries := []reporttest.Entry{
		reporttest.File(app+"/server.js", 1_000, report.App),
		reporttest.File(app+"/"+s+".js", 2_000, report.App),
		reporttest.File(app+"/node_modules/"+s+"/index.js", 3_000_000, report.DevDependencies),
		reporttest.File(app+"/node_modules/ok/index.js", 5_000, report.App),
		reporttest.File(app+"/.npm/_cacache/"+s, 4_000_000, report.PackageCache),
	}
	return reporttest.Build(reporttest.Spec{
		Reference: "example/hostile:1",
		Config: report.Config{
			Cmd: []string{"node", s + ".js"}, WorkingDir: app, User: "node",
			Env:          []string{"APP_VALUE=" + s, "PATH=" + app + "/node_modules/.bin:/usr/local/bin:/usr/bin:/bin"},
			Labels:       map[string]string{"org.example." + s: s, "plain": s},
			ExposedPorts: []string{"8080/tcp", s},
			Volumes:      []string{"/data/" + s},
			Healthcheck:  &report.Healthcheck{Test: []string{"CMD-SHELL", "node health.js " + s}},
		},
		Ecosystem: report.Ecosystem{Name: "node", Version: "20.1.0", AppDir: app, Libc: "glibc"},
		Layers: []reporttest.Layer{
			{CreatedBy: "/bin/sh -c #(nop) ADD file:abc in / ", Entries: []reporttest.Entry{
				reporttest.Exec("/bin/rm", 70_000, report.OSBase), reporttest.File("/usr/lib/libc.so", 300_000_000, report.OSBase)}},
			{CreatedBy: "/bin/sh -c curl https://nodejs.org/dist/v20.1.0/node.tar.xz | tar -x", Entries: []reporttest.Entry{reporttest.Exec("/usr/local/bin/node", 90_000_000, report.Runtime)}},
			{CreatedBy: "RUN /bin/sh -c " + run + " # buildkit", Entries: nil},
			{CreatedBy: "COPY " + s + " " + app + " # buildkit", Entries: entries},
		},
	})
}

// TestCheckCatches proves Check fails on Dockerfiles that break what the
// plan promises.
func TestCheckCatches(t *testing.T) {
	p := plan(t, reporttest.PythonDebian())
	df, err := Render(p)
	if err != nil {
		t.Fatal(err)
	}
	good := string(df)
	for _, tt := range []struct {
		name, from, to, want string
	}{
		{"run in runtime", "\nENV LANG=", "\nRUN apt-get update && apt-get install -y curl\nENV LANG=", "runs"},
		{"missing copy", `COPY --from=builder ["/app", "/app"]` + "\n", "", "differ"},
		{"extra copy", `COPY --from=builder ["/app", "/app"]`, `COPY --from=builder ["/app", "/root", "/app/"]`, "differ"},
		{"remote add", "WORKDIR /app\n", "WORKDIR /app\nADD https://example.com/x.tgz /tmp/\n", "remote URL"},
		{"kept .git", `"/app/.git"]`, `"/app/.gitx"]`, "excluded paths"},
		{"wrong cmd", `CMD ["gunicorn"`, `CMD ["flask"`, "CMD"},
		{"value spilled on a line", `ENV LANG="C.UTF-8"`, "ENV LANG=C.UTF-8 \\\nEXPOSE=1", "indented"},
		{"extra port", "EXPOSE 8000/tcp", "EXPOSE 8000/tcp 22", "EXPOSE"},
		{"changed env", `ENV LANG="C.UTF-8"`, `ENV LANG="C.UTF-9"`, "ENV reads back"},
		{"wrong base", "FROM python:3.12-slim\n", "FROM python:3.12\n", "runtime stage is FROM"},
		{"broken", "FROM python:3.12-slim\n", "FROM\n", "FROM requires"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			bad := strings.Replace(good, tt.from, tt.to, 1)
			if bad == good {
				t.Fatalf("%q not found in the Dockerfile", tt.from)
			}
			err := Check([]byte(bad), p, MultiStage)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Check = %v, want an error about %q", err, tt.want)
			}
		})
	}
}

// FuzzDockerfile: whatever paths, commands and values the report holds,
// both generated Dockerfiles parse with BuildKit, keep one instruction per
// intended line, and read back to exactly the plan (Check).
func FuzzDockerfile(f *testing.F) {
	for _, s := range []string{"app", "a b", `q"uote`, `back\slash\`, "$X${Y}", "*?[", "new\nline", "<<EOF", "[\"x\"]", "-f", "#"} {
		f.Add(s, "make && make install", "value")
	}
	f.Add("x", "cat <<EOF > /etc/x", "\\")
	f.Add("y", "echo \\", "\r")
	f.Fuzz(func(t *testing.T, s, run, extra string) {
		r := hostile(s, run)
		r.Image.Config.Env = append(r.Image.Config.Env, "EXTRA="+extra)
		r.Image.Config.Labels["extra"] = extra
		p := plan(t, r)
		if p.Verdict != recommend.Split {
			return // no split: nothing to render
		}
		renderChecked(t, p)
	})
}
