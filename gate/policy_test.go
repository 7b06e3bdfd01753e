package gate

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/slimcheck/slimcheck/report"
)

func TestParsePolicy(t *testing.T) {
	tests := []struct {
		name  string
		yaml  string
		check func(t *testing.T, p *Policy)
	}{
		{"empty file keeps the defaults", "", func(t *testing.T, p *Policy) {
			d := DefaultPolicy()
			d.Source = p.Source
			if !reflect.DeepEqual(p, d) {
				t.Errorf("got %+v, want defaults %+v", p, d)
			}
		}},
		{"scalars", "max-size: 250MB\nmax-compressed-size: 90MB\nmax-layers: 30\nmax-hidden-bytes: 1MiB\n", func(t *testing.T, p *Policy) {
			want := []Limit{
				{Level: LevelFail, Unit: UnitBytes, Bytes: 250e6, Text: "250MB"},
				{Level: LevelFail, Unit: UnitBytes, Bytes: 90e6, Text: "90MB"},
				{Level: LevelFail, Unit: UnitCount, Value: 30, Text: "30"},
				{Level: LevelFail, Unit: UnitBytes, Bytes: 1 << 20, Text: "1MiB"},
			}
			got := []Limit{p.MaxSize, p.MaxCompressedSize, p.MaxLayers, p.MaxHiddenBytes}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got %+v\nwant %+v", got, want)
			}
		}},
		{"warn level by mapping", "max-size: {limit: 1GB, level: warn}\n", func(t *testing.T, p *Policy) {
			if p.MaxSize.Level != LevelWarn || p.MaxSize.Bytes != 1e9 {
				t.Errorf("got %+v", p.MaxSize)
			}
		}},
		{"off words switch rules off", "lowestEfficiency: disabled\nhighestUserWastedPercent: off\nsecrets-in-env: off\nforbid: off\n", func(t *testing.T, p *Policy) {
			if p.LowestEfficiency.Enabled() || p.HighestUserWastedPercent.Enabled() || p.SecretsInEnv.Enabled() || p.Forbid.Level.Enabled() {
				t.Errorf("rules still on: %+v", p)
			}
		}},
		{"dive keys with dive values", "lowestEfficiency: 0.95\nhighestWastedBytes: 20Mb\nhighestUserWastedPercent: 0.5\n", func(t *testing.T, p *Policy) {
			if p.LowestEfficiency.Value != 0.95 || p.HighestWastedBytes.Bytes != 20e6 || p.HighestUserWastedPercent.Value != 0.5 {
				t.Errorf("got %+v %+v %+v", p.LowestEfficiency, p.HighestWastedBytes, p.HighestUserWastedPercent)
			}
		}},
		{"forbid list and tolerance", "forbid: [build-toolchain, package-cache]\nmax-category: {package-cache: 1MB, docs: {limit: 5MB, level: warn}}\n", func(t *testing.T, p *Policy) {
			if !reflect.DeepEqual(p.Forbid, Forbid{Level: LevelFail, Categories: []report.Category{report.BuildToolchain, report.PackageCache}}) {
				t.Errorf("forbid %+v", p.Forbid)
			}
			if p.MaxCategory[report.PackageCache].Bytes != 1e6 || p.MaxCategory[report.Docs].Level != LevelWarn {
				t.Errorf("max-category %+v", p.MaxCategory)
			}
		}},
		{"forbid mapping", "forbid: {categories: [temp], level: warn}\n", func(t *testing.T, p *Policy) {
			if p.Forbid.Level != LevelWarn || len(p.Forbid.Categories) != 1 || p.Forbid.Categories[0] != report.Temp {
				t.Errorf("forbid %+v", p.Forbid)
			}
		}},
		{"plan, growth and paths", "max-removable: 30%\nmin-savings: 100MB\nbaseline: reg.example/app:main\nmax-growth: 5%\nignore-paths: [/opt/models/**, '*.onnx']\nmin-size-for-ratio-rules: 10MB\nsecrets-in-env: fail\nmax-dev-dependencies: 0\n", func(t *testing.T, p *Policy) {
			if p.MaxRemovable.Unit != UnitPercent || p.MaxRemovable.Value != 30 || p.MinSavings.Bytes != 100e6 {
				t.Errorf("plan rules %+v %+v", p.MaxRemovable, p.MinSavings)
			}
			if p.Baseline != "reg.example/app:main" || p.MaxGrowth.Value != 5 || p.MinSizeForRatioRules != 10e6 || p.SecretsInEnv != LevelFail {
				t.Errorf("got %+v", p)
			}
			if !reflect.DeepEqual(p.IgnorePaths, []string{"/opt/models/**", "*.onnx"}) || !p.MaxDevDependencies.Enabled() {
				t.Errorf("got %+v", p)
			}
		}},
		{"baseline alone gets the default growth limit", "baseline: app:main\n", func(t *testing.T, p *Policy) {
			if err := p.Finish(); err != nil {
				t.Fatal(err)
			}
			if p.MaxGrowth.Unit != UnitPercent || p.MaxGrowth.Value != 10 || p.MaxGrowth.Level != LevelFail {
				t.Errorf("max-growth %+v", p.MaxGrowth)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParsePolicy([]byte(tt.yaml), ".slimcheck.yaml")
			if err != nil {
				t.Fatalf("ParsePolicy: %v", err)
			}
			tt.check(t, p)
		})
	}
}

func TestParsePolicyErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string // each must appear in the error
	}{
		{"unknown key names the allowed ones", "max_size: 1GB\n", []string{`line 1: unknown key "max_size"`, "allowed keys: max-size, max-compressed-size"}},
		{"dive's rules section", "rules:\n  lowestEfficiency: 0.9\n", []string{`unknown key "rules"`, ".dive-ci"}},
		{"bad size", "max-size: big\n", []string{"max-size", `"big"`, "unit"}},
		{"bad level", "max-size: {limit: 1GB, level: loud}\n", []string{"max-size", `"loud" is not one of fail, warn, off`}},
		{"unknown field", "max-size: {limit: 1GB, when: always}\n", []string{`unknown field "when" (allowed: limit, level)`}},
		{"missing limit", "max-size: {level: warn}\n", []string{"needs a limit"}},
		{"null value", "max-size:\n", []string{"max-size", "needs a value"}},
		{"unknown category", "forbid: [compilers]\n", []string{`unknown category "compilers"`, "build-toolchain, package-cache"}},
		{"percent out of range", "max-removable: 150%\n", []string{"max-removable", "above 100"}},
		{"ratio out of range", "lowestEfficiency: 90\n", []string{"lowestEfficiency", "outside the allowed range 0-1"}},
		{"NaN ratio", "lowestEfficiency: .nan\n", []string{"lowestEfficiency", "not a number"}},
		{"bad count", "max-layers: 2.5\n", []string{"max-layers", "whole number"}},
		{"bad glob", "ignore-paths: ['[a-']\n", []string{"ignore-paths", "syntax error in pattern"}},
		{"bad secrets level", "secrets-in-env: maybe\n", []string{"secrets-in-env", "fail, warn, off"}},
		{"duplicate key", "max-size: 1GB\nmax-size: 2GB\n", []string{"max-size"}},
		{"not a mapping", "- max-size\n", []string{"want a mapping"}},
		{"invalid YAML", "max-size: [\n", []string{"parsing policy"}},
		{"all errors at once", "max-size: x\nmax-layers: y\nnope: 1\n", []string{"max-size", "max-layers", `"nope"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParsePolicy([]byte(tt.yaml), ".slimcheck.yaml")
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestFinishValidates(t *testing.T) {
	p := DefaultPolicy()
	if err := p.Set("max-growth", "5%"); err != nil {
		t.Fatal(err)
	}
	if err := p.Finish(); err == nil || !strings.Contains(err.Error(), "needs a baseline") {
		t.Errorf("Finish = %v, want a missing-baseline error", err)
	}
}

func TestSetAndSetLevel(t *testing.T) {
	p := DefaultPolicy()
	for k, v := range map[string]string{
		"max-size": "250MB", "forbid": "build-toolchain,package-cache", "max-category": "package-cache=1MB,docs=2MB",
		"ignore-paths": "/opt/models/**,*.onnx", "secrets-in-env": "fail", "baseline": "app:main", "max-growth": "20MB",
	} {
		if err := p.Set(k, v); err != nil {
			t.Fatalf("Set(%s, %s): %v", k, v, err)
		}
	}
	if p.MaxSize.Bytes != 250e6 || len(p.Forbid.Categories) != 2 || p.MaxCategory[report.Docs].Bytes != 2e6 || len(p.IgnorePaths) != 2 || p.MaxGrowth.Bytes != 20e6 {
		t.Errorf("got %+v", p)
	}
	for _, k := range []string{"max-size", "forbid", "max-category", "secrets-in-env", "lowestEfficiency"} {
		if err := p.SetLevel(k, LevelWarn); err != nil {
			t.Errorf("SetLevel(%s): %v", k, err)
		}
	}
	if p.MaxSize.Level != LevelWarn || p.Forbid.Level != LevelWarn || p.MaxCategory[report.Docs].Level != LevelWarn || p.SecretsInEnv != LevelWarn || p.LowestEfficiency.Level != LevelWarn {
		t.Errorf("levels not set: %+v", p)
	}
	if err := p.SetLevel("max-layers", LevelWarn); err == nil {
		t.Error("SetLevel on an unset rule should fail")
	}
	if err := p.SetLevel("baseline", LevelWarn); err == nil {
		t.Error("SetLevel on a setting should fail")
	}
	if err := p.Set("max-sise", "1GB"); err == nil || !strings.Contains(err.Error(), "allowed keys") {
		t.Errorf("Set unknown key = %v", err)
	}
}

func TestParseDiveCI(t *testing.T) {
	type want struct {
		eff, wasted, user string // "off" or the threshold as %v
	}
	show := func(l Limit) string {
		if !l.Enabled() {
			return "off"
		}
		if l.Unit == UnitBytes {
			return strings.TrimSpace(strings.TrimSuffix(report.Bytes(l.Bytes), ""))
		}
		if math.IsNaN(l.Value) {
			return "NaN"
		}
		return trimFloat(l.Value)
	}
	tests := []struct {
		name string
		yaml string
		want want
	}{
		{"dive's sample", "---\nplugins:\n  - plugin1\nrules:\n  lowestEfficiency: 0.95\n  highestWastedBytes: 20Mb\n  highestUserWastedPercent: 0.5\n  plugin1/rule1: error\n", want{"0.95", "20.0 MB", "0.5"}},
		{"empty file gives dive's defaults", "", want{"0.9", "off", "0.1"}},
		{"null values give defaults", "rules:\n  lowestEfficiency:\n  highestUserWastedPercent: ~\n", want{"0.9", "off", "0.1"}},
		{"keys are case-insensitive", "RULES:\n  LowestEfficiency: 0.5\n  HIGHESTWASTEDBYTES: 1kb\n", want{"0.5", "1.0 kB", "0.1"}},
		{"a dotted top-level key wins", "rules.lowestEfficiency: 0.3\nrules:\n  lowestEfficiency: 0.7\n", want{"0.3", "off", "0.1"}},
		{"strings and ints", "rules:\n  lowestEfficiency: '1'\n  highestWastedBytes: 1000\n  highestUserWastedPercent: 0\n", want{"1", "1.0 kB", "0"}},
		{"humanize accepts commas and IEC units", "rules:\n  highestWastedBytes: 1,500 KiB\n", want{"0.9", "1.5 MB", "0.1"}},
		{"disabled is exact", "rules:\n  lowestEfficiency: disabled\n  highestUserWastedPercent: disabled\n", want{"off", "off", "off"}},
		{"NaN passes dive's range check", "rules:\n  lowestEfficiency: .nan\n", want{"NaN", "off", "0.1"}},
		{"hex floats parse", "rules:\n  lowestEfficiency: 0x1p-2\n", want{"0.25", "off", "0.1"}},
		{"unknown keys are ignored", "foo: bar\nrules:\n  other: 1\n", want{"0.9", "off", "0.1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParseDiveCI([]byte(tt.yaml), ".dive-ci")
			if err != nil {
				t.Fatalf("ParseDiveCI: %v", err)
			}
			got := want{show(p.LowestEfficiency), show(p.HighestWastedBytes), show(p.HighestUserWastedPercent)}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestParseDiveCIMisconfigured(t *testing.T) {
	tests := []struct{ name, yaml, want string }{
		{"empty string is not disabled in v0.13.1", "rules:\n  highestUserWastedPercent: ''\n", "highestUserWastedPercent"},
		{"Disabled is not disabled", "rules:\n  lowestEfficiency: Disabled\n", "lowestEfficiency"},
		{"percent strings are not ratios", "rules:\n  highestUserWastedPercent: 10%\n", "highestUserWastedPercent"},
		{"out of range", "rules:\n  lowestEfficiency: 1.5\n", "outside the allowed range"},
		{"negative bytes", "rules:\n  highestWastedBytes: -5\n", "highestWastedBytes"},
		{"booleans", "rules:\n  lowestEfficiency: true\n", "lowestEfficiency"},
		{"rules as a list shadows every rule", "rules:\n  - lowestEfficiency: 0.5\n", "highestWastedBytes"},
		{"rules as a string", "rules: strict\n", "lowestEfficiency"},
		{"a list value", "rules:\n  lowestEfficiency: [0.5]\n", "lowestEfficiency"},
		{"invalid YAML", "rules: [\n", "parsing dive CI config"},
		{"keys differing in case", "rules:\n  lowestEfficiency: 0.5\n  lowestefficiency: 0.6\n", "differ only in case"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseDiveCI([]byte(tt.yaml), ".dive-ci")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}

func TestIsDiveCI(t *testing.T) {
	tests := []struct {
		path, data string
		want       bool
	}{
		{".dive-ci", "", true},
		{"ci/dive-ci.yaml", "", true},
		{"policy.yaml", "Rules:\n  lowestEfficiency: 0.9\n", true},
		{".slimcheck.yaml", "max-size: 1GB\n", false},
		{"x.yaml", "[", false},
	}
	for _, tt := range tests {
		if got := IsDiveCI(tt.path, []byte(tt.data)); got != tt.want {
			t.Errorf("IsDiveCI(%q, %q) = %v, want %v", tt.path, tt.data, got, tt.want)
		}
	}
}
