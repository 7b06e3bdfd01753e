// Package apk parses the Alpine package database /lib/apk/db/installed: blank-line separated package
// records of "X:value" lines (P: name, V: version, A: arch, I: installed size in bytes, o: origin,
// D: dependencies, p: provides, F: directory, R: file in the last F: directory).
//
// It works on bytes already in memory and does not import analyze/pkgdb: the dispatcher there converts
// these format-level values into the shared model.
package apk

import (
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/slimcheck/slimcheck/analyze/pkgdb/internal/errlist"
	"github.com/slimcheck/slimcheck/analyze/pkgdb/internal/lines"
)

// Package is one record of the installed database.
type Package struct {
	// Name is the P: field.
	Name string
	// Version is the V: field.
	Version string
	// Arch is the A: field.
	Arch string
	// Origin is the o: field, the source (aport) name; empty when absent.
	Origin string
	// InstalledSize is the I: field in bytes.
	InstalledSize int64
	// Depends lists the D: entries without version constraints; conflicts ("!name") are left out. Entries
	// may be virtual ("so:libc.musl-x86_64.so.1", "cmd:sh", "/bin/sh").
	Depends []string
	// Provides lists the p: entries without versions ("so:libcrypto.so.3", "cmd:openssl").
	Provides []string
	// Dirs are the F: directories, absolute and cleaned, in file order.
	Dirs []string
	// Files are the R: files, each joined to the F: directory before it, absolute and cleaned.
	Files []string
	// Line is the line number where the record starts, for messages.
	Line int
}

// ParseInstalled parses an installed database. Problems are collected per line and record and returned,
// joined, together with the packages that did parse: a record without P: is dropped, a malformed line is
// only reported. A last line without a newline is parsed but reported, as the file may be truncated.
func ParseInstalled(b []byte) ([]Package, error) {
	var (
		pkgs []Package
		errs errlist.List
		cur  Package
		dir  = "/"
		seen bool // cur has at least one line
		// budget bounds the bytes of joined paths: a long F: line followed by many short R: lines would
		// otherwise make output quadratic in the input. Real databases use less than one byte per input byte.
		budget = 16*len(b) + 1<<20
	)
	flush := func() {
		switch {
		case !seen:
		case cur.Name == "":
			errs.Add(fmt.Errorf("record at line %d: missing P: (package name)", cur.Line))
		default:
			pkgs = append(pkgs, cur)
		}
		cur, dir, seen = Package{}, "/", false
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
		if !seen {
			cur.Line, seen = s.No(), true
		}
		if len(line) < 2 || line[1] != ':' {
			errs.Add(fmt.Errorf("line %d: expected \"X:value\"", s.No()))
			continue
		}
		val := string(line[2:])
		switch line[0] {
		case 'P':
			cur.Name = val
		case 'V':
			cur.Version = val
		case 'A':
			cur.Arch = val
		case 'o':
			cur.Origin = val
		case 'I':
			n, err := strconv.ParseInt(val, 10, 64)
			if err == nil && n < 0 {
				err = fmt.Errorf("negative size")
			}
			if err != nil {
				errs.Add(fmt.Errorf("line %d: parsing installed size %q: %w", s.No(), val, err))
				continue
			}
			cur.InstalledSize = n
		case 'D':
			for _, d := range strings.Fields(val) {
				cur.Depends = appendName(cur.Depends, d)
			}
		case 'p':
			for _, d := range strings.Fields(val) {
				cur.Provides = appendName(cur.Provides, d)
			}
		case 'F':
			p, err := clean(val)
			if err != nil {
				errs.Add(fmt.Errorf("line %d: %w", s.No(), err))
				continue
			}
			dir = p
			if p != "/" {
				cur.Dirs = append(cur.Dirs, p)
			}
		case 'R':
			if val == "" {
				errs.Add(fmt.Errorf("line %d: empty file name", s.No()))
				continue
			}
			if budget -= len(dir) + 1 + len(val); budget < 0 {
				if budget+len(dir)+1+len(val) >= 0 {
					errs.Add(fmt.Errorf("line %d: file paths expand to over 16 times the database size; ignoring further R: lines", s.No()))
				}
				continue
			}
			p, err := clean(path.Join(dir, val))
			if err != nil {
				errs.Add(fmt.Errorf("line %d: %w", s.No(), err))
				continue
			}
			cur.Files = append(cur.Files, p)
		}
	}
	flush()
	return pkgs, errs.Err()
}

// appendName appends a dependency or provide name with any version
// constraint ("=1.2", ">=3", "~1") removed; conflicts ("!name") are left out.
func appendName(list []string, d string) []string {
	if strings.HasPrefix(d, "!") {
		return list // a conflict ("!name"), not something needed or provided
	}
	if i := strings.IndexAny(d, "<>=~"); i >= 0 {
		d = d[:i]
	}
	if d == "" {
		return list
	}
	return append(list, d)
}

// clean makes an absolute cleaned path from a database entry.
func clean(p string) (string, error) {
	if strings.IndexByte(p, 0) >= 0 {
		return "", fmt.Errorf("path contains a NUL byte")
	}
	return path.Clean("/" + p), nil
}
