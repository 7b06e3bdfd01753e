package recommend

import (
	"path"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/slimcheck/slimcheck/report"
)

// buildOnlyEnv are variables that steer a build (package managers, the
// s2i machinery, OpenShift's build metadata) and mean nothing at run time.
var buildOnlyEnv = map[string]bool{
	"STI_SCRIPTS_PATH": true, "STI_SCRIPTS_URL": true, "DEBIAN_FRONTEND": true, "DEV_MODE": true,
	"CGO_ENABLED": true, "GOFLAGS": true, "GO111MODULE": true, "GOPROXY": true, "GOPATH": true,
	"GOROOT": true, "GOTOOLCHAIN": true, "GOSUMDB": true, "GOPRIVATE": true, "CARGO_HOME": true,
	"RUSTUP_HOME": true, "PHPIZE_DEPS": true, "CNB_STACK_ID": true, "CNB_USER_ID": true,
	"CNB_GROUP_ID": true, "NUGET_XMLDOC_MODE": true, "DOTNET_GENERATE_ASPNET_CERTIFICATE": true,
	"DOTNET_NOLOGO": true, "DOTNET_SKIP_FIRST_TIME_EXPERIENCE": true, "DOTNET_CLI_TELEMETRY_OPTOUT": true,
}

// buildOnlyPrefixes mark build-time families of variables.
var buildOnlyPrefixes = []string{"OPENSHIFT_BUILD_", "S2I_", "PIP_", "NPM_CONFIG_", "npm_config_", "MAVEN_", "GRADLE_", "COMPOSER_", "POETRY_", "PIPENV_", "UV_", "YARN_"}

// baseOwnedEnv describe how the builder base installed its runtime; the
// runtime base sets its own.
var baseOwnedEnv = map[string]bool{
	"NODE_VERSION": true, "NODEJS_VERSION": true, "NODEJS_VER": true, "NPM_VERSION": true,
	"PYTHON_VERSION": true, "PYTHON_SHA256": true, "PYTHON_PIP_VERSION": true, "PYTHON_GET_PIP_URL": true,
	"PYTHON_GET_PIP_SHA256": true, "PYTHON_SETUPTOOLS_VERSION": true, "GPG_KEY": true, "GPG_KEYS": true,
	"JAVA_VERSION": true, "JAVA_HOME": true, "JDK_HOME": true, "JRE_HOME": true, "JAVA_VENDOR": true,
	"GOLANG_VERSION": true, "RUBY_VERSION": true, "RUBY_MAJOR": true, "RUBY_DOWNLOAD_SHA256": true,
	"RUBY_DOWNLOAD_URL": true, "PHP_VERSION": true, "PHP_URL": true, "PHP_ASC_URL": true, "PHP_SHA256": true,
	"PHP_CFLAGS": true, "PHP_CPPFLAGS": true, "PHP_LDFLAGS": true, "PHP_INI_DIR": true,
	"DOTNET_VERSION": true, "ASPNET_VERSION": true, "DOTNET_SDK_VERSION": true, "ASPNETCORE_HTTP_PORTS": true,
	"DOTNET_RUNNING_IN_CONTAINER": true, "DOTNET_USE_POLLING_FILE_WATCHER": true,
	"container": true, "SUMMARY": true, "DESCRIPTION": true, "NAME": true, "PLATFORM": true,
	"APP_ROOT": true, "NODE_VERSION_MAJOR": true, "LD_LIBRARY_PATH": true,
}

// envVerdict classifies one variable: "" keeps it, otherwise the reason to drop it.
func envVerdict(name string) string {
	if buildOnlyEnv[name] {
		return "build-time setting"
	}
	for _, p := range buildOnlyPrefixes {
		if strings.HasPrefix(name, p) {
			return "build-time setting"
		}
	}
	if baseOwnedEnv[name] {
		return "describes the builder base's runtime; the runtime base sets its own"
	}
	return ""
}

// dropLabels describe the original build or its base image, not the app.
var dropLabelPrefixes = []string{
	"io.openshift.build.", "io.openshift.s2i.", "io.s2i.", "com.redhat.", "org.label-schema.",
	"org.opencontainers.image.base.", "io.buildah.", "io.openshift.maintainer.",
}

var dropLabels = map[string]bool{
	"vendor": true, "release": true, "version": true, "build-date": true, "architecture": true,
	"vcs-ref": true, "vcs-type": true, "vcs-url": true, "distribution-scope": true, "url": true,
	"name": true, "summary": true, "description": true, "io.k8s.description": true,
	"io.k8s.display-name": true, "io.openshift.tags": true, "maintainer": true, "usage": true,
	"help": true, "cpe": true, "authoritative-source-url": true, "org.opencontainers.image.ref.name": true,
	"org.opencontainers.image.version": true,
}

// labelVerdict classifies one label: "" keeps it.
func labelVerdict(k string) string {
	for _, p := range dropLabelPrefixes {
		if strings.HasPrefix(k, p) {
			if strings.HasPrefix(k, "io.openshift.build.") {
				return "describes the original build; the runtime build records its own"
			}
			if strings.Contains(k, "s2i") {
				return "would mark the runtime image as an s2i builder"
			}
			return "describes the builder's base image"
		}
	}
	if dropLabels[k] {
		return "describes the builder's base image"
	}
	return ""
}

// carryConfig works out the runtime stage's configuration from the image's.
// copied are the include paths; findings collects secrets.
func carryConfig(c report.Config, copied []CopyPath, findings *[]Finding) Config {
	out := Config{
		WorkingDir:   c.WorkingDir,
		Entrypoint:   c.Entrypoint,
		Cmd:          c.Cmd,
		ExposedPorts: append([]string(nil), c.ExposedPorts...),
		Volumes:      append([]string(nil), c.Volumes...),
		StopSignal:   c.StopSignal,
		Healthcheck:  c.Healthcheck,
		Labels:       map[string]string{},
	}
	for _, kv := range c.Env {
		name, value, _ := strings.Cut(kv, "=")
		switch {
		case !isEnvName(name):
			out.Dropped = append(out.Dropped, Dropped{Kind: "env", Name: report.Shorten(name, 60), Reason: "not a valid variable name"})
		case isSecret(name, value):
			out.Dropped = append(out.Dropped, Dropped{Kind: "env", Name: name, Reason: "looks like a secret"})
			*findings = append(*findings, Finding{Severity: "warning", Kind: "secret-env", Layer: -1,
				Message: "ENV " + name + " looks like a secret and is stored in the image config for anyone who can pull it; it is not copied to the runtime stage: pass it at run time (a Secret, --env) or as a build secret"})
		case strings.ContainsAny(value, "\n\r\x00"):
			out.Dropped = append(out.Dropped, Dropped{Kind: "env", Name: name, Reason: "value holds a line break, which a Dockerfile cannot carry"})
		case name == "PATH":
			out.pathEnv(value, copied)
		default:
			if why := envVerdict(name); why != "" {
				out.Dropped = append(out.Dropped, Dropped{Kind: "env", Name: name, Reason: why})
				continue
			}
			out.Env = append(out.Env, EnvVar{Name: name, Value: value})
		}
	}
	keys := make([]string, 0, len(c.Labels))
	for k := range c.Labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := c.Labels[k]
		switch {
		case secretValue.MatchString(v):
			out.Dropped = append(out.Dropped, Dropped{Kind: "label", Name: k, Reason: "value looks like a secret"})
			*findings = append(*findings, Finding{Severity: "warning", Kind: "secret-label", Layer: -1,
				Message: "LABEL " + k + " holds what looks like a credential; it is not copied"})
		case strings.ContainsAny(k+v, "\n\r\x00"):
			out.Dropped = append(out.Dropped, Dropped{Kind: "label", Name: report.Shorten(k, 60), Reason: "holds a line break, which a Dockerfile cannot carry"})
		default:
			if why := labelVerdict(k); why != "" {
				out.Dropped = append(out.Dropped, Dropped{Kind: "label", Name: k, Reason: why})
				continue
			}
			out.Labels[k] = v
		}
	}
	if len(c.Shell) > 0 {
		out.Dropped = append(out.Dropped, Dropped{Kind: "shell", Name: strings.Join(c.Shell, " "), Reason: "SHELL only affects build steps"})
	}
	return out
}

// pathEnv keeps the PATH entries that point into copied paths, in order,
// ahead of the runtime base's own PATH; the others named directories of the
// builder's runtime and are dropped.
func (out *Config) pathEnv(value string, copied []CopyPath) {
	var keep, drop []string
	for _, e := range strings.Split(value, ":") {
		if e == "" {
			continue
		}
		clean := path.Clean(e)
		inCopy := false
		for _, cp := range copied {
			if cp.Type == "dir" && under(clean, cp.Path) {
				inCopy = true
			}
		}
		if inCopy && !strings.ContainsAny(e, "$\"\\") {
			keep = append(keep, e)
		} else {
			drop = append(drop, e)
		}
	}
	if len(keep) == 0 {
		out.Dropped = append(out.Dropped, Dropped{Kind: "env", Name: "PATH", Reason: "names the builder's directories; the runtime base sets its own PATH"})
		return
	}
	out.Env = append(out.Env, EnvVar{Name: "PATH", Value: strings.Join(keep, ":") + ":" + PathFromBase})
	if len(drop) > 0 {
		out.Changed = append(out.Changed, Change{What: "env PATH", From: value, To: strings.Join(keep, ":") + ":" + PathFromBase,
			Reason: "entries under copied paths are kept ahead of the runtime base's PATH; the rest named the builder's directories"})
	}
}

// PathFromBase stands, in a PATH value, for the runtime base's own PATH
// (the Dockerfile writes ${PATH:-…default…}).
const PathFromBase = "${PATH}"

var (
	portRe   = regexp.MustCompile(`^[0-9]{1,5}(-[0-9]{1,5})?(/(tcp|udp|sctp))?$`)
	userRe   = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,63})?$`)
	signalRe = regexp.MustCompile(`^[A-Za-z0-9+]{1,20}$`)
)

// writable reports whether s can be written on one Dockerfile line.
func writable(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsAny(s, "\n\r\x00")
}

// sanitize drops the settings a Dockerfile cannot carry exactly and says so.
func (c *Config) sanitize(findings *[]Finding) {
	var env []EnvVar
	for _, e := range c.Env {
		if writable(e.Value) {
			env = append(env, e)
		} else {
			c.Dropped = append(c.Dropped, Dropped{Kind: "env", Name: e.Name, Reason: "value cannot be written in a Dockerfile"})
		}
	}
	c.Env = env
	for k, v := range c.Labels {
		if !writable(k) || !writable(v) {
			delete(c.Labels, k)
			c.Dropped = append(c.Dropped, Dropped{Kind: "label", Name: report.Shorten(strings.ToValidUTF8(k, "?"), 60), Reason: "cannot be written in a Dockerfile"})
		}
	}
	if c.WorkingDir != "" && (!writable(c.WorkingDir) || !strings.HasPrefix(c.WorkingDir, "/")) {
		c.Dropped = append(c.Dropped, Dropped{Kind: "workdir", Name: report.Shorten(strings.ToValidUTF8(c.WorkingDir, "?"), 60), Reason: "not an absolute path a Dockerfile can carry"})
		c.WorkingDir = ""
	}
	if c.User != "" && !userRe.MatchString(c.User) {
		c.Dropped = append(c.Dropped, Dropped{Kind: "user", Name: report.Shorten(strings.ToValidUTF8(c.User, "?"), 60), Reason: "not a user[:group] name or id"})
		*findings = append(*findings, Finding{Severity: "warning", Kind: "user", Layer: -1, Message: "the image's USER cannot be carried over; set one by hand"})
		c.User = ""
	}
	var ports []string
	for _, p := range c.ExposedPorts {
		if portRe.MatchString(p) {
			ports = append(ports, p)
		} else {
			c.Dropped = append(c.Dropped, Dropped{Kind: "expose", Name: report.Shorten(strings.ToValidUTF8(p, "?"), 40), Reason: "not a port"})
		}
	}
	c.ExposedPorts = ports
	var vols []string
	for _, v := range c.Volumes {
		if writable(v) && strings.HasPrefix(v, "/") {
			vols = append(vols, v)
		} else {
			c.Dropped = append(c.Dropped, Dropped{Kind: "volume", Name: report.Shorten(strings.ToValidUTF8(v, "?"), 60), Reason: "not an absolute path a Dockerfile can carry"})
		}
	}
	c.Volumes = vols
	if c.StopSignal != "" && !signalRe.MatchString(c.StopSignal) {
		c.Dropped = append(c.Dropped, Dropped{Kind: "stopsignal", Name: report.Shorten(strings.ToValidUTF8(c.StopSignal, "?"), 20), Reason: "not a signal name"})
		c.StopSignal = ""
	}
	if hc := c.Healthcheck; hc != nil {
		ok := len(hc.Test) > 0
		for _, t := range hc.Test {
			ok = ok && utf8.ValidString(t) && !strings.ContainsRune(t, 0)
		}
		if !ok {
			c.Dropped = append(c.Dropped, Dropped{Kind: "healthcheck", Name: "HEALTHCHECK", Reason: "cannot be written in a Dockerfile"})
			c.Healthcheck = nil
		}
	}
	for _, a := range append(append([]string(nil), c.Entrypoint...), c.Cmd...) {
		if !utf8.ValidString(a) || strings.ContainsRune(a, 0) {
			*findings = append(*findings, Finding{Severity: "warning", Kind: "entrypoint", Layer: -1,
				Message: "ENTRYPOINT or CMD holds bytes that are not UTF-8; the Dockerfile writes them with replacement characters: check the command"})
			break
		}
	}
}
