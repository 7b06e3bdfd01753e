// Package check decides, without running it, whether a container image can
// start: the static run check behind `slimcheck slim`.
//
// It reads the image's final filesystem from an analyze.Index and, in one
// more pass over the layers, the few file contents it needs: the first line
// of scripts, the headers and dynamic section of ELF files (streamed, with
// capped reads), /etc/passwd and /etc/group, ld.so.conf and package.json.
// Then it follows the command the image runs (ENTRYPOINT + CMD) the way the
// kernel, the shell and the dynamic loader would:
//
//   - the command is found on the image's PATH (or at its path), exists,
//     is a regular file and is executable;
//   - a script's #! interpreter exists, "#!/usr/bin/env node" finds node on
//     PATH, and nested interpreters are followed;
//   - every ELF file reached — and every native addon, plus every ELF file in
//     the layers the caller names — finds its program loader (PT_INTERP), its
//     libraries (DT_NEEDED, searched in DT_RPATH, LD_LIBRARY_PATH, DT_RUNPATH,
//     ld.so.conf and the default directories, or musl's path file), the right
//     C library (glibc's ld-linux vs musl's ld-musl) and the image's
//     architecture, library by library;
//   - the application files the command names exist: node's or python's
//     script, java -jar's archive, a shell's script or -c string, and for npm,
//     yarn and pnpm the package.json and the script it runs;
//   - the USER exists in /etc/passwd (and its group in /etc/group) or is
//     numeric.
//
// Each problem is a Finding. Errors mean the container would not start as
// configured; warnings are problems on paths that may not be taken (an exec
// inside a script's branch, an ELF file nothing loads).
package check
