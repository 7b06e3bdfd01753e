package format

import (
	_ "embed"
	"io"

	"github.com/slimcheck/slimcheck/gate"
	"github.com/slimcheck/slimcheck/report"
)

// JSONSchemaVersion is the version of the JSON document; it changes only
// when a field is renamed or removed.
const JSONSchemaVersion = "1"

//go:embed ci.schema.json
var jsonSchema []byte

// JSONSchema returns the JSON Schema (draft-07) of the JSON format.
func JSONSchema() []byte { return append([]byte(nil), jsonSchema...) }

// Document is the JSON format.
type Document struct {
	SchemaVersion string         `json:"schemaVersion"`
	Tool          report.Tool    `json:"tool"`
	Image         Image          `json:"image"`
	Policy        string         `json:"policy"`
	Summary       gate.Summary   `json:"summary"`
	Results       []gate.Result  `json:"results"`
	Actions       []gate.Action  `json:"actions"`
	Advice        *gate.Advice   `json:"advice,omitempty"`
	Excluded      *gate.Excluded `json:"excluded,omitempty"`
	Growth        *gate.Growth   `json:"growth,omitempty"`
	Notes         []string       `json:"notes"`
}

// Image identifies the checked image.
type Image struct {
	Reference       string `json:"reference"`
	Digest          string `json:"digest,omitempty"`
	Platform        string `json:"platform,omitempty"`
	SizeBytes       int64  `json:"sizeBytes"`
	CompressedBytes int64  `json:"compressedBytes"`
	Layers          int    `json:"layers"`
}

// NewDocument builds the JSON document of in.
func NewDocument(in *Input, opts Options) Document {
	d := Document{
		SchemaVersion: JSONSchemaVersion,
		Summary:       in.Summary(),
		Results:       append([]gate.Result{}, in.Results...),
		Actions:       append([]gate.Action{}, topActions(in.Advice, opts.actions())...),
		Advice:        normalizedAdvice(in.Advice),
		Growth:        in.Growth,
		Notes:         append([]string{}, in.Notes...),
	}
	if r := in.Report; r != nil {
		d.Tool = r.Tool
		d.Image = Image{Reference: r.Image.Reference, Digest: r.Image.Digest, Platform: r.Image.Platform,
			SizeBytes: r.Image.SizeBytes, CompressedBytes: r.Image.CompressedBytes, Layers: len(r.Layers)}
	}
	if in.Policy != nil {
		d.Policy = in.Policy.Source
	}
	if len(in.Excluded.Patterns) > 0 {
		ex := in.Excluded
		d.Excluded = &ex
	}
	return d
}

// JSON writes the results as one indented JSON document (see JSONSchema).
func JSON(w io.Writer, in *Input, opts Options) error {
	return report.WriteJSON(w, NewDocument(in, opts))
}

// normalizedAdvice copies a so that its lists are never null in JSON.
func normalizedAdvice(a *gate.Advice) *gate.Advice {
	if a == nil {
		return nil
	}
	c := *a
	if c.Actions == nil {
		c.Actions = []gate.Action{}
	}
	if c.Secrets == nil {
		c.Secrets = []gate.Secret{}
	}
	return &c
}
