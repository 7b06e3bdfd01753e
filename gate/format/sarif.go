package format

import (
	"io"
	"strings"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/slimcheck/slimcheck/gate"
)

// InformationURI is where SARIF and annotations point for documentation.
const InformationURI = "https://github.com/slimcheck/slimcheck/blob/main/docs/ci.md"

// SARIF writes a SARIF 2.1.0 log: every checked rule as a rule descriptor
// (its id is the result id, e.g. "forbid/package-cache"), and each failed
// or warned rule as a result of level error or warning. Results point at
// the image as a logical location and, with Options.Dockerfile, at that
// file, which code-scanning UIs need to show an alert.
func SARIF(w io.Writer, in *Input, opts Options) error {
	log := sarif.NewReport()
	run := sarif.NewRunWithInformationURI("slimcheck", InformationURI)
	if in.Report != nil && in.Report.Tool.Version != "" {
		run.Tool.Driver.WithVersion(in.Report.Tool.Version)
	}
	image := imageName(in.Report)
	for _, r := range in.Results {
		rule := run.AddRule(r.ID).WithName(ruleName(r.ID)).WithHelpURI(InformationURI + "#" + anchor(r.Rule))
		rule.WithShortDescription(&sarif.MultiformatMessageString{Text: ptr(r.Title)})
		rule.WithFullDescription(&sarif.MultiformatMessageString{Text: ptr(r.Title + " (" + strings.TrimSpace(comparison(r)) + ")")})
		level := "error"
		if r.Level == gate.LevelWarn {
			level = "warning"
		}
		if r.Level.Enabled() {
			rule.WithDefaultConfiguration(&sarif.ReportingConfiguration{Level: level})
		}
		props := sarif.NewPropertyBag().Add("tags", []string{"container-image", "size"})
		rule.WithProperties(props)
		if !r.Breached() {
			continue
		}
		if r.Status == gate.Warn {
			level = "warning"
		} else {
			level = "error"
		}
		msg := r.Message
		for _, d := range r.Details {
			msg += "\n- " + detailLine(d)
		}
		res := run.CreateResultForRule(r.ID).WithLevel(level).WithMessage(sarif.NewTextMessage(msg))
		loc := sarif.NewLocation().AddLogicalLocation(sarif.NewLogicalLocation().WithFullyQualifiedName(image).WithKind("module"))
		if opts.Dockerfile != "" {
			loc.WithPhysicalLocation(sarif.NewPhysicalLocation().
				WithArtifactLocation(sarif.NewArtifactLocation().WithURI(opts.Dockerfile)).
				WithRegion(sarif.NewRegion().WithStartLine(1)))
		}
		res.AddLocation(loc)
		res.WithPartialFingerprints(map[string]string{"slimcheck/v1": r.ID + ":" + repository(image)})
		pb := sarif.NewPropertyBag().Add("measured", r.MeasuredText).Add("limit", r.LimitText).Add("unit", string(r.Unit))
		res.WithProperties(pb)
	}
	log.AddRun(run)
	if err := log.PrettyWrite(w); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func ptr(s string) *string { return &s }

// ruleName turns "forbid/package-cache" into "ForbidPackageCache".
func ruleName(id string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(id, func(r rune) bool { return r == '/' || r == '-' || r == '_' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// anchor is the docs/ci.md heading anchor of a rule key.
func anchor(rule string) string { return strings.ToLower(rule) }

// repository drops the tag and digest of an image reference, so that a
// finding keeps its fingerprint across builds.
func repository(ref string) string {
	if i := strings.Index(ref, "@"); i >= 0 {
		ref = ref[:i]
	}
	if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		ref = ref[:i]
	}
	return ref
}
