package gate_test

import (
	"math"
	"strings"
	"testing"

	"github.com/slimcheck/slimcheck/gate"
	"github.com/slimcheck/slimcheck/gate/internal/gatetest"
	"github.com/slimcheck/slimcheck/report"
)

func statuses(rs []gate.Result) map[string]gate.Status {
	m := map[string]gate.Status{}
	for _, r := range rs {
		m[r.ID] = r.Status
	}
	return m
}

func TestEvaluateFixedReport(t *testing.T) {
	in := gate.Input{Report: gatetest.Report(), Advice: gatetest.Advice(), Baseline: gatetest.Baseline()}
	rs := gate.Evaluate(in, gatetest.Policy())
	want := []struct {
		id     string
		status gate.Status
	}{
		{"max-size", gate.Pass},
		{"max-compressed-size", gate.Warn},
		{"max-layers", gate.Pass},
		{"lowestEfficiency", gate.Pass},
		{"highestWastedBytes", gate.Fail},
		{"highestUserWastedPercent", gate.Pass},
		{"max-hidden-bytes", gate.Pass},
		{"forbid/build-toolchain", gate.Fail},
		{"forbid/package-cache", gate.Fail},
		{"max-category/docs", gate.Pass},
		{"max-dev-dependencies", gate.Warn},
		{"max-removable", gate.Fail},
		{"min-savings", gate.Pass},
		{"max-growth", gate.Fail},
		{"secrets-in-env", gate.Fail},
	}
	if len(rs) != len(want) {
		t.Fatalf("got %d results, want %d: %+v", len(rs), len(want), statuses(rs))
	}
	for i, w := range want {
		if rs[i].ID != w.id || rs[i].Status != w.status {
			t.Errorf("result %d = %s %s (%s), want %s %s", i, rs[i].ID, rs[i].Status, rs[i].Message, w.id, w.status)
		}
	}
	s := gate.Summarize(rs)
	if s.Verdict != gate.Fail || s.Failed != 6 || s.Warned != 2 || s.Passed != 7 || s.Total != 15 {
		t.Errorf("summary %+v", s)
	}
	// The growth rule names the layer and the categories that grew.
	for _, r := range rs {
		if r.ID != "max-growth" {
			continue
		}
		var names []string
		for _, d := range r.Details {
			names = append(names, d.Kind+":"+d.Name)
		}
		got := strings.Join(names, ",")
		if !strings.Contains(got, "layer:RUN npm install") || !strings.Contains(got, "category:package-cache") || !strings.Contains(got, "category:app") {
			t.Errorf("growth details %s", got)
		}
		if r.Unit != gate.UnitPercent || math.Abs(r.Measured-100*34.0/440) > 1e-9 || !strings.Contains(r.Message, "34.0 MB") {
			t.Errorf("growth measured %v %s (%s), want 34 MB of 440 MB", r.Measured, r.Unit, r.Message)
		}
	}
}

// one evaluates a single-rule policy.
func one(t *testing.T, yaml string, in gate.Input) gate.Result {
	t.Helper()
	p, err := gate.ParsePolicy([]byte(yaml), "test")
	if err != nil {
		t.Fatal(err)
	}
	// Switch off the default rules the case does not set.
	for _, k := range []string{"lowestEfficiency", "highestUserWastedPercent", "forbid", "secrets-in-env"} {
		if !strings.Contains(yaml, k+":") {
			if err := p.Set(k, "off"); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := p.Finish(); err != nil {
		t.Fatal(err)
	}
	var got []gate.Result
	for _, r := range gate.Evaluate(in, p) {
		if r.Status == gate.Skip && r.Message == "rule disabled" {
			continue
		}
		got = append(got, r)
	}
	if len(got) != 1 {
		t.Fatalf("got %d results for %q: %+v", len(got), yaml, got)
	}
	return got[0]
}

func TestEachRulePassesAndFails(t *testing.T) {
	rep := gatetest.Report() // 474 MB, 171 MB compressed, 5 layers
	in := gate.Input{Report: rep, Advice: gatetest.Advice(), Baseline: gatetest.Baseline()}
	tests := []struct {
		yaml string
		want gate.Status
	}{
		{"max-size: 474MB", gate.Pass}, // equal passes
		{"max-size: 473.9MB", gate.Fail},
		{"max-size: {limit: 400MB, level: warn}", gate.Warn},
		{"max-compressed-size: 171MB", gate.Pass},
		{"max-compressed-size: 170MB", gate.Fail},
		{"max-layers: 5", gate.Pass},
		{"max-layers: 4", gate.Fail},
		{"lowestEfficiency: 0.9627", gate.Pass}, // dive: fails only when threshold > efficiency
		{"lowestEfficiency: 0.96271", gate.Fail},
		{"highestWastedBytes: 36MB", gate.Pass},
		{"highestWastedBytes: 35999999", gate.Fail},
		{"highestUserWastedPercent: 0.09", gate.Pass},
		{"highestUserWastedPercent: 0.089", gate.Fail},
		{"max-hidden-bytes: 18MB", gate.Pass},
		{"max-hidden-bytes: 17MB", gate.Fail},
		{"forbid: [temp]", gate.Pass},
		{"forbid: [build-toolchain]", gate.Fail},
		{"forbid: [package-cache]\nmax-category: {package-cache: 82MB}", gate.Pass},
		{"forbid: {categories: [package-cache], level: warn}", gate.Warn},
		{"max-category: {docs: 14MB}", gate.Pass},
		{"max-category: {docs: 13MB}", gate.Fail},
		{"max-dev-dependencies: 52MB", gate.Pass},
		{"max-dev-dependencies: 51MB", gate.Fail},
		{"max-removable: 288MB", gate.Pass},
		{"max-removable: 287MB", gate.Fail},
		{"max-removable: 61%", gate.Pass},
		{"max-removable: 60%", gate.Fail},
		{"min-savings: 56%", gate.Pass},
		{"min-savings: 55%", gate.Fail},
		{"min-savings: 264MB", gate.Pass},
		{"min-savings: 263MB", gate.Fail},
		{"baseline: b\nmax-growth: 34MB", gate.Pass},
		{"baseline: b\nmax-growth: 33MB", gate.Fail},
		{"baseline: b\nmax-growth: 8%", gate.Pass},
		{"baseline: b\nmax-growth: 7%", gate.Fail},
		{"baseline: b", gate.Pass}, // the default 10 %
		{"secrets-in-env: fail", gate.Fail},
		{"secrets-in-env: warn", gate.Warn},
	}
	for _, tt := range tests {
		t.Run(strings.ReplaceAll(tt.yaml, "\n", ";"), func(t *testing.T) {
			r := one(t, tt.yaml, in)
			if r.Status != tt.want {
				t.Errorf("%s: status %s (%s), want %s", r.ID, r.Status, r.Message, tt.want)
			}
			if r.Message == "" || r.LimitText == "" || (r.Status != gate.Skip && r.MeasuredText == "") {
				t.Errorf("result lacks text: %+v", r)
			}
		})
	}
}

func TestSecretsPassWithoutFindings(t *testing.T) {
	a := gatetest.Advice()
	a.Secrets = nil
	r := one(t, "secrets-in-env: fail", gate.Input{Report: gatetest.Report(), Advice: a})
	if r.Status != gate.Pass {
		t.Errorf("status %s", r.Status)
	}
}

func TestRulesSkipWithoutWhatTheyNeed(t *testing.T) {
	in := gate.Input{Report: gatetest.Report(), AdviceNote: "planning failed: no catalog"}
	for _, y := range []string{"max-removable: 10%", "min-savings: 1MB", "secrets-in-env: fail", "baseline: b\nmax-growth: 1MB"} {
		r := one(t, y, in)
		if r.Status != gate.Skip || !strings.Contains(r.Message, "skipped") {
			t.Errorf("%s: %s %q, want a skip", y, r.Status, r.Message)
		}
		if strings.HasPrefix(y, "max-removable") && !strings.Contains(r.Message, "no catalog") {
			t.Errorf("skip message %q lacks the advice note", r.Message)
		}
	}
}

func TestMinSizeForRatioRules(t *testing.T) {
	in := gate.Input{Report: gatetest.Report(), Advice: gatetest.Advice()}
	for _, y := range []string{"lowestEfficiency: 0.99", "highestUserWastedPercent: 0.01", "max-removable: 1%"} {
		small := one(t, y+"\nmin-size-for-ratio-rules: 500MB", in)
		if small.Status != gate.Skip || !strings.Contains(small.Message, "min-size-for-ratio-rules") {
			t.Errorf("%s on a small image: %s %q", y, small.Status, small.Message)
		}
		big := one(t, y+"\nmin-size-for-ratio-rules: 400MB", in)
		if big.Status != gate.Fail {
			t.Errorf("%s on a large image: %s %q", y, big.Status, big.Message)
		}
	}
	// Byte limits are not ratio rules.
	if r := one(t, "max-removable: 1MB\nmin-size-for-ratio-rules: 1GB", in); r.Status != gate.Fail {
		t.Errorf("max-removable in bytes was skipped: %+v", r)
	}
}

func TestDiveUserWastedPercentWithoutUserBytes(t *testing.T) {
	tests := []struct {
		name       string
		wasted     int64
		threshold  string
		want       gate.Status
		wantNumber float64
	}{
		{"0/0 is NaN and passes", 0, "0", gate.Pass, math.NaN()},
		{"wasted/0 is +Inf and fails", 10, "1", gate.Fail, math.Inf(1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := &report.Report{Layers: []report.Layer{{}}, Dive: report.Dive{Efficiency: 1, WastedBytes: tt.wasted}}
			got := gate.DiveUserWastedPercent(rep.Dive)
			if !(math.IsNaN(got) && math.IsNaN(tt.wantNumber)) && got != tt.wantNumber {
				t.Errorf("DiveUserWastedPercent = %v, want %v", got, tt.wantNumber)
			}
			p := gate.DefaultPolicy()
			if err := p.SetDive("highestUserWastedPercent", tt.threshold); err != nil {
				t.Fatal(err)
			}
			rs := gate.Evaluate(gate.Input{Report: rep}, p)
			if s := statuses(rs)["highestUserWastedPercent"]; s != tt.want {
				t.Errorf("status %s, want %s", s, tt.want)
			}
		})
	}
	// A NaN threshold never fails, as in dive.
	p := gate.DefaultPolicy()
	if err := p.SetDive("lowestEfficiency", "NaN"); err != nil {
		t.Fatal(err)
	}
	rep := &report.Report{Dive: report.Dive{Efficiency: 0}}
	if s := statuses(gate.Evaluate(gate.Input{Report: rep}, p))["lowestEfficiency"]; s != gate.Pass {
		t.Errorf("NaN threshold: %s", s)
	}
}

func TestDiveRulesListedWhenDisabled(t *testing.T) {
	p, err := gate.ParseDiveCI([]byte("rules:\n  lowestEfficiency: disabled\n"), ".dive-ci")
	if err != nil {
		t.Fatal(err)
	}
	got := statuses(gate.Evaluate(gate.Input{Report: gatetest.Report(), Advice: gatetest.Advice()}, p))
	if got["lowestEfficiency"] != gate.Skip || got["highestWastedBytes"] != gate.Skip || got["highestUserWastedPercent"] != gate.Pass {
		t.Errorf("got %v", got)
	}
}

func TestSummarize(t *testing.T) {
	tests := []struct {
		in   []gate.Status
		want gate.Status
	}{
		{nil, gate.Pass},
		{[]gate.Status{gate.Pass, gate.Skip}, gate.Pass},
		{[]gate.Status{gate.Pass, gate.Warn}, gate.Warn},
		{[]gate.Status{gate.Warn, gate.Fail, gate.Pass}, gate.Fail},
	}
	for _, tt := range tests {
		var rs []gate.Result
		for _, s := range tt.in {
			rs = append(rs, gate.Result{Status: s})
		}
		if got := gate.Summarize(rs).Verdict; got != tt.want {
			t.Errorf("Summarize(%v) = %s, want %s", tt.in, got, tt.want)
		}
	}
}
