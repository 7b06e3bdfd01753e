package tui

import "github.com/slimcheck/slimcheck/recommend"

// planData is the recommend package's plan type: the one place tui names
// it.
type planData = recommend.PlanResult
