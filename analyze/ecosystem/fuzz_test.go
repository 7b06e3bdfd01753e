package ecosystem

import (
	"strings"
	"testing"
)

func FuzzParseOSRelease(f *testing.F) {
	f.Add([]byte(alpineRelease))
	f.Add([]byte(debianRelease))
	f.Add([]byte("ID=\"unterminated\nID_LIKE='a b'\n\"\"=x\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		o := ParseOSRelease(b)
		if o.ID != strings.ToLower(o.ID) {
			t.Fatalf("ID not lower-cased: %q", o.ID)
		}
		for _, l := range o.IDLike {
			if l == "" || strings.ContainsAny(l, " \t\n") {
				t.Fatalf("bad ID_LIKE word %q", l)
			}
		}
		if len(o.PrettyName) > len(b) || len(o.VersionID) > len(b) {
			t.Fatal("value longer than input")
		}
	})
}

func FuzzParsePasswd(f *testing.F) {
	f.Add([]byte("root:x:0:0:root:/root:/bin/bash\nnode:x:1000:1000::/home/node:/bin/sh\n"))
	f.Add([]byte("a:b:c\n::::::\nx:x:4294967296:0:::\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		users, bad := ParsePasswd(b)
		if bad < 0 || len(users)+bad > strings.Count(string(b), "\n")+1 {
			t.Fatalf("%d users + %d bad lines from %d lines", len(users), bad, strings.Count(string(b), "\n")+1)
		}
		for _, u := range users {
			if u.Name == "" || strings.ContainsAny(u.Name+u.Home+u.Shell, ":\n") {
				t.Fatalf("bad user %+v", u)
			}
		}
	})
}

func FuzzSplitShell(f *testing.F) {
	f.Add("cd /app && exec node 'dist/my app.js' --port=\"80\"")
	f.Add(`echo "a \"b\"" ; x\ y | z # c`)
	f.Add("a 'b")
	f.Add("\"\\")
	f.Fuzz(func(t *testing.T, s string) {
		cmds := SplitShell(s)
		n := 0
		for _, c := range cmds {
			if len(c) == 0 {
				t.Fatal("empty command")
			}
			n += len(c)
			for _, w := range c {
				if len(w) > len(s) {
					t.Fatalf("word %q longer than input", w)
				}
			}
		}
		if n > maxShellWords {
			t.Fatalf("%d words", n)
		}
	})
}

func FuzzSmallParsers(f *testing.F) {
	f.Add([]byte("#define NODE_MAJOR_VERSION 20\n#define NODE_MINOR_VERSION 11\n#define NODE_PATCH_VERSION 0\n"))
	f.Add([]byte("JAVA_VERSION=\"17.0.9\"\nhome = /usr/bin\nversion = 3.12.1\n"))
	f.Add([]byte("#!/usr/bin/env node\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if v := ParseNodeVersionH(b); v != "" && strings.Count(v, ".") != 2 {
			t.Fatalf("node version %q", v)
		}
		if v := ParseJavaRelease(b); len(v) > len(b) {
			t.Fatal("java version longer than input")
		}
		if v, h := ParsePyvenvCfg(b); len(v)+len(h) > len(b) {
			t.Fatal("pyvenv values longer than input")
		}
		if interp, args, ok := shebang(b); ok && (interp == "" || len(args) > len(b)) {
			t.Fatalf("shebang %q %q", interp, args)
		}
	})
}
