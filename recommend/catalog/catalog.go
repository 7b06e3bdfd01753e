// Package catalog is the list of runtime base images the recommender picks
// from: one entry per image, with the ecosystem and versions it serves, its C
// library, architectures, what it ships (a shell, tools, libraries) and its
// recorded size. The data lives in catalog.yaml, embedded in the binary; see
// docs/catalog.md for the fields and how to add an entry.
package catalog

import (
	_ "embed"
	"errors"
	"fmt"
	"strings"
	"time"

	"sigs.k8s.io/yaml"
)

//go:embed catalog.yaml
var embedded []byte

// Ecosystems an entry may serve. "binary" is a compiled program (Go, Rust,
// C…) that needs no language runtime.
var ecosystems = []string{"node", "python", "java", "ruby", "php", "dotnet", "binary"}

// Catalog is a parsed catalog.
type Catalog struct {
	SchemaVersion int     `json:"schemaVersion"`
	Entries       []Entry `json:"entries"`
}

// Entry is one runtime base image.
type Entry struct {
	Image       string   `json:"image"`                 // reference as written in FROM
	Ecosystem   string   `json:"ecosystem"`             // node, python, java, ruby, php, dotnet, binary
	Versions    []string `json:"versions,omitempty"`    // version keys served ("20", "3.12", "21", "8.0"); empty means any
	Family      string   `json:"family"`                // alpine, debian, ubuntu, distroless, ubi, scratch
	Libc        string   `json:"libc"`                  // glibc, musl or none
	LibcVersion string   `json:"libcVersion,omitempty"` // e.g. "2.36"; a glibc addon needs a base at least this new
	Arch        []string `json:"arch"`                  // GOARCH names: amd64, arm64, ppc64le, s390x, arm
	Shell       bool     `json:"shell"`                 // /bin/sh exists
	Tools       []string `json:"tools,omitempty"`       // commands on PATH besides the shell (node, npm, java…)
	Interpreter string   `json:"interpreter,omitempty"` // absolute path of the language runtime
	// SamePrefix says installed packages only work with an interpreter at
	// the same path (Python site-packages and venvs, Ruby gems, PHP
	// extensions): the image must have Interpreter at that exact path.
	SamePrefix  bool     `json:"samePrefix,omitempty"`
	Users       []string `json:"users,omitempty"`       // accounts besides root
	DefaultUser string   `json:"defaultUser,omitempty"` // USER the image sets; "" means root
	NonRoot     string   `json:"nonRoot,omitempty"`     // a non-root USER to suggest
	Provides    []string `json:"provides,omitempty"`    // sonames and assets it ships: libstdc++.so.6, ca-certificates, tzdata
	Rank        int      `json:"rank"`                  // lower is preferred among compatible entries
	Size        Size     `json:"size"`
	Notes       string   `json:"notes,omitempty"`
}

// Size is an entry's recorded size, the offline fallback for a live
// registry read.
type Size struct {
	CompressedBytes int64  `json:"compressedBytes"` // sum of layer blobs in the manifest
	SizeBytes       int64  `json:"sizeBytes"`       // sum of file sizes in its layers, as slimcheck measures
	Source          string `json:"source"`          // where the figures come from
	Recorded        string `json:"recorded"`        // when: YYYY-MM or YYYY-MM-DD
}

// Default parses the embedded catalog.
func Default() (*Catalog, error) { return Parse(embedded) }

// Embedded returns the embedded catalog's bytes.
func Embedded() []byte { return append([]byte(nil), embedded...) }

// Parse reads a catalog in YAML (or JSON) and checks every entry, reporting
// all problems at once.
func Parse(data []byte) (*Catalog, error) {
	var c Catalog
	if err := yaml.UnmarshalStrict(data, &c); err != nil {
		return nil, fmt.Errorf("parsing catalog: %w", err)
	}
	if c.SchemaVersion != 1 {
		return nil, fmt.Errorf("parsing catalog: schemaVersion %d is not 1", c.SchemaVersion)
	}
	var errs []error
	seen := map[string]bool{}
	for i := range c.Entries {
		e := &c.Entries[i]
		if err := e.validate(); err != nil {
			errs = append(errs, fmt.Errorf("checking catalog entry %d (%q): %w", i, e.Image, err))
		}
		if seen[e.Image] {
			errs = append(errs, fmt.Errorf("checking catalog entry %d: image %q is listed twice", i, e.Image))
		}
		seen[e.Image] = true
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &c, nil
}

func (e *Entry) validate() error {
	var errs []error
	if strings.TrimSpace(e.Image) == "" || strings.ContainsAny(e.Image, " \t\r\n\"'\\$") {
		errs = append(errs, fmt.Errorf("image %q is empty or holds spaces, quotes or $", e.Image))
	}
	if !contains(ecosystems, e.Ecosystem) {
		errs = append(errs, fmt.Errorf("ecosystem %q is not one of %v", e.Ecosystem, ecosystems))
	}
	switch e.Libc {
	case "glibc", "musl", "none":
	default:
		errs = append(errs, fmt.Errorf("libc %q is not glibc, musl or none", e.Libc))
	}
	if e.Family == "" {
		errs = append(errs, errors.New("family is empty"))
	}
	if len(e.Arch) == 0 {
		errs = append(errs, errors.New("arch is empty"))
	}
	if e.Interpreter != "" && !strings.HasPrefix(e.Interpreter, "/") {
		errs = append(errs, fmt.Errorf("interpreter %q is not absolute", e.Interpreter))
	}
	if e.SamePrefix && e.Interpreter == "" {
		errs = append(errs, errors.New("samePrefix needs an interpreter"))
	}
	if e.Size.CompressedBytes < 0 || e.Size.SizeBytes < 0 || e.Size.CompressedBytes > e.Size.SizeBytes && e.Size.SizeBytes > 0 {
		errs = append(errs, fmt.Errorf("sizes %d compressed / %d uncompressed are impossible", e.Size.CompressedBytes, e.Size.SizeBytes))
	}
	if e.Size.Source == "" {
		errs = append(errs, errors.New("size.source is empty"))
	}
	if _, err := time.Parse("2006-01-02", e.Size.Recorded); err != nil {
		if _, err := time.Parse("2006-01", e.Size.Recorded); err != nil {
			errs = append(errs, fmt.Errorf("size.recorded %q is not YYYY-MM or YYYY-MM-DD", e.Size.Recorded))
		}
	}
	return errors.Join(errs...)
}

// Serves reports whether e serves ecosystem eco at version key v ("" when
// unknown: only entries that list no versions, or every entry when any is
// true, match).
func (e *Entry) Serves(eco, v string) bool {
	if e.Ecosystem != eco {
		return false
	}
	return len(e.Versions) == 0 || contains(e.Versions, v)
}

// SupportsArch reports whether e is published for arch (a GOARCH name).
func (e *Entry) SupportsArch(arch string) bool { return arch == "" || contains(e.Arch, arch) }

// HasTool reports whether the command name is on e's PATH.
func (e *Entry) HasTool(name string) bool { return contains(e.Tools, name) }

// Provide reports whether e ships the soname or asset.
func (e *Entry) Provide(what string) bool { return contains(e.Provides, what) }

// HasUser reports whether the account exists in e.
func (e *Entry) HasUser(u string) bool { return u == "root" || u == "0" || contains(e.Users, u) }

// Lookup returns the entry for image, if listed.
func (c *Catalog) Lookup(image string) (Entry, bool) {
	for _, e := range c.Entries {
		if e.Image == image {
			return e, true
		}
	}
	return Entry{}, false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
