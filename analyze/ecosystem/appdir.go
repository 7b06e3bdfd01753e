package ecosystem

import (
	"path"
	"strings"

	"github.com/slimcheck/slimcheck/analyze"
)

// markerEcosystem maps a project file's base name to the ecosystem it
// declares.
func markerEcosystem(base string) string {
	switch base {
	case "package.json":
		return Node
	case "requirements.txt", "pyproject.toml", "Pipfile", "Pipfile.lock", "poetry.lock", "setup.py", "setup.cfg", "manage.py", "uv.lock":
		return Python
	case "pom.xml", "build.gradle", "build.gradle.kts", "mvnw", "gradlew":
		return Java
	case "go.mod":
		return Go
	case "Gemfile", "Gemfile.lock", "config.ru":
		return Ruby
	case "composer.json", "composer.lock", "artisan":
		return PHP
	}
	switch {
	case strings.HasSuffix(base, ".csproj"), strings.HasSuffix(base, ".fsproj"), strings.HasSuffix(base, ".vbproj"),
		strings.HasSuffix(base, ".runtimeconfig.json"):
		return DotNet
	}
	return ""
}

// systemDir reports whether dir is a directory of the operating system
// that can never be an application directory.
func systemDir(dir string) bool {
	switch dir {
	case "/", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/usr", "/usr/bin", "/usr/sbin", "/usr/lib",
		"/usr/lib64", "/usr/local", "/usr/local/bin", "/usr/local/sbin", "/usr/local/lib", "/usr/share",
		"/usr/local/share", "/usr/include", "/usr/src", "/etc", "/var", "/var/lib", "/var/cache", "/var/log",
		"/tmp", "/var/tmp", "/opt", "/home", "/root", "/proc", "/sys", "/dev", "/run", "/mnt", "/media", "/boot",
		"/srv", "/usr/libexec":
		return true
	}
	for _, p := range [...]string{"/proc/", "/sys/", "/dev/", "/etc/", "/bin/", "/sbin/", "/lib/", "/lib64/",
		"/usr/lib/", "/usr/lib64/", "/usr/share/", "/usr/include/", "/usr/bin/", "/usr/sbin/", "/usr/libexec/",
		"/var/lib/", "/var/cache/", "/var/log/", "/tmp/", "/var/tmp/", "/usr/local/lib/", "/usr/local/share/",
		"/usr/local/bin/", "/usr/local/sbin/", "/usr/local/include/", "/run/"} {
		if strings.HasPrefix(dir, p) {
			return true
		}
	}
	return inDependencyTree(dir)
}

// inDependencyTree reports whether p lies inside installed dependencies or
// a cache rather than in a project of its own.
func inDependencyTree(p string) bool {
	for _, m := range [...]string{"/node_modules/", "/site-packages/", "/dist-packages/", "/vendor/", "/.cache/",
		"/.npm/", "/.m2/", "/.gradle/", "/.cargo/", "/go/pkg/", "/.local/"} {
		if strings.Contains(p+"/", m) {
			return true
		}
	}
	return false
}

// appDir chooses the application directory.
func (d *detector) appDir(override string) {
	eco := &d.res.Ecosystem
	if override != "" {
		dir := path.Clean("/" + override)
		eco.AppDir = dir
		if !d.v.isDir(dir) {
			d.problem(dir, "the application directory given does not exist in the image", -1)
		}
		d.evidence("app dir " + dir + ": given by the caller")
		return
	}
	if dir, how := d.entryAppDir(); dir != "" {
		eco.AppDir = dir
		d.evidence("app dir " + dir + ": " + how)
		return
	}
	if wd := d.entry.cwd; wd != "" && !systemDir(wd) && d.v.isDir(wd) && d.hasFiles(wd) {
		eco.AppDir = wd
		d.evidence("app dir " + wd + ": WORKDIR")
		return
	}
	if dir, marker := d.scanMarkers(); dir != "" {
		eco.AppDir = dir
		d.evidence("app dir " + dir + ": holds " + marker)
	}
}

// entryAppDir derives the application directory from what the entrypoint
// runs: the project directory above its script or binary, or the directory
// it works on.
func (d *detector) entryAppDir() (string, string) {
	if f := d.entry.file; f != "" && !systemDir(path.Dir(f)) {
		if dir, marker := d.projectAbove(path.Dir(f)); dir != "" {
			return dir, "project of the entrypoint's " + f + " (holds " + marker + ")"
		}
		return path.Dir(f), "directory of the entrypoint's " + f
	}
	if p := d.entry.project; p != "" && !systemDir(p) && d.v.isDir(p) {
		if dir, marker := d.projectAbove(p); dir != "" {
			return dir, "project the entrypoint runs (holds " + marker + ")"
		}
		return p, "directory the entrypoint runs in"
	}
	return "", ""
}

// projectAbove returns the nearest directory at or above dir that holds a
// project file, without climbing into system directories.
func (d *detector) projectAbove(dir string) (string, string) {
	for cur := dir; !systemDir(cur); cur = path.Dir(cur) {
		for _, r := range d.v.children(cur) {
			e := d.ix.Entry(r)
			if e.Type == analyze.TypeDir {
				continue
			}
			if markerEcosystem(path.Base(e.Path)) != "" {
				return cur, path.Base(e.Path)
			}
		}
	}
	return "", ""
}

// hasFiles reports whether anything but directories lies below dir. It
// stops at the first such entry rather than finding the end of the subtree.
func (d *detector) hasFiles(dir string) bool {
	prefix := strings.TrimSuffix(dir, "/") + "/"
	f := d.ix.Final
	for i := d.v.first(prefix); i < len(f); i++ {
		e := d.ix.Entry(f[i])
		if !strings.HasPrefix(e.Path, prefix) {
			return false
		}
		if e.Type != analyze.TypeDir {
			return true
		}
	}
	return false
}

// scanMarkers finds the shallowest non-system directory holding a project
// file; ties go to the lexically first.
func (d *detector) scanMarkers() (string, string) {
	best, marker, depth := "", "", 1<<30
	for _, r := range d.ix.Final {
		e := d.ix.Entry(r)
		if e.Type != analyze.TypeFile {
			continue
		}
		base := e.Path[strings.LastIndexByte(e.Path, '/')+1:]
		if markerEcosystem(base) == "" {
			continue
		}
		dir := path.Dir(e.Path)
		if systemDir(dir) {
			continue
		}
		if n := strings.Count(dir, "/"); n < depth || (n == depth && dir < best) {
			best, marker, depth = dir, base, n
		}
	}
	return best, marker
}

// markersIn returns the ecosystems declared by project files directly in
// dir, in a fixed order.
func (d *detector) markersIn(dir string) []string {
	seen := map[string]string{}
	for _, r := range d.v.children(dir) {
		e := d.ix.Entry(r)
		if e.Type == analyze.TypeDir {
			continue
		}
		base := path.Base(e.Path)
		if eco := markerEcosystem(base); eco != "" {
			if _, ok := seen[eco]; !ok {
				seen[eco] = base
			}
		} else if strings.HasSuffix(base, ".jar") || strings.HasSuffix(base, ".war") {
			if _, ok := seen[Java]; !ok {
				seen[Java] = base
			}
		}
	}
	var out []string
	for _, eco := range ecosystemOrder() {
		if m, ok := seen[eco]; ok {
			out = append(out, eco+"\x00"+m)
		}
	}
	return out
}

// ecosystemOrder is the tie-break order when several ecosystems show the
// same kind of evidence: languages that are rarely incidental first
// (python and ruby often come along as build or system tools).
func ecosystemOrder() []string {
	return []string{Node, Java, DotNet, PHP, Go, Ruby, Python}
}
