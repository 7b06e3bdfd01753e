package check

import (
	"encoding/json"
	"fmt"
	"path"
	"strings"

	"github.com/slimcheck/slimcheck/analyze"
	"github.com/slimcheck/slimcheck/analyze/ecosystem"
)

// KindCommand: a command that a script, a shell string or a package script
// runs is not found.
const KindCommand = "command"

// scope is where and how a command is checked.
type scope struct {
	cwd   string   // working directory
	extra []string // directories searched before PATH (node_modules/.bin for package scripts)
	sev   Severity // severity of what fails here
	depth int      // nesting of interpreters, wrappers and scripts
	top   bool     // the image's own command: record the chain
	kind  string   // finding kind when the command is not found
}

// deeper is s one level down: no longer the image's own command.
func (s scope) deeper() scope {
	s.depth++
	s.top = false
	s.kind = KindCommand
	return s
}

// soft is s for commands that run only on some paths (a script's branches).
func (s scope) soft() scope {
	s = s.deeper()
	s.sev = Warning
	return s
}

// checkCommand checks ENTRYPOINT + CMD.
func (c *checker) checkCommand() {
	cfg := c.ix.Config.Config
	argv := append(append([]string{}, cfg.Entrypoint...), cfg.Cmd...)
	if len(argv) == 0 {
		c.add(Error, KindEntrypoint, "", "the image has neither ENTRYPOINT nor CMD: there is nothing to run")
		return
	}
	c.command(argv, scope{cwd: c.workdir, sev: Error, top: true, kind: KindEntrypoint})
}

// command checks that argv can be executed and that the files it names exist.
func (c *checker) command(argv []string, s scope) {
	if len(argv) == 0 || s.depth > maxDepth {
		return
	}
	r, ok := c.lookPath(argv[0], s)
	if !ok {
		return
	}
	interp := c.exec(r.path, s)
	c.appFiles(argv[0], r.path, argv[1:], interp, s)
}

// lookPath finds the file argv[0] names, as execvp does: a name with a
// slash is a path (relative to the working directory), anything else is
// searched on PATH. It records a finding when there is none.
func (c *checker) lookPath(name string, s scope) (resolved, bool) {
	if name == "" {
		c.add(s.sev, s.kind, "", "the command is an empty string")
		return resolved{}, false
	}
	if strings.Contains(name, "/") {
		p := abs(s.cwd, name)
		r := c.v.resolve(p)
		if problem := execProblem(r); problem != "" {
			c.add(s.sev, s.kind, p, "%s %s", p, problem)
			return r, false
		}
		return r, true
	}
	var notes, searched []string
	for _, d := range append(append([]string{}, s.extra...), c.path...) {
		d = abs(s.cwd, d)
		searched = append(searched, d)
		cand := path.Join(d, name)
		r := c.v.resolve(cand)
		switch {
		case r.e == nil && len(r.links) > 0:
			notes = append(notes, fmt.Sprintf("%s is a symlink to %s, which does not exist", cand, r.path))
		case r.e == nil || r.e.Type != analyze.TypeFile:
		case !executable(r.e.Mode):
			notes = append(notes, fmt.Sprintf("%s is not executable (mode %04o)", cand, r.e.Mode.Perm()))
		default:
			return r, true
		}
	}
	msg := fmt.Sprintf("%s is not found on PATH (%s)", name, strings.Join(dedupe(searched), ":"))
	if len(notes) > 0 {
		msg += ": " + strings.Join(notes, "; ")
	}
	c.add(s.sev, s.kind, name, "%s", msg)
	return resolved{}, false
}

// execProblem says why the kernel could not execute r, or "".
func execProblem(r resolved) string {
	switch {
	case r.loop:
		return "cannot be resolved: too many levels of symbolic links"
	case r.e == nil && len(r.links) > 0:
		return fmt.Sprintf("is a symlink to %s, which does not exist", r.path)
	case r.e == nil:
		return "does not exist"
	case r.e.Type == analyze.TypeDir:
		return "is a directory"
	case r.e.Type != analyze.TypeFile:
		return "is not a regular file"
	case !executable(r.e.Mode):
		return fmt.Sprintf("is not executable (mode %04o)", r.e.Mode.Perm())
	}
	return ""
}

// abs makes p absolute against dir.
func abs(dir, p string) string {
	if strings.HasPrefix(p, "/") {
		return path.Clean(p)
	}
	return path.Join(dir, p)
}

// exec checks that the file at p can be executed: an ELF program that
// loads, or a script whose #! interpreter can (followed through env and
// nested interpreters). It returns the name of the script's interpreter
// ("bash", "node"), "" for an ELF program.
func (c *checker) exec(p string, s scope) string {
	f := c.facts[p]
	step := func(what string) {
		if s.top {
			c.chain = append(c.chain, Step{Path: p, What: what})
		}
	}
	switch {
	case f == nil || !f.read:
		return ""
	case f.elf != nil:
		step(f.elf.String())
		c.checkELF(p, f.elf, s.sev, "")
		return ""
	case f.elfErr != nil:
		step("ELF, unreadable")
		c.add(s.sev, KindEntrypoint, p, "%s is an ELF file that cannot be read: %v", p, f.elfErr)
		return ""
	case f.script:
		line := strings.TrimSpace(strings.TrimSuffix(f.shebang, "\r"))
		step("script, #!" + line)
		interp, arg := parseShebang(f.shebang)
		if interp == "" {
			c.add(s.sev, KindEntrypoint, p, "%s starts with an empty #! line", p)
			return ""
		}
		if s.depth >= maxDepth {
			c.add(s.sev, KindEntrypoint, p, "%s: too many nested interpreters", p)
			return ""
		}
		ip := abs(s.cwd, interp)
		r := c.v.resolve(ip)
		if problem := execProblem(r); problem != "" {
			c.add(s.sev, KindEntrypoint, p, "%s's interpreter %s %s", p, interp, problem)
			return ""
		}
		inner := s
		inner.depth++
		if path.Base(interp) != "env" {
			c.exec(r.path, inner)
			return path.Base(interp)
		}
		c.exec(r.path, inner)
		words := envCommand(splitEnvArg(arg))
		if len(words) == 0 {
			c.add(s.sev, KindEntrypoint, p, "%s runs %s without a command", p, interp)
			return ""
		}
		inner.kind = KindEntrypoint
		cr, ok := c.lookPath(words[0], inner)
		if !ok {
			return ""
		}
		c.exec(cr.path, inner)
		return path.Base(words[0])
	case f.size == 0:
		c.add(s.sev, KindEntrypoint, p, "%s is an empty file: running it fails with 'exec format error'", p)
	default:
		c.add(s.sev, KindEntrypoint, p, "%s is neither an ELF program nor a script starting with #!: running it fails with 'exec format error'", p)
	}
	return ""
}

// parseShebang splits a #! line (without "#!") the way Linux does: the
// interpreter, then the rest of the line as one optional argument.
func parseShebang(line string) (interp, arg string) {
	line = strings.TrimRight(line, "\r")
	line = strings.TrimLeft(line, " \t")
	i := strings.IndexAny(line, " \t")
	if i < 0 {
		return line, ""
	}
	return line[:i], strings.Trim(line[i:], " \t")
}

// splitEnvArg splits the single argument a #! line gives env: "-S" asks env
// to split it into words; otherwise it is one word.
func splitEnvArg(arg string) []string {
	if arg == "" {
		return nil
	}
	if strings.HasPrefix(arg, "-S") || strings.HasPrefix(arg, "--split-string") {
		rest := strings.TrimPrefix(strings.TrimPrefix(arg, "--split-string"), "-S")
		rest = strings.TrimPrefix(rest, "=")
		return strings.Fields(rest)
	}
	return []string{arg}
}

// envCommand drops env's options and NAME=value words, leaving the command.
func envCommand(words []string) []string {
	for i := 0; i < len(words); i++ {
		w := words[i]
		switch {
		case w == "--":
			return words[i+1:]
		case w == "-u" || w == "--unset" || w == "-C" || w == "--chdir":
			i++
		case strings.HasPrefix(w, "-"):
		case strings.Contains(w, "=") && !strings.HasPrefix(w, "="):
		default:
			return words[i:]
		}
	}
	return nil
}

// appFiles checks the files a command names, by what the command is.
func (c *checker) appFiles(name, file string, args []string, interp string, s scope) {
	base := path.Base(name)
	switch {
	case base == "env":
		c.command(envCommand(args), s.deeper())
	case base == "node" || base == "nodejs":
		c.nodeArgs(args, s)
	case base == "npm" || base == "yarn" || base == "yarnpkg" || base == "pnpm":
		c.packageScript(base, args, s)
	case isPython(base):
		c.pythonArgs(args, s)
	case base == "java":
		for i, a := range args {
			if a == "-jar" && i+1 < len(args) {
				c.mustExist(base, args[i+1], s, false)
				break
			}
		}
	case base == "ruby" || base == "perl" || base == "php" || base == "bun" || base == "deno":
		if f := firstOperand(args, nil); f != "" && f != "run" {
			c.mustExist(base, f, s, false)
		}
	case isShell(base):
		c.shellArgs(base, args, s)
	case base == "tini" || base == "tini-static" || base == "dumb-init" || base == "catatonit":
		c.command(wrapped(args), s.deeper())
	case base == "gosu" || base == "su-exec" || base == "s6-setuidgid":
		if len(args) > 1 {
			c.command(args[1:], s.deeper())
		}
	default:
		if isShell(interp) {
			if f := c.facts[file]; f != nil && f.body != nil {
				c.scanScript(f.body, s.soft())
			}
		}
	}
}

// wrapped is the command an init wrapper (tini, dumb-init) runs.
func wrapped(args []string) []string {
	for i, a := range args {
		if a == "--" {
			return args[i+1:]
		}
		if !strings.HasPrefix(a, "-") {
			return args[i:]
		}
	}
	return nil
}

func isShell(b string) bool {
	switch b {
	case "sh", "bash", "dash", "ash", "ksh", "mksh", "zsh", "busybox":
		return true
	}
	return false
}

func isPython(b string) bool {
	if !strings.HasPrefix(b, "python") {
		return false
	}
	return strings.Trim(b[len("python"):], "0123456789.") == ""
}

// firstOperand returns the first argument that is not an option, skipping
// the values of the options in withValue.
func firstOperand(args []string, withValue map[string]bool) string {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			if i+1 < len(args) {
				return args[i+1]
			}
			return ""
		case withValue[a]:
			i++
		case strings.HasPrefix(a, "-") && a != "-":
		default:
			return a
		}
	}
	return ""
}

// mustExist records a finding when the file a program would run is missing.
// orDir accepts a directory (python runs a directory's __main__.py).
func (c *checker) mustExist(prog, f string, s scope, orDir bool) bool {
	if f == "" || strings.Contains(f, "$") {
		return true
	}
	p := abs(s.cwd, f)
	if _, ok := c.v.regular(p); ok || orDir && c.v.isDir(p) {
		return true
	}
	c.add(s.sev, KindAppFile, p, "%s would run %s, which is not in the image", prog, p)
	return false
}

// nodeArgs checks node's script.
func (c *checker) nodeArgs(args []string, s scope) {
	valued := map[string]bool{"-r": true, "--require": true, "--import": true, "--loader": true,
		"--experimental-loader": true, "-C": true, "--conditions": true, "--env-file": true, "--title": true,
		"--inspect-port": true, "--input-type": true, "--redirect-warnings": true, "--icu-data-dir": true,
		"--openssl-config": true, "--stack-trace-limit": true, "--max-http-header-size": true}
	for _, a := range args {
		switch a {
		case "-e", "--eval", "-p", "--print", "-i", "--interactive", "-", "--test", "--run":
			return
		}
		if !strings.HasPrefix(a, "-") {
			break
		}
	}
	f := firstOperand(args, valued)
	if f == "" || strings.Contains(f, "$") {
		return
	}
	p := abs(s.cwd, f)
	for _, cand := range []string{p, p + ".js", p + ".mjs", p + ".cjs", p + ".json", p + ".node", p + "/index.js", p + "/package.json"} {
		if _, ok := c.v.regular(cand); ok {
			return
		}
	}
	c.add(s.sev, KindAppFile, p, "node would run %s, which is not in the image", p)
}

// pythonArgs checks python's script (not -m MODULE or -c CODE).
func (c *checker) pythonArgs(args []string, s scope) {
	for _, a := range args {
		if a == "-m" || a == "-c" || strings.HasPrefix(a, "-m") && len(a) > 2 || strings.HasPrefix(a, "-c") && len(a) > 2 {
			return
		}
		if !strings.HasPrefix(a, "-") {
			break
		}
	}
	c.mustExist("python", firstOperand(args, map[string]bool{"-W": true, "-X": true, "-Q": true}), s, true)
}

// shellArgs checks a shell's -c string or script.
func (c *checker) shellArgs(shell string, args []string, s scope) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			if i+1 < len(args) {
				c.shellScriptFile(shell, args[i+1], s)
			}
			return
		case a == "-o" || a == "+o":
			i++
		case strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "--") && strings.Contains(a[1:], "c"):
			for j := i + 1; j < len(args); j++ {
				if !strings.HasPrefix(args[j], "-") {
					c.shellString(args[j], s)
					return
				}
			}
			return
		case strings.HasPrefix(a, "-") || strings.HasPrefix(a, "+"):
		default:
			c.shellScriptFile(shell, a, s)
			return
		}
	}
}

// shellScriptFile checks a script a shell is given as an argument.
func (c *checker) shellScriptFile(shell, f string, s scope) {
	if !c.mustExist(shell, f, s, false) || strings.Contains(f, "$") {
		return
	}
	r, _ := c.v.regular(abs(s.cwd, f))
	if fa := c.facts[r.path]; fa != nil && fa.body != nil {
		c.scanScript(fa.body, s.soft())
	}
}

// shellString checks every simple command of a shell command line.
func (c *checker) shellString(str string, s scope) {
	if s.depth >= maxDepth {
		return
	}
	if !c.shellPresent(s) {
		return
	}
	for _, words := range ecosystem.SplitShell(str) {
		if argv := c.simpleCommand(words, false); argv != nil {
			c.command(argv, s.deeper())
		}
	}
}

// shellPresent checks that /bin/sh, which runs shell strings, exists.
func (c *checker) shellPresent(s scope) bool {
	if r := c.v.resolve("/bin/sh"); execProblem(r) != "" {
		c.add(s.sev, s.kind, "/bin/sh", "a shell command line needs /bin/sh, which %s", execProblem(r))
		return false
	}
	return true
}

// scanScript checks the commands a shell script execs (`exec cmd …`):
// the program it hands over to. Other commands may sit in branches that are
// not taken, so s is usually soft.
func (c *checker) scanScript(body []byte, s scope) {
	if s.depth >= maxDepth {
		return
	}
	text := strings.ReplaceAll(string(body), "\\\n", " ")
	for _, line := range strings.Split(text, "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "#") || !strings.Contains(t, "exec") {
			continue
		}
		for _, words := range ecosystem.SplitShell(t) {
			if argv := c.simpleCommand(words, true); argv != nil {
				c.command(argv, s)
			}
		}
	}
}

// keywords may lead a simple command; builtins are not programs.
var (
	keywords = map[string]bool{"if": true, "then": true, "else": true, "elif": true, "do": true, "while": true,
		"until": true, "!": true, "{": true, "(": true, "time": true, "}": true, ")": true}
	builtins = map[string]bool{"cd": true, "export": true, "echo": true, "printf": true, "set": true, "unset": true,
		"source": true, ".": true, "true": true, "false": true, ":": true, "trap": true, "wait": true, "shift": true,
		"read": true, "local": true, "return": true, "exit": true, "eval": true, "ulimit": true, "umask": true,
		"command": true, "type": true, "alias": true, "let": true, "declare": true, "typeset": true, "readonly": true,
		"test": true, "[": true, "[[": true, "fi": true, "done": true, "esac": true, "case": true, "for": true,
		"in": true, "function": true, "break": true, "continue": true, "getopts": true, "hash": true, "pwd": true,
		"kill": true, "jobs": true, "fg": true, "bg": true, "select": true, "shopt": true, "logger": false}
)

// simpleCommand turns one simple command of a shell line into the argv it
// runs: keywords, assignments, redirections and (leading) exec are dropped,
// variables from the image's ENV are expanded. nil when there is nothing to
// check: a builtin, a program named by a variable, or (with onlyExec) a
// command that is not an exec.
func (c *checker) simpleCommand(words []string, onlyExec bool) []string {
	var out []string
	for i := 0; i < len(words); i++ {
		w := words[i]
		if strings.HasPrefix(w, "#") {
			break
		}
		if isRedirect(w) {
			if strings.TrimLeft(w, "0123456789&<>|") == "" {
				i++ // the target is the next word
			}
			continue
		}
		out = append(out, w)
	}
	for len(out) > 0 && keywords[out[0]] {
		out = out[1:]
	}
	isExec := len(out) > 0 && out[0] == "exec"
	if onlyExec && !isExec {
		return nil
	}
	if isExec {
		out = out[1:]
		for len(out) > 0 && strings.HasPrefix(out[0], "-") {
			if out[0] == "-a" && len(out) > 1 {
				out = out[1:]
			}
			out = out[1:]
		}
	}
	for len(out) > 0 && isAssignment(out[0]) {
		out = out[1:]
	}
	if len(out) == 0 || builtins[out[0]] {
		return nil
	}
	argv := make([]string, len(out))
	for i, w := range out {
		v, ok := expand(w, c.env)
		if !ok {
			if i == 0 {
				return nil
			}
			v = w
		}
		argv[i] = v
	}
	if argv[0] == "" {
		return nil
	}
	return argv
}

// isRedirect reports whether a word is a redirection (">log", "2>&1", "<in").
func isRedirect(w string) bool {
	t := strings.TrimLeft(w, "0123456789")
	return strings.HasPrefix(t, ">") || strings.HasPrefix(t, "<") || strings.HasPrefix(w, "&>")
}

// isAssignment reports whether a word is NAME=value.
func isAssignment(w string) bool {
	name, _, ok := strings.Cut(w, "=")
	if !ok || name == "" {
		return false
	}
	for i, r := range name {
		if !(r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// expand substitutes $NAME, ${NAME}, ${NAME:-default} and ${NAME-default}
// from env. ok is false when the word holds anything it cannot know: an
// unset variable without default, positional parameters, command
// substitution.
func expand(w string, env map[string]string) (string, bool) {
	if !strings.ContainsAny(w, "$`") {
		return w, true
	}
	if strings.Contains(w, "`") || strings.Contains(w, "$(") {
		return w, false
	}
	var b strings.Builder
	for i := 0; i < len(w); i++ {
		if w[i] != '$' || i+1 == len(w) {
			b.WriteByte(w[i])
			continue
		}
		rest := w[i+1:]
		var name, def string
		hasDef, emptyDef := false, false
		if rest[0] == '{' {
			end := strings.IndexByte(rest, '}')
			if end < 0 {
				return w, false
			}
			inner := rest[1:end]
			i += end + 1
			if k := strings.Index(inner, ":-"); k >= 0 {
				name, def, hasDef, emptyDef = inner[:k], inner[k+2:], true, true
			} else if k := strings.IndexByte(inner, '-'); k >= 0 {
				name, def, hasDef = inner[:k], inner[k+1:], true
			} else {
				name = inner
			}
		} else {
			n := 0
			for n < len(rest) && (rest[n] == '_' || rest[n] >= 'A' && rest[n] <= 'Z' || rest[n] >= 'a' && rest[n] <= 'z' || n > 0 && rest[n] >= '0' && rest[n] <= '9') {
				n++
			}
			if n == 0 {
				return w, false // $@, $1, $$, $?
			}
			name = rest[:n]
			i += n
		}
		if !isAssignment(name + "=") {
			return w, false
		}
		v, set := env[name]
		switch {
		case set && !(emptyDef && v == ""):
			b.WriteString(v)
		case hasDef:
			if strings.ContainsAny(def, "$`") {
				return w, false
			}
			b.WriteString(def)
		default:
			return w, false
		}
	}
	return b.String(), true
}

// packageScript checks `npm start`, `npm run NAME`, `yarn NAME`, `pnpm run
// NAME`: the package.json it reads, the script it runs and, through /bin/sh,
// that script's commands, with the package's node_modules/.bin on PATH.
func (c *checker) packageScript(tool string, args []string, s scope) {
	valued := map[string]bool{"--prefix": true, "-C": true, "--cwd": true, "--dir": true, "-w": true,
		"--workspace": true, "--loglevel": true, "--userconfig": true, "--cache": true, "--filter": true}
	dir := s.cwd
	i := 0
	next := func() string {
		for i < len(args) {
			a := args[i]
			i++
			switch {
			case a == "--prefix" || a == "-C" || a == "--cwd" || a == "--dir":
				if i < len(args) {
					dir = abs(s.cwd, args[i])
					i++
				}
			case valued[a]:
				i++
			case strings.HasPrefix(a, "--prefix="), strings.HasPrefix(a, "--cwd="), strings.HasPrefix(a, "--dir="):
				_, v, _ := strings.Cut(a, "=")
				dir = abs(s.cwd, v)
			case strings.HasPrefix(a, "-"):
			default:
				return a
			}
		}
		return ""
	}
	sub, script, implicit := next(), "", false
	switch sub {
	case "start", "stop", "restart", "test":
		script = sub
	case "t", "tst":
		script = "test"
	case "run", "run-script", "rum", "urn":
		script = next()
	default:
		if tool == "npm" || sub == "" || strings.Contains(sub, "$") {
			return
		}
		script, implicit = sub, true // `yarn NAME` runs a script when one has that name
	}
	if script == "" || strings.Contains(script, "$") || strings.Contains(dir, "$") {
		return
	}
	pj, pdir := "", dir
	for d := dir; ; d = path.Dir(d) {
		if r, ok := c.v.regular(path.Join(d, "package.json")); ok {
			pj, pdir = r.path, d
			break
		}
		if d == "/" {
			break
		}
	}
	what := tool + " " + sub
	if pj == "" {
		c.add(s.sev, KindAppFile, path.Join(dir, "package.json"), "%s needs a package.json in %s or a parent directory, and there is none", what, dir)
		return
	}
	f := c.facts[pj]
	if f == nil || f.body == nil {
		return // too large to read, or not asked for
	}
	var doc struct {
		Scripts map[string]any `json:"scripts"`
	}
	if err := json.Unmarshal(f.body, &doc); err != nil {
		c.add(s.sev, KindAppFile, pj, "%s does not parse, so %s fails: %v", pj, what, err)
		return
	}
	line, ok := doc.Scripts[script].(string)
	if !ok {
		switch {
		case implicit:
			return
		case script == "start":
			if _, ok := c.v.regular(path.Join(pdir, "server.js")); !ok {
				c.add(s.sev, KindAppFile, pj, "%s has no \"start\" script and there is no %s (npm's default, node server.js)", pj, path.Join(pdir, "server.js"))
				return
			}
			line = "node server.js"
		default:
			c.add(s.sev, KindAppFile, pj, "%s has no %q script, so %s fails", pj, script, what)
			return
		}
	}
	ns := s.deeper()
	ns.cwd = pdir
	ns.extra = nil
	for d := pdir; ; d = path.Dir(d) {
		ns.extra = append(ns.extra, path.Join(d, "node_modules/.bin"))
		if d == "/" {
			break
		}
	}
	c.shellString(line, ns)
}
