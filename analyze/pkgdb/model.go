package pkgdb

import "strings"

// Manager names a package manager.
type Manager string

// The supported package managers.
const (
	// Dpkg is Debian's package manager (Debian, Ubuntu, distroless).
	Dpkg Manager = "dpkg"
	// Apk is Alpine's package manager.
	Apk Manager = "apk"
	// Rpm is the RPM package manager (RHEL, CentOS, Fedora, Rocky, SUSE).
	Rpm Manager = "rpm"
)

// Package is one installed package.
type Package struct {
	// Name is the binary package name.
	Name string
	// Version is the version as the manager writes it: dpkg and apk verbatim, rpm "[epoch:]version-release".
	Version string
	// Arch is the architecture ("amd64", "x86_64", "noarch", "all"); empty when the database has none.
	Arch string
	// SourceName is the source package (dpkg Source, apk origin, the name part of rpm's source rpm); dpkg
	// and apk default it to Name, rpm leaves it empty when the header names no source rpm.
	SourceName string
	// Manager is the package manager that installed the package.
	Manager Manager
	// InstalledSize is the installed size in bytes as the database records it (dpkg's KiB times 1024).
	InstalledSize int64
	// Files are the absolute, cleaned paths the package owns, sorted and unique; see the package comment for
	// what each format contributes (dpkg includes directories).
	Files []string
	// Ghosts are the paths of Files the package declares but does not install (rpm %ghost: logs,
	// caches and state files made at run time), sorted and unique: owned when present, never missing.
	Ghosts []string
	// Depends are the names of other installed packages in the same database that satisfy this package's
	// dependencies, sorted and unique. Best effort: requirements are matched by package name, by declared
	// provides and, for path requirements such as "/bin/sh", by file ownership; every installed
	// alternative of a dpkg "a | b" group counts; requirements nothing installed satisfies are dropped.
	Depends []string
}

// Database is one package database found in the image.
type Database struct {
	// Manager is the package manager the database belongs to.
	Manager Manager
	// Path is where the database was found: a file such as /var/lib/dpkg/status or
	// /var/lib/rpm/rpmdb.sqlite, or the directory /var/lib/dpkg/status.d.
	Path string
	// Packages are the installed packages sorted by name, architecture and version.
	Packages []Package
}

// Problem is a piece of evidence Parse could not use, or could use only in part, and why.
type Problem struct {
	// Path is the captured file (or database directory) concerned.
	Path string
	// Err says what is wrong.
	Err error
}

// Error renders the problem on one line: "path: reason".
func (p Problem) Error() string {
	msg := "unknown problem"
	if p.Err != nil {
		msg = strings.ReplaceAll(p.Err.Error(), "\n", "; ")
	}
	return p.Path + ": " + msg
}

// Unwrap returns the underlying error.
func (p Problem) Unwrap() error { return p.Err }
