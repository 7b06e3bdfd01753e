package format_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/xeipuuv/gojsonschema"

	"github.com/slimcheck/slimcheck/gate"
	"github.com/slimcheck/slimcheck/gate/format"
	"github.com/slimcheck/slimcheck/gate/internal/gatetest"
	"github.com/slimcheck/slimcheck/internal/golden"
)

// fixedInput is the fixed report evaluated against the fixed policy.
func fixedInput() *format.Input {
	rep, base, adv := gatetest.Report(), gatetest.Baseline(), gatetest.Advice()
	p := gatetest.Policy()
	rs := gate.Evaluate(gate.Input{Report: rep, Advice: adv, Baseline: base}, p)
	g := gate.Compare(rep, base)
	return &format.Input{Report: rep, Policy: p, Results: rs, Advice: adv, Growth: &g,
		Excluded: gate.Excluded{Patterns: []string{"/opt/models/**"}, Entries: 0, Bytes: 0}}
}

// passingInput has every rule passing and no advice.
func passingInput() *format.Input {
	rep := gatetest.Report()
	p := gate.DefaultPolicy()
	p.Forbid.Categories = nil
	rs := gate.Evaluate(gate.Input{Report: rep, AdviceNote: "no recommendation was asked for"}, p)
	return &format.Input{Report: rep, Policy: p, Results: rs, Notes: []string{"no recommendation: planning is off"}}
}

func render(t *testing.T, name string, in *format.Input, opts format.Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := format.Write(&buf, name, in, opts); err != nil {
		t.Fatalf("Write(%s): %v", name, err)
	}
	return buf.Bytes()
}

func TestGolden(t *testing.T) {
	inputs := map[string]*format.Input{"failing": fixedInput(), "passing": passingInput()}
	for _, name := range []string{"text", "markdown", "junit", "sarif", "github", "json"} {
		for _, which := range []string{"failing", "passing"} {
			t.Run(name+"/"+which, func(t *testing.T) {
				got := render(t, name, inputs[which], format.Options{Dockerfile: "Dockerfile"})
				golden.Assert(t, got, ".golden")
			})
		}
	}
}

func TestUpdateGoldenDisabled(t *testing.T) {
	if golden.Updating() {
		t.Fatal("-update rewrites golden files; it must not be left on")
	}
}

func TestTextColour(t *testing.T) {
	plain := string(render(t, "text", fixedInput(), format.Options{}))
	colour := string(render(t, "text", fixedInput(), format.Options{Color: true}))
	if strings.Contains(plain, "\x1b[") || !strings.Contains(colour, "\x1b[1;31mFAIL\x1b[0m") {
		t.Errorf("colour: plain has escapes %v, colour lacks them %v", strings.Contains(plain, "\x1b["), !strings.Contains(colour, "\x1b[1;31m"))
	}
}

func TestUnknownFormat(t *testing.T) {
	if err := format.Write(io.Discard, "yaml", fixedInput(), format.Options{}); err == nil || !strings.Contains(err.Error(), "junit") {
		t.Errorf("err = %v", err)
	}
}

func TestJSONMatchesSchema(t *testing.T) {
	schema := gojsonschema.NewBytesLoader(format.JSONSchema())
	for name, in := range map[string]*format.Input{"failing": fixedInput(), "passing": passingInput()} {
		out := render(t, "json", in, format.Options{})
		res, err := gojsonschema.Validate(schema, gojsonschema.NewBytesLoader(out))
		if err != nil {
			t.Fatalf("%s: validating: %v", name, err)
		}
		for _, e := range res.Errors() {
			t.Errorf("%s: %s", name, e)
		}
		var doc format.Document
		if err := json.Unmarshal(out, &doc); err != nil {
			t.Fatal(err)
		}
		if doc.Summary != in.Summary() || len(doc.Results) != len(in.Results) {
			t.Errorf("%s: summary %+v results %d", name, doc.Summary, len(doc.Results))
		}
	}
	// The schema is not a rubber stamp: a broken document fails it.
	bad := []byte(`{"schemaVersion":"1","tool":{"name":"x","version":""},"image":{"reference":"r","sizeBytes":-1,"compressedBytes":0,"layers":0},"policy":"","summary":{"verdict":"maybe","total":0,"passed":0,"warned":0,"failed":0,"skipped":0},"results":[],"actions":[],"notes":[]}`)
	res, err := gojsonschema.Validate(schema, gojsonschema.NewBytesLoader(bad))
	if err != nil || res.Valid() || len(res.Errors()) != 2 {
		t.Errorf("broken document: valid=%v errors=%v err=%v", res != nil && res.Valid(), res.Errors(), err)
	}
}

func TestSARIFMatchesSchema(t *testing.T) {
	schemaBytes, err := os.ReadFile("testdata/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	schema := gojsonschema.NewBytesLoader(schemaBytes)
	for name, in := range map[string]*format.Input{"failing": fixedInput(), "passing": passingInput()} {
		for _, dockerfile := range []string{"", "build/Dockerfile"} {
			out := render(t, "sarif", in, format.Options{Dockerfile: dockerfile})
			res, err := gojsonschema.Validate(schema, gojsonschema.NewBytesLoader(out))
			if err != nil {
				t.Fatalf("%s: validating: %v", name, err)
			}
			for _, e := range res.Errors() {
				t.Errorf("%s: %s", name, e)
			}
			var log struct {
				Version string `json:"version"`
				Runs    []struct {
					Tool struct {
						Driver struct {
							Rules []struct {
								ID string `json:"id"`
							} `json:"rules"`
						} `json:"driver"`
					} `json:"tool"`
					Results []struct {
						RuleID string `json:"ruleId"`
						Level  string `json:"level"`
					} `json:"results"`
				} `json:"runs"`
			}
			if err := json.Unmarshal(out, &log); err != nil {
				t.Fatal(err)
			}
			s := in.Summary()
			if log.Version != "2.1.0" || len(log.Runs) != 1 || len(log.Runs[0].Tool.Driver.Rules) != len(in.Results) || len(log.Runs[0].Results) != s.Failed+s.Warned {
				t.Errorf("%s: %d rules, %d results; want %d and %d", name, len(log.Runs[0].Tool.Driver.Rules), len(log.Runs[0].Results), len(in.Results), s.Failed+s.Warned)
			}
			for _, r := range log.Runs[0].Results {
				if r.Level != "error" && r.Level != "warning" {
					t.Errorf("result %s has level %q", r.RuleID, r.Level)
				}
			}
		}
	}
	// The schema rejects what it should.
	res, _ := gojsonschema.Validate(schema, gojsonschema.NewStringLoader(`{"version":"2.1.0","runs":[{"results":[{"message":{}}]}]}`))
	if res == nil || res.Valid() {
		t.Error("a run without a tool passed the SARIF schema")
	}
}

// junitShape is the JUnit XML structure Jenkins and GitLab read (the
// "JUnit 10" XSD): allowed attributes, required ones, and children.
var junitShape = map[string]struct {
	attrs, required, children []string
}{
	"testsuites": {[]string{"name", "tests", "failures", "errors", "skipped", "disabled", "time"}, nil, []string{"testsuite"}},
	"testsuite":  {[]string{"name", "tests", "failures", "errors", "skipped", "disabled", "time", "timestamp", "hostname", "id", "package", "file"}, []string{"name", "tests"}, []string{"properties", "testcase", "system-out", "system-err"}},
	"properties": {nil, nil, []string{"property"}},
	"property":   {[]string{"name", "value"}, []string{"name", "value"}, nil},
	"testcase":   {[]string{"name", "classname", "assertions", "time", "status", "file", "line"}, []string{"name", "classname"}, []string{"skipped", "error", "failure", "system-out", "system-err"}},
	"failure":    {[]string{"message", "type"}, nil, nil},
	"error":      {[]string{"message", "type"}, nil, nil},
	"skipped":    {[]string{"message"}, nil, nil},
	"system-out": {nil, nil, nil},
	"system-err": {nil, nil, nil},
}

var countAttrs = map[string]bool{"tests": true, "failures": true, "errors": true, "skipped": true, "disabled": true, "assertions": true}

// checkJUnit validates doc against junitShape and checks that the counts
// add up. It returns every problem found.
func checkJUnit(doc []byte) []error {
	var errs []error
	dec := xml.NewDecoder(bytes.NewReader(doc))
	type frame struct {
		name                        string
		attrs                       map[string]string
		cases, failures, skips, sub int
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return append(errs, err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			name := el.Name.Local
			shape, ok := junitShape[name]
			if !ok {
				errs = append(errs, fmt.Errorf("unknown element <%s>", name))
				continue
			}
			if len(stack) == 0 && name != "testsuites" && name != "testsuite" {
				errs = append(errs, fmt.Errorf("root element <%s>", name))
			}
			if len(stack) > 0 {
				parent := stack[len(stack)-1]
				allowed := false
				for _, c := range junitShape[parent.name].children {
					allowed = allowed || c == name
				}
				if !allowed {
					errs = append(errs, fmt.Errorf("<%s> inside <%s>", name, parent.name))
				}
				switch name {
				case "testcase":
					parent.cases++
				case "failure":
					parent.failures++
				case "skipped":
					parent.skips++
				case "testsuite":
					parent.sub++
				}
			}
			f := &frame{name: name, attrs: map[string]string{}}
			for _, a := range el.Attr {
				f.attrs[a.Name.Local] = a.Value
				ok := false
				for _, n := range shape.attrs {
					ok = ok || n == a.Name.Local
				}
				if !ok {
					errs = append(errs, fmt.Errorf("<%s> has attribute %s", name, a.Name.Local))
				}
				if countAttrs[a.Name.Local] {
					if n, err := strconv.Atoi(a.Value); err != nil || n < 0 {
						errs = append(errs, fmt.Errorf("<%s %s=%q> is not a count", name, a.Name.Local, a.Value))
					}
				}
				if a.Name.Local == "time" {
					if v, err := strconv.ParseFloat(a.Value, 64); err != nil || v < 0 {
						errs = append(errs, fmt.Errorf("<%s time=%q> is not a duration", name, a.Value))
					}
				}
			}
			for _, r := range shape.required {
				if _, ok := f.attrs[r]; !ok {
					errs = append(errs, fmt.Errorf("<%s> lacks %s", name, r))
				}
			}
			stack = append(stack, f)
		case xml.EndElement:
			if len(stack) == 0 {
				continue
			}
			f := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			switch f.name {
			case "testsuite":
				if f.attrs["tests"] != strconv.Itoa(f.cases) {
					errs = append(errs, fmt.Errorf("testsuite tests=%s but %d testcases", f.attrs["tests"], f.cases))
				}
				var fails, skips int
				fails, skips = countChildren(doc, "failure"), countChildren(doc, "skipped")
				if f.attrs["failures"] != strconv.Itoa(fails) || f.attrs["skipped"] != strconv.Itoa(skips) {
					errs = append(errs, fmt.Errorf("testsuite failures=%s skipped=%s, but %d and %d", f.attrs["failures"], f.attrs["skipped"], fails, skips))
				}
			case "testcase":
				if f.failures+f.skips > 1 {
					errs = append(errs, fmt.Errorf("testcase %s is both failed and skipped", f.attrs["name"]))
				}
			}
		}
	}
	return errs
}

func countChildren(doc []byte, name string) int {
	return bytes.Count(doc, []byte("<"+name+" ")) + bytes.Count(doc, []byte("<"+name+">"))
}

func TestJUnitMatchesSchema(t *testing.T) {
	for name, in := range map[string]*format.Input{"failing": fixedInput(), "passing": passingInput()} {
		out := render(t, "junit", in, format.Options{})
		for _, err := range checkJUnit(out) {
			t.Errorf("%s: %v", name, err)
		}
		s := in.Summary()
		if got := countChildren(out, "testcase"); got != len(in.Results) {
			t.Errorf("%s: %d testcases for %d rules", name, got, len(in.Results))
		}
		if got := countChildren(out, "failure"); got != s.Failed {
			t.Errorf("%s: %d failures for %d failed rules", name, got, s.Failed)
		}
	}
	// The checker is not a rubber stamp.
	bad := []byte(`<testsuites><testsuite tests="2"><testcase name="a"><failure/><skipped/></testcase><bogus/></testsuite></testsuites>`)
	if errs := checkJUnit(bad); len(errs) < 4 {
		t.Errorf("broken JUnit gave only %v", errs)
	}
}

func TestGitHubEscapes(t *testing.T) {
	in := fixedInput()
	in.Results[0].Status = gate.Fail
	in.Results[0].Message = "50% of it:\nnew line, comma"
	out := string(render(t, "github", in, format.Options{Dockerfile: "a,b:c"}))
	first := strings.SplitN(out, "\n", 2)[0]
	if first != "::error file=a%2Cb%3Ac,title=slimcheck max-size::50%25 of it:%0Anew line, comma" {
		t.Errorf("first annotation %q", first)
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if !strings.HasPrefix(line, "::error ") && !strings.HasPrefix(line, "::warning ") && !strings.HasPrefix(line, "::notice ") {
			t.Errorf("line is not a workflow command: %q", line)
		}
	}
}

func TestMarkdownEscapesCells(t *testing.T) {
	in := fixedInput()
	in.Results[0].Status = gate.Fail
	in.Results[0].Message = "a | b <script>"
	out := string(render(t, "markdown", in, format.Options{}))
	if !strings.Contains(out, `a \| b &lt;script&gt;`) {
		t.Errorf("cell not escaped:\n%s", out)
	}
}
