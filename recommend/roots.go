package recommend

import (
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/slimcheck/slimcheck/report"
)

// root is one path the runtime stage copies.
type root struct {
	n        *node  // the node at the copied path
	src      *node  // what COPY reads: n, or the file a symlink n resolves to
	reason   string // why it is copied
	fromApp  bool   // the application directory (or a path chosen inside it)
	explicit bool   // chosen by name (binary, jar, library, certificate), never merged
}

// systemDirs are never copied whole: they hold the OS and the runtime.
var systemDirs = map[string]bool{
	"/": true, "/bin": true, "/boot": true, "/dev": true, "/etc": true, "/home": true,
	"/lib": true, "/lib32": true, "/lib64": true, "/libx32": true, "/media": true,
	"/mnt": true, "/opt": true, "/proc": true, "/root": true, "/run": true, "/sbin": true,
	"/srv": true, "/sys": true, "/tmp": true, "/usr": true, "/var": true,
	"/usr/bin": true, "/usr/sbin": true, "/usr/lib": true, "/usr/lib64": true,
	"/usr/lib32": true, "/usr/libexec": true, "/usr/include": true, "/usr/share": true,
	"/usr/local": true, "/usr/local/bin": true, "/usr/local/sbin": true,
	"/usr/local/lib": true, "/usr/local/lib64": true, "/usr/local/share": true,
	"/usr/local/include": true, "/usr/src": true, "/var/lib": true, "/var/cache": true,
	"/var/log": true, "/var/tmp": true, "/var/run": true, "/etc/ssl": true, "/etc/pki": true,
	"/usr/share/doc": true, "/usr/share/man": true,
}

// isSystemDir reports whether p must not be copied as a whole: a listed
// system directory or a multiarch library directory (/usr/lib/x86_64-linux-gnu).
func isSystemDir(p string) bool {
	if systemDirs[p] {
		return true
	}
	d, b := path.Dir(p), path.Base(p)
	return (d == "/usr/lib" || d == "/lib") && strings.Count(b, "-") >= 2 && strings.HasSuffix(b, "-gnu") ||
		(d == "/usr/lib" || d == "/lib") && strings.HasSuffix(b, "-linux-musl")
}

// outsideRoots covers the application's files that live outside appDir
// (site-packages, a virtualenv, gems…): every visible file attributed to the
// app, grouped into the highest directories that hold nothing else.
func (s *selector) outsideRoots(appDir string) []root {
	type tally struct{ ok, total int }
	counts := make([]tally, len(s.v.nodes)) // by node id
	wanted := func(n *node) bool {
		return !n.isDir() && n.file.Category == report.App && (appDir == "" || !under(n.path, appDir))
	}
	var count func(n *node) tally
	count = func(n *node) tally {
		var t tally
		if !n.isDir() {
			t.total = 1
			if wanted(n) || s.x.decide("/", n).s == strong {
				t.ok = 1
			}
		}
		for _, c := range n.sorted {
			ct := count(c)
			t.ok += ct.ok
			t.total += ct.total
		}
		counts[n.id] = t
		return t
	}
	count(s.v.root)
	var roots []root
	seen := map[*node]bool{}
	walk(s.v.root, func(n *node) bool {
		if appDir != "" && n.path == appDir {
			return false
		}
		if !wanted(n) {
			return true
		}
		top := n
		for p := n.parent; p != nil && !isSystemDir(p.path); p = p.parent {
			if t := counts[p.id]; t.ok != t.total {
				break
			}
			top = p
		}
		if !seen[top] && representable(top.path) {
			seen[top] = true
			roots = append(roots, root{n: top, src: top, reason: "application files outside the app directory (" + categoryNote(report.App) + ")"})
		}
		return true
	})
	return dropNested(roots)
}

func categoryNote(c report.Category) string {
	if c == report.App {
		return "attributed to the app and its production dependencies"
	}
	return string(c)
}

// dropNested removes roots that lie inside another root.
func dropNested(roots []root) []root {
	sortBy(roots, func(a, b root) bool { return a.n.path < b.n.path })
	var out []root
	for _, r := range roots {
		if len(out) > 0 && under(r.n.path, out[len(out)-1].n.path) {
			continue
		}
		out = append(out, r)
	}
	return out
}

// capRoots replaces more than max roots sharing a non-system parent with
// the parent itself, so the runtime stage needs few COPY instructions.
func capRoots(roots []root, max int) []root {
	for changed := true; changed; {
		changed = false
		byParent := map[*node][]int{}
		for i, r := range roots {
			if r.explicit || r.n.parent == nil {
				continue
			}
			byParent[r.n.parent] = append(byParent[r.n.parent], i)
		}
		// In path order: which parent is collapsed first can change the
		// result, and map order would make it differ from run to run.
		parents := slices.SortedFunc(maps.Keys(byParent), func(a, b *node) int { return strings.Compare(a.path, b.path) })
		for _, p := range parents {
			idx := byParent[p]
			if len(idx) <= max || isSystemDir(p.path) {
				continue
			}
			drop := map[int]bool{}
			for _, i := range idx {
				drop[i] = true
			}
			var next []root
			for i, r := range roots {
				if !drop[i] {
					next = append(next, r)
				}
			}
			next = append(next, root{n: p, src: p, reason: "directory shared by " + strconv.Itoa(len(idx)) + " application entries, copied whole"})
			roots = dropNested(next)
			changed = true
			break
		}
	}
	return roots
}

// javaRoots finds the jars and class directories the command runs: the
// argument of -jar and the entries of -cp/-classpath/--class-path, taken
// relative to the working directory.
func (s *selector) javaRoots(command []string, workdir string) []root {
	var paths []string
	for i := 0; i < len(command); i++ {
		a := command[i]
		switch {
		case a == "-jar" && i+1 < len(command):
			paths = append(paths, command[i+1])
			i++
		case (a == "-cp" || a == "-classpath" || a == "--class-path") && i+1 < len(command):
			for _, e := range strings.Split(command[i+1], ":") {
				paths = append(paths, strings.TrimSuffix(strings.TrimSuffix(e, "*"), "/"))
			}
			i++
		case strings.HasPrefix(a, "--class-path="):
			for _, e := range strings.Split(strings.TrimPrefix(a, "--class-path="), ":") {
				paths = append(paths, strings.TrimSuffix(strings.TrimSuffix(e, "*"), "/"))
			}
		}
	}
	var roots []root
	for _, p := range paths {
		if p == "" || strings.ContainsAny(p, "$`") || !representable(p) {
			continue
		}
		if !strings.HasPrefix(p, "/") {
			p = path.Join(workdirOr(workdir), p)
		}
		n := s.v.get(p)
		if n == nil {
			continue
		}
		src := n
		if n.file != nil && n.file.Type == "symlink" {
			if src = s.v.resolve(p); src == nil {
				continue
			}
		}
		roots = append(roots, root{n: n, src: src, reason: "jar or class path the command runs", fromApp: true, explicit: !src.isDir()})
	}
	return dropNested(roots)
}

func workdirOr(w string) string {
	if w == "" {
		return "/"
	}
	return w
}
