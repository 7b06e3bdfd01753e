package slim

import (
	"fmt"
	"sort"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/slimcheck/slimcheck/recommend"
	"github.com/slimcheck/slimcheck/report"
)

// Annotation keys the image's manifest carries.
const (
	AnnotationBaseName     = "org.opencontainers.image.base.name"   // the runtime base, as a reference
	AnnotationBaseDigest   = "org.opencontainers.image.base.digest" // its manifest digest
	AnnotationSource       = "dev.slimcheck.source"                 // the image the files came from
	AnnotationSourceDigest = "dev.slimcheck.source.digest"          // its manifest digest, when known
	AnnotationSourceConfig = "dev.slimcheck.source.config"          // its config digest (image ID)
)

// defaultPath is the PATH a container gets when the image sets none.
const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// mergeConfig puts the plan's runtime settings on top of the base's, as the
// runtime stage of the generated Dockerfile does.
func mergeConfig(base v1.Config, pc recommend.Config) v1.Config {
	c := *base.DeepCopy()
	if pc.User != "" {
		c.User = pc.User
	}
	if pc.WorkingDir != "" {
		c.WorkingDir = pc.WorkingDir
	}
	if len(pc.Entrypoint) > 0 || pc.SetEntrypoint {
		// ENTRYPOINT resets the base's CMD, as in a Dockerfile.
		c.Entrypoint = nonEmpty(pc.Entrypoint)
		c.Cmd = nil
	}
	if len(pc.Cmd) > 0 {
		c.Cmd = append([]string{}, pc.Cmd...)
	}
	basePath, hasPath := lookupEnv(base.Env, "PATH")
	if !hasPath {
		basePath = defaultPath
	}
	for _, e := range pc.Env {
		v := e.Value
		if e.Name == "PATH" && strings.HasSuffix(v, recommend.PathFromBase) {
			v = strings.TrimSuffix(v, recommend.PathFromBase) + basePath
		}
		c.Env = setEnv(c.Env, e.Name, v)
	}
	for _, p := range pc.ExposedPorts {
		if !strings.Contains(p, "/") {
			p += "/tcp"
		}
		if c.ExposedPorts == nil {
			c.ExposedPorts = map[string]struct{}{}
		}
		c.ExposedPorts[p] = struct{}{}
	}
	for k, v := range pc.Labels {
		if c.Labels == nil {
			c.Labels = map[string]string{}
		}
		c.Labels[k] = v
	}
	for _, v := range pc.Volumes {
		if c.Volumes == nil {
			c.Volumes = map[string]struct{}{}
		}
		c.Volumes[v] = struct{}{}
	}
	if pc.StopSignal != "" {
		c.StopSignal = pc.StopSignal
	}
	if hc := pc.Healthcheck; hc != nil && len(hc.Test) > 0 {
		c.Healthcheck = &v1.HealthConfig{Test: append([]string{}, hc.Test...), Interval: hc.Interval, Timeout: hc.Timeout,
			StartPeriod: hc.StartPeriod, Retries: hc.Retries}
	}
	return c
}

func nonEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return append([]string{}, s...)
}

// lookupEnv finds NAME in a list of NAME=value.
func lookupEnv(env []string, name string) (string, bool) {
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok && k == name {
			return v, true
		}
	}
	return "", false
}

// setEnv replaces NAME in place or appends it.
func setEnv(env []string, name, value string) []string {
	for i, kv := range env {
		if k, _, _ := strings.Cut(kv, "="); k == name {
			env[i] = name + "=" + value
			return env
		}
	}
	return append(env, name+"="+value)
}

// historyEntry says what slimcheck did, in words that stay the same for the
// same inputs.
func historyEntry(s *LayerSummary, plan *recommend.PlanResult, sourceName string) (createdBy string) {
	var roots []string
	for _, in := range plan.Copy.Include {
		roots = append(roots, in.Path)
	}
	shown := roots
	if len(shown) > 8 {
		shown = append(append([]string{}, shown[:8]...), fmt.Sprintf("… %d more", len(roots)-8))
	}
	createdBy = fmt.Sprintf("slimcheck slim: COPY %d files, %d symlinks, %d directories (%s) from %s: %s",
		s.Files+s.Hardlinks+s.Others, s.Symlinks, s.Dirs, report.Bytes(s.Bytes), sourceName, strings.Join(shown, " "))
	if n := len(plan.Copy.Exclude); n > 0 {
		createdBy += fmt.Sprintf("; left out %d paths (%s)", n, excludedKinds(plan.Copy.Exclude))
	}
	return createdBy
}

// excludedKinds lists the categories of the exclusions, most bytes first.
func excludedKinds(ex []recommend.Exclusion) string {
	by := map[report.Category]int64{}
	for _, e := range ex {
		by[e.Category] += e.Bytes
	}
	cats := make([]report.Category, 0, len(by))
	for c := range by {
		cats = append(cats, c)
	}
	sort.Slice(cats, func(i, j int) bool {
		if by[cats[i]] != by[cats[j]] {
			return by[cats[i]] > by[cats[j]]
		}
		return cats[i] < cats[j]
	})
	parts := make([]string, len(cats))
	for i, c := range cats {
		parts[i] = fmt.Sprintf("%s %s", c, report.Bytes(by[c]))
	}
	return strings.Join(parts, ", ")
}
