package check

import (
	"bufio"
	"bytes"
	"strings"

	"github.com/slimcheck/slimcheck/analyze"
	"github.com/slimcheck/slimcheck/analyze/ecosystem"
)

// checkUser checks that a named USER (and group) exists in the image.
func (c *checker) checkUser() {
	u := c.ix.Config.Config.User
	if u == "" {
		return
	}
	name, group, hasGroup := strings.Cut(u, ":")
	if name != "" && !numeric(name) {
		body, ok := c.body("/etc/passwd")
		switch {
		case !ok:
			c.add(Error, KindUser, "/etc/passwd", "USER %s is a name, and the image has no /etc/passwd to find it in: the container fails to start (unable to find user %s)", name, name)
		default:
			users, _ := ecosystem.ParsePasswd(body)
			found := false
			for _, x := range users {
				found = found || x.Name == name
			}
			if !found {
				c.add(Error, KindUser, "/etc/passwd", "USER %s is not in /etc/passwd: the container fails to start (unable to find user %s)", name, name)
			}
		}
	}
	if hasGroup && group != "" && !numeric(group) {
		body, ok := c.body("/etc/group")
		if !ok || !contains(groupNames(body), group) {
			c.add(Error, KindUser, "/etc/group", "USER %s names the group %s, which is not in /etc/group: the container fails to start", u, group)
		}
	}
}

// checkWorkdir checks that WORKDIR, when it exists, is a directory (the
// runtime creates a missing one).
func (c *checker) checkWorkdir() {
	wd := c.ix.Config.Config.WorkingDir
	if wd == "" {
		return
	}
	if r := c.v.resolve(c.workdir); r.e != nil && r.e.Type != analyze.TypeDir {
		c.add(Error, KindWorkdir, c.workdir, "WORKDIR %s is a %s, not a directory: the container fails to start", wd, r.e.Type)
	}
}

// body returns the captured contents of the file p resolves to.
func (c *checker) body(p string) ([]byte, bool) {
	r, ok := c.v.regular(p)
	if !ok {
		return nil, false
	}
	f := c.facts[r.path]
	if f == nil || f.body == nil {
		return nil, r.e.Size == 0
	}
	return f.body, true
}

// numeric reports whether s is a decimal id.
func numeric(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// groupNames reads the group names of an /etc/group file
// (name:password:gid:members).
func groupNames(b []byte) []string {
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, ":")
		if len(f) >= 3 && f[0] != "" && numeric(f[2]) {
			out = append(out, f[0])
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
