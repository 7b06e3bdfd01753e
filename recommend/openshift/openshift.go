// Package openshift writes the OpenShift side of a recommendation: the
// ImageStreams and BuildConfigs of a chained build (openshift.yaml) and the
// oc commands that create the same builds (chained-build.sh). The runtime
// BuildConfig takes the planned paths from the builder image
// (source.images[].paths), builds runtime.Dockerfile with the Docker
// strategy, and an ImageChange trigger rebuilds it whenever the builder
// image changes.
package openshift

import (
	"bytes"
	"fmt"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/slimcheck/slimcheck/recommend"
	"github.com/slimcheck/slimcheck/recommend/dockerfile"
)

// Options names the objects.
type Options struct {
	Builder string // builder ImageStream and BuildConfig; "builder" by default
	Runtime string // runtime ImageStream and BuildConfig; "runtime" by default
	App     string // app label on every object; derived from the image name by default
}

// Files are the generated OpenShift files.
type Files struct {
	YAML              []byte // openshift.yaml
	Script            []byte // chained-build.sh
	RuntimeDockerfile []byte // runtime.Dockerfile, which both use
}

// internalRegistries are the in-cluster registry hosts that serve ImageStreams.
var internalRegistries = []string{"image-registry.openshift-image-registry.svc:5000/", "docker-registry.default.svc:5000/"}

// Render writes the chained build for p.
func Render(p *recommend.PlanResult, o Options) (Files, error) {
	if p == nil || p.Verdict != recommend.Split || p.Runtime == nil {
		return Files{}, dockerfile.ErrNoSplit
	}
	if o.Builder == "" {
		o.Builder = "builder"
	}
	if o.Runtime == "" {
		o.Runtime = "runtime"
	}
	if o.App == "" {
		o.App = appName(p.Image.Reference)
	}
	ch, err := dockerfile.RenderChained(p)
	if err != nil {
		return Files{}, err
	}
	y, err := objectsYAML(p, o, ch)
	if err != nil {
		return Files{}, err
	}
	return Files{YAML: y, Script: script(p, o, ch), RuntimeDockerfile: ch.Dockerfile}, nil
}

// appName derives a DNS-1123 label from an image reference.
func appName(ref string) string {
	s := ref
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		s = s[i+1:]
	}
	if i := strings.IndexAny(s, ":@"); i >= 0 {
		s = s[:i]
	}
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	name := strings.Trim(b.String(), "-")
	if len(name) > 50 {
		name = strings.Trim(name[:50], "-")
	}
	switch {
	case name == "":
		return "app"
	case name[0] < 'a' || name[0] > 'z':
		return "app-" + name
	}
	return name
}

// s2iBuild reports whether the builder can be rebuilt from source with the
// Source strategy, as OpenShift built it.
func s2iBuild(p *recommend.PlanResult) bool {
	os := p.Origin.OpenShift
	return p.Origin.S2I && os != nil && os.BuilderImage != "" && os.SourceLocation != ""
}

// streamName turns an in-cluster registry reference into what oc new-build
// accepts: "nodejs:20-ubi9" for the openshift namespace, "ns/name:tag"
// for others; other references stay as they are.
func streamName(ref string) string {
	for _, h := range internalRegistries {
		rest, ok := strings.CutPrefix(ref, h)
		if !ok {
			continue
		}
		if i := strings.IndexByte(rest, '@'); i >= 0 {
			rest = rest[:i]
		}
		return strings.TrimPrefix(rest, "openshift/")
	}
	return ref
}

func labels(o Options) map[string]any { return map[string]any{"app": o.App} }

func meta(name string, o Options) map[string]any {
	return map[string]any{"name": name, "labels": labels(o)}
}

// objectsYAML builds the ImageStreams and BuildConfigs.
func objectsYAML(p *recommend.PlanResult, o Options, ch dockerfile.Chained) ([]byte, error) {
	builderIS := map[string]any{
		"apiVersion": "image.openshift.io/v1", "kind": "ImageStream", "metadata": meta(o.Builder, o),
		"spec": map[string]any{"lookupPolicy": map[string]any{"local": true}},
	}
	var objs []map[string]any
	if !s2iBuild(p) {
		// The builder is the analyzed image itself, imported and re-imported on a schedule.
		builderIS["spec"] = map[string]any{
			"lookupPolicy": map[string]any{"local": true},
			"tags": []any{map[string]any{
				"name":            "latest",
				"from":            map[string]any{"kind": "DockerImage", "name": analyzed(p)},
				"importPolicy":    map[string]any{"scheduled": true},
				"referencePolicy": map[string]any{"type": "Local"},
			}},
		}
	}
	objs = append(objs, builderIS, map[string]any{
		"apiVersion": "image.openshift.io/v1", "kind": "ImageStream", "metadata": meta(o.Runtime, o),
		"spec": map[string]any{"lookupPolicy": map[string]any{"local": true}},
	})
	if s2iBuild(p) {
		os := p.Origin.OpenShift
		git := map[string]any{"uri": os.SourceLocation}
		if os.Ref != "" {
			git["ref"] = os.Ref
		}
		source := map[string]any{"type": "Git", "git": git}
		if os.ContextDir != "" {
			source["contextDir"] = os.ContextDir
		}
		objs = append(objs, map[string]any{
			"apiVersion": "build.openshift.io/v1", "kind": "BuildConfig", "metadata": meta(o.Builder, o),
			"spec": map[string]any{
				"source": source,
				"strategy": map[string]any{"type": "Source", "sourceStrategy": map[string]any{
					"from": map[string]any{"kind": "DockerImage", "name": os.BuilderImage}}},
				"output":   map[string]any{"to": map[string]any{"kind": "ImageStreamTag", "name": o.Builder + ":latest"}},
				"triggers": []any{map[string]any{"type": "ConfigChange"}},
			},
		})
	}
	var paths []any
	for _, sp := range ch.Paths {
		paths = append(paths, map[string]any{"sourcePath": sp.From, "destinationDir": sp.Dir})
	}
	builderTag := map[string]any{"kind": "ImageStreamTag", "name": o.Builder + ":latest"}
	objs = append(objs, map[string]any{
		"apiVersion": "build.openshift.io/v1", "kind": "BuildConfig", "metadata": meta(o.Runtime, o),
		"spec": map[string]any{
			"source": map[string]any{
				"type":       "Dockerfile",
				"dockerfile": string(ch.Dockerfile),
				"images":     []any{map[string]any{"from": builderTag, "paths": paths}},
			},
			"strategy": map[string]any{"type": "Docker", "dockerStrategy": map[string]any{}},
			"output":   map[string]any{"to": map[string]any{"kind": "ImageStreamTag", "name": o.Runtime + ":latest"}},
			"triggers": []any{
				map[string]any{"type": "ImageChange", "imageChange": map[string]any{"from": builderTag}},
				map[string]any{"type": "ConfigChange"},
			},
		},
	})
	var buf bytes.Buffer
	buf.WriteString("# Generated by slimcheck: an OpenShift chained build for " + oneLine(p.Image.Reference) + ".\n")
	buf.WriteString("# The builder image keeps the full build; the runtime image copies only the planned paths.\n")
	for _, obj := range objs {
		b, err := yaml.Marshal(yamlSafe(obj))
		if err != nil {
			return nil, fmt.Errorf("encoding %s %v: %w", obj["kind"], obj["metadata"].(map[string]any)["name"], err)
		}
		buf.WriteString("---\n")
		buf.Write(b)
	}
	return buf.Bytes(), nil
}

// analyzed names the analyzed image for an import: the builder stage's
// FROM when it is the analyzed image, else the reference as typed when a
// registry can resolve it.
func analyzed(p *recommend.PlanResult) string {
	if p.Origin.Base == "" {
		return p.Builder.From
	}
	if imageRef(p.Image.Reference) {
		return p.Image.Reference
	}
	return "slimcheck-analyzed-image"
}

// imageRef reports whether s looks like a registry reference.
func imageRef(s string) bool {
	if s == "" || strings.HasPrefix(s, "-") || strings.HasPrefix(s, "/") || strings.HasPrefix(s, ".") || strings.Contains(s, ".tar") {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._-/:@+", r)) {
			return false
		}
	}
	return !strings.HasPrefix(s, "docker-archive:") && !strings.HasPrefix(s, "oci:")
}

// oneLine keeps s on one comment line.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, s)
}

// shQuote quotes s for a POSIX shell.
func shQuote(s string) string {
	safe := s != ""
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_./:@%+,=-", r)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// script writes the oc commands of the chained build.
func script(p *recommend.PlanResult, o Options, ch dockerfile.Chained) []byte {
	var b strings.Builder
	b.WriteString("#!/bin/sh\n")
	b.WriteString("# Generated by slimcheck: build " + oneLine(p.Image.Reference) + " as an OpenShift chained build.\n")
	b.WriteString("# Run it in the project (namespace) to build in, next to runtime.Dockerfile.\n")
	b.WriteString("set -eu\n\n")
	if s2iBuild(p) {
		os := p.Origin.OpenShift
		src := os.SourceLocation
		if os.Ref != "" {
			src += "#" + os.Ref
		}
		b.WriteString("# 1. The builder: the s2i build OpenShift ran (from the io.openshift.build.* labels).\n")
		b.WriteString("oc new-build " + shQuote(streamName(os.BuilderImage)+"~"+src) + " --name=" + o.Builder)
		if os.ContextDir != "" {
			b.WriteString(" --context-dir=" + shQuote(os.ContextDir))
		}
		b.WriteString("\n\n")
	} else {
		ref := analyzed(p)
		b.WriteString("# 1. The builder: the analyzed image, imported (and re-imported on a schedule).\n")
		b.WriteString("oc import-image " + o.Builder + ":latest --from=" + shQuote(ref) + " --confirm --scheduled --reference-policy=local\n\n")
	}
	b.WriteString("# 2. The runtime: runtime.Dockerfile with the planned paths taken from the builder image.\n")
	b.WriteString("cat runtime.Dockerfile | oc new-build --name=" + o.Runtime + " --source-image=" + o.Builder)
	for _, sp := range ch.Paths {
		b.WriteString(" \\\n  --source-image-path=" + shQuote(sp.From+":"+sp.Dir))
	}
	b.WriteString(" \\\n  --strategy=docker --dockerfile=-\n")
	return []byte(b.String())
}

// yamlSafe replaces, in every string of v, the control characters YAML
// cannot carry (C0 other than tab and newline, DEL, C1) with U+FFFD: such
// characters only reach labels and paths of a hostile or broken image, and
// a visibly broken value beats a file that does not parse.
func yamlSafe(v any) any {
	switch t := v.(type) {
	case string:
		return strings.Map(func(r rune) rune {
			if (r < 0x20 && r != '\t' && r != '\n') || r == 0x7f || (r >= 0x80 && r < 0xa0) {
				return '\uFFFD'
			}
			return r
		}, t)
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			out[yamlSafe(k).(string)] = yamlSafe(x)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = yamlSafe(x)
		}
		return out
	case []map[string]any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = yamlSafe(x)
		}
		return out
	case []string:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = yamlSafe(x)
		}
		return out
	case map[string]string:
		out := make(map[string]any, len(t))
		for k, x := range t {
			out[yamlSafe(k).(string)] = yamlSafe(x)
		}
		return out
	}
	return v
}
