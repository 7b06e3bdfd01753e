package catalog

import (
	"strings"
	"testing"
)

func TestDefault(t *testing.T) {
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Entries) < 40 {
		t.Errorf("%d entries", len(c.Entries))
	}
	per := map[string]int{}
	for _, e := range c.Entries {
		per[e.Ecosystem]++
		if e.Size.Source == "" || e.Size.Recorded == "" {
			t.Errorf("%s has no size source or date", e.Image)
		}
		if e.Libc == "musl" && e.Family != "alpine" {
			t.Errorf("%s: musl outside Alpine", e.Image)
		}
	}
	for _, eco := range ecosystems {
		if per[eco] == 0 {
			t.Errorf("no entry for %s", eco)
		}
	}
	// The examples must be there.
	for _, img := range []string{
		"node:20-alpine", "gcr.io/distroless/nodejs20-debian12", "registry.access.redhat.com/ubi9/nodejs-20-minimal",
		"python:3.12-slim", "gcr.io/distroless/python3-debian12", "eclipse-temurin:21-jre",
		"registry.access.redhat.com/ubi9/openjdk-21-runtime", "gcr.io/distroless/static-debian12", "scratch",
	} {
		if _, ok := c.Lookup(img); !ok {
			t.Errorf("%s is not in the catalog", img)
		}
	}
	e, _ := c.Lookup("node:20-alpine")
	if !e.Serves("node", "20") || e.Serves("node", "18") || e.Serves("python", "20") || !e.SupportsArch("arm64") || !e.HasTool("npm") || e.Provide("tzdata") {
		t.Errorf("node:20-alpine methods disagree with its data: %+v", e)
	}
	if !e.HasUser("node") || !e.HasUser("root") || e.HasUser("nobody") {
		t.Error("HasUser")
	}
}

func TestParseErrors(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"schemaVersion: 2\nentries: []\n", "schemaVersion 2"},
		{"schemaVersion: 1\nentries:\n - image: x\n   unknown: 1\n", "unknown"},
		{"{", "parsing catalog"},
		{`schemaVersion: 1
entries:
  - image: "a b"
    ecosystem: cobol
    family: ""
    libc: bsd
    arch: []
    interpreter: relative
    samePrefix: false
    rank: 1
    size: {compressedBytes: 10, sizeBytes: 5, source: "", recorded: "yesterday"}
  - image: ok
    ecosystem: node
    family: alpine
    libc: musl
    arch: [amd64]
    samePrefix: true
    rank: 1
    size: {compressedBytes: 1, sizeBytes: 5, source: s, recorded: "2025-06"}
  - image: ok
    ecosystem: node
    family: alpine
    libc: musl
    arch: [amd64]
    rank: 1
    size: {compressedBytes: 1, sizeBytes: 5, source: s, recorded: "2025-06-01"}
`, "spaces"},
	} {
		_, err := Parse([]byte(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%.30q) = %v, want %q", tt.in, err, tt.want)
		}
	}
	// All problems at once.
	_, err := Parse([]byte(`schemaVersion: 1
entries:
  - image: "a b"
    ecosystem: cobol
    family: ""
    libc: bsd
    arch: []
    interpreter: relative
    rank: 1
    size: {compressedBytes: 10, sizeBytes: 5, source: "", recorded: "yesterday"}
  - image: ok
    ecosystem: node
    family: alpine
    libc: musl
    arch: [amd64]
    samePrefix: true
    rank: 1
    size: {compressedBytes: 1, sizeBytes: 5, source: s, recorded: "2025-06"}
  - image: ok
    ecosystem: node
    family: alpine
    libc: musl
    arch: [amd64]
    rank: 1
    size: {compressedBytes: 1, sizeBytes: 5, source: s, recorded: "2025-06"}
`))
	for _, want := range []string{"spaces", "cobol", "family is empty", "libc", "arch is empty", "not absolute", "impossible", "size.source", "recorded", "samePrefix", "listed twice"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in %v", want, err)
		}
	}
}

// FuzzParse: any bytes either fail to parse or give a catalog whose every
// entry passes validation again.
func FuzzParse(f *testing.F) {
	f.Add(Embedded())
	f.Add([]byte("schemaVersion: 1\nentries: []\n"))
	f.Add([]byte("{\"schemaVersion\":1,\"entries\":[{\"image\":\"x\"}]}"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Parse(b)
		if err != nil {
			return
		}
		for i := range c.Entries {
			if err := c.Entries[i].validate(); err != nil {
				t.Fatalf("entry %d passed Parse but not validate: %v", i, err)
			}
		}
	})
}
