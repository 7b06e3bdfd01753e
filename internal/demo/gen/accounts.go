package gen

import (
	"fmt"
	"sort"
	"strings"
)

// account is one /etc/passwd or /etc/group line with its numeric id.
type account struct {
	name string
	id   int
	line string
}

// setupUsers are the users of setup-2.8.71's /etc/passwd (byte-exact; the
// generator checks the joined lines against the rpm's digest).
func setupUsers() []account {
	return []account{
		{"root", 0, "root:x:0:0:root:/root:/bin/bash"},
		{"bin", 1, "bin:x:1:1:bin:/bin:/sbin/nologin"},
		{"daemon", 2, "daemon:x:2:2:daemon:/sbin:/sbin/nologin"},
		{"adm", 3, "adm:x:3:4:adm:/var/adm:/sbin/nologin"},
		{"lp", 4, "lp:x:4:7:lp:/var/spool/lpd:/sbin/nologin"},
		{"sync", 5, "sync:x:5:0:sync:/sbin:/bin/sync"},
		{"shutdown", 6, "shutdown:x:6:0:shutdown:/sbin:/sbin/shutdown"},
		{"halt", 7, "halt:x:7:0:halt:/sbin:/sbin/halt"},
		{"mail", 8, "mail:x:8:12:mail:/var/spool/mail:/sbin/nologin"},
		{"operator", 11, "operator:x:11:0:operator:/root:/sbin/nologin"},
		{"games", 12, "games:x:12:100:games:/usr/games:/sbin/nologin"},
		{"ftp", 14, "ftp:x:14:50:FTP User:/var/ftp:/sbin/nologin"},
		{"nobody", 99, "nobody:x:99:99:Nobody:/:/sbin/nologin"},
	}
}

// setupGroups are the groups of setup-2.8.71's /etc/group (byte-exact).
func setupGroups() []account {
	names := []struct {
		n  string
		id int
	}{
		{"root", 0}, {"bin", 1}, {"daemon", 2}, {"sys", 3}, {"adm", 4}, {"tty", 5},
		{"disk", 6}, {"lp", 7}, {"mem", 8}, {"kmem", 9}, {"wheel", 10}, {"cdrom", 11},
		{"mail", 12}, {"man", 15}, {"dialout", 18}, {"floppy", 19}, {"games", 20},
		{"tape", 33}, {"video", 39}, {"ftp", 50}, {"lock", 54}, {"audio", 63},
		{"nobody", 99}, {"users", 100},
	}
	out := make([]account, len(names))
	for i, g := range names {
		out[i] = account{g.n, g.id, fmt.Sprintf("%s:x:%d:", g.n, g.id)}
	}
	return out
}

// scriptletAccounts are the users and groups that packages' %pre scriptlets
// create with useradd/groupadd on CentOS 7 (fixed ids from
// /usr/share/doc/setup-*/uidgid, dynamic ones as allocated on a fresh image).
func scriptletAccounts() map[string]struct{ users, groups []account } {
	return map[string]struct{ users, groups []account }{
		"dbus": {
			users:  []account{{"dbus", 81, "dbus:x:81:81:System message bus:/:/sbin/nologin"}},
			groups: []account{{"dbus", 81, "dbus:x:81:"}},
		},
		"libutempter":  {groups: []account{{"utmp", 22, "utmp:x:22:"}, {"utempter", 35, "utempter:x:35:"}}},
		"openssh":      {groups: []account{{"ssh_keys", 999, "ssh_keys:x:999:"}}},
		"shadow-utils": {groups: []account{{"input", 998, "input:x:998:"}}},
	}
}

// userID maps an rpm file owner name to its uid on the image.
func userID(name string) int {
	for _, a := range setupUsers() {
		if a.name == name {
			return a.id
		}
	}
	for _, s := range scriptletAccounts() {
		for _, a := range s.users {
			if a.name == name {
				return a.id
			}
		}
	}
	return 0 // rpm falls back to root for unknown owners
}

// groupID maps an rpm file group name to its gid on the image.
func groupID(name string) int {
	for _, a := range setupGroups() {
		if a.name == name {
			return a.id
		}
	}
	for _, s := range scriptletAccounts() {
		for _, a := range s.groups {
			if a.name == name {
				return a.id
			}
		}
	}
	return 0
}

// accountFiles renders /etc/passwd and /etc/group after the given packages'
// scriptlets ran. Lines follow setup's order, then scriptlet additions in
// package-name order.
func accountFiles(installed []string) (passwd, group []byte) {
	users, groups := setupUsers(), setupGroups()
	sorted := append([]string(nil), installed...)
	sort.Strings(sorted)
	scripts := scriptletAccounts()
	for _, n := range sorted {
		if s, ok := scripts[n]; ok {
			users = append(users, s.users...)
			groups = append(groups, s.groups...)
		}
	}
	var pw, gr strings.Builder
	for _, u := range users {
		pw.WriteString(u.line + "\n")
	}
	for _, g := range groups {
		gr.WriteString(g.line + "\n")
	}
	return []byte(pw.String()), []byte(gr.String())
}
