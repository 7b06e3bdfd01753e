package hostile

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// reliabilityDoc is docs/reliability.md, whose tables name the test of
// every case.
const reliabilityDoc = "../../docs/reliability.md"

// subtest is the name `go test -run` and -v use for t.Run(name).
func subtest(parent, name string) string {
	return parent + "/" + strings.ReplaceAll(name, " ", "_")
}

// TestReliabilityDoc keeps docs/reliability.md true: every case of this
// package's suites has a row naming its test, and every test the document
// names in this package exists.
func TestReliabilityDoc(t *testing.T) {
	raw, err := os.ReadFile(reliabilityDoc)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	want := map[string]bool{
		"TestGeneratedFilesRunNothingFromTheImage": true,
		"BenchmarkMillionFiles":                    true,
	}
	for _, c := range hostileCases() {
		want[subtest("TestHostileImages", c.name)] = true
	}
	for _, c := range registryCases("") {
		want[subtest("TestRegistryFaults", c.name)] = true
	}
	for _, c := range interruptCases() {
		want[subtest("TestInterrupt", c.name)] = true
	}
	for _, c := range outputCases("") {
		want[subtest("TestOutputSafety", c.name)] = true
	}
	var missing []string
	for name := range want {
		if !strings.Contains(doc, "`"+name+"`") {
			missing = append(missing, name)
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("%s has no row naming `%s`", reliabilityDoc, m)
	}
	// The other way: no row names a test of these suites that is gone.
	named := regexp.MustCompile("`((?:TestHostileImages|TestRegistryFaults|TestInterrupt|TestOutputSafety)/[^`]+)`")
	for _, m := range named.FindAllStringSubmatch(doc, -1) {
		if !want[m[1]] {
			t.Errorf("%s names `%s`, which is no case of this package", reliabilityDoc, m[1])
		}
	}
}

// TestReliabilityDocFuzzTargets keeps the fuzz table true: it lists every
// FuzzXxx of the module, by package, and nothing else.
func TestReliabilityDocFuzzTargets(t *testing.T) {
	raw, err := os.ReadFile(reliabilityDoc)
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(raw), "## Fuzz targets")
	if !ok {
		t.Fatalf("%s has no fuzz targets section", reliabilityDoc)
	}
	listed := map[string]bool{}
	tick := regexp.MustCompile("`([^`]+)`")
	for _, line := range strings.Split(table, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 4 {
			continue
		}
		pkg := tick.FindStringSubmatch(cells[1])
		if pkg == nil {
			continue
		}
		for _, m := range tick.FindAllStringSubmatch(cells[2], -1) {
			listed[pkg[1]+" "+m[1]] = true
		}
	}
	found := map[string]bool{}
	fuzzFunc := regexp.MustCompile(`(?m)^func (Fuzz\w+)\(\w+ \*testing\.F\)`)
	const root = "../.."
	err = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "testdata", "node_modules", "diveparity": // diveparity: a nested module
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, filepath.Dir(p))
		if err != nil {
			return err
		}
		for _, m := range fuzzFunc.FindAllStringSubmatch(string(b), -1) {
			found[filepath.ToSlash(rel)+" "+m[1]] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for k := range found {
		if !listed[k] {
			t.Errorf("%s: the fuzz table lacks %s", reliabilityDoc, k)
		}
	}
	for k := range listed {
		if !found[k] {
			t.Errorf("%s: the fuzz table lists %s, which does not exist", reliabilityDoc, k)
		}
	}
	if len(found) == 0 {
		t.Fatal("found no fuzz targets at all")
	}
}
