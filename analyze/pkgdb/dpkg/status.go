// Package dpkg parses the Debian package database: the status file (/var/lib/dpkg/status, or one stanza
// file per package in distroless /var/lib/dpkg/status.d/), the per-package file lists
// (/var/lib/dpkg/info/<pkg>[:<arch>].list) and distroless md5sums lists.
//
// It works on bytes already in memory, never touches the filesystem, and does not import analyze/pkgdb: the
// dispatcher there converts these format-level values into the shared model.
package dpkg

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/slimcheck/slimcheck/analyze/pkgdb/internal/errlist"
	"github.com/slimcheck/slimcheck/analyze/pkgdb/internal/lines"
)

// Package is one stanza of a dpkg status file, reduced to the fields slimcheck uses.
type Package struct {
	// Name is the Package field.
	Name string
	// Version is the Version field, including any epoch ("1:2.3-4").
	Version string
	// Arch is the Architecture field ("amd64", "all", ...).
	Arch string
	// Source is the source package name from the Source field without its "(version)"; empty when absent.
	Source string
	// MultiArch is the Multi-Arch field ("same", "foreign", "allowed" or empty).
	MultiArch string
	// Status is the raw Status field ("install ok installed"); empty when the stanza has none (distroless).
	Status string
	// InstalledSizeKiB is the Installed-Size field, which dpkg records in KiB.
	InstalledSizeKiB int64
	// Depends lists the package names named by Depends and Pre-Depends, every alternative of an "a | b"
	// group included, without version constraints or ":arch" qualifiers.
	Depends []string
	// Provides lists the virtual package names from the Provides field.
	Provides []string
	// Line is the line number where the stanza starts, for messages.
	Line int
}

// Installed reports whether the package's files are on disk according to its Status: the state word (the
// third) is anything but not-installed or config-files. A stanza without a Status field (distroless
// status.d) counts as installed. A held ("hold ok installed") or half-configured package is installed too,
// because what matters for attribution is whether its files occupy the image.
func (p Package) Installed() bool {
	if p.Status == "" {
		return true
	}
	_, state, _ := splitStatus(p.Status)
	return state != "not-installed" && state != "config-files"
}

// knownState reports whether s is a dpkg package state (the third word of Status).
func knownState(s string) bool {
	switch s {
	case "not-installed", "config-files", "half-installed", "unpacked", "half-configured",
		"triggers-awaited", "triggers-pending", "installed":
		return true
	}
	return false
}

func splitStatus(s string) (want, state string, ok bool) {
	f := strings.Fields(s)
	if len(f) != 3 {
		return "", "", false
	}
	return f[0], f[2], true
}

// field identifies the stanza fields ParseStatus keeps.
type field int

const (
	fieldOther field = iota
	fieldPackage
	fieldVersion
	fieldArch
	fieldSource
	fieldMultiArch
	fieldStatus
	fieldInstalledSize
	fieldDepends
	fieldPreDepends
	fieldProvides
	numFields
)

// lookupField maps a field name, compared case-insensitively as dpkg does, to the fields kept.
func lookupField(name []byte) field {
	switch strings.ToLower(string(name)) {
	case "package":
		return fieldPackage
	case "version":
		return fieldVersion
	case "architecture":
		return fieldArch
	case "source":
		return fieldSource
	case "multi-arch":
		return fieldMultiArch
	case "status":
		return fieldStatus
	case "installed-size":
		return fieldInstalledSize
	case "depends":
		return fieldDepends
	case "pre-depends":
		return fieldPreDepends
	case "provides":
		return fieldProvides
	}
	return fieldOther
}

// stanza accumulates the kept fields of one paragraph.
type stanza struct {
	line    int
	nfields int
	vals    [numFields][]byte // appended to, so long continuations stay linear
	seen    [numFields]bool
	cur     field // field that continuation lines extend
}

// ParseStatus parses a dpkg status file (or one distroless status.d file) and returns every stanza that has
// a Package field, installed or not (see Package.Installed). It is lenient where dpkg is strict, because a
// damaged database still says a lot about an image: problems are collected per line and stanza and
// returned, joined, together with the packages that did parse. A stanza without a Package field, or with an
// unparsable Status or Installed-Size, is dropped; a stray line or a repeated field (the first value is kept)
// is only reported. A last line without a newline is parsed but reported, as the file may be truncated.
func ParseStatus(b []byte) ([]Package, error) {
	var (
		pkgs []Package
		errs errlist.List
		st   stanza
	)
	flush := func() {
		if st.nfields > 0 {
			if p, err := st.pkg(); err != nil {
				errs.Add(err)
			} else {
				pkgs = append(pkgs, p)
			}
		}
		st = stanza{}
	}
	s := lines.New(b)
	for s.Scan() {
		if !s.Terminated() {
			errs.Add(fmt.Errorf("line %d: file does not end with a newline; it may be truncated", s.No()))
		}
		if s.Blank() {
			flush()
			continue
		}
		line := s.Line()
		if st.nfields == 0 && st.line == 0 {
			st.line = s.No()
		}
		switch line[0] {
		case ' ', '\t':
			if st.nfields == 0 {
				errs.Add(fmt.Errorf("line %d: continuation line outside any field", s.No()))
				continue
			}
			if st.cur != fieldOther {
				st.vals[st.cur] = append(append(st.vals[st.cur], ' '), bytes.TrimSpace(line)...)
			}
			continue
		case '#':
			continue
		}
		name, value, ok := bytes.Cut(line, []byte{':'})
		name = bytes.TrimSpace(name)
		if !ok || len(name) == 0 {
			errs.Add(fmt.Errorf("line %d: field line has no \"Name:\" prefix", s.No()))
			st.cur = fieldOther
			continue
		}
		st.nfields++
		st.cur = lookupField(name)
		if st.cur == fieldOther {
			continue
		}
		if st.seen[st.cur] {
			errs.Add(fmt.Errorf("line %d: duplicate %s field; keeping the first value", s.No(), name))
			st.cur = fieldOther
			continue
		}
		st.seen[st.cur] = true
		st.vals[st.cur] = append([]byte(nil), bytes.TrimSpace(value)...)
	}
	flush()
	return pkgs, errs.Err()
}

// pkg validates the stanza and converts it.
func (st *stanza) pkg() (Package, error) {
	var v [numFields]string
	for i, b := range st.vals {
		v[i] = string(b)
	}
	if v[fieldPackage] == "" {
		return Package{}, fmt.Errorf("stanza at line %d: missing Package field", st.line)
	}
	p := Package{
		Name:      v[fieldPackage],
		Version:   v[fieldVersion],
		Arch:      v[fieldArch],
		MultiArch: v[fieldMultiArch],
		Status:    strings.Join(strings.Fields(v[fieldStatus]), " "),
		Line:      st.line,
	}
	if src, _, _ := strings.Cut(v[fieldSource], " "); src != "" {
		p.Source = src
	}
	if p.Status != "" {
		if _, state, ok := splitStatus(p.Status); !ok || !knownState(state) {
			return Package{}, fmt.Errorf("stanza at line %d (package %s): parsing Status %q: not \"want flag state\" with a known state", st.line, p.Name, p.Status)
		}
	}
	if s := v[fieldInstalledSize]; s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err == nil && (n < 0 || n > math.MaxInt64/1024) {
			err = fmt.Errorf("out of range")
		}
		if err != nil {
			return Package{}, fmt.Errorf("stanza at line %d (package %s): parsing Installed-Size %q: %w", st.line, p.Name, s, err)
		}
		p.InstalledSizeKiB = n
	}
	p.Depends = append(relationNames(v[fieldPreDepends]), relationNames(v[fieldDepends])...)
	p.Provides = relationNames(v[fieldProvides])
	return p, nil
}

// relationNames extracts package names from a dpkg relationship field such as
// "libc6 (>= 2.17), debconf (>= 0.5) | debconf-2.0, perl:any": the leading run of package-name characters
// of every alternative, which drops version constraints, architecture lists and ":arch" qualifiers.
func relationNames(v string) []string {
	if v == "" {
		return nil
	}
	var names []string
	for _, group := range strings.Split(v, ",") {
		for _, alt := range strings.Split(group, "|") {
			alt = strings.TrimSpace(alt)
			n := strings.IndexFunc(alt, func(r rune) bool { return !isNameChar(r) })
			if n < 0 {
				n = len(alt)
			}
			if n > 0 {
				names = append(names, alt[:n])
			}
		}
	}
	return names
}

// isNameChar reports whether r may appear in a package name (Debian policy 5.6.1 allows [a-z0-9+.-];
// upper case and '_' are tolerated).
func isNameChar(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '+' || r == '.' || r == '-' || r == '_'
}
