// Package rpm reads the RPM package database in its three on-disk formats — BerkeleyDB hash
// (/var/lib/rpm/Packages, RHEL ≤ 8, CentOS 7), NDB (Packages.db, SUSE) and SQLite (rpmdb.sqlite, RHEL 9,
// Fedora) — and decodes each stored package header into a Package with its owned files.
//
// Why not github.com/anchore/go-rpmdb at run time: its readers run in their own goroutines, so a panic on
// corrupt input cannot be recovered by the caller and kills the process (a 2-byte edit of a hash page's
// entry count does it); an overflow chain that points at a non-overflow page makes its BerkeleyDB reader
// loop forever; its NDB reader prints to stdout on a bad slot; on an error it returns early and leaves the
// producer goroutine blocked on a send; and it needs the bytes in a file, and for SQLite a whole SQLite
// engine, to read what is already in memory. This package instead reads the three formats synchronously
// from the captured bytes, with every offset bounds-checked, every page used at most once and the work
// bounded by the input size; there is no goroutine, no temporary file and no SQLite engine. go-rpmdb stays
// as the test oracle: the tests compare every package, size, file path and mode with what it reads from
// a real database of each format.
//
// The formats, for reference: rpm's lib/backend/{bdb_ro.c,ndb/rpmpkg.c,sqlite.c}, lib/header.c, and
// https://www.sqlite.org/fileformat2.html.
package rpm

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/slimcheck/slimcheck/analyze/pkgdb/internal/errlist"
)

// Format is an on-disk rpm database format.
type Format string

// The rpm database formats.
const (
	// BerkeleyDB is the hash database in /var/lib/rpm/Packages.
	BerkeleyDB Format = "bdb"
	// NDB is rpm's own "new database" format in Packages.db.
	NDB Format = "ndb"
	// SQLite is rpmdb.sqlite.
	SQLite Format = "sqlite"
)

// ErrUnknownFormat is returned by DetectFormat and Parse for bytes that are no rpm database.
var ErrUnknownFormat = errors.New("unrecognised rpm database format")

// sqliteMagic starts every SQLite 3 database file.
const sqliteMagic = "SQLite format 3\x00"

// DetectFormat tells the database format from its magic bytes, whatever the file is called.
func DetectFormat(b []byte) (Format, error) {
	switch {
	case bytes.HasPrefix(b, []byte(sqliteMagic)):
		return SQLite, nil
	case len(b) >= 4 && binary.LittleEndian.Uint32(b) == ndbHeaderMagic:
		return NDB, nil
	case len(b) >= 16 && (binary.LittleEndian.Uint32(b[12:]) == bdbHashMagic || binary.BigEndian.Uint32(b[12:]) == bdbHashMagic):
		return BerkeleyDB, nil
	}
	return "", ErrUnknownFormat
}

// Package is one installed rpm as its header records it.
type Package struct {
	// Name is RPMTAG_NAME.
	Name string
	// Epoch is RPMTAG_EPOCH; nil when the header has none.
	Epoch *int32
	// Version is RPMTAG_VERSION.
	Version string
	// Release is RPMTAG_RELEASE.
	Release string
	// Arch is RPMTAG_ARCH; empty for gpg-pubkey pseudo packages.
	Arch string
	// SourceRPM is RPMTAG_SOURCERPM ("gcc-4.8.5-36.el7_6.1.src.rpm"); empty when absent.
	SourceRPM string
	// Size is the installed size in bytes (RPMTAG_LONGSIZE, else RPMTAG_SIZE read as unsigned).
	Size int64
	// Files are the owned paths (directories included, see File.IsDir) in header order.
	Files []File
	// Requires are the RPMTAG_REQUIRENAME capabilities ("libc.so.6()(64bit)", "/bin/sh", "rpmlib(...)").
	Requires []string
	// Provides are the RPMTAG_PROVIDENAME capabilities; they normally include the package name.
	Provides []string
}

// EVR renders "[epoch:]version-release" as rpm does; the epoch appears whenever the header has one.
func (p Package) EVR() string {
	s := p.Version
	if p.Release != "" {
		s += "-" + p.Release
	}
	if p.Epoch != nil {
		s = fmt.Sprintf("%d:%s", *p.Epoch, s)
	}
	return s
}

// File is one path a package owns.
type File struct {
	// Path is absolute and cleaned.
	Path string
	// Mode is the st_mode recorded in RPMTAG_FILEMODES; 0 when the header has no usable modes.
	Mode uint16
	// Flags are the RPMTAG_FILEFLAGS bits (%config, %doc, %ghost...); 0 when the header has none.
	Flags uint32
}

// fileGhost is RPMFILE_GHOST: the package owns the path but does not install it.
const fileGhost = 1 << 6

// Ghost reports whether the file is a %ghost: owned, never installed (logs,
// caches and state files made at run time).
func (f File) Ghost() bool { return f.Flags&fileGhost != 0 }

// IsDir reports whether the header records the path as a directory.
func (f File) IsDir() bool { return f.Mode&0o170000 == 0o040000 }

// visitFunc receives each stored header blob and where it was found. A non-nil return stops the read.
type visitFunc func(where location, blob []byte) error

// location names a record inside a database file for messages ("row 17", "package 42", "page 3 entry 1");
// it is formatted only when a message needs it.
type location struct {
	what string
	n    int64
	sub  string // optional second level, such as "entry"
	m    int64
}

// String renders the location.
func (l location) String() string {
	if l.sub == "" {
		return fmt.Sprintf("%s %d", l.what, l.n)
	}
	return fmt.Sprintf("%s %d %s %d", l.what, l.n, l.sub, l.m)
}

// Parse detects the format of an rpm database held in b and decodes every package header in it, in storage
// order. Damaged records are skipped and reported; damage that stops the read (a broken page tree, a
// truncated file) is reported too, with the packages found before it. The returned error joins all of
// these, so a non-nil error can come with packages. ctx is checked between records.
func Parse(ctx context.Context, b []byte) ([]Package, error) {
	format, err := DetectFormat(b)
	if err != nil {
		return nil, err
	}
	var (
		pkgs []Package
		errs errlist.List
		n    int
	)
	visit := func(where location, blob []byte) error {
		if n++; n%64 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		p, err := ParseHeader(blob)
		if err != nil {
			errs.Add(fmt.Errorf("%v: decoding header: %w", where, err))
			return nil
		}
		pkgs = append(pkgs, p)
		return nil
	}
	switch format {
	case BerkeleyDB:
		err = readBDB(b, visit, &errs)
	case NDB:
		err = readNDB(b, visit, &errs)
	case SQLite:
		err = readSQLite(b, visit, &errs)
	}
	if err != nil {
		errs.Add(fmt.Errorf("reading %s database: %w", format, err))
	}
	return pkgs, errs.Err()
}
