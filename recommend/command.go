package recommend

import (
	"errors"
	"path"
	"regexp"
	"strings"

	"github.com/slimcheck/slimcheck/recommend/catalog"
)

// command is the runtime stage's process, adapted to a base.
type command struct {
	entrypoint, cmd []string
	changes         []Change
	extra           []string // builder paths the command needs copied (an s2i run script)
	warnings        []string
}

// commandEnv is what adaptCommand needs to know about the image.
type commandEnv struct {
	eco        string            // catalog ecosystem
	env        map[string]string // the image's environment
	labels     map[string]string
	copied     func(p string) bool // p (absolute) is copied to the runtime stage
	onPath     func(name string) bool
	s2iScripts string
	workdir    string
}

// interpreters are the command names of each ecosystem's runtime.
var interpreters = map[string]*regexp.Regexp{
	"node":   regexp.MustCompile(`^(node|nodejs)$`),
	"python": regexp.MustCompile(`^python(3(\.\d+)?)?$`),
	"java":   regexp.MustCompile(`^java$`),
	"ruby":   regexp.MustCompile(`^ruby$`),
	"php":    regexp.MustCompile(`^php$`),
	"dotnet": regexp.MustCompile(`^dotnet$`),
}

// wrappers are entrypoints of official images that only prepare and exec
// their arguments; without them the command runs the same.
var wrappers = map[string]bool{
	"docker-entrypoint.sh": true, "docker-php-entrypoint": true, "mvn-entrypoint.sh": true,
	"tini": true, "dumb-init": true, "container-entrypoint": true,
}

// simpleShell matches a shell command that is just words: it can be run
// without a shell, split on spaces.
var simpleShell = regexp.MustCompile(`^[A-Za-z0-9_./:=@%+,-]+( +[A-Za-z0-9_./:=@%+,-]+)*$`)

// errIncompatible marks a base the command cannot run on.
var errIncompatible = errors.New("incompatible")

// adaptCommand fits the image's ENTRYPOINT and CMD to base (nil: a base
// slimcheck knows nothing about, kept as is).
func adaptCommand(ep, cmd []string, base *catalog.Entry, ce commandEnv) (command, error) {
	c := command{entrypoint: append([]string(nil), ep...), cmd: append([]string(nil), cmd...)}
	if base == nil {
		return c, nil
	}
	if err := c.s2iRun(base, ce); err != nil {
		return c, err
	}
	if err := c.unshell(base); err != nil {
		return c, err
	}
	c.dropWrapper(base)
	if err := c.program(base, ce); err != nil {
		return c, err
	}
	return c, nil
}

// s2iRun replaces the s2i run script, which lives in the builder image:
// Node.js apps run `npm run $NPM_RUN` as the script does; UBI OpenJDK
// runtimes have run-java.sh; other bases with a shell get the script copied.
func (c *command) s2iRun(base *catalog.Entry, ce commandEnv) error {
	run := ce.s2iScripts + "/run"
	if !mentions(c.entrypoint, run) && !mentions(c.cmd, run) {
		return nil
	}
	from := strings.Join(append(append([]string(nil), c.entrypoint...), c.cmd...), " ")
	switch {
	case ce.eco == "node" && base.HasTool("npm"):
		script := ce.env["NPM_RUN"]
		if script == "" || !simpleShell.MatchString(script) {
			script = "start"
		}
		c.entrypoint, c.cmd = nil, []string{"npm", "run", script}
		c.changes = append(c.changes, Change{What: "cmd", From: from, To: "npm run " + script,
			Reason: "the s2i run script is not in the runtime base; for Node.js it runs `npm run $NPM_RUN`"})
	case ce.eco == "java" && base.Family == "ubi" && strings.Contains(base.Image, "openjdk"):
		c.entrypoint, c.cmd = nil, []string{"/opt/jboss/container/java/run/run-java.sh"}
		c.changes = append(c.changes, Change{What: "cmd", From: from, To: "/opt/jboss/container/java/run/run-java.sh",
			Reason: "the UBI OpenJDK runtime starts the jars in /deployments with run-java.sh, as the s2i run script does"})
	case base.Shell && base.HasTool("bash") || base.Shell && base.Family == "ubi":
		c.extra = append(c.extra, run)
		c.warnings = append(c.warnings, "the s2i run script "+run+" is copied from the builder; check that what it calls exists in "+base.Image)
	default:
		return errors.Join(errIncompatible, errors.New("the start command is the s2i run script, which needs the builder image"))
	}
	return nil
}

// mentions reports whether args run the program p (as a word or inside a
// shell command).
func mentions(args []string, p string) bool {
	for _, a := range args {
		if a == p {
			return true
		}
		for _, w := range strings.Fields(a) {
			if w == p {
				return true
			}
		}
	}
	return false
}

// unshell turns a shell-form command into exec form for a base without a
// shell, when the command is plain words.
func (c *command) unshell(base *catalog.Entry) error {
	for _, part := range []*[]string{&c.entrypoint, &c.cmd} {
		a := *part
		if len(a) != 3 || a[1] != "-c" || !isShell(a[0]) {
			continue
		}
		if base.Shell {
			continue
		}
		body := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(a[2]), "exec "))
		if !simpleShell.MatchString(body) {
			return errors.Join(errIncompatible, errors.New("the command needs a shell: "+shortCmd(a[2])))
		}
		*part = strings.Fields(body)
		c.changes = append(c.changes, Change{What: "cmd", From: strings.Join(a, " "), To: body,
			Reason: base.Image + " has no shell; the command is plain words, so it runs in exec form"})
	}
	return nil
}

func isShell(s string) bool {
	switch path.Base(s) {
	case "sh", "bash", "ash", "dash":
		return true
	}
	return false
}

// dropWrapper removes an official image's entrypoint wrapper the base lacks.
func (c *command) dropWrapper(base *catalog.Entry) {
	if len(c.entrypoint) == 0 {
		return
	}
	w := path.Base(c.entrypoint[0])
	if !wrappers[w] || base.HasTool(w) {
		return
	}
	rest := c.entrypoint[1:]
	if len(rest) > 0 && rest[0] == "--" {
		rest = rest[1:]
	}
	from := strings.Join(c.entrypoint, " ")
	c.entrypoint = rest
	c.changes = append(c.changes, Change{What: "entrypoint", From: from, To: strings.Join(rest, " "),
		Reason: w + " only prepares and execs its arguments, and " + base.Image + " does not have it"})
}

// program checks (and adapts) the program the command starts.
func (c *command) program(base *catalog.Entry, ce commandEnv) error {
	target := &c.cmd
	if len(c.entrypoint) > 0 {
		target = &c.entrypoint
	}
	if len(*target) == 0 {
		return nil
	}
	args := *target
	prog := args[0]
	if isShell(prog) && len(args) >= 2 && args[1] == "-c" {
		if !base.Shell {
			return errors.Join(errIncompatible, errors.New("the command needs a shell"))
		}
		return nil
	}
	name := path.Base(prog)
	if re := interpreters[ce.eco]; re != nil && re.MatchString(name) {
		want := ""
		switch {
		case strings.HasPrefix(prog, "/") && prog != base.Interpreter && !ce.copied(prog):
			want = base.Interpreter
			if want == "" && base.HasTool(name) {
				want = name
			}
		case !strings.HasPrefix(prog, "/") && !base.HasTool(name):
			want = base.Interpreter
		}
		if want != "" && want != prog {
			args[0] = want
			c.changes = append(c.changes, Change{What: "cmd", From: prog, To: want, Reason: "the runtime is at " + want + " in " + base.Image})
		}
		if args[0] != "" {
			return nil
		}
	}
	if !strings.HasPrefix(prog, "/") && strings.Contains(prog, "/") {
		prog = path.Join(workdirOr(ce.workdir), prog)
	}
	switch {
	case strings.HasPrefix(prog, "/"):
		if ce.copied(prog) || prog == base.Interpreter {
			return nil
		}
		if !base.Shell {
			return errors.Join(errIncompatible, errors.New("the command runs "+prog+", which is neither copied nor in "+base.Image))
		}
		c.warnings = append(c.warnings, "the command runs "+prog+", which is not copied; check that "+base.Image+" has it")
	case base.HasTool(name) || ce.onPath(name):
	case !base.Shell:
		return errors.Join(errIncompatible, errors.New("the command runs "+name+", which "+base.Image+" does not have"))
	default:
		c.warnings = append(c.warnings, "the command runs "+name+"; check that "+base.Image+" has it")
	}
	return nil
}

func shortCmd(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 80 {
		return s[:79] + "…"
	}
	return s
}
