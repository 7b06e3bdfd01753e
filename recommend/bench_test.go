package recommend

import (
	"context"
	"testing"

	"github.com/slimcheck/slimcheck/recommend/internal/reporttest"
)

func BenchmarkPlan(b *testing.B) {
	r := reporttest.NodeS2I()
	opts := DefaultOptions()
	for i := 0; i < b.N; i++ {
		if _, err := Plan(context.Background(), r, opts); err != nil {
			b.Fatal(err)
		}
	}
}
