package dpkg

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"path"

	"github.com/slimcheck/slimcheck/analyze/pkgdb/internal/errlist"
	"github.com/slimcheck/slimcheck/analyze/pkgdb/internal/lines"
)

// ParseFileList parses an info/<pkg>.list file: one absolute path per line, directories and files alike
// (the format does not tell them apart). Paths are returned cleaned and absolute in file order; the root
// entry "/." is left out. A line with a NUL byte is reported and skipped. A missing final newline is
// accepted, as real files sometimes lack it.
func ParseFileList(b []byte) ([]string, error) {
	var (
		out  []string
		errs errlist.List
	)
	s := lines.New(b)
	for s.Scan() {
		p, err := cleanPath(s.Line())
		if err != nil {
			errs.Add(fmt.Errorf("line %d: %w", s.No(), err))
			continue
		}
		if p != "" {
			out = append(out, p)
		}
	}
	return out, errs.Err()
}

// ParseMD5Sums parses an md5sums file ("<hex digest>  <path relative to />" per line, as in
// DEBIAN/md5sums and distroless status.d/<pkg>.md5sums) and returns the absolute, cleaned paths. It lists
// regular files only: no directories and no symlinks. A missing final newline is accepted, as real files
// (distroless md5sums) lack it.
func ParseMD5Sums(b []byte) ([]string, error) {
	var (
		out  []string
		errs errlist.List
	)
	s := lines.New(b)
	for s.Scan() {
		if s.Blank() {
			continue
		}
		sum, rest, ok := bytes.Cut(s.Line(), []byte{' '})
		if _, err := hex.DecodeString(string(sum)); !ok || err != nil || len(sum) == 0 {
			errs.Add(fmt.Errorf("line %d: expected \"<hex digest>  <path>\"", s.No()))
			continue
		}
		rest = bytes.TrimLeft(rest, " ")
		rest = bytes.TrimPrefix(rest, []byte{'*'}) // binary-mode marker of md5sum(1)
		p, err := cleanPath(rest)
		if err != nil {
			errs.Add(fmt.Errorf("line %d: %w", s.No(), err))
			continue
		}
		if p != "" {
			out = append(out, p)
		}
	}
	return out, errs.Err()
}

// cleanPath turns a listed path into an absolute cleaned one; the root and empty lines give "".
func cleanPath(b []byte) (string, error) {
	if bytes.IndexByte(b, 0) >= 0 {
		return "", fmt.Errorf("path contains a NUL byte")
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return "", nil
	}
	p := path.Clean("/" + string(b))
	if p == "/" {
		return "", nil
	}
	return p, nil
}
