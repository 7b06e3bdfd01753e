package ecosystem

import (
	"bytes"
	"strconv"
)

// User is one /etc/passwd account.
type User struct {
	Name  string
	UID   uint32
	GID   uint32
	Home  string
	Shell string
}

// ParsePasswd reads /etc/passwd lines (name:password:uid:gid:gecos:home:shell).
// Malformed lines (wrong field count, bad ids) are skipped and counted.
func ParsePasswd(b []byte) (users []User, bad int) {
	for len(b) > 0 && len(users) < maxLines {
		var line []byte
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			line, b = b, nil
		}
		line = bytes.TrimRight(line, "\r")
		if len(line) == 0 || line[0] == '#' || line[0] == '+' || line[0] == '-' {
			continue
		}
		if len(line) > maxLineBytes {
			bad++
			continue
		}
		f := bytes.Split(line, []byte{':'})
		if len(f) != 7 || len(f[0]) == 0 {
			bad++
			continue
		}
		uid, err1 := strconv.ParseUint(string(f[2]), 10, 32)
		gid, err2 := strconv.ParseUint(string(f[3]), 10, 32)
		if err1 != nil || err2 != nil {
			bad++
			continue
		}
		users = append(users, User{Name: string(f[0]), UID: uint32(uid), GID: uint32(gid), Home: string(f[5]), Shell: string(f[6])})
	}
	return users, bad
}
