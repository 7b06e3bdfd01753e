package gate_test

import (
	"testing"

	"github.com/slimcheck/slimcheck/gate"
	"github.com/slimcheck/slimcheck/recommend"
	"github.com/slimcheck/slimcheck/report"
)

func TestFromPlan(t *testing.T) {
	p := &recommend.PlanResult{
		Verdict: recommend.Split,
		Runtime: &recommend.RuntimeBase{Image: "node:20-slim"},
		Estimate: recommend.Estimate{CurrentBytes: 400, RuntimeBytes: 150, SavedBytes: 250, SavedPercent: 62.5,
			Categories: []recommend.CategoryEstimate{
				{Category: report.BuildToolchain, Bytes: 100, RemovedBytes: 100},
				{Category: report.App, Bytes: 50, KeptBytes: 50},
				{Category: report.OSBase, Bytes: 250, KeptBytes: 150, RemovedBytes: 100},
			}},
		QuickWins: []recommend.QuickWin{
			{ID: "npm-cache", Advice: "clean the npm cache", Bytes: 10, Layer: 3},
			{ID: "apt-lists", Advice: "remove apt lists", Bytes: 30, Layer: 2, Fix: "rm -rf /var/lib/apt/lists/*"},
		},
		Findings: []recommend.Finding{
			{Kind: "root-user", Message: "runs as root", Layer: -1},
			{Kind: "secret-env", Message: "ENV AWS_SECRET_ACCESS_KEY looks like a secret", Layer: -1},
		},
	}
	a := gate.FromPlan(p)
	if a.RemovedBytes != 200 || a.SavedBytes != 250 || a.RuntimeBase != "node:20-slim" || !a.HasSplit() {
		t.Errorf("advice %+v", a)
	}
	ids := []string{}
	for _, x := range a.Actions {
		ids = append(ids, x.ID)
	}
	if len(ids) != 3 || ids[0] != "split" || ids[1] != "apt-lists" || ids[2] != "npm-cache" || a.Actions[0].Bytes != 250 {
		t.Errorf("actions %v", a.Actions)
	}
	if len(a.Secrets) != 1 || a.Secrets[0].Message != "ENV AWS_SECRET_ACCESS_KEY looks like a secret" {
		t.Errorf("secrets %+v", a.Secrets)
	}
	// Without a split nothing is removed or saved.
	p.Verdict, p.Runtime = recommend.AlreadySlim, nil
	a = gate.FromPlan(p)
	if a.RemovedBytes != 0 || a.SavedBytes != 0 || a.HasSplit() || a.Actions[0].ID != "apt-lists" {
		t.Errorf("already slim: %+v", a)
	}
	if gate.FromPlan(nil) != nil {
		t.Error("FromPlan(nil) != nil")
	}
}
