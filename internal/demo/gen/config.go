package gen

import (
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// step is one Dockerfile/s2i instruction: a history entry, with a layer tree
// when the instruction changed the filesystem.
type step struct {
	createdBy string
	at        time.Time
	layer     *layerTree // nil for metadata-only instructions (empty_layer)
}

// demoPath is the final PATH of the s2i Node.js image.
const demoPath = "/opt/app-root/src/node_modules/.bin/:/opt/app-root/src/.npm-global/bin/:/opt/app-root/src/bin:/opt/app-root/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

const (
	builderSummary     = "Platform for building and running Node.js 20 applications"
	builderDescription = "Node.js 20 available as container is a base platform for building and running various Node.js 20 applications and frameworks. Node.js is a platform built on Chrome's JavaScript runtime for easily building fast, scalable network applications."
)

// baseLabels are the CentOS base image's labels.
func baseLabels() [][2]string {
	return [][2]string{
		{"org.label-schema.schema-version", "1.0"},
		{"org.label-schema.name", "CentOS Base Image"},
		{"org.label-schema.vendor", "CentOS"},
		{"org.label-schema.license", "GPLv2"},
		{"org.label-schema.build-date", "20180531"},
	}
}

// builderLabels are the s2i builder image's labels.
func builderLabels() [][2]string {
	return [][2]string{
		{"summary", builderSummary},
		{"description", builderDescription},
		{"io.k8s.description", builderDescription},
		{"io.k8s.display-name", "Node.js 20"},
		{"io.openshift.expose-services", "8080:http"},
		{"io.openshift.tags", "builder,nodejs,nodejs20"},
		{"io.openshift.s2i.scripts-url", "image://" + s2iScriptsDir},
		{"io.s2i.scripts-url", "image://" + s2iScriptsDir},
		{"com.redhat.dev-mode", "DEV_MODE:false"},
		{"com.redhat.deployments-dir", appHome},
		{"name", "ubi8/nodejs-20"},
		{"version", "1"},
		{"maintainer", "SoftwareCollections.org <sclorg@redhat.com>"},
	}
}

// buildLabels are the labels OpenShift's s2i build strategy adds.
func buildLabels() [][2]string {
	return [][2]string{
		{"io.openshift.build.image", demoBuilderImage},
		{"io.openshift.build.source-location", demoSourceRepo},
		{"io.openshift.build.commit.ref", "main"},
		{"io.openshift.build.commit.id", demoCommit},
		{"io.openshift.build.commit.author", demoCommitAuthor},
		{"io.openshift.build.commit.date", "Mon Mar 4 11:41:07 2024 +0000"},
		{"io.openshift.build.commit.message", "Say hello"},
		{"io.openshift.build.name", "nodejs-hello-1"},
		{"io.openshift.build.namespace", "demo"},
	}
}

// builderEnv is the builder's ENV; buildEnv is what the OpenShift build adds.
func builderEnv() [][2]string {
	return [][2]string{
		{"SUMMARY", builderSummary},
		{"DESCRIPTION", builderDescription},
		{"NODEJS_VERSION", "20"},
		{"NODE_VERSION", nodeVersion},
		{"NPM_RUN", "start"},
		{"NAME", "nodejs"},
		{"NPM_CONFIG_PREFIX", appHome + "/.npm-global"},
		{"APP_ROOT", appRoot},
		{"HOME", appHome},
		{"PATH", demoPath},
	}
}

func buildEnv() [][2]string {
	return [][2]string{
		{"OPENSHIFT_BUILD_NAME", "nodejs-hello-1"},
		{"OPENSHIFT_BUILD_NAMESPACE", "demo"},
		{"OPENSHIFT_BUILD_SOURCE", demoSourceRepo},
		{"OPENSHIFT_BUILD_REFERENCE", "main"},
		{"OPENSHIFT_BUILD_COMMIT", demoCommit},
	}
}

// nopCmd renders a metadata instruction the way the docker builder records it.
func nopCmd(instr string) string { return "/bin/sh -c #(nop)  " + instr }

// kvList renders k=v pairs for LABEL/ENV history lines, quoting values with
// spaces as docker does.
func kvList(kvs [][2]string) string {
	parts := make([]string, len(kvs))
	for i, kv := range kvs {
		v := kv[1]
		if strings.ContainsAny(v, " \t") {
			v = `"` + strings.ReplaceAll(v, `"`, `\"`) + `"`
		}
		parts[i] = kv[0] + "=" + v
	}
	return strings.Join(parts, " ")
}

// imageConfig builds the final config file: runtime settings, labels, and a
// history with one non-empty entry per layer.
func imageConfig(steps []step, diffIDs []v1.Hash) v1.ConfigFile {
	env := map[string]string{}
	var envOrder []string
	for _, kv := range append(append([][2]string{{"PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}}, builderEnv()...), buildEnv()...) {
		if _, ok := env[kv[0]]; !ok {
			envOrder = append(envOrder, kv[0])
		}
		env[kv[0]] = kv[1]
	}
	envList := make([]string, len(envOrder))
	for i, k := range envOrder {
		envList[i] = k + "=" + env[k]
	}
	labels := map[string]string{}
	for _, kv := range append(append(baseLabels(), builderLabels()...), buildLabels()...) {
		labels[kv[0]] = kv[1]
	}
	var history []v1.History
	for _, s := range steps {
		history = append(history, v1.History{
			Created:    v1.Time{Time: s.at},
			CreatedBy:  s.createdBy,
			EmptyLayer: s.layer == nil,
		})
	}
	last := steps[len(steps)-1].at
	return v1.ConfigFile{
		Architecture: "amd64",
		OS:           "linux",
		Created:      v1.Time{Time: last},
		History:      history,
		RootFS:       v1.RootFS{Type: "layers", DiffIDs: diffIDs},
		Config: v1.Config{
			User:         "1001",
			Env:          envList,
			Cmd:          []string{s2iScriptsDir + "/run"},
			WorkingDir:   appHome,
			ExposedPorts: map[string]struct{}{"8080/tcp": {}},
			Labels:       labels,
		},
	}
}
