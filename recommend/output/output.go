// Package output writes generated files into a directory safely: every
// name is a plain file name inside the directory, no component of the
// directory as given is a symbolic link, nothing is overwritten unless
// asked, and each file is written atomically.
package output

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/slimcheck/slimcheck/internal/atomicfile"
)

// File is one file to write.
type File struct {
	Name string      // plain file name, no directories
	Data []byte      // contents
	Mode os.FileMode // permissions; 0 means 0644
}

// Write writes files into dir, creating dir when missing. It checks every
// file before writing any, so a refusal leaves dir untouched. It returns
// the paths written, in order.
func Write(dir string, files []File, overwrite bool) ([]string, error) {
	if dir == "" {
		return nil, errors.New("writing files: the output directory is empty")
	}
	if err := noSymlinks(dir); err != nil {
		return nil, err
	}
	var errs []error
	seen := map[string]bool{}
	for _, f := range files {
		if err := plainName(f.Name); err != nil {
			errs = append(errs, err)
			continue
		}
		if seen[f.Name] {
			errs = append(errs, fmt.Errorf("writing %s: named twice", f.Name))
		}
		seen[f.Name] = true
		p := filepath.Join(dir, f.Name)
		fi, err := os.Lstat(p)
		switch {
		case err == nil && fi.Mode()&os.ModeSymlink != 0:
			errs = append(errs, fmt.Errorf("writing %s: refusing to write through a symbolic link", p))
		case err == nil && fi.IsDir():
			errs = append(errs, fmt.Errorf("writing %s: is a directory", p))
		case err == nil && !overwrite:
			errs = append(errs, fmt.Errorf("writing %s: %w (use --force to overwrite)", p, os.ErrExist))
		case err != nil && !errors.Is(err, os.ErrNotExist):
			errs = append(errs, fmt.Errorf("checking %s: %w", p, err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("creating %s: %w", dir, err)
	}
	if err := noSymlinks(dir); err != nil { // it may have appeared meanwhile
		return nil, err
	}
	var written []string
	for _, f := range files {
		mode := f.Mode
		if mode == 0 {
			mode = 0o644
		}
		p := filepath.Join(dir, f.Name)
		if err := atomicfile.Write(p, f.Data, mode, overwrite); err != nil {
			return written, err
		}
		written = append(written, p)
	}
	return written, nil
}

// plainName accepts a single path component that stays inside the directory.
func plainName(name string) error {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, `/\`+"\x00") || filepath.Base(name) != name {
		return fmt.Errorf("writing %q: not a plain file name", name)
	}
	return nil
}

// noSymlinks refuses a directory whose components, as given, include a
// symbolic link or "..", so the files land where the path says.
func noSymlinks(dir string) error {
	clean := filepath.Clean(dir)
	for _, part := range strings.Split(filepath.ToSlash(dir), "/") {
		if part == ".." {
			return fmt.Errorf("writing into %s: the path must not contain ..", dir)
		}
	}
	var prefix string
	if filepath.IsAbs(clean) {
		prefix = string(filepath.Separator)
	}
	for _, part := range strings.Split(strings.TrimPrefix(clean, string(filepath.Separator)), string(filepath.Separator)) {
		if part == "" || part == "." {
			continue
		}
		prefix = filepath.Join(prefix, part)
		fi, err := os.Lstat(prefix)
		if errors.Is(err, os.ErrNotExist) {
			return nil // the rest will be created
		}
		if err != nil {
			return fmt.Errorf("checking %s: %w", prefix, err)
		}
		if fi.Mode()&os.ModeSymlink != 0 {
			return fmt.Errorf("writing into %s: %s is a symbolic link", dir, prefix)
		}
		if !fi.IsDir() {
			return fmt.Errorf("writing into %s: %s is not a directory", dir, prefix)
		}
	}
	return nil
}
