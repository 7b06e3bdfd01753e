package recommend

import (
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/slimcheck/slimcheck/report"
)

// family names the OS family of the image from its package databases and labels.
func family(r *report.Report) string {
	labels := r.Image.Config.Labels
	names := map[string]bool{}
	managers := map[string]bool{}
	for _, p := range r.Packages {
		names[p.Name] = true
		managers[p.Manager] = true
	}
	distroless := false
	for _, d := range r.Databases {
		managers[d.Manager] = true
		if strings.Contains(d.Path, "status.d") {
			distroless = true
		}
	}
	switch {
	case labels["com.redhat.component"] != "" || isS2I(labels) && managers["rpm"] ||
		names["redhat-release"] || names["centos-release"] || names["centos-stream-release"] ||
		names["rocky-release"] || names["almalinux-release"] || names["fedora-release"]:
		return "rhel"
	case managers["rpm"]:
		return "rpm"
	case distroless:
		return "distroless"
	case managers["dpkg"]:
		for _, p := range r.Packages {
			if p.Name == "base-files" && strings.Contains(p.Version, "ubuntu") {
				return "ubuntu"
			}
		}
		return "debian"
	case managers["apk"]:
		return "alpine"
	}
	return "unknown"
}

// isS2I reports whether labels mark a source-to-image build or builder.
func isS2I(labels map[string]string) bool {
	return labels["io.openshift.s2i.scripts-url"] != "" || labels["io.s2i.scripts-url"] != "" ||
		labels["io.openshift.s2i.assemble-user"] != ""
}

// s2iScripts returns the s2i scripts directory named by the labels
// ("image:///usr/libexec/s2i" → /usr/libexec/s2i), or the default.
func s2iScripts(labels map[string]string) string {
	for _, k := range []string{"io.openshift.s2i.scripts-url", "io.s2i.scripts-url"} {
		if u, ok := strings.CutPrefix(labels[k], "image://"); ok && strings.HasPrefix(u, "/") && !strings.ContainsAny(u, " \n\"'$") {
			return path.Clean(u)
		}
	}
	return "/usr/libexec/s2i"
}

// openShiftBuild reads the io.openshift.build.* labels.
func openShiftBuild(labels map[string]string) *OpenShiftBuild {
	b := &OpenShiftBuild{
		BuilderImage:   labels["io.openshift.build.image"],
		SourceLocation: labels["io.openshift.build.source-location"],
		Ref:            labels["io.openshift.build.commit.ref"],
		ContextDir:     labels["io.openshift.build.source-context-dir"],
		Commit:         labels["io.openshift.build.commit.id"],
		Name:           labels["io.openshift.build.name"],
		Namespace:      labels["io.openshift.build.namespace"],
	}
	if b.BuilderImage == "" && b.SourceLocation == "" {
		return nil
	}
	return b
}

// s2iMarker matches the steps of an s2i build: the source upload to
// /tmp/src and the assemble run.
var s2iMarker = regexp.MustCompile(`(^|[\s/])(upload/src|/tmp/src)(\s|$|/)|s2i/assemble|/assemble(\s|$)`)

// baseSignature matches the steps official language images run while
// installing their runtime; the last such layer ends the base.
var baseSignature = map[string]*regexp.Regexp{
	"node":   regexp.MustCompile(`nodejs\.org/dist|NODE_VERSION|YARN_VERSION|yarnpkg|docker-entrypoint\.sh`),
	"python": regexp.MustCompile(`python\.org/ftp|PYTHON_VERSION|get-pip|GPG_KEY|idle3 pip3 pydoc3`),
	"go":     regexp.MustCompile(`go\.dev/dl|golang\.org/dl|dl\.google\.com/go|GOLANG_VERSION|\$GOPATH`),
	"java":   regexp.MustCompile(`api\.adoptium\.net|JAVA_VERSION|ESUM|apache-maven|MAVEN_|mvn-entrypoint|settings-docker\.xml|gradle-\$\{?GRADLE_VERSION`),
	"ruby":   regexp.MustCompile(`ruby-lang\.org|RUBY_VERSION|RUBY_DOWNLOAD|GEM_HOME|BUNDLE_`),
	"php":    regexp.MustCompile(`PHP_VERSION|PHP_URL|docker-php-|php\.net|PHPIZE_DEPS`),
	"dotnet": regexp.MustCompile(`dotnetcli|DOTNET_VERSION|ASPNET_VERSION|DOTNET_SDK_VERSION|dotnet-install`),
}

// officialBase guesses the official image an ENV signature belongs to.
type officialBase struct {
	env, sig string
	image    func(v string, env map[string]string, fam string, hasCompiler bool) string
}

func variant(fam string, hasCompiler bool) string {
	switch {
	case fam == "alpine":
		return "-alpine"
	case hasCompiler:
		return ""
	}
	return "-slim"
}

var officialBases = []officialBase{
	{"NODE_VERSION", "node", func(v string, _ map[string]string, fam string, cc bool) string { return "node:" + v + variant(fam, cc) }},
	{"PYTHON_VERSION", "python", func(v string, _ map[string]string, fam string, cc bool) string {
		return "python:" + v + variant(fam, cc)
	}},
	{"GOLANG_VERSION", "go", func(v string, _ map[string]string, fam string, _ bool) string {
		if fam == "alpine" {
			return "golang:" + v + "-alpine"
		}
		return "golang:" + v
	}},
	{"JAVA_VERSION", "java", func(v string, env map[string]string, fam string, _ bool) string {
		major := versionKey("java", v)
		if major == "" {
			return ""
		}
		if env["MAVEN_HOME"] != "" {
			return "maven:3-eclipse-temurin-" + major
		}
		if fam == "alpine" {
			return "eclipse-temurin:" + major + "-jdk-alpine"
		}
		return "eclipse-temurin:" + major + "-jdk"
	}},
	{"RUBY_VERSION", "ruby", func(v string, _ map[string]string, fam string, cc bool) string { return "ruby:" + v + variant(fam, cc) }},
	{"PHP_VERSION", "php", func(v string, env map[string]string, fam string, _ bool) string {
		switch {
		case env["APACHE_CONFDIR"] != "":
			return "php:" + v + "-apache"
		case fam == "alpine":
			return "php:" + v + "-cli-alpine"
		}
		return "php:" + v + "-cli"
	}},
	{"DOTNET_SDK_VERSION", "dotnet", func(v string, _ map[string]string, _ string, _ bool) string {
		if k := versionKey("dotnet", v); k != "" {
			return "mcr.microsoft.com/dotnet/sdk:" + k
		}
		return ""
	}},
}

// findOrigin works out the base image and how many layers it contributed.
func findOrigin(r *report.Report, fam string, env map[string]string) Origin {
	labels := r.Image.Config.Labels
	o := Origin{Family: fam, S2I: isS2I(labels), OpenShift: openShiftBuild(labels)}
	n := len(r.Layers)
	// s2i: the builder image is the base; its layers end where the source upload starts.
	if o.S2I {
		boundary := -1
		for i, l := range r.Layers {
			if s2iMarker.MatchString(l.CreatedBy) {
				boundary = i
				break
			}
		}
		if boundary < 0 && n > 0 && parseCreatedBy(r.Layers[n-1].CreatedBy).empty {
			boundary = n - 1 // the s2i CLI commits one layer and records no command
		}
		if boundary >= 0 {
			o.BaseLayers = boundary
			switch {
			case o.OpenShift != nil && validRef(o.OpenShift.BuilderImage):
				o.Base, o.BaseEvidence = o.OpenShift.BuilderImage, "label io.openshift.build.image"
			case validRef(labels["name"]) && strings.Contains(labels["name"], "/"):
				o.Base, o.BaseEvidence = "registry.access.redhat.com/"+labels["name"], "label name="+labels["name"]+" of the s2i builder"
			}
			if o.Base != "" {
				o.BaseEvidence += "; the s2i build starts at layer " + itoa(boundary)
				return o
			}
		}
	}
	if b := labels["org.opencontainers.image.base.name"]; validRef(b) {
		if end := lastSignature(r, ""); end >= 0 {
			o.Base, o.BaseLayers = b, end+1
			o.BaseEvidence = "label org.opencontainers.image.base.name; its last step is layer " + itoa(end)
			return o
		}
	}
	for _, ob := range officialBases {
		v := env[ob.env]
		if v == "" || !validRef("x:"+v) {
			continue
		}
		end := lastSignature(r, ob.sig)
		// The full (buildpack-deps) variants ship compilers below the runtime; slim ones do not.
		hasCompiler := false
		for i := 0; i < end && i < len(r.Layers); i++ {
			if r.Layers[i].Categories[report.BuildToolchain] > 0 {
				hasCompiler = true
			}
		}
		img := ob.image(v, env, fam, hasCompiler)
		if end < 0 || img == "" {
			continue
		}
		o.Base, o.BaseLayers = img, end+1
		o.BaseEvidence = "ENV " + ob.env + "=" + v + " of the official image; its last install step is layer " + itoa(end)
		return o
	}
	return o
}

// lastSignature returns the last layer whose command matches the base
// signature of ecosystem sig (any ecosystem when sig is ""), or -1. Only
// the leading run of layers counts: the app's own steps come after.
func lastSignature(r *report.Report, sig string) int {
	last := -1
	for i, l := range r.Layers {
		for k, re := range baseSignature {
			if (sig == "" || k == sig) && re.MatchString(l.CreatedBy) {
				last = i
			}
		}
	}
	return last
}

// validRef reports whether s can be written after FROM as is.
func validRef(s string) bool {
	if s == "" || len(s) > 512 || strings.HasPrefix(s, "-") {
		return false
	}
	for _, c := range s {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.ContainsRune("._-/:@+", c):
		default:
			return false
		}
	}
	return true
}

func itoa(n int) string { return strconv.Itoa(n) }
