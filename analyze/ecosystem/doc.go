// Package ecosystem works out what an image runs: the language ecosystem
// (node, python, java, go, ruby, php, dotnet, or "static" for a binary that
// needs no runtime) and its version, the application directory, the
// entrypoint, the user, the home directories whose caches count as package
// caches, the image's C library, and the native addons the application
// loads with the libc each links.
//
// Everything comes from an analyze.Index: the image config (ENV, WORKDIR,
// ENTRYPOINT, CMD, USER, labels), the final filesystem view, small files the
// walk captured whole (see CapturePath: os-release, passwd, pyvenv.cfg, a
// JDK's release file, node_version.h) and the leading bytes it kept of
// binaries and addons (see CapturePrefix), read with package elfinfo.
//
// Signals are ranked. The ecosystem comes first from the entrypoint (an
// interpreter such as node or java, a script's shebang, or an ELF binary:
// static means "static"), then from project files in the application
// directory (package.json, requirements.txt, pom.xml, go.mod, Gemfile,
// composer.json, *.csproj...), then from version variables in ENV
// (NODE_VERSION, PYTHON_VERSION...), then from runtime binaries on PATH,
// then from OS packages. The application directory is, in order: the
// caller's override, the project directory of the entrypoint's script or
// binary, WORKDIR, and the shallowest directory holding a project file;
// system directories (/, /usr, /etc, /usr/lib/...) never qualify.
package ecosystem
