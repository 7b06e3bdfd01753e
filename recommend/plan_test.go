package recommend

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/slimcheck/slimcheck/internal/golden"
	"github.com/slimcheck/slimcheck/recommend/internal/reporttest"
	"github.com/slimcheck/slimcheck/report"
)

func plan(t *testing.T, r *report.Report, opts Options) *PlanResult {
	t.Helper()
	p, err := Plan(context.Background(), r, opts)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPlan golden-tests the plan of every test image, as JSON and text, and
// checks the invariants every plan keeps.
func TestPlan(t *testing.T) {
	for _, c := range reporttest.Cases() {
		t.Run(c.Name, func(t *testing.T) {
			p := plan(t, c.Report, DefaultOptions())
			var js, txt bytes.Buffer
			if err := WriteJSON(&js, p); err != nil {
				t.Fatal(err)
			}
			if err := WriteText(&txt, p, TextOptions{}); err != nil {
				t.Fatal(err)
			}
			golden.Assert(t, js.Bytes(), ".json")
			golden.Assert(t, txt.Bytes(), ".txt")
			checkInvariants(t, c.Report, p)
			var back PlanResult
			if err := json.Unmarshal(js.Bytes(), &back); err != nil {
				t.Fatalf("the JSON plan does not read back: %v", err)
			}
			if back.Estimate.RuntimeBytes != p.Estimate.RuntimeBytes || len(back.Copy.Include) != len(p.Copy.Include) {
				t.Error("the JSON plan loses the estimate")
			}
		})
	}
}

// checkInvariants: the copy set resolves to exactly its totals, the
// estimate adds up, exclusions lie under includes, and nothing copied is
// under an exclusion.
func checkInvariants(t *testing.T, r *report.Report, p *PlanResult) {
	t.Helper()
	sel := p.Copy.Select(r.Files)
	var files int
	var bytes int64
	for _, s := range sel {
		if s.File.Type == "dir" {
			continue
		}
		files++
		bytes += s.File.Bytes
		if s.File.Status != "visible" {
			t.Errorf("selected %s, which is %s", s.File.Path, s.File.Status)
		}
		for _, e := range p.Copy.Exclude {
			if under(s.From, e.Path) {
				t.Errorf("selected %s under exclusion %s", s.From, e.Path)
			}
		}
	}
	if files != p.Copy.Files || bytes != p.Copy.Bytes {
		t.Errorf("Select gives %d files / %d bytes, the copy set says %d / %d", files, bytes, p.Copy.Files, p.Copy.Bytes)
	}
	e := p.Estimate
	if p.Runtime != nil {
		if e.RuntimeBytes != e.BaseBytes+e.CopiedBytes || e.CopiedBytes != p.Copy.Bytes || e.CopiedFiles != p.Copy.Files {
			t.Errorf("estimate does not add up: %+v", e)
		}
		if e.SavedBytes != e.CurrentBytes-e.RuntimeBytes {
			t.Errorf("saved %d != %d - %d", e.SavedBytes, e.CurrentBytes, e.RuntimeBytes)
		}
		var kept int64
		for _, c := range e.Categories {
			kept += c.KeptBytes
			if c.KeptBytes+c.RemovedBytes != c.Bytes {
				t.Errorf("category %s: kept %d + removed %d != %d", c.Category, c.KeptBytes, c.RemovedBytes, c.Bytes)
			}
		}
		if kept != e.CopiedBytes {
			t.Errorf("categories keep %d bytes, the copy %d", kept, e.CopiedBytes)
		}
	}
	for _, ex := range p.Copy.Exclude {
		in := false
		for _, i := range p.Copy.Include {
			if under(ex.Path, i.Path) && ex.Path != i.Path {
				in = true
			}
		}
		if !in {
			t.Errorf("exclusion %s is under no include", ex.Path)
		}
	}
	if len(p.Builder.Remove) != len(p.Copy.Exclude) {
		t.Errorf("the builder removes %d paths, the copy set excludes %d", len(p.Builder.Remove), len(p.Copy.Exclude))
	}
	for i := 1; i < len(p.Copy.Include); i++ {
		if under(p.Copy.Include[i].Path, p.Copy.Include[i-1].Path) {
			t.Errorf("include %s is inside %s", p.Copy.Include[i].Path, p.Copy.Include[i-1].Path)
		}
	}
}

// TestPlanChoices pins the decisions each test image must get.
func TestPlanChoices(t *testing.T) {
	tests := []struct {
		name     string
		r        *report.Report
		verdict  Verdict
		base     string
		include  []string
		exclude  []string
		cmd      []string
		user     string
		rejected map[string]string // image → part of the reason
		from     string
	}{
		{
			name: "node-s2i", r: reporttest.NodeS2I(), verdict: Split,
			base:    "registry.access.redhat.com/ubi8/nodejs-20-minimal",
			include: []string{"/opt/app-root/src"},
			exclude: []string{"/opt/app-root/src/.npm", "/opt/app-root/src/node_modules/typescript", "/opt/app-root/src/node_modules/express/docs"},
			cmd:     []string{"npm", "run", "start"}, user: "1001",
			rejected: map[string]string{"node:20-alpine": "native addons link glibc", "gcr.io/distroless/nodejs20-debian12": "s2i run script"},
			from:     "registry.access.redhat.com/ubi8/nodejs-20:latest",
		},
		{
			name: "python-debian", r: reporttest.PythonDebian(), verdict: Split, base: "python:3.12-slim",
			include: []string{"/app", "/usr/lib/x86_64-linux-gnu/libpq.so.5", "/usr/local/bin/flask", "/usr/local/bin/gunicorn", "/usr/local/lib/python3.12/site-packages"},
			exclude: []string{"/app/.git"}, cmd: []string{"gunicorn", "-b", "0.0.0.0:8000", "app:app"},
			rejected: map[string]string{"python:3.12-alpine": "native addons link glibc", "registry.access.redhat.com/ubi9/python-312-minimal": "glibc"},
			from:     "python:3.12.1",
		},
		{
			name: "java-maven", r: reporttest.JavaMaven(), verdict: Split, base: "eclipse-temurin:21-jre",
			include: []string{"/app/target/orders-0.9.1.jar"}, cmd: []string{"java", "-jar", "target/orders-0.9.1.jar"},
			from: "maven:3-eclipse-temurin-21",
		},
		{
			name: "go-static", r: reporttest.GoStatic(), verdict: Split, base: "gcr.io/distroless/static-debian12",
			include: []string{"/usr/local/bin/server"}, cmd: []string{"/usr/local/bin/server", "--listen", ":8080"},
			from: "golang:1.22.0",
		},
		{
			name: "already-slim", r: reporttest.AlreadySlim(), verdict: AlreadySlim, base: "gcr.io/distroless/static-debian12",
			include: []string{"/server"}, user: "65532:65532", from: "ghcr.io/example/tiny:3",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := plan(t, tt.r, DefaultOptions())
			if p.Verdict != tt.verdict {
				t.Errorf("verdict = %s, want %s (%v)", p.Verdict, tt.verdict, p.Reasons)
			}
			if p.Runtime == nil || p.Runtime.Image != tt.base {
				t.Fatalf("runtime = %+v, want %s", p.Runtime, tt.base)
			}
			var inc []string
			for _, i := range p.Copy.Include {
				inc = append(inc, i.Path)
			}
			if strings.Join(inc, " ") != strings.Join(tt.include, " ") {
				t.Errorf("includes = %v, want %v", inc, tt.include)
			}
			ex := map[string]bool{}
			for _, e := range p.Copy.Exclude {
				ex[e.Path] = true
			}
			for _, e := range tt.exclude {
				if !ex[e] {
					t.Errorf("%s is not excluded (exclusions %v)", e, p.Builder.Remove)
				}
			}
			if tt.cmd != nil && strings.Join(p.Config.Cmd, "\x00") != strings.Join(tt.cmd, "\x00") {
				t.Errorf("cmd = %q, want %q", p.Config.Cmd, tt.cmd)
			}
			if tt.user != "" && p.Config.User != tt.user {
				t.Errorf("user = %q, want %q", p.Config.User, tt.user)
			}
			for img, why := range tt.rejected {
				found := false
				for _, r := range p.Rejected {
					if r.Image == img && strings.Contains(r.Reason, why) {
						found = true
					}
				}
				if !found {
					t.Errorf("%s is not rejected for %q: %+v", img, why, p.Rejected)
				}
			}
			if p.Builder.From != tt.from {
				t.Errorf("builder FROM = %q, want %q", p.Builder.From, tt.from)
			}
		})
	}
}

func TestPlanNeedsFiles(t *testing.T) {
	r := reporttest.NodeS2I()
	r.Files = nil
	if _, err := Plan(context.Background(), r, DefaultOptions()); !errors.Is(err, ErrNoFiles) {
		t.Fatalf("err = %v, want ErrNoFiles", err)
	}
	if _, err := Plan(context.Background(), reporttest.NodeS2I(), Options{}); err == nil {
		t.Fatal("zero options were accepted")
	}
}

func TestPlanCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Plan(ctx, reporttest.NodeS2I(), DefaultOptions()); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

// TestMusl: a Node app without native addons built on Debian gets Alpine
// (first in rank); with an addon linking glibc, never.
func TestMusl(t *testing.T) {
	for _, tt := range []struct {
		name   string
		addons []report.NativeAddon
		want   string
	}{
		{"no addons", nil, "node:20-alpine"},
		{"glibc addon", []report.NativeAddon{{Path: "/app/node_modules/sharp/build/Release/sharp.node", Libc: "glibc", Needed: []string{"libc.so.6"}}}, "gcr.io/distroless/nodejs20-debian12"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := nodeDebian(tt.addons)
			p := plan(t, r, DefaultOptions())
			if p.Runtime == nil || p.Runtime.Image != tt.want {
				t.Fatalf("runtime = %v, want %s (rejected %+v)", p.Runtime, tt.want, p.Rejected)
			}
			for _, a := range append([]RuntimeBase{*p.Runtime}, p.Alternatives...) {
				if len(tt.addons) > 0 && a.Libc == "musl" {
					t.Errorf("%s (musl) proposed with a glibc addon", a.Image)
				}
			}
		})
	}
}

// nodeDebian is a node:20 image running `node server.js` from /app.
func nodeDebian(addons []report.NativeAddon) *report.Report {
	entries := []reporttest.Entry{
		reporttest.File("/app/server.js", 4_000, report.App), reporttest.File("/app/package.json", 600, report.App),
	}
	entries = append(entries, reporttest.Tree("/app/node_modules/express", "f", 50, 2_000_000, report.App)...)
	for _, a := range addons {
		entries = append(entries, reporttest.Exec(a.Path, 900_000, report.App))
	}
	return reporttest.Build(reporttest.Spec{
		Reference: "example/web:1",
		Config:    report.Config{Entrypoint: []string{"docker-entrypoint.sh"}, Cmd: []string{"node", "server.js"}, WorkingDir: "/app", User: "node"},
		Ecosystem: report.Ecosystem{Name: "node", Version: "20.11.1", AppDir: "/app", Libc: "glibc", NativeAddons: addons},
		Packages:  []report.Package{{Name: "libc6", Version: "2.36-9+deb12u4", Manager: "dpkg"}},
		Layers: []reporttest.Layer{
			{CreatedBy: "/bin/sh -c #(nop) ADD file:abc in / ", Entries: append(reporttest.Tree("/usr/lib/x86_64-linux-gnu", "so", 100, 300*reporttest.MB, report.OSBase), reporttest.Exec("/bin/rm", 70_000, report.OSBase))},
			{CreatedBy: "/bin/sh -c ARCH= && curl -fsSLO --compressed \"https://nodejs.org/dist/v$NODE_VERSION/node-v$NODE_VERSION-linux-$ARCH.tar.xz\"", Entries: []reporttest.Entry{reporttest.Exec("/usr/local/bin/node", 90*reporttest.MB, report.Runtime)}},
			{CreatedBy: "COPY . /app # buildkit", Entries: entries},
		},
	})
}

// TestOverride: --runtime-base with an image the catalog does not list is
// used as is; offline its size is unknown and the plan says so.
func TestOverride(t *testing.T) {
	opts := DefaultOptions()
	opts.RuntimeBase = "registry.example.com/base/node:20"
	p := plan(t, nodeDebian(nil), opts)
	if p.Runtime.Image != opts.RuntimeBase || p.Runtime.Source != "override" || p.Estimate.BaseSource != "unknown" {
		t.Fatalf("runtime = %+v, estimate %+v", p.Runtime, p.Estimate)
	}
	if p.Verdict != Split || !strings.Contains(strings.Join(p.Reasons, " "), "unknown") {
		t.Errorf("verdict %s %v: want a split that says the base size is unknown", p.Verdict, p.Reasons)
	}
	if strings.Join(p.Config.Entrypoint, " ") != "docker-entrypoint.sh" {
		t.Errorf("entrypoint changed for an unknown base: %q", p.Config.Entrypoint)
	}

	opts.RuntimeBase = "node:20-alpine"
	p = plan(t, nodeDebian([]report.NativeAddon{{Path: "/app/x.node", Libc: "glibc"}}), opts)
	warned := false
	for _, f := range p.Findings {
		if f.Kind == "runtime-base" && strings.Contains(f.Message, "glibc") {
			warned = true
		}
	}
	if !warned || p.Runtime.Image != "node:20-alpine" {
		t.Errorf("an Alpine override with a glibc addon: runtime %s, findings %+v", p.Runtime.Image, p.Findings)
	}
}

// TestLiveSize: the injected reader's figure wins and is labelled.
func TestLiveSize(t *testing.T) {
	opts := DefaultOptions()
	var asked string
	opts.BaseSize = func(_ context.Context, ref, platform string) (BaseInfo, error) {
		asked = ref + " " + platform
		return BaseInfo{Image: ref, Digest: "sha256:" + strings.Repeat("a", 64), SizeBytes: 111_000_000, CompressedBytes: 40_000_000, Source: "registry"}, nil
	}
	p := plan(t, nodeDebian(nil), opts)
	if asked != "node:20-alpine linux/amd64" {
		t.Errorf("asked for %q", asked)
	}
	if p.Estimate.BaseBytes != 111_000_000 || p.Estimate.BaseSource != "registry" || p.Runtime.Size.Digest == "" {
		t.Errorf("estimate %+v", p.Estimate)
	}
	opts.BaseSize = func(context.Context, string, string) (BaseInfo, error) {
		return BaseInfo{}, errors.New("dial tcp: no route")
	}
	p = plan(t, nodeDebian(nil), opts)
	if p.Estimate.BaseSource != "catalog" || !strings.Contains(p.Runtime.Size.Note, "no route") {
		t.Errorf("fallback = %+v", p.Runtime.Size)
	}
}

// TestNoSplit covers the images no split fits.
func TestNoSplit(t *testing.T) {
	unknown := nodeDebian(nil)
	unknown.Ecosystem = report.Ecosystem{}
	noVersion := nodeDebian(nil)
	noVersion.Ecosystem.Version = ""
	oldNode := nodeDebian(nil)
	oldNode.Ecosystem.Version = "12.22.0"
	sysDir := nodeDebian(nil)
	sysDir.Ecosystem.AppDir = "/usr"
	for _, tt := range []struct {
		name string
		r    *report.Report
		why  string
	}{
		{"unknown ecosystem", unknown, "ecosystem"},
		{"unknown version", noVersion, "version is unknown"},
		{"no catalog entry", oldNode, "no runtime base for node 12"},
		{"system app dir", sysDir, "system directory"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := plan(t, tt.r, DefaultOptions())
			if p.Verdict != QuickWinsOnly || p.Runtime != nil || !strings.Contains(strings.Join(p.Reasons, " "), tt.why) {
				t.Fatalf("verdict %s, reasons %v, want quick wins because %q", p.Verdict, p.Reasons, tt.why)
			}
			if p.Estimate.RuntimeBytes != p.Estimate.CurrentBytes {
				t.Error("a plan without a split changes the size")
			}
		})
	}
}

// TestQuickWins checks the wins found on the Python image: each tied to its
// layer and command, with the bytes it saves.
func TestQuickWins(t *testing.T) {
	p := plan(t, reporttest.PythonDebian(), DefaultOptions())
	want := map[string]struct {
		layer int
		bytes int64
		rule  string
	}{
		"apt-lists":       {6, 45 * reporttest.MB, "DL3009"},
		"apt-cache":       {6, 30 * reporttest.MB, ""},
		"pip-cache":       {9, 80 * reporttest.MB, "DL3042"},
		"docs":            {6, 9 * reporttest.MB, "DL3015"},
		"build-toolchain": {2, 200 * reporttest.MB, ""},
	}
	got := map[string]QuickWin{}
	for _, q := range p.QuickWins {
		if _, dup := got[q.ID]; !dup {
			got[q.ID] = q
		}
	}
	for id, w := range want {
		q, ok := got[id]
		if !ok {
			t.Errorf("no %s quick win; got %+v", id, p.QuickWins)
			continue
		}
		if q.Layer != w.layer || q.Bytes != w.bytes || q.Rule != w.rule || q.CreatedBy == "" || !strings.Contains(q.Advice, "(layer ") {
			t.Errorf("%s = %+v, want layer %d, %d bytes, rule %q", id, q, w.layer, w.bytes, w.rule)
		}
	}
	n := plan(t, reporttest.NodeS2I(), DefaultOptions())
	ids := map[string]QuickWin{}
	for _, q := range n.QuickWins {
		ids[q.ID] = q
	}
	if q := ids["rpm-cache"]; q.Rule != "DL3032" || q.Bytes != 95*reporttest.MB {
		t.Errorf("yum cache win = %+v", q)
	}
	if q := ids["metadata-rewrite"]; q.Layer != 4 || !strings.Contains(q.Fix, "COPY --chown") {
		t.Errorf("rewrite win = %+v", q)
	}
	if q := ids["hidden"]; q.Layer != 4 || !strings.Contains(q.Advice, "deleted") {
		t.Errorf("hidden win = %+v", q)
	}
}

// TestSecretsNeverCopied: secret-looking variables are findings, never in
// the runtime config, and their values appear nowhere in the plan.
func TestSecretsNeverCopied(t *testing.T) {
	for _, c := range reporttest.Cases() {
		p := plan(t, c.Report, DefaultOptions())
		var js bytes.Buffer
		_ = WriteJSON(&js, p)
		for _, secret := range []string{"s3cr3t-value-never-printed", "hunter2", "ghp_abcdefghijklmnopqrstuvwxyz0123456789"} {
			if strings.Contains(js.String(), secret) {
				t.Errorf("%s: the plan holds the secret %q", c.Name, secret)
			}
		}
	}
	p := plan(t, reporttest.PythonDebian(), DefaultOptions())
	kinds := 0
	for _, f := range p.Findings {
		if f.Kind == "secret-env" {
			kinds++
		}
	}
	if kinds != 2 {
		t.Errorf("%d secret findings, want SECRET_KEY and DATABASE_URL", kinds)
	}
}

// TestAlreadySlimForce: ForceSplit proposes the split anyway.
func TestAlreadySlimForce(t *testing.T) {
	opts := DefaultOptions()
	opts.ForceSplit = true
	if p := plan(t, reporttest.AlreadySlim(), opts); p.Verdict != Split {
		t.Fatalf("verdict = %s", p.Verdict)
	}
}

// TestLibrarySoname: a library an addon needs is copied under its soname
// (the symlink the loader looks up), even when the search directory is
// itself a symlink (/lib64 → usr/lib64), not only as the versioned file.
func TestLibrarySoname(t *testing.T) {
	opts := DefaultOptions()
	opts.RuntimeBase = "registry.example.com/base/bare:1" // not in the catalog: provides nothing known
	p := plan(t, reporttest.NodeS2I(), opts)
	var paths []string
	for _, c := range p.Copy.Include {
		paths = append(paths, c.Path)
		if c.Path == "/usr/lib64/libstdc++.so.6" {
			if c.Resolved != "/usr/lib64/libstdc++.so.6.0.25" {
				t.Errorf("libstdc++.so.6 resolves to %q", c.Resolved)
			}
			return
		}
	}
	t.Errorf("libstdc++.so.6 is not copied under its soname; copied: %q", paths)
}

// TestSecretsWhateverTheVerdict: a secret in ENV is a finding even when no
// split is planned (already slim or quick wins only).
func TestSecretsWhateverTheVerdict(t *testing.T) {
	r := reporttest.AlreadySlim()
	r.Image.Config.Env = append(r.Image.Config.Env, "API_TOKEN=ghp_0123456789abcdefghijklmnopqrstuvwxyz")
	p := plan(t, r, DefaultOptions())
	if p.Verdict == Split {
		t.Fatalf("verdict %s, want no split for this case", p.Verdict)
	}
	for _, f := range p.Findings {
		if f.Kind == "secret-env" && strings.Contains(f.Message, "API_TOKEN") {
			return
		}
	}
	t.Errorf("no secret-env finding for API_TOKEN; findings: %+v", p.Findings)
}
