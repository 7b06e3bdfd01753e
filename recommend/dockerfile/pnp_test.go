package dockerfile

import (
	"strings"
	"testing"

	"github.com/slimcheck/slimcheck/recommend/internal/pnpreport"
)

// TestRenderPnP renders the plans of real Yarn Plug'n'Play installs and
// checks both Dockerfiles with BuildKit's parser: the runtime stage copies
// the cache the map loads production zips from, and the builder deletes
// only dev-only and unreferenced zips, never one production needs.
func TestRenderPnP(t *testing.T) {
	for _, tc := range []struct {
		variant, cache string
	}{
		{"yarn4-global", "/root/.yarn"},
		{"yarn4-local", "/usr/src/app"},
	} {
		t.Run(tc.variant, func(t *testing.T) {
			rep, _ := pnpreport.Report(t, tc.variant)
			p := plan(t, rep)
			df, _ := renderChecked(t, p)
			text := string(df)
			if !strings.Contains(text, `COPY --from=builder ["`+tc.cache+`", "`+tc.cache+`"]`) {
				t.Errorf("no COPY of %s:\n%s", tc.cache, text)
			}
			rm := text[strings.Index(text, `RUN ["rm"`):]
			rm = rm[:strings.Index(rm, "]\n")]
			for _, n := range []string{"is-number-npm-6.0.0-", "is-odd-npm-3.0.1-", "isarray-npm-2.0.5-", "unplugged/left-pad-npm-1.3.0-"} {
				if !strings.Contains(rm, n) {
					t.Errorf("the builder keeps dev-only %s:\n%s", n, rm)
				}
			}
			for _, n := range []string{"debug-npm-", "inherits-npm-", "ms-npm-", "unplugged/escape-html-", ".pnp.cjs"} {
				if strings.Contains(rm, n) {
					t.Errorf("the builder deletes %s, which production needs:\n%s", n, rm)
				}
			}
		})
	}
}
