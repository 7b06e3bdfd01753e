package gen

// rpmPayloads are byte-exact contents of small rpm-owned files that analysis
// reads (OS identification, accounts, hosts). Each one's SHA-256 equals the
// FILEDIGESTS value in the CentOS 7 rpmdb, which a test checks. All other rpm
// files in the image are zero-filled at their recorded size.
func rpmPayloads() map[string][]byte {
	return map[string][]byte{
		"/etc/os-release": []byte(`NAME="CentOS Linux"
VERSION="7 (Core)"
ID="centos"
ID_LIKE="rhel fedora"
VERSION_ID="7"
PRETTY_NAME="CentOS Linux 7 (Core)"
ANSI_COLOR="0;31"
CPE_NAME="cpe:/o:centos:centos:7"
HOME_URL="https://www.centos.org/"
BUG_REPORT_URL="https://bugs.centos.org/"

CENTOS_MANTISBT_PROJECT="CentOS-7"
CENTOS_MANTISBT_PROJECT_VERSION="7"
REDHAT_SUPPORT_PRODUCT="centos"
REDHAT_SUPPORT_PRODUCT_VERSION="7"

`),
		"/etc/centos-release":          []byte("CentOS Linux release 7.5.1804 (Core) \n"),
		"/etc/centos-release-upstream": []byte("Derived from Red Hat Enterprise Linux 7.5 (Source)\n"),
		"/etc/system-release-cpe":      []byte("cpe:/o:centos:centos:7\n"),
		"/etc/issue":                   []byte("\\S\nKernel \\r on an \\m\n\n"),
		"/etc/issue.net":               []byte("\\S\nKernel \\r on an \\m\n"),
		"/etc/passwd":                  joinAccountLines(setupUsers()),
		"/etc/group":                   joinAccountLines(setupGroups()),
		"/etc/hosts":                   []byte("127.0.0.1   localhost localhost.localdomain localhost4 localhost4.localdomain4\n::1         localhost localhost.localdomain localhost6 localhost6.localdomain6\n"),
		"/etc/host.conf":               []byte("multi on\n"),
		"/etc/shells":                  []byte("/bin/sh\n/bin/bash\n/sbin/nologin\n/usr/bin/sh\n/usr/bin/bash\n/usr/sbin/nologin\n"),
		"/etc/yum/vars/infra":          []byte("stock\n"),
	}
}

func joinAccountLines(as []account) []byte {
	var b []byte
	for _, a := range as {
		b = append(append(b, a.line...), '\n')
	}
	return b
}
