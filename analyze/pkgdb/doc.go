// Package pkgdb turns the OS package databases captured from an image (dpkg, apk, rpm) into installed
// packages and the files they own, so attribution can put each file under the package that installed it.
//
// The walker asks CapturePath which paths to keep in memory and how many bytes of each; Parse then reads the
// captured map (absolute, cleaned path → contents, final merged view) and returns one Database per
// database found plus one-line Problems for evidence it could not use. Parse never panics on input, never
// touches the filesystem and writes no temporary files: all three rpm formats are read from memory.
//
// Layout, chosen to be free of import cycles: the format parsers live in the subpackages dpkg, apk and rpm
// and return their own format-level types (dpkg.Package with Installed-Size in KiB, rpm.Package with file
// modes, ...). They import nothing from this package. This package holds the shared model and the
// dispatcher, imports the three subpackages, converts their values, joins dpkg file lists to status stanzas
// and resolves dependencies to installed package names.
//
// What Package.Files holds differs by format, because the formats differ:
//   - dpkg: the info/<pkg>[:<arch>].list entries, which mix files, symlinks and directories without saying
//     which is which, so directories are included; or, for distroless status.d, the md5sums list, which has
//     regular files only.
//   - apk: the R: files; the F: directories are left out.
//   - rpm: the header's file list without the entries whose mode marks them as directories; %ghost files
//     (owned, never installed) are also listed in Package.Ghosts.
//
// The root directory is never listed. Consumers that need the type of a path should look it up in the
// image's file index rather than rely on Files.
package pkgdb
