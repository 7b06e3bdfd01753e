package format

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/slimcheck/slimcheck/gate"
	"github.com/slimcheck/slimcheck/report"
)

// The JUnit XML elements, as Jenkins' junit plugin and GitLab's test
// reports read them (the common "JUnit 10" schema).
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitCase     `xml:"testcase"`
	SystemOut  string          `xml:"system-out,omitempty"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// JUnit writes one test case per rule: a failed rule is a <failure>, a
// skipped one <skipped>, and a warning passes with the warning in
// <system-out> (test report UIs have no warning state).
func JUnit(w io.Writer, in *Input, opts Options) error {
	s := in.Summary()
	suite := junitSuite{
		Name:     "slimcheck ci " + imageName(in.Report),
		Tests:    len(in.Results),
		Failures: s.Failed,
		Skipped:  s.Skipped,
		Time:     "0",
	}
	if r := in.Report; r != nil {
		suite.Properties = []junitProperty{
			{Name: "image", Value: r.Image.Reference},
			{Name: "digest", Value: r.Image.Digest},
			{Name: "sizeBytes", Value: fmt.Sprint(r.Image.SizeBytes)},
			{Name: "compressedBytes", Value: fmt.Sprint(r.Image.CompressedBytes)},
		}
	}
	if in.Policy != nil {
		suite.Properties = append(suite.Properties, junitProperty{Name: "policy", Value: in.Policy.Source})
	}
	for _, r := range in.Results {
		c := junitCase{Name: r.ID, Classname: "slimcheck." + r.Rule, Time: "0"}
		body := caseBody(r)
		switch r.Status {
		case gate.Fail:
			c.Failure = &junitMessage{Message: r.Message, Type: r.Rule, Text: body}
		case gate.Skip:
			c.Skipped = &junitMessage{Message: r.Message}
		case gate.Warn:
			c.SystemOut = "WARN: " + body
		default:
			c.SystemOut = body
		}
		suite.Cases = append(suite.Cases, c)
	}
	var out strings.Builder
	for i, a := range topActions(in.Advice, opts.actions()) {
		fmt.Fprintf(&out, "%d. %s (saves %s)\n", i+1, a.Title, report.Bytes(a.Bytes))
	}
	suite.SystemOut = out.String()
	doc := junitSuites{Name: "slimcheck", Tests: suite.Tests, Failures: suite.Failures, Skipped: suite.Skipped, Time: "0", Suites: []junitSuite{suite}}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// caseBody is the text of one rule's case: the message, then the details.
func caseBody(r gate.Result) string {
	var b strings.Builder
	b.WriteString(r.Message)
	if r.MeasuredText != "" {
		fmt.Fprintf(&b, "\nmeasured: %s, limit: %s", r.MeasuredText, comparison(r))
	}
	for _, d := range r.Details {
		b.WriteString("\n  " + detailLine(d))
	}
	return b.String()
}
