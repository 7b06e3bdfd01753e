package ecosystem

import (
	"bytes"
	"strconv"
)

// ParseNodeVersionH reads NODE_MAJOR_VERSION, NODE_MINOR_VERSION and
// NODE_PATCH_VERSION from node's include/node/node_version.h and returns
// "major.minor.patch", or "" when any is missing.
func ParseNodeVersionH(b []byte) string {
	want := map[string]int{"NODE_MAJOR_VERSION": -1, "NODE_MINOR_VERSION": -1, "NODE_PATCH_VERSION": -1}
	for len(b) > 0 {
		var line []byte
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			line, b = b, nil
		}
		f := bytes.Fields(line)
		if len(f) != 3 || string(f[0]) != "#define" {
			continue
		}
		k := string(f[1])
		if v, ok := want[k]; !ok || v >= 0 {
			continue
		}
		n, err := strconv.Atoi(string(f[2]))
		if err != nil || n < 0 || n > 1<<20 {
			continue
		}
		want[k] = n
	}
	ma, mi, pa := want["NODE_MAJOR_VERSION"], want["NODE_MINOR_VERSION"], want["NODE_PATCH_VERSION"]
	if ma < 0 || mi < 0 || pa < 0 {
		return ""
	}
	return strconv.Itoa(ma) + "." + strconv.Itoa(mi) + "." + strconv.Itoa(pa)
}

// ParseJavaRelease returns JAVA_VERSION from a JDK's release file.
func ParseJavaRelease(b []byte) string {
	for _, kv := range parseKeyValues(b, '=') {
		if kv.key == "JAVA_VERSION" {
			return kv.value
		}
	}
	return ""
}

// ParsePyvenvCfg returns the Python version recorded in a virtualenv's
// pyvenv.cfg ("version" or "version_info") and its "home".
func ParsePyvenvCfg(b []byte) (version, home string) {
	for _, kv := range parseKeyValues(b, '=') {
		switch kv.key {
		case "version", "version_info":
			if version == "" {
				version = kv.value
			}
		case "home":
			home = kv.value
		}
	}
	return version, home
}
