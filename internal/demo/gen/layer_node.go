package gen

import (
	"debug/elf"
	"fmt"
	"hash/fnv"
	"path"
)

// Node.js runtime as installed from the tarball in the node layer.
const (
	nodeVersion     = "20.11.1"
	npmVersion      = "10.2.4"
	nodeBinSize     = 85_412_304
	appRoot         = "/opt/app-root"
	appHome         = "/opt/app-root/src"
	appUID          = 1001
	nodeTarball     = "https://unofficial-builds.nodejs.org/download/release/v" + nodeVersion + "/node-v" + nodeVersion + "-linux-x64-glibc-217.tar.xz"
	defaultUserLine = "default:x:1001:0:Default Application User:/opt/app-root/src:/sbin/nologin"
)

// nodeNeeded are the DT_NEEDED entries of the node executable.
func nodeNeeded() []string {
	return []string{"libdl.so.2", "libstdc++.so.6", "libm.so.6", "libgcc_s.so.1", "libpthread.so.0", "libc.so.6"}
}

// sizedName is a file name with a size.
type sizedName struct {
	name string
	size int64
}

// stableSize returns a size in [lo, lo+spread) derived from key.
func stableSize(key string, lo, spread int64) int64 {
	h := fnv.New32a()
	h.Write([]byte(key))
	return lo + int64(h.Sum32())%spread
}

// buildNodeTree lays out the Node.js layer: the official glibc-217 tarball
// extracted into /usr with --strip-components=1 (so its CHANGELOG.md, LICENSE
// and README.md land in /usr), plus `useradd default` and the app root.
func buildNodeTree(lower *fsView) (*layerTree, error) {
	t := newLayerTree(lower)
	add := func(e entry) error { return t.add(e) }
	reg := func(p string, size int64, mode int64, content []byte) error {
		return add(entry{path: p, kind: kindFile, mode: mode, size: size, content: content})
	}
	node := buildELF(elfSpec{typ: elf.ET_EXEC, interp: "/lib64/ld-linux-x86-64.so.2", needed: nodeNeeded()})
	if err := reg("/usr/bin/node", nodeBinSize, 0o755, node); err != nil {
		return nil, err
	}
	for _, l := range [][2]string{
		{"/usr/bin/npm", "../lib/node_modules/npm/bin/npm-cli.js"},
		{"/usr/bin/npx", "../lib/node_modules/npm/bin/npx-cli.js"},
		{"/usr/bin/corepack", "../lib/node_modules/corepack/dist/corepack.js"},
	} {
		if err := add(entry{path: l[0], kind: kindSymlink, mode: 0o777, link: l[1]}); err != nil {
			return nil, err
		}
	}
	for _, f := range []sizedName{
		{"/usr/CHANGELOG.md", 79_213},
		{"/usr/LICENSE", 118_614},
		{"/usr/README.md", 38_517},
		{"/usr/share/doc/node/gdbinit", 14_230},
		{"/usr/share/doc/node/lldb_commands.py", 2_118},
		{"/usr/share/man/man1/node.1", 19_891},
		{"/usr/share/systemtap/tapset/node.stp", 7_291},
	} {
		if err := reg(f.name, f.size, 0o644, nil); err != nil {
			return nil, err
		}
	}
	for _, f := range nodeHeaders() {
		if err := reg(path.Join("/usr/include/node", f.name), f.size, 0o644, nil); err != nil {
			return nil, err
		}
	}
	npmFiles, err := npmCLIFiles()
	if err != nil {
		return nil, err
	}
	for _, f := range append(npmFiles, corepackFiles()...) {
		mode := int64(0o644)
		if f.exec {
			mode = 0o755
		}
		if err := reg(path.Join("/usr/lib/node_modules", f.rel), f.size, mode, f.content); err != nil {
			return nil, err
		}
	}

	// useradd -u 1001 -r -g 0 -d $HOME -s /sbin/nologin default: account
	// files (with the "-" backups useradd leaves) and lastlog, which is
	// indexed by uid and so grows to (1001+1)*292 bytes.
	passwd := lower.get("/etc/passwd")
	if passwd == nil || passwd.kind != kindFile {
		return nil, fmt.Errorf("adding user default: /etc/passwd missing from the base")
	}
	newPasswd := append(append([]byte(nil), passwd.content...), defaultUserLine+"\n"...)
	for _, f := range []entry{
		{path: "/etc/passwd", mode: 0o644, content: newPasswd},
		{path: "/etc/passwd-", mode: 0o644, content: passwd.content},
		{path: "/etc/shadow", size: 742},
		{path: "/etc/shadow-", size: 705},
		{path: "/var/log/lastlog", mode: 0o644, size: (appUID + 1) * 292},
	} {
		f.kind = kindFile
		if f.content != nil {
			f.size = int64(len(f.content))
		}
		if err := add(f); err != nil {
			return nil, err
		}
	}
	for _, d := range []string{appRoot, appRoot + "/etc", appRoot + "/bin", appHome} {
		if err := add(entry{path: d, kind: kindDir, mode: 0o775, uid: appUID, gid: 0}); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// nodeHeaders is include/node of the Node.js 20 tarball: Node-API, libuv, V8,
// cppgc, zlib and OpenSSL headers for building native addons.
func nodeHeaders() []sizedName {
	out := []sizedName{
		{"common.gypi", 14_073}, {"config.gypi", 26_291}, {"js_native_api.h", 26_472},
		{"js_native_api_types.h", 5_402}, {"node.h", 62_412}, {"node_api.h", 10_178},
		{"node_api_types.h", 1_722}, {"node_buffer.h", 3_010}, {"node_object_wrap.h", 3_739},
		{"node_version.h", 3_922}, {"uv.h", 70_384}, {"zconf.h", 16_534}, {"zlib.h", 97_322},
		{"libplatform/libplatform.h", 4_613}, {"libplatform/libplatform-export.h", 881},
		{"libplatform/v8-tracing.h", 9_951},
	}
	for _, n := range []string{"aix", "bsd", "darwin", "errno", "linux", "os390", "posix", "sunos", "threadpool", "tree", "unix", "version", "win"} {
		out = append(out, sizedName{"uv/" + n + ".h", stableSize("uv"+n, 900, 30_000)})
	}
	for _, n := range []string{"array-buffer", "callbacks", "container", "context", "cppgc", "data", "date",
		"debug", "embedder-heap", "embedder-state-scope", "exception", "extension", "external",
		"fast-api-calls", "forward", "function-callback", "function", "initialization", "inspector",
		"inspector-protocol", "internal", "isolate", "json", "local-handle", "locker", "maybe",
		"memory-span", "message", "metrics", "microtask-queue", "microtask", "object", "persistent-handle",
		"platform", "primitive-object", "primitive", "profiler", "promise", "proxy", "regexp", "script",
		"snapshot", "statistics", "template", "traced-handle", "typed-array", "unwinder",
		"unwinder-state", "util", "value-serializer", "value", "version", "wasm", "wasm-trap-handler-posix",
		"weak-callback-info"} {
		out = append(out, sizedName{"v8-" + n + ".h", stableSize("v8"+n, 1_200, 60_000)})
	}
	out = append(out, sizedName{"v8.h", 3_721}, sizedName{"v8config.h", 26_170})
	for _, n := range []string{"allocation", "common", "cross-thread-persistent", "custom-space", "default-platform",
		"ephemeron-pair", "explicit-management", "garbage-collected", "heap-consistency", "heap-handle",
		"heap-state", "heap-statistics", "heap", "liveness-broker", "macros", "member", "name-provider",
		"object-size-trait", "persistent", "platform", "prefinalizer", "process-heap-statistics",
		"sentinel-pointer", "source-location", "testing", "trace-trait", "type-traits", "visitor"} {
		out = append(out, sizedName{"cppgc/" + n + ".h", stableSize("cppgc"+n, 900, 14_000)})
	}
	for _, n := range []string{"api-constants", "atomic-entry-flag", "base-page-handle", "caged-heap-local-data",
		"caged-heap", "compiler-specific", "finalizer-trait", "gc-info", "logging", "member-storage",
		"name-trait", "persistent-node", "pointer-policies", "write-barrier"} {
		out = append(out, sizedName{"cppgc/internal/" + n + ".h", stableSize("cppgci"+n, 800, 16_000)})
	}
	ssl := []string{"aes", "asn1", "asn1err", "asn1t", "async", "asyncerr", "bio", "bioerr", "blowfish", "bn",
		"bnerr", "buffer", "buffererr", "camellia", "cast", "cmac", "cmp", "cmp_util", "cmperr", "cms",
		"cmserr", "comp", "comperr", "conf", "conf_api", "conferr", "configuration", "conftypes",
		"core", "core_dispatch", "core_names", "core_object", "crmf", "crmferr", "crypto", "cryptoerr",
		"cryptoerr_legacy", "ct", "cterr", "decoder", "decodererr", "des", "dh", "dherr", "dsa", "dsaerr",
		"dtls1", "e_os2", "ebcdic", "ec", "ecdh", "ecdsa", "ecerr", "encoder", "encodererr", "engine",
		"engineerr", "err", "ess", "esserr", "evp", "evperr", "fips_names", "fipskey", "hmac", "http",
		"httperr", "idea", "kdf", "kdferr", "lhash", "macros", "md2", "md4", "md5", "mdc2", "modes",
		"obj_mac", "objects", "objectserr", "ocsp", "ocsperr", "opensslconf", "opensslv", "ossl_typ",
		"param_build", "params", "pem", "pem2", "pemerr", "pkcs12", "pkcs12err", "pkcs7", "pkcs7err",
		"prov_ssl", "proverr", "provider", "quic", "rand", "randerr", "rc2", "rc4", "rc5", "ripemd",
		"rsa", "rsaerr", "safestack", "seed", "self_test", "sha", "srp", "srtp", "ssl", "ssl2", "ssl3",
		"sslerr", "sslerr_legacy", "stack", "store", "storeerr", "symhacks", "tls1", "trace", "ts",
		"tserr", "txt_db", "types", "ui", "uierr", "whrlpool", "x509", "x509_vfy", "x509err", "x509v3",
		"x509v3err"}
	for _, n := range ssl {
		out = append(out, sizedName{"openssl/" + n + ".h", stableSize("ssl"+n, 700, 24_000)})
	}
	for _, arch := range []string{"asm", "asm_avx2", "no-asm"} {
		for _, n := range []string{"asn1", "asn1t", "bio", "cmp", "cms", "conf", "configuration", "crmf",
			"crypto", "ct", "err", "ess", "fipskey", "lhash", "ocsp", "opensslv", "pkcs12", "pkcs7",
			"safestack", "srp", "ssl", "ui", "x509", "x509_vfy", "x509v3"} {
			p := "openssl/archs/linux-x86_64/" + arch + "/include/openssl/" + n + ".h"
			out = append(out, sizedName{p, stableSize(p, 1_500, 40_000)})
		}
		p := "openssl/archs/linux-x86_64/" + arch + "/include/crypto/bn_conf.h"
		out = append(out, sizedName{p, 1_021})
	}
	return out
}

// npmCLICommands are npm 10's commands (one lib/commands file, man page and
// doc page each).
func npmCLICommands() []string {
	return []string{"access", "adduser", "audit", "bugs", "cache", "ci", "completion", "config", "dedupe",
		"deprecate", "diff", "dist-tag", "docs", "doctor", "edit", "exec", "explain", "explore",
		"find-dupes", "fund", "get", "help", "help-search", "hook", "init", "install", "install-ci-test",
		"install-test", "link", "ll", "login", "logout", "ls", "org", "outdated", "owner", "pack", "ping",
		"pkg", "prefix", "profile", "prune", "publish", "query", "rebuild", "repo", "restart", "root",
		"run-script", "sbom", "search", "set", "shrinkwrap", "star", "stars", "start", "stop", "team",
		"test", "token", "uninstall", "unpublish", "unstar", "update", "version", "view", "whoami"}
}

// npmBundled are the packages npm 10.2.4 bundles in its own node_modules, with
// approximate unpacked sizes (0: a small package, sized from its name).
func npmBundled() []npmPackage {
	list := []struct {
		name, version string
		size          int64
	}{
		{"@isaacs/cliui", "8.0.2", 0}, {"@isaacs/string-locale-compare", "1.1.0", 0},
		{"@npmcli/agent", "2.2.0", 0}, {"@npmcli/arborist", "7.2.1", 618_000}, {"@npmcli/config", "8.0.2", 171_000},
		{"@npmcli/disparity-colors", "3.0.0", 0}, {"@npmcli/fs", "3.1.0", 0}, {"@npmcli/git", "5.0.3", 0},
		{"@npmcli/installed-package-contents", "2.0.2", 0}, {"@npmcli/map-workspaces", "3.0.4", 0},
		{"@npmcli/metavuln-calculator", "7.0.0", 0}, {"@npmcli/name-from-folder", "2.0.0", 0},
		{"@npmcli/node-gyp", "3.0.0", 0}, {"@npmcli/package-json", "5.0.0", 0},
		{"@npmcli/promise-spawn", "7.0.0", 0}, {"@npmcli/query", "3.0.1", 0}, {"@npmcli/run-script", "7.0.2", 0},
		{"@sigstore/bundle", "2.1.0", 0}, {"@sigstore/protobuf-specs", "0.2.1", 251_000},
		{"@sigstore/sign", "2.2.0", 0}, {"@sigstore/tuf", "2.2.0", 0}, {"@tufjs/canonical-json", "2.0.0", 0},
		{"@tufjs/models", "2.0.0", 0}, {"abbrev", "2.0.0", 0}, {"agent-base", "7.1.0", 0},
		{"aggregate-error", "3.1.0", 0}, {"ansi-regex", "5.0.1", 0}, {"ansi-styles", "6.2.1", 0},
		{"aproba", "2.0.0", 0}, {"archy", "1.0.0", 0}, {"are-we-there-yet", "4.0.1", 0},
		{"balanced-match", "1.0.2", 0}, {"bin-links", "4.0.3", 0}, {"binary-extensions", "2.2.0", 0},
		{"brace-expansion", "2.0.1", 0}, {"builtins", "5.0.1", 0}, {"cacache", "18.0.0", 91_000},
		{"chalk", "5.3.0", 0}, {"chownr", "2.0.0", 0}, {"ci-info", "4.0.0", 0}, {"cidr-regex", "4.0.3", 0},
		{"clean-stack", "2.2.0", 0}, {"cli-columns", "4.0.0", 0}, {"cli-table3", "0.6.3", 61_000},
		{"clone", "1.0.4", 0}, {"cmd-shim", "6.0.2", 0}, {"color-convert", "2.0.1", 0}, {"color-name", "1.1.4", 0},
		{"color-support", "1.1.3", 0}, {"columnify", "1.6.0", 0}, {"common-ancestor-path", "1.0.1", 0},
		{"console-control-strings", "1.1.0", 0}, {"cross-spawn", "7.0.3", 0}, {"cssesc", "3.0.0", 0},
		{"debug", "4.3.4", 0}, {"defaults", "1.0.4", 0}, {"diff", "5.1.0", 0}, {"eastasianwidth", "0.2.0", 0},
		{"emoji-regex", "8.0.0", 0}, {"encoding", "0.1.13", 0}, {"env-paths", "2.2.1", 0}, {"err-code", "2.0.3", 0},
		{"exponential-backoff", "3.1.1", 0}, {"fastest-levenshtein", "1.0.16", 0}, {"foreground-child", "3.1.1", 0},
		{"fs-minipass", "3.0.3", 0}, {"function-bind", "1.1.2", 0}, {"gauge", "5.0.1", 0},
		{"glob", "10.3.10", 452_000}, {"graceful-fs", "4.2.11", 0}, {"has-unicode", "2.0.1", 0},
		{"hasown", "2.0.0", 0}, {"hosted-git-info", "7.0.1", 0}, {"http-cache-semantics", "4.1.1", 0},
		{"http-proxy-agent", "7.0.0", 0}, {"https-proxy-agent", "7.0.2", 0}, {"iconv-lite", "0.6.3", 352_000},
		{"ignore-walk", "6.0.4", 0}, {"imurmurhash", "0.1.4", 0}, {"indent-string", "4.0.0", 0}, {"ini", "4.1.1", 0},
		{"init-package-json", "6.0.0", 0}, {"ip", "2.0.0", 0}, {"ip-regex", "5.0.0", 0}, {"is-cidr", "5.0.3", 0},
		{"is-core-module", "2.13.1", 0}, {"is-fullwidth-code-point", "3.0.0", 0}, {"is-lambda", "1.0.1", 0},
		{"isexe", "2.0.0", 0}, {"jackspeak", "2.3.6", 201_000}, {"json-parse-even-better-errors", "3.0.1", 0},
		{"json-stringify-nice", "1.1.4", 0}, {"jsonparse", "1.3.1", 0}, {"just-diff", "6.0.2", 0},
		{"just-diff-apply", "5.5.0", 0}, {"libnpmaccess", "8.0.1", 0}, {"libnpmdiff", "6.0.3", 0},
		{"libnpmexec", "7.0.4", 0}, {"libnpmfund", "5.0.1", 0}, {"libnpmhook", "10.0.0", 0}, {"libnpmorg", "6.0.1", 0},
		{"libnpmpack", "6.0.3", 0}, {"libnpmpublish", "9.0.2", 0}, {"libnpmsearch", "7.0.0", 0},
		{"libnpmteam", "6.0.0", 0}, {"libnpmversion", "5.0.1", 0}, {"lru-cache", "10.0.2", 498_000},
		{"make-fetch-happen", "13.0.0", 61_000}, {"minimatch", "9.0.3", 401_000}, {"minipass", "7.0.4", 0},
		{"minipass-collect", "1.0.2", 0}, {"minipass-fetch", "3.0.4", 0}, {"minipass-flush", "1.0.5", 0},
		{"minipass-json-stream", "1.0.1", 0}, {"minipass-pipeline", "1.2.4", 0}, {"minipass-sized", "1.0.3", 0},
		{"minizlib", "2.1.2", 0}, {"mkdirp", "1.0.4", 0}, {"ms", "2.1.3", 0}, {"mute-stream", "1.0.0", 0},
		{"negotiator", "0.6.3", 0}, {"node-gyp", "10.0.1", 1_642_000}, {"nopt", "7.2.0", 0},
		{"normalize-package-data", "6.0.0", 0}, {"npm-audit-report", "5.0.0", 0}, {"npm-bundled", "3.0.0", 0},
		{"npm-install-checks", "6.3.0", 0}, {"npm-normalize-package-bin", "3.0.1", 0},
		{"npm-package-arg", "11.0.1", 0}, {"npm-packlist", "8.0.0", 0}, {"npm-pick-manifest", "9.0.0", 0},
		{"npm-profile", "9.0.0", 0}, {"npm-registry-fetch", "16.1.0", 0}, {"npm-user-validate", "2.0.0", 0},
		{"npmlog", "7.0.1", 0}, {"p-map", "4.0.0", 0}, {"pacote", "17.0.4", 121_000},
		{"parse-conflict-json", "3.0.1", 0}, {"path-key", "3.1.1", 0}, {"path-scurry", "1.10.1", 447_000},
		{"postcss-selector-parser", "6.0.13", 181_000}, {"proc-log", "3.0.0", 0},
		{"promise-all-reject-late", "1.0.1", 0}, {"promise-call-limit", "1.0.2", 0}, {"promise-inflight", "1.0.1", 0},
		{"promise-retry", "2.0.1", 0}, {"promzard", "1.0.0", 0}, {"qrcode-terminal", "0.12.0", 172_000},
		{"read", "2.1.0", 0}, {"read-cmd-shim", "4.0.0", 0}, {"read-package-json", "7.0.0", 0},
		{"read-package-json-fast", "3.0.2", 0}, {"readable-stream", "4.4.2", 182_000}, {"retry", "0.12.0", 0},
		{"safer-buffer", "2.1.2", 0}, {"semver", "7.5.4", 92_000}, {"set-blocking", "2.0.0", 0},
		{"shebang-command", "2.0.0", 0}, {"shebang-regex", "3.0.0", 0}, {"signal-exit", "4.1.0", 0},
		{"sigstore", "2.1.0", 81_000}, {"smart-buffer", "4.2.0", 0}, {"socks", "2.7.1", 251_000},
		{"socks-proxy-agent", "8.0.2", 0}, {"spdx-correct", "3.2.0", 0}, {"spdx-exceptions", "2.3.0", 0},
		{"spdx-expression-parse", "3.0.1", 0}, {"spdx-license-ids", "3.0.16", 0}, {"ssri", "10.0.5", 0},
		{"string-width", "4.2.3", 0}, {"strip-ansi", "6.0.1", 0}, {"supports-color", "9.4.0", 0},
		{"tar", "6.2.0", 160_000}, {"text-table", "0.2.0", 0}, {"tiny-relative-date", "1.3.0", 0},
		{"treeverse", "3.0.0", 0}, {"tuf-js", "2.1.0", 0}, {"unique-filename", "3.0.0", 0},
		{"unique-slug", "4.0.0", 0}, {"util-deprecate", "1.0.2", 0}, {"validate-npm-package-license", "3.0.4", 0},
		{"validate-npm-package-name", "5.0.0", 0}, {"walk-up-path", "3.0.1", 0}, {"wcwidth", "1.0.1", 0},
		{"which", "4.0.0", 0}, {"wide-align", "1.1.5", 0}, {"wrap-ansi", "8.1.0", 0},
		{"write-file-atomic", "5.0.1", 0}, {"yallist", "4.0.0", 0},
	}
	out := make([]npmPackage, len(list))
	for i, l := range list {
		size := l.size
		if size == 0 {
			size = stableSize(l.name, 6_000, 42_000)
		}
		out[i] = npmPackage{path: "node_modules/" + l.name, version: l.version, size: size}
	}
	return out
}

// npmCLIFiles is /usr/lib/node_modules/npm (npm 10.2.4 as bundled with
// Node.js 20.11.1): bin scripts, lib, docs, man pages and the bundled
// dependencies, each with its own package.json.
func npmCLIFiles() ([]fileSpec, error) {
	bundled := npmBundled()
	var deps []string
	var bundleNames []string
	for _, b := range bundled {
		name := npmName(b.path)
		deps = append(deps, name+"@^"+b.version)
		bundleNames = append(bundleNames, name)
	}
	pj, err := renderJSON(jsonObject{
		{"version", npmVersion},
		{"name", "npm"},
		{"description", "a package manager for JavaScript"},
		{"license", "Artistic-2.0"},
		{"main", "./index.js"},
		{"bin", jsonObject{{"npm", "bin/npm-cli.js"}, {"npx", "bin/npx-cli.js"}}},
		{"dependencies", depsObject(deps)},
		{"bundleDependencies", bundleNames},
		{"engines", jsonObject{{"node", "^18.17.0 || >=20.5.0"}}},
	})
	if err != nil {
		return nil, fmt.Errorf("rendering npm/package.json: %w", err)
	}
	files := []fileSpec{
		{rel: "npm/package.json", size: int64(len(pj)), content: pj},
		{rel: "npm/index.js", size: 69}, {rel: "npm/LICENSE", size: 9_055}, {rel: "npm/README.md", size: 5_213},
		{rel: "npm/bin/npm", size: 2_060, exec: true}, {rel: "npm/bin/npm-cli.js", size: 54, exec: true},
		{rel: "npm/bin/npx", size: 2_061, exec: true}, {rel: "npm/bin/npx-cli.js", size: 3_080, exec: true},
		{rel: "npm/bin/npm.cmd", size: 539}, {rel: "npm/bin/npx.cmd", size: 539},
		{rel: "npm/bin/npm.ps1", size: 1_141}, {rel: "npm/bin/npx.ps1", size: 1_141},
		{rel: "npm/bin/npm-prefix.js", size: 1_056}, {rel: "npm/bin/node-gyp-bin/node-gyp", size: 147, exec: true},
		{rel: "npm/bin/node-gyp-bin/node-gyp.cmd", size: 192},
		{rel: "npm/lib/cli.js", size: 138}, {rel: "npm/lib/cli-entry.js", size: 2_412},
		{rel: "npm/lib/npm.js", size: 14_127}, {rel: "npm/lib/base-command.js", size: 5_530},
		{rel: "npm/lib/arborist-cmd.js", size: 1_644}, {rel: "npm/lib/lifecycle-cmd.js", size: 535},
		{rel: "npm/lib/package-url-cmd.js", size: 1_918}, {rel: "npm/lib/es6/validate-engines.js", size: 1_544},
		{rel: "npm/lib/workspaces/get-workspaces.js", size: 1_657},
	}
	for _, u := range []string{"ansi-trim", "audit-error", "auth", "cmd-list", "completion.fish", "completion.sh",
		"config/definition", "config/definitions", "config/index", "did-you-mean", "display", "error-message",
		"exit-handler", "explain-dep", "explain-eresolve", "format-bytes", "format-search-stream", "get-identity",
		"is-windows", "log-file", "npm-usage", "open-url", "otplease", "ping", "pulse-till-done", "queryable",
		"read-user-info", "reify-finish", "reify-output", "replace-info", "sbom-cyclonedx", "sbom-spdx", "tar",
		"timers", "update-notifier", "validate-lockfile", "web-auth"} {
		files = append(files, fileSpec{rel: "npm/lib/utils/" + u + ".js", size: stableSize("u"+u, 600, 14_000)})
	}
	for _, c := range npmCLICommands() {
		files = append(files,
			fileSpec{rel: "npm/lib/commands/" + c + ".js", size: stableSize("c"+c, 900, 11_000)},
			fileSpec{rel: "npm/docs/content/commands/npm-" + c + ".md", size: stableSize("d"+c, 1_500, 9_000)},
			fileSpec{rel: "npm/docs/output/commands/npm-" + c + ".html", size: stableSize("h"+c, 9_000, 18_000)},
			fileSpec{rel: "npm/man/man1/npm-" + c + ".1", size: stableSize("m"+c, 1_400, 8_000)},
		)
	}
	for _, d := range []string{"config", "developers", "logging", "orgs", "package-spec", "registry", "removal", "scope", "scripts", "workspaces"} {
		files = append(files,
			fileSpec{rel: "npm/docs/content/using-npm/" + d + ".md", size: stableSize("ud"+d, 2_000, 12_000)},
			fileSpec{rel: "npm/docs/output/using-npm/" + d + ".html", size: stableSize("uh"+d, 10_000, 30_000)},
			fileSpec{rel: "npm/man/man7/" + d + ".7", size: stableSize("um"+d, 2_000, 12_000)},
		)
	}
	for _, d := range []string{"folders", "install", "npm-shrinkwrap-json", "npmrc", "package-json", "package-lock-json"} {
		files = append(files,
			fileSpec{rel: "npm/docs/content/configuring-npm/" + d + ".md", size: stableSize("cd"+d, 3_000, 30_000)},
			fileSpec{rel: "npm/docs/output/configuring-npm/" + d + ".html", size: stableSize("ch"+d, 12_000, 40_000)},
			fileSpec{rel: "npm/man/man5/" + d + ".5", size: stableSize("cm"+d, 3_000, 30_000)},
		)
	}
	for _, b := range bundled {
		pfiles, err := npmPackageFiles(b)
		if err != nil {
			return nil, err
		}
		for _, f := range pfiles {
			f.rel = path.Join("npm", b.path, f.rel)
			files = append(files, f)
		}
	}
	return files, nil
}

// corepackFiles is /usr/lib/node_modules/corepack (corepack 0.24.0).
func corepackFiles() []fileSpec {
	pj := []byte(`{
  "name": "corepack",
  "version": "0.24.0",
  "homepage": "https://github.com/nodejs/corepack#readme",
  "bugs": {
    "url": "https://github.com/nodejs/corepack/issues"
  },
  "repository": {
    "type": "git",
    "url": "https://github.com/nodejs/corepack.git"
  },
  "engines": {
    "node": ">=18.17.1"
  },
  "license": "MIT",
  "bin": {
    "corepack": "./dist/corepack.js",
    "pnpm": "./dist/pnpm.js",
    "pnpx": "./dist/pnpx.js",
    "yarn": "./dist/yarn.js",
    "yarnpkg": "./dist/yarnpkg.js"
  }
}
`)
	files := []fileSpec{
		{rel: "corepack/package.json", size: int64(len(pj)), content: pj},
		{rel: "corepack/LICENSE.md", size: 1_089}, {rel: "corepack/README.md", size: 13_404},
		{rel: "corepack/CHANGELOG.md", size: 21_807},
		{rel: "corepack/dist/lib/corepack.cjs", size: 1_018_562},
	}
	for _, s := range []string{"corepack", "npm", "npx", "pnpm", "pnpx", "yarn", "yarnpkg", "vcc"} {
		files = append(files, fileSpec{rel: "corepack/dist/" + s + ".js", size: 130 + int64(len(s)), exec: true})
		files = append(files, fileSpec{rel: "corepack/shims/" + s, size: 1_140, exec: true})
	}
	return files
}
