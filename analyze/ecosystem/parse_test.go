package ecosystem

import (
	"reflect"
	"testing"
)

func TestParseOSRelease(t *testing.T) {
	tests := []struct {
		in   string
		want OSRelease
	}{
		{alpineRelease, OSRelease{ID: "alpine", VersionID: "3.18.4", PrettyName: "Alpine Linux v3.18"}},
		{"NAME=\"Red Hat Enterprise Linux\"\nID=\"rhel\"\nID_LIKE=\"fedora\"\nVERSION_ID=\"8.9\"\n# comment\nPRETTY_NAME='Red Hat Enterprise Linux 8.9 (Ootpa)'\n",
			OSRelease{ID: "rhel", IDLike: []string{"fedora"}, VersionID: "8.9", PrettyName: "Red Hat Enterprise Linux 8.9 (Ootpa)"}},
		{"ID=ubuntu\r\nID_LIKE=debian\nVERSION_ID=\"22.04\"\nPRETTY_NAME=\"Say \\\"hi\\\"\"\n", OSRelease{ID: "ubuntu", IDLike: []string{"debian"}, VersionID: "22.04", PrettyName: `Say "hi"`}},
		{"garbage\n=novalue\nID\n", OSRelease{}},
	}
	for _, tc := range tests {
		if got := ParseOSRelease([]byte(tc.in)); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseOSRelease(%q) = %+v, want %+v", tc.in, got, tc.want)
		}
	}
	if !(OSRelease{ID: "rocky", IDLike: []string{"rhel", "centos", "fedora"}}).Like("rhel") {
		t.Error("rocky is not like rhel")
	}
}

func TestParsePasswd(t *testing.T) {
	in := "root:x:0:0:root:/root:/bin/bash\n# c\n\nnode:x:1000:1000::/home/node:/bin/sh\r\nbad:x:notanumber:0::/:/bin/sh\nshort:x:1\n+nis\ndefault:x:1001:0:Default:/opt/app-root/src:/sbin/nologin"
	users, bad := ParsePasswd([]byte(in))
	want := []User{
		{Name: "root", Home: "/root", Shell: "/bin/bash"},
		{Name: "node", UID: 1000, GID: 1000, Home: "/home/node", Shell: "/bin/sh"},
		{Name: "default", UID: 1001, Home: "/opt/app-root/src", Shell: "/sbin/nologin"},
	}
	if !reflect.DeepEqual(users, want) || bad != 2 {
		t.Errorf("got %+v bad %d, want %+v bad 2", users, bad, want)
	}
}

func TestSplitShell(t *testing.T) {
	tests := []struct {
		in   string
		want [][]string
	}{
		{"node server.js", [][]string{{"node", "server.js"}}},
		{"cd /app && exec node 'dist/my app.js' --port=\"80\"", [][]string{{"cd", "/app"}, {"exec", "node", "dist/my app.js", "--port=80"}}},
		{`echo "a \"b\" \$c" ; x\ y | z # comment ; not`, [][]string{{"echo", `a "b" $c`}, {"x y"}, {"z"}}},
		{"a 'unterminated", [][]string{{"a", "unterminated"}}},
		{"", nil},
		{"a\\\nb", [][]string{{"ab"}}},
		{"''", [][]string{{""}}},
	}
	for _, tc := range tests {
		if got := SplitShell(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("SplitShell(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSmallParsers(t *testing.T) {
	h := "#ifndef SRC_NODE_VERSION_H_\n#define NODE_MAJOR_VERSION 20\n#define NODE_MINOR_VERSION 11\n#define NODE_PATCH_VERSION 0\n#define NODE_VERSION_IS_LTS 1\n"
	if v := ParseNodeVersionH([]byte(h)); v != "20.11.0" {
		t.Errorf("ParseNodeVersionH = %q", v)
	}
	if v := ParseNodeVersionH([]byte("#define NODE_MAJOR_VERSION 20\n")); v != "" {
		t.Errorf("partial header gave %q", v)
	}
	if v := ParseJavaRelease([]byte("IMPLEMENTOR=\"Eclipse Adoptium\"\nJAVA_VERSION=\"21.0.1\"\n")); v != "21.0.1" {
		t.Errorf("ParseJavaRelease = %q", v)
	}
	v, home := ParsePyvenvCfg([]byte("home = /usr/bin\ninclude-system-site-packages = false\nversion_info = 3.9.18.final.0\n"))
	if v != "3.9.18.final.0" || home != "/usr/bin" {
		t.Errorf("ParsePyvenvCfg = %q %q", v, home)
	}
	interp, args, ok := shebang([]byte("#!/usr/bin/env -S node --max-old-space-size=100\nx"))
	if !ok || interp != "/usr/bin/env" || !reflect.DeepEqual(args, []string{"-S", "node", "--max-old-space-size=100"}) {
		t.Errorf("shebang = %q %q %v", interp, args, ok)
	}
}

func TestCapturePredicates(t *testing.T) {
	capture := map[string]bool{
		"/etc/os-release": true, "/etc/passwd": true, "/opt/app-root/pyvenv.cfg": true, "/usr/lib/jvm/java-17-openjdk/release": true,
		"/opt/java/openjdk/release": true, "/usr/local/include/node/node_version.h": true, "/app/release": false, "/etc/shadow": false,
	}
	for p, want := range capture {
		if _, ok := CapturePath(p); ok != want {
			t.Errorf("CapturePath(%q) = %v, want %v", p, ok, want)
		}
	}
	prefix := map[string]int64{
		"/app/node_modules/bcrypt/build/Release/bcrypt_lib.node":                        AddonPrefix,
		"/usr/local/lib/python3.12/site-packages/numpy/core/_multiarray.cpython-312.so": AddonPrefix,
		"/usr/lib/python3/dist-packages/yaml/_yaml.cpython-310-x86_64-linux-gnu.so.1":   AddonPrefix,
		"/usr/local/bin/node":                 ExecPrefix,
		"/usr/lib/jvm/java-17/bin/java":       ExecPrefix,
		"/server":                             ExecPrefix,
		"/app/server":                         ExecPrefix,
		"/app/server.js":                      0,
		"/usr/lib/x86_64-linux-gnu/libc.so.6": 0,
		"/etc/hosts":                          0,
		"/usr/share/doc/x/copyright":          0,
		"/app/node_modules/x/index.js":        0,
		"/app/lib/libfoo.something.so.js":     0,
	}
	for p, want := range prefix {
		n, ok := CapturePrefix(p)
		if !ok {
			n = 0
		}
		if n != want {
			t.Errorf("CapturePrefix(%q) = %d, want %d", p, n, want)
		}
	}
}
