package source

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// blobStore is where the files of an OCI image layout are read from: a
// tar archive read in place (*tarFile) or a directory (dirStore). Both
// bound what they read into memory and hand out regular files only.
type blobStore interface {
	// has reports whether name is a regular file of the layout.
	has(name string) bool
	// open returns the bytes of name and their size.
	open(name string) (io.ReadCloser, int64, error)
	// readAll reads name, refusing one larger than limit.
	readAll(name string, limit int64) ([]byte, error)
	// where names the layout in messages.
	where() string
}

var (
	_ blobStore = (*tarFile)(nil)
	_ blobStore = dirStore{}
)

func (t *tarFile) where() string { return t.path }

// dirStore reads an OCI image layout directory. Every file it opens is a
// regular file reached without symbolic links below the directory, so a
// hostile layout cannot point a blob at /dev/zero, a FIFO or a file
// elsewhere; sizes come from the file system before anything is read, so a
// sparse multi-gigabyte "manifest" is refused rather than read.
type dirStore struct{ dir string }

func (d dirStore) where() string { return d.dir }

// lookup checks name component by component and returns its path and
// file info.
func (d dirStore) lookup(name string) (string, os.FileInfo, error) {
	clean := cleanName(name)
	p := d.dir
	var fi os.FileInfo
	parts := strings.Split(clean, "/")
	for i, part := range parts {
		p = filepath.Join(p, part)
		var err error
		if fi, err = os.Lstat(p); err != nil {
			return "", nil, fmt.Errorf("finding %s in OCI layout %s: %w", clean, d.dir, err)
		}
		switch {
		case fi.Mode()&os.ModeSymlink != 0:
			return "", nil, fmt.Errorf("reading %s in OCI layout %s: %s is a symbolic link: %w", clean, d.dir, p, ErrNotImage)
		case i < len(parts)-1 && !fi.IsDir():
			return "", nil, fmt.Errorf("reading %s in OCI layout %s: %s is not a directory: %w", clean, d.dir, p, ErrNotImage)
		case i == len(parts)-1 && !fi.Mode().IsRegular():
			return "", nil, fmt.Errorf("reading %s in OCI layout %s: not a regular file: %w", clean, d.dir, ErrNotImage)
		}
	}
	return p, fi, nil
}

func (d dirStore) has(name string) bool {
	_, _, err := d.lookup(name)
	return err == nil
}

func (d dirStore) open(name string) (io.ReadCloser, int64, error) {
	p, fi, err := d.lookup(name)
	if err != nil {
		return nil, 0, err
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, 0, err
	}
	// The file checked must be the file opened (no swap in between).
	if st, err := f.Stat(); err != nil || !os.SameFile(fi, st) {
		f.Close()
		return nil, 0, fmt.Errorf("reading %s in OCI layout %s: the file changed while it was opened", cleanName(name), d.dir)
	}
	return f, fi.Size(), nil
}

func (d dirStore) readAll(name string, limit int64) ([]byte, error) {
	rc, size, err := d.open(name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	if size > limit {
		return nil, fmt.Errorf("reading %s: %d bytes is over the %d-byte limit: %w", name, size, limit, ErrNotImage)
	}
	b, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("reading %s: over the %d-byte limit: %w", name, limit, ErrNotImage)
	}
	return b, nil
}
