// Package atomicfile writes files so that readers see either the old file or
// the complete new one, never a partial write.
package atomicfile

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Write writes data to path atomically: a temporary file in the same
// directory is written, synced and renamed over path. With overwrite false
// an existing path is an error. Symlinks at path are never followed.
func Write(path string, data []byte, perm os.FileMode, overwrite bool) error {
	return WriteFunc(path, perm, overwrite, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// WriteFunc is Write with the contents streamed by write into the
// temporary file, so they are never all in memory. When write fails,
// nothing is left at path or beside it.
func WriteFunc(path string, perm os.FileMode, overwrite bool, write func(io.Writer) error) error {
	if fi, err := os.Lstat(path); err == nil {
		if !overwrite {
			return fmt.Errorf("writing %s: %w", path, os.ErrExist)
		}
		if fi.Mode()&os.ModeSymlink != 0 {
			return fmt.Errorf("writing %s: refusing to replace a symbolic link", path)
		}
		if fi.IsDir() {
			return fmt.Errorf("writing %s: is a directory", path)
		}
	}
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op once renamed
	bw := bufio.NewWriterSize(f, 64<<10)
	if err := write(bw); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Chmod(perm); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if !overwrite {
		// Link fails if path appeared meanwhile, unlike Rename.
		if err := os.Link(tmp, path); err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
		return nil
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
