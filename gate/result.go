package gate

// Result is one rule's outcome on one image.
type Result struct {
	ID      string `json:"id"`      // "max-size", or "forbid/package-cache" for per-category rules
	Rule    string `json:"rule"`    // the policy key
	Title   string `json:"title"`   // what the rule checks
	Level   Level  `json:"level"`   // fail or warn
	Status  Status `json:"status"`  // pass, warn, fail or skip
	Message string `json:"message"` // measured against limit, or why the rule was skipped
	Unit    Unit   `json:"unit"`
	// Measured and Limit are in Unit. Measured is 0 when it is not a finite
	// number (dive's user wasted percent on an image without user bytes);
	// MeasuredText then says what it was.
	Measured     float64  `json:"measured"`
	Limit        float64  `json:"limit"`
	MeasuredText string   `json:"measuredText"`
	LimitText    string   `json:"limitText"`
	Comparison   string   `json:"comparison"` // passes when: "measured <= limit" or "measured >= limit"
	Details      []Detail `json:"details,omitempty"`
}

// Detail points at where a rule's bytes are.
type Detail struct {
	Kind  string `json:"kind"` // path, package, layer, category, env
	Name  string `json:"name"`
	Bytes int64  `json:"bytes"` // for growth: how much it grew
	Layer int    `json:"layer"` // -1 when not tied to a layer
	Note  string `json:"note,omitempty"`
}

// Breached reports whether the result is a warning or a failure.
func (r Result) Breached() bool { return r.Status == Warn || r.Status == Fail }

// Summary counts results by status.
type Summary struct {
	Verdict Status `json:"verdict"` // fail if any rule failed, else warn if any warned, else pass
	Total   int    `json:"total"`
	Passed  int    `json:"passed"`
	Warned  int    `json:"warned"`
	Failed  int    `json:"failed"`
	Skipped int    `json:"skipped"`
}

// Summarize counts results and gives the verdict.
func Summarize(rs []Result) Summary {
	s := Summary{Verdict: Pass, Total: len(rs)}
	for _, r := range rs {
		switch r.Status {
		case Pass:
			s.Passed++
		case Warn:
			s.Warned++
		case Fail:
			s.Failed++
		case Skip:
			s.Skipped++
		}
	}
	switch {
	case s.Failed > 0:
		s.Verdict = Fail
	case s.Warned > 0:
		s.Verdict = Warn
	}
	return s
}
