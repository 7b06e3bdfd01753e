package gate

import "github.com/slimcheck/slimcheck/report"

// Advice is the part of a recommendation the gate and its formats use: the
// recommended split's estimate, its actions and secret-looking ENV findings.
// FromPlan builds it from a recommend.Plan; tests build it directly.
type Advice struct {
	Verdict      string          `json:"verdict"` // split, already-slim, quick-wins
	Reasons      []string        `json:"reasons,omitempty"`
	RuntimeBase  string          `json:"runtimeBase,omitempty"` // the split's runtime base image
	CurrentBytes int64           `json:"currentBytes"`
	RuntimeBytes int64           `json:"runtimeBytes"` // estimated size of the runtime image
	SavedBytes   int64           `json:"savedBytes"`   // CurrentBytes - RuntimeBytes
	SavedPercent float64         `json:"savedPercent"` // of CurrentBytes, 0..100
	RemovedBytes int64           `json:"removedBytes"` // today's bytes the split leaves behind
	Categories   []CategorySplit `json:"categories,omitempty"`
	Actions      []Action        `json:"actions"`
	Secrets      []Secret        `json:"secrets"`
}

// CategorySplit is one category's bytes today, kept and removed by the split.
type CategorySplit struct {
	Category     report.Category `json:"category"`
	Bytes        int64           `json:"bytes"`
	KeptBytes    int64           `json:"keptBytes"`
	RemovedBytes int64           `json:"removedBytes"`
}

// Action is one recommended change, largest saving first.
type Action struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Bytes  int64  `json:"bytes"`            // what it saves; 0 when not measurable
	Layer  int    `json:"layer"`            // the layer it is about, -1 for the whole image
	Detail string `json:"detail,omitempty"` // the change to make (a Dockerfile snippet)
}

// Secret is one secret-looking ENV variable. Values are never kept.
type Secret struct {
	Message string `json:"message"`
	Path    string `json:"path,omitempty"`
	Layer   int    `json:"layer"`
}

// HasSplit reports whether the advice proposes a builder/runtime split.
func (a *Advice) HasSplit() bool { return a != nil && a.Verdict == "split" }
