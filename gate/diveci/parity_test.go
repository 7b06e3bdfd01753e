package diveci

import (
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/slimcheck/slimcheck/gate"
	"github.com/slimcheck/slimcheck/gate/internal/randimage"
	"github.com/slimcheck/slimcheck/internal/imagetest"
)

const diveFixture = "../../../shared/fixtures/dive/test-docker-image.tar"

// TestConfigParsing feeds dive and slimcheck the same .dive-ci files on
// dive's own test image (efficiency 0.9844, wasted 32025 B, user wasted
// 0.4835) and compares the verdict on each rule: how viper reads the file
// (case, nulls, dotted keys, shadowing), which values dive accepts, and the
// strict comparisons.
func TestConfigParsing(t *testing.T) {
	archive, err := filepath.Abs(diveFixture)
	if err != nil {
		t.Fatal(err)
	}
	r := analyzeArchive(t, archive)
	cases := map[string]string{
		"dive's sample":            "---\nplugins:\n  - plugin1\n\nrules:\n  lowestEfficiency: 0.95\n  highestWastedBytes: 20Mb\n  highestUserWastedPercent: 0.5\n  plugin1/rule1: error\n",
		"empty file":               "",
		"dive's defaults":          "rules: {}\n",
		"evaluator test: all fail": "rules:\n  lowestEfficiency: 0.99\n  highestWastedBytes: 1B\n  highestUserWastedPercent: 0.01\n",
		"evaluator test: all pass": "rules:\n  lowestEfficiency: 0.9\n  highestWastedBytes: 50kB\n  highestUserWastedPercent: 0.5\n",
		"evaluator test: mixed":    "rules:\n  lowestEfficiency: 0.9\n  highestWastedBytes: 1B\n  highestUserWastedPercent: 0.5\n",
		"equal thresholds pass":    "rules:\n  lowestEfficiency: 0.9844212134184309\n  highestWastedBytes: 32025\n  highestUserWastedPercent: 0.4834911001404049\n",
		"one byte under fails":     "rules:\n  highestWastedBytes: 32024\n  lowestEfficiency: 0.9844212134184310\n  highestUserWastedPercent: 0.4834911001404048\n",
		"humanize units":           "rules:\n  highestWastedBytes: 32 KiB\n",
		"humanize commas":          "rules:\n  highestWastedBytes: '32,025'\n",
		"humanize decimal kB":      "rules:\n  highestWastedBytes: 32.02kb\n",
		"case-insensitive keys":    "RULES:\n  LOWESTEFFICIENCY: 0.99\n  HighestWastedBytes: 1kb\n",
		"null values":              "rules:\n  lowestEfficiency:\n  highestUserWastedPercent: ~\n",
		"dotted top-level key":     "rules.lowestEfficiency: 0.99\nrules:\n  lowestEfficiency: 0.5\n",
		"all disabled":             "rules:\n  lowestEfficiency: disabled\n  highestWastedBytes: disabled\n  highestUserWastedPercent: disabled\n",
		"NaN threshold":            "rules:\n  lowestEfficiency: .nan\n  highestUserWastedPercent: NaN\n",
		"quoted numbers":           "rules:\n  lowestEfficiency: '0.99'\n  highestUserWastedPercent: \"0.4\"\n",
		"integers":                 "rules:\n  lowestEfficiency: 1\n  highestUserWastedPercent: 0\n  highestWastedBytes: 40000\n",
		"hex float":                "rules:\n  lowestEfficiency: 0x1.ffp-1\n",
		"exponent":                 "rules:\n  highestUserWastedPercent: 5e-1\n",
		"unknown keys ignored":     "foo: 1\nrules:\n  lowestEfficiency: 0.5\n  somethingElse: x\n",
		// Misconfigured: dive says "CI Misconfigured", slimcheck exits 2.
		"empty string":        "rules:\n  highestUserWastedPercent: ''\n",
		"Disabled with a cap": "rules:\n  lowestEfficiency: Disabled\n",
		"off is not disabled": "rules:\n  lowestEfficiency: 'off'\n",
		"a percent string":    "rules:\n  highestUserWastedPercent: 10%\n",
		"out of range":        "rules:\n  lowestEfficiency: 1.5\n",
		"negative bytes":      "rules:\n  highestWastedBytes: -1\n",
		"unknown unit":        "rules:\n  highestWastedBytes: 20 parsecs\n",
		"a boolean":           "rules:\n  lowestEfficiency: true\n",
		"rules as a list":     "rules:\n  - lowestEfficiency: 0.5\n",
		"rules as a string":   "rules: strict\n",
		"a list value":        "rules:\n  lowestEfficiency: [0.5]\n",
		"invalid YAML":        "rules: [\n",
		"infinite threshold":  "rules:\n  lowestEfficiency: .inf\n",
	}
	for name, content := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			config := writeConfig(t, content)
			want, text := runDive(t, archive, config)
			got := runOurs(t, r, config)
			if got.String() != want.String() {
				t.Errorf("slimcheck: %s\n     dive: %s\nconfig:\n%s\ndive said:\n%s", got, want, content, text)
			}
		})
	}
}

// TestGeneratedImages compares verdicts on pseudo-random images (overwrites,
// whiteouts, opaque directories, links, single-layer images) with
// thresholds placed exactly on, just under and just over the measured
// values, in the spellings dive accepts.
func TestGeneratedImages(t *testing.T) {
	dir := t.TempDir()
	const images = 30
	var fails, passes atomic.Int32
	nans := 0
	for seed := uint64(1); seed <= images; seed++ {
		spec := randimage.New(seed, int64(1+seed%4*250))
		var ls []v1.Layer
		for _, es := range spec.Layers {
			ls = append(ls, imagetest.Layer(t, es...))
		}
		img := imagetest.Image(t, v1.Config{}, spec.CreatedBy, ls...)
		archive := filepath.Join(dir, fmt.Sprintf("seed%d.tar", seed))
		imagetest.WriteDockerArchive(t, archive, fmt.Sprintf("gen:%d", seed), img)
		r := analyzeArchive(t, archive)
		eff, wasted := r.Dive.Efficiency, r.Dive.WastedBytes
		uwp := gate.DiveUserWastedPercent(r.Dive)
		if math.IsNaN(uwp) || math.IsInf(uwp, 0) {
			nans++
		}
		rng := rand.New(rand.NewPCG(seed, 7))
		ratio := func(v float64, nudge float64) string {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return strconv.FormatFloat(rng.Float64(), 'f', 3, 64)
			}
			return strconv.FormatFloat(math.Min(1, math.Max(0, v+nudge)), 'g', -1, 64)
		}
		configs := []string{
			// exactly on the measured values: every rule passes
			fmt.Sprintf("rules:\n  lowestEfficiency: %s\n  highestWastedBytes: %d\n  highestUserWastedPercent: %s\n", ratio(eff, 0), wasted, ratio(uwp, 0)),
			// just past them: the rules with room to fail do
			fmt.Sprintf("rules:\n  lowestEfficiency: %s\n  highestWastedBytes: %d\n  highestUserWastedPercent: %s\n", ratio(eff, 1e-9), max(wasted-1, 0), ratio(uwp, -1e-9)),
			// dive's spellings, mixed with disabled rules
			fmt.Sprintf("RULES:\n  LowestEfficiency: '%.2f'\n  highestWastedBytes: %s\n  highestUserWastedPercent: %s\n", rng.Float64(), []string{"1kB", "20Mb", "2 KiB", "disabled", "5,000"}[rng.IntN(5)], []string{"disabled", "0.25", "0.5"}[rng.IntN(3)]),
		}
		for ci, content := range configs {
			t.Run(fmt.Sprintf("seed=%d/config=%d", seed, ci), func(t *testing.T) {
				t.Parallel()
				config := writeConfig(t, content)
				want, text := runDive(t, archive, config)
				got := runOurs(t, r, config)
				if got.String() != want.String() {
					t.Errorf("slimcheck: %s\n     dive: %s\nconfig:\n%s\ndive said:\n%s\nimage:\n%s", got, want, content, text, spec.Describe())
				}
				if want.Failed {
					fails.Add(1)
				} else {
					passes.Add(1)
				}
			})
		}
	}
	t.Cleanup(func() {
		f, p := int(fails.Load()), int(passes.Load())
		t.Logf("%d images (%d without user bytes): %d dive runs failed, %d passed", images, nans, f, p)
		if f < images/2 || p < images/2 || nans == 0 {
			t.Errorf("coverage too low: %d fails, %d passes, %d images without user bytes", f, p, nans)
		}
	})
}

// TestNoUserBytes covers dive's divisions by zero: wasted bytes over zero
// user bytes is +Inf (fails any threshold), zero over zero is NaN (passes).
func TestNoUserBytes(t *testing.T) {
	dir := t.TempDir()
	images := map[string][]v1.Layer{
		"inf": {
			imagetest.Layer(t, imagetest.Dir("etc"), imagetest.File("etc/conf", 500)),
			imagetest.Layer(t, imagetest.File("etc/conf", 0)),
		},
		"nan": {imagetest.Layer(t, imagetest.File("etc/conf", 500))},
	}
	for name, layers := range images {
		t.Run(name, func(t *testing.T) {
			archive := filepath.Join(dir, name+".tar")
			imagetest.WriteDockerArchive(t, archive, "gen:"+name, imagetest.Image(t, v1.Config{}, nil, layers...))
			r := analyzeArchive(t, archive)
			for _, th := range []string{"0", "0.5", "1"} {
				config := writeConfig(t, "rules:\n  lowestEfficiency: disabled\n  highestUserWastedPercent: "+th+"\n")
				want, text := runDive(t, archive, config)
				got := runOurs(t, r, config)
				if got.String() != want.String() {
					t.Errorf("threshold %s: slimcheck %s, dive %s\n%s", th, got, want, text)
				}
				if wantFail := name == "inf"; want.Failed != wantFail {
					t.Errorf("threshold %s: dive failed=%v, expected %v", th, want.Failed, wantFail)
				}
			}
		})
	}
}
