package gate

import (
	"math"
	"strings"
	"testing"
)

// checkPolicy asserts what every parsed policy must satisfy.
func checkPolicy(t *testing.T, p *Policy) {
	t.Helper()
	limits := []Limit{p.MaxSize, p.MaxCompressedSize, p.MaxLayers, p.LowestEfficiency, p.HighestWastedBytes,
		p.HighestUserWastedPercent, p.MaxHiddenBytes, p.MaxDevDependencies, p.MaxRemovable, p.MinSavings, p.MaxGrowth}
	for _, l := range p.MaxCategory {
		limits = append(limits, l)
	}
	for _, l := range limits {
		switch l.Level {
		case LevelFail, LevelWarn, LevelOff, "":
		default:
			t.Fatalf("level %q", l.Level)
		}
		if l.Bytes < 0 || l.Value < 0 || math.IsInf(l.Value, 0) {
			t.Fatalf("negative or infinite limit %+v", l)
		}
		if l.Unit == UnitRatio && l.Value > 1 {
			t.Fatalf("ratio above 1: %+v", l)
		}
	}
	for _, c := range p.Forbid.Categories {
		if !c.Valid() {
			t.Fatalf("category %q", c)
		}
	}
	if _, err := NewMatcher(p.IgnorePaths); err != nil {
		t.Fatalf("accepted globs do not compile: %v", err)
	}
	_ = Evaluate(Input{}, p) // never panics on an empty report
}

func FuzzParsePolicy(f *testing.F) {
	f.Add([]byte("max-size: 250MB\nmax-compressed-size: {limit: 90MB, level: warn}\nforbid: [build-toolchain]\n"))
	f.Add([]byte("max-category: {package-cache: 1MB, docs: {limit: 5MB, level: warn}}\nignore-paths: ['/opt/**', '*.bin']\n"))
	f.Add([]byte("baseline: app:main\nmax-growth: 5%\nmin-savings: 20%\nmax-removable: 100MB\nsecrets-in-env: fail\n"))
	f.Add([]byte("lowestEfficiency: .nan\nhighestWastedBytes: 1e400\nmax-layers: -1\n"))
	f.Add([]byte("forbid: {categories: [x], level: warn}\nmax-size: [1]\n? [a]\n: b\n"))
	f.Add([]byte("&a [*a]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParsePolicy(data, "fuzz")
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		checkPolicy(t, p)
		_ = p.Finish()
	})
}

func FuzzParseDiveCI(f *testing.F) {
	f.Add([]byte("rules:\n  lowestEfficiency: 0.95\n  highestWastedBytes: 20Mb\n  highestUserWastedPercent: 0.5\n"))
	f.Add([]byte("RULES:\n  LowestEfficiency: disabled\nrules.highestWastedBytes: '1,000 KiB'\n"))
	f.Add([]byte("rules: [1, 2]\n"))
	f.Add([]byte("rules:\n  lowestEfficiency: 0x1p-2\n  highestUserWastedPercent: .nan\n"))
	f.Add([]byte("{1: {2: 3}, rules: {Lowestefficiency: 1, lowestEfficiency: 0}}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseDiveCI(data, "fuzz")
		if err != nil {
			return
		}
		for _, k := range DiveKeys() {
			if l := p.limit(k); l.Level != LevelFail && l.Level != LevelOff {
				t.Fatalf("%s level %q", k, l.Level)
			}
		}
		checkPolicy(t, p)
	})
}

func FuzzMatcher(f *testing.F) {
	f.Add("/opt/models/**", "/opt/models/a/b.bin")
	f.Add("*.onnx", "/x/y.onnx")
	f.Add("/a/**/b/**/c", "/a/x/b/y/z/c/d")
	f.Add("[a-", "/a")
	f.Add("/**/**/**", "/")
	f.Fuzz(func(t *testing.T, pattern, p string) {
		if len(pattern) > 200 || len(p) > 400 {
			return
		}
		m, err := NewMatcher([]string{pattern})
		if err != nil {
			return
		}
		p = "/" + strings.Trim(p, "/")
		if m.Match(p) && p != "/" {
			// A match excludes everything below it.
			if !m.Match(p + "/child") {
				t.Fatalf("%q matches %q but not %q", pattern, p, p+"/child")
			}
		}
	})
}
