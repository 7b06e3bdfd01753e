package ecosystem

import (
	"bytes"
	"debug/elf"
	"path"
	"strings"

	"github.com/slimcheck/slimcheck/analyze/ecosystem/elfinfo"
)

// defaultPath is the PATH a container gets when the image sets none.
const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// maxCommandDepth bounds how deeply wrapper scripts and sh -c strings are
// followed.
const maxCommandDepth = 8

// entryInfo is what the entrypoint says.
type entryInfo struct {
	eco     string        // ecosystem the entrypoint shows, "" when it says nothing
	how     string        // evidence phrase
	interp  string        // resolved interpreter binary (node, python, java...), "" if none
	file    string        // resolved script, jar, dll or binary it runs, "" if none
	wrapper string        // a wrapper script it went through, when no other file was found
	cwd     string        // directory the command runs in
	project string        // directory the command works on (npm start, python -m, java -cp), "" if none
	elf     *elfinfo.Info // of file when it is an ELF binary
}

// interpreterKind says how an interpreter names the application.
type interpreterKind int

const (
	kindScript  interpreterKind = iota // the first non-option argument is a file to run
	kindProject                        // it runs the project in the working directory
)

// interpreter maps a command's base name to an ecosystem.
func interpreter(base string) (eco string, kind interpreterKind, ok bool) {
	switch base {
	case "node", "nodejs":
		return Node, kindScript, true
	case "npm", "npx", "yarn", "yarnpkg", "pnpm", "corepack":
		return Node, kindProject, true
	case "gunicorn", "uvicorn", "hypercorn", "daphne", "celery", "flask", "streamlit", "waitress-serve",
		"fastapi", "uwsgi", "django-admin":
		return Python, kindProject, true
	case "java":
		return Java, kindScript, true
	case "ruby":
		return Ruby, kindScript, true
	case "bundle", "rails", "puma", "rackup", "unicorn", "sidekiq", "rake":
		return Ruby, kindProject, true
	case "php":
		return PHP, kindScript, true
	case "apache2-foreground", "frankenphp", "artisan":
		return PHP, kindProject, true
	case "dotnet":
		return DotNet, kindScript, true
	case "go":
		return Go, kindProject, true
	}
	switch {
	case isVersioned(base, "python"), isVersioned(base, "pypy"):
		return Python, kindScript, true
	case strings.HasPrefix(base, "php-fpm"), strings.HasPrefix(base, "php-cgi"):
		return PHP, kindProject, true
	case isVersioned(base, "php"):
		return PHP, kindScript, true
	case isVersioned(base, "ruby"):
		return Ruby, kindScript, true
	}
	return "", 0, false
}

// isVersioned reports whether base is name followed only by digits and dots
// ("python3.11").
func isVersioned(base, name string) bool {
	if !strings.HasPrefix(base, name) {
		return false
	}
	for _, c := range base[len(name):] {
		if (c < '0' || c > '9') && c != '.' {
			return false
		}
	}
	return true
}

// isShell reports whether base is a POSIX-ish shell.
func isShell(base string) bool {
	switch base {
	case "sh", "bash", "ash", "dash", "zsh", "ksh", "mksh":
		return true
	}
	return false
}

// isWrapper reports whether base is a process wrapper that runs its
// arguments as the real command.
func isWrapper(base string) bool {
	switch base {
	case "tini", "tini-static", "dumb-init", "su-exec", "gosu", "catatonit", "exec", "nohup", "env", "--", "setsid", "chpst":
		return true
	}
	return false
}

// isSetupCommand reports whether a shell command only prepares the
// environment before the real one.
func isSetupCommand(base string) bool {
	switch base {
	case "set", "export", "source", ".", "echo", "printf", "ulimit", "umask", "trap", "mkdir", "chown", "chmod",
		"rm", "cp", "mv", "ln", "sleep", "printenv", "test", "[", "true", ":", "unset", "touch", "cat", "sed":
		return true
	}
	return false
}

// isAssignment reports whether w is a NAME=value prefix of a command.
func isAssignment(w string) bool {
	i := strings.IndexByte(w, '=')
	if i <= 0 {
		return false
	}
	for j, c := range w[:i] {
		if !(c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (j > 0 && c >= '0' && c <= '9')) {
			return false
		}
	}
	return true
}

// entrypoint analyses ENTRYPOINT + CMD.
func (d *detector) entrypoint() {
	argv := append(append([]string{}, d.cfg.Entrypoint...), d.cfg.Cmd...)
	d.res.Ecosystem.Entrypoint = argv
	cwd := d.cfg.WorkingDir
	if !path.IsAbs(cwd) {
		cwd = "/" + cwd
	}
	d.entry.cwd = path.Clean(cwd)
	if len(argv) == 0 {
		return
	}
	d.command(argv, 0)
	if d.entry.file == "" && d.entry.wrapper != "" {
		d.entry.file = d.entry.wrapper
	}
	d.res.EntryFile = d.entry.file
}

// command analyses one command line; it returns true once the entrypoint
// has said what it runs.
func (d *detector) command(words []string, depth int) bool {
	if depth > maxCommandDepth {
		return false
	}
	for len(words) > 0 {
		w := words[0]
		base := path.Base(w)
		switch {
		case isAssignment(w):
			words = words[1:]
			continue
		case isWrapper(base):
			words = skipWrapperOptions(base, words[1:])
			continue
		}
		break
	}
	if len(words) == 0 {
		return false
	}
	name, args := words[0], words[1:]
	base := path.Base(name)
	resolved, found := d.which(name)
	if eco, kind, ok := interpreter(base); ok {
		return d.interpreted(eco, kind, name, resolved, found, args)
	}
	if found {
		if eco, kind, ok := interpreter(path.Base(resolved)); ok {
			return d.interpreted(eco, kind, name, resolved, found, args)
		}
	}
	if isShell(base) {
		return d.shell(args, depth)
	}
	if !found {
		// An unknown command; a wrapper script that was not captured still
		// usually runs its arguments.
		if len(args) > 0 && (strings.HasSuffix(base, ".sh") || strings.Contains(base, "entrypoint")) {
			return d.command(args, depth+1)
		}
		return false
	}
	head := d.v.head(resolved)
	if elfinfo.IsELF(head) {
		info, err := elfinfo.Parse(head)
		if err != nil {
			d.problem(resolved, "reading the entrypoint's ELF header: "+err.Error(), d.layerOf(resolved))
			d.entry.file = resolved
			return true
		}
		d.entry.file, d.entry.elf = resolved, info
		switch {
		case !info.HasInterp && (info.Type == elf.ET_EXEC || info.Type == elf.ET_DYN):
			d.entry.eco, d.entry.how = Static, "entrypoint "+resolved+" is a static binary ("+info.String()+")"
		case info.GoNote:
			d.entry.eco, d.entry.how = Go, "entrypoint "+resolved+" is a dynamically linked Go binary ("+info.String()+")"
		default:
			d.entry.how = "entrypoint " + resolved + " is a native binary (" + info.String() + ")"
		}
		return true
	}
	if interp, iargs, ok := shebang(head); ok {
		ib := path.Base(interp)
		if ib == "env" && len(iargs) > 0 {
			for len(iargs) > 0 && strings.HasPrefix(iargs[0], "-") {
				iargs = iargs[1:]
			}
			if len(iargs) > 0 {
				interp, iargs = iargs[0], iargs[1:]
				ib = path.Base(interp)
			}
		}
		if eco, kind, ok := interpreter(ib); ok {
			ir, ifound := d.which(interp)
			d.entry.file = resolved
			d.interpreted(eco, kind, interp, ir, ifound, nil)
			d.entry.how = "entrypoint script " + resolved + " runs " + ib
			d.entry.file = resolved
			return true
		}
		if isShell(ib) {
			// A wrapper script (docker-entrypoint.sh): it normally ends with
			// exec "$@", so its arguments are the real command.
			if d.entry.wrapper == "" {
				d.entry.wrapper = resolved
			}
			if len(args) > 0 {
				return d.command(args, depth+1)
			}
			return false
		}
	}
	d.entry.file = resolved
	return false
}

func skipWrapperOptions(base string, words []string) []string {
	switch base {
	case "env":
		for len(words) > 0 && (strings.HasPrefix(words[0], "-") || isAssignment(words[0])) {
			if words[0] == "-u" || words[0] == "-C" || words[0] == "-S" {
				words = words[min(2, len(words)):]
				continue
			}
			words = words[1:]
		}
	case "su-exec", "gosu":
		if len(words) > 0 {
			words = words[1:] // the user
		}
	default:
		for len(words) > 0 && strings.HasPrefix(words[0], "-") {
			if words[0] == "--" {
				return words[1:]
			}
			words = words[1:]
		}
	}
	return words
}

// shell handles "sh -c 'string'" and "sh script args".
func (d *detector) shell(args []string, depth int) bool {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "-c" {
			if i+1 >= len(args) {
				return false
			}
			cwd := d.entry.cwd
			for _, cmd := range SplitShell(args[i+1]) {
				if path.Base(cmd[0]) == "cd" {
					if len(cmd) > 1 {
						d.entry.cwd = d.abs(cmd[1])
					}
					continue
				}
				if isSetupCommand(path.Base(cmd[0])) {
					continue
				}
				if d.command(cmd, depth+1) {
					return true
				}
			}
			d.entry.cwd = cwd
			return false
		}
		if strings.HasPrefix(a, "-") {
			continue
		}
		// sh script.sh args...
		if p, _, _, ok := d.v.file(d.abs(a)); ok {
			if d.entry.wrapper == "" {
				d.entry.wrapper = p
			}
		}
		if i+1 < len(args) {
			return d.command(args[i+1:], depth+1)
		}
		return false
	}
	return false
}

// interpreted records an interpreter command and finds the file or project
// it runs.
func (d *detector) interpreted(eco string, kind interpreterKind, name, resolved string, found bool, args []string) bool {
	d.entry.eco = eco
	d.entry.how = "entrypoint runs " + path.Base(name)
	if found {
		d.entry.interp = resolved
	}
	if kind == kindProject {
		d.entry.project = d.entry.cwd
		if eco == PHP {
			if dir := optionValue(args, "-t"); dir != "" {
				d.entry.project = d.abs(dir)
			}
		}
		return true
	}
	script, project := scriptArg(eco, args)
	switch {
	case project != "":
		d.entry.project = d.abs(project)
	case script != "":
		p := d.abs(script)
		if rp, _, _, ok := d.v.file(p); ok {
			d.entry.file = rp
			d.entry.how += " " + rp
		} else {
			d.entry.project = path.Dir(p)
		}
	case eco == Python || eco == Java:
		// python -m module, java MainClass: the project is where it runs.
		d.entry.project = d.entry.cwd
	}
	return true
}

// scriptArg finds the script (or jar, dll) an interpreter's arguments name,
// or a project directory they point at (a Java class path).
func scriptArg(eco string, args []string) (script, project string) {
	valued := map[string]bool{}
	switch eco {
	case Node:
		for _, o := range []string{"-r", "--require", "--import", "--loader", "--experimental-loader", "--env-file", "--title", "-C", "--conditions"} {
			valued[o] = true
		}
	case Python:
		for _, o := range []string{"-W", "-X", "-Q"} {
			valued[o] = true
		}
	case Java:
		for _, o := range []string{"-cp", "-classpath", "--class-path", "-p", "--module-path", "--add-modules", "--add-opens", "--add-exports", "-javaagent"} {
			valued[o] = true
		}
	case Ruby:
		for _, o := range []string{"-I", "-r", "-C", "-E"} {
			valued[o] = true
		}
	case PHP:
		for _, o := range []string{"-c", "-d", "-S", "-t", "-z"} {
			valued[o] = true
		}
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case eco == Java && a == "-jar" && i+1 < len(args):
			return args[i+1], ""
		case eco == Java && (a == "-cp" || a == "-classpath" || a == "--class-path") && i+1 < len(args):
			first, _, _ := strings.Cut(args[i+1], ":")
			first = strings.TrimSuffix(strings.TrimSuffix(first, "*"), "/")
			if first != "" && first != "." {
				// /app/resources:/app/classes:/app/libs/* (jib) → /app
				project = path.Dir(first)
			}
			i++
		case eco == Python && (a == "-m" || a == "-c"):
			return "", project
		case eco == Node && (a == "-e" || a == "--eval" || a == "-p" || a == "--print"):
			return "", project
		case a == "--":
			if i+1 < len(args) {
				return args[i+1], project
			}
			return "", project
		case valued[a]:
			i++
		case strings.HasPrefix(a, "-"):
		default:
			if eco == Java {
				return "", project // a main class
			}
			if eco == DotNet && a == "run" {
				return "", "."
			}
			return a, project
		}
	}
	return "", project
}

func optionValue(args []string, opt string) string {
	for i, a := range args {
		if a == opt && i+1 < len(args) {
			return args[i+1]
		}
	}
	return ""
}

// abs makes p absolute against the entrypoint's working directory.
func (d *detector) abs(p string) string {
	if path.IsAbs(p) {
		return path.Clean(p)
	}
	return path.Join(d.entry.cwd, p)
}

// which resolves a command name as the container would: names with a slash
// against the working directory, others through PATH. It returns the
// resolved file path.
func (d *detector) which(name string) (string, bool) {
	if strings.Contains(name, "/") {
		p, _, _, ok := d.v.file(d.abs(name))
		return p, ok
	}
	pathVar, ok := d.res.Env["PATH"]
	if !ok {
		pathVar = defaultPath
	}
	for _, dir := range strings.Split(pathVar, ":") {
		if !path.IsAbs(dir) {
			continue
		}
		if p, _, _, ok := d.v.file(path.Join(dir, name)); ok {
			return p, true
		}
	}
	return "", false
}

// shebang parses a "#!interpreter args" first line.
func shebang(head []byte) (interp string, args []string, ok bool) {
	if !bytes.HasPrefix(head, []byte("#!")) {
		return "", nil, false
	}
	line := head[2:]
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	if len(line) > maxLineBytes {
		return "", nil, false
	}
	f := strings.Fields(string(line))
	if len(f) == 0 {
		return "", nil, false
	}
	return f[0], f[1:], true
}
