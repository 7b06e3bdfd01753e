package slim

import (
	"reflect"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/slimcheck/slimcheck/recommend"
	"github.com/slimcheck/slimcheck/report"
)

func TestMergeConfig(t *testing.T) {
	base := v1.Config{
		Env: []string{"PATH=/usr/local/bin:/usr/bin", "NODE_VERSION=20.11.1", "HOME=/root"}, Entrypoint: []string{"docker-entrypoint.sh"},
		Cmd: []string{"node"}, User: "node", WorkingDir: "/home/node", Labels: map[string]string{"base": "1", "shared": "base"},
		ExposedPorts: map[string]struct{}{"9229/tcp": {}}, Volumes: map[string]struct{}{"/data": {}}, StopSignal: "SIGTERM",
	}
	tests := []struct {
		name string
		plan recommend.Config
		want v1.Config
	}{
		{"nothing planned keeps the base", recommend.Config{}, base},
		{"entrypoint cleared resets cmd; plan sets the rest", recommend.Config{
			SetEntrypoint: true, Cmd: []string{"/usr/libexec/s2i/run"}, User: "1001", WorkingDir: "/opt/app-root/src",
			Env:          []recommend.EnvVar{{Name: "PATH", Value: "/app/node_modules/.bin:" + recommend.PathFromBase}, {Name: "HOME", Value: "/app"}, {Name: "NPM_RUN", Value: "start"}},
			ExposedPorts: []string{"8080/tcp", "9000"}, Labels: map[string]string{"shared": "plan", "new": "x"}, Volumes: []string{"/cache"},
			StopSignal: "SIGINT", Healthcheck: &report.Healthcheck{Test: []string{"CMD", "true"}, Interval: time.Minute, Retries: 3},
		}, v1.Config{
			Env: []string{"PATH=/app/node_modules/.bin:/usr/local/bin:/usr/bin", "NODE_VERSION=20.11.1", "HOME=/app", "NPM_RUN=start"},
			Cmd: []string{"/usr/libexec/s2i/run"}, User: "1001", WorkingDir: "/opt/app-root/src",
			Labels:       map[string]string{"base": "1", "shared": "plan", "new": "x"},
			ExposedPorts: map[string]struct{}{"9229/tcp": {}, "8080/tcp": {}, "9000/tcp": {}}, Volumes: map[string]struct{}{"/data": {}, "/cache": {}},
			StopSignal: "SIGINT", Healthcheck: &v1.HealthConfig{Test: []string{"CMD", "true"}, Interval: time.Minute, Retries: 3},
		}},
		{"an entrypoint of its own resets the base's cmd", recommend.Config{Entrypoint: []string{"/app/server"}}, func() v1.Config {
			c := *base.DeepCopy()
			c.Entrypoint, c.Cmd = []string{"/app/server"}, nil
			return c
		}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mergeConfig(base, tt.plan)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
	// The base's PATH is the default one when it sets none.
	got := mergeConfig(v1.Config{}, recommend.Config{Env: []recommend.EnvVar{{Name: "PATH", Value: "/app/bin:" + recommend.PathFromBase}}})
	if want := []string{"PATH=/app/bin:" + defaultPath}; !reflect.DeepEqual(got.Env, want) {
		t.Errorf("env %v, want %v", got.Env, want)
	}
}

func TestCompare(t *testing.T) {
	plan := func(src string, base, copied int64) *recommend.PlanResult {
		return &recommend.PlanResult{Runtime: &recommend.RuntimeBase{Image: "node:20-slim"},
			Estimate: recommend.Estimate{BaseBytes: base, CopiedBytes: copied, RuntimeBytes: base + copied, BaseSource: src}}
	}
	written := func(layers ...int64) *report.Report {
		r := &report.Report{}
		for _, l := range layers {
			r.Layers = append(r.Layers, report.Layer{SizeBytes: l})
			r.Image.SizeBytes += l
		}
		return r
	}
	original := &report.Report{Image: report.Image{SizeBytes: 1000}}
	tests := []struct {
		name           string
		plan           *recommend.PlanResult
		written        *report.Report
		within, failed bool
		cause          string
	}{
		{"exact", plan("registry", 100, 50), written(60, 40, 50), true, false, ""},
		{"within 2 %", plan("registry", 100, 50), written(100, 52), true, false, ""},
		{"catalog figure off: named, not failed", plan("catalog", 100, 50), written(140, 50), false, false, "catalog's recorded size of node:20-slim"},
		{"no figure at all: named, not failed", plan("unknown", 0, 50), written(100, 50), false, false, "had no size for node:20-slim"},
		{"registry figure off: failed", plan("registry", 100, 50), written(140, 50), false, true, "did its tag move"},
		{"layer off: failed even offline", plan("catalog", 100, 50), written(100, 80), false, true, "the new layer holds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Compare(tt.plan, original, tt.written, 1, DefaultTolerance)
			if p.Within != tt.within || p.Failed != tt.failed || tt.cause != "" && !strings.Contains(p.Cause, tt.cause) || tt.cause == "" && p.Cause != "" {
				t.Errorf("%+v", p)
			}
			if p.SavedBytes != original.Image.SizeBytes-tt.written.Image.SizeBytes || p.MeasuredBaseBytes+p.MeasuredLayerBytes != p.MeasuredBytes {
				t.Errorf("figures don't add up: %+v", p)
			}
		})
	}
}
