package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/slimcheck/slimcheck/internal/golden"
)

// sample is a small, fully populated report.
func sample() *Report {
	return &Report{
		SchemaVersion: SchemaVersion,
		Tool:          Tool{Name: "slimcheck", Version: "test"},
		Image: Image{
			Reference: "registry.example.com/team/app:1", Source: "registry", Name: "registry.example.com/team/app:1",
			Digest: "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", Platform: "linux/amd64",
			Created: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), CompressedBytes: 180_000_000, SizeBytes: 474_000_000,
			TarBytes: 476_000_000, FinalBytes: 430_000_000, FinalFiles: 12345,
			Config: Config{Cmd: []string{"npm", "start"}, User: "1001", WorkingDir: "/opt/app-root/src", ExposedPorts: []string{"8080/tcp"}},
		},
		Layers: []Layer{
			{Index: 0, Digest: "sha256:aa", CompressedBytes: 70_000_000, SizeBytes: 210_000_000, Entries: 4512, CreatedBy: "/bin/sh -c #(nop) ADD file:abc in / ",
				Categories: map[Category]int64{OSBase: 210_000_000}},
			{Index: 1, Digest: "sha256:bb", CompressedBytes: 90_000_000, SizeBytes: 223_000_000, Entries: 3001, CreatedBy: "/bin/sh -c yum install -y gcc-c++ make",
				Categories: map[Category]int64{BuildToolchain: 182_000_000, PackageCache: 41_000_000}},
			{Index: 2, CompressedBytes: 20_000_000, SizeBytes: 41_000_000, Entries: 800, NoHistory: true,
				Categories: map[Category]int64{App: 1_000_000, DevDependencies: 40_000_000}},
		},
		History: []HistoryStep{
			{CreatedBy: "/bin/sh -c #(nop) ADD file:abc in / ", Layer: 0},
			{CreatedBy: "/bin/sh -c #(nop)  ENV NODE_VERSION=20", EmptyLayer: true, Layer: -1},
			{CreatedBy: "/bin/sh -c yum install -y gcc-c++ make", Layer: 1},
			{CreatedBy: "/bin/sh -c #(nop)  CMD [\"npm\" \"start\"]", EmptyLayer: true, Layer: -1},
		},
		Dive:     Dive{Efficiency: 0.9, SizeBytes: 474_000_000, UserSizeBytes: 264_000_000, WastedBytes: 1_000_000, UserWastedPercent: 0.0037878787878787876, InefficientFiles: []Inefficiency{{Path: "/var/lib/rpm/Packages", Count: 2, CumulativeSize: 1_000_000}}},
		Hidden:   Hidden{Bytes: 500_000, Files: 3},
		Rewrites: []Rewrite{{Path: "/app/x", Layer: 2, Lower: 1, Bytes: 10, ModeChanged: true}},
		Largest: Largest{
			Files: []PathSize{{Path: "/usr/bin/node", Bytes: 85_000_000, Layer: 0, Category: Runtime}},
			Dirs:  []PathSize{{Path: "/usr", Bytes: 300_000_000, Files: 9000, Layer: -1}},
		},
		Categories: []CategoryTotal{
			{Category: BuildToolchain, Bytes: 182_000_000, Percent: 38.4, TopPackages: []PackageBytes{{Name: "gcc", Manager: "rpm", Bytes: 40_000_000}}},
			{Category: PackageCache, Bytes: 41_000_000, Percent: 8.6, TopDirs: []PathSize{{Path: "/var/cache/yum", Bytes: 41_000_000}}},
			{Category: DevDependencies, Bytes: 40_000_000, Percent: 8.4},
			{Category: App, Bytes: 1_000_000, Percent: 0.2},
			{Category: OSBase, Bytes: 210_000_000, Percent: 44.3},
		},
		NotNeeded: 263_000_000,
		Ecosystem: Ecosystem{Name: "node", Version: "20.11.1", AppDir: "/opt/app-root/src", Libc: "glibc"},
		Problems:  []Problem{{Path: "/var/lib/rpm/Packages", Layer: 1, Reason: "truncated database"}},
	}
}

func TestWriteText(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts TextOptions
	}{
		{"plain", TextOptions{Width: 100}},
		{"narrow", TextOptions{Width: 80, Top: 5}},
		{"color", TextOptions{Width: 100, Color: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteText(&buf, sample(), tc.opts); err != nil {
				t.Fatal(err)
			}
			if !tc.opts.Color && strings.Contains(buf.String(), "\x1b[") {
				t.Error("escape sequences without colour")
			}
			golden.Assert(t, buf.Bytes(), ".golden")
		})
	}
}

func TestWriteJSONRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteJSON(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	golden.Assert(t, buf.Bytes(), ".json")
	var back Report
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.Dive.UserWastedPercent != sample().Dive.UserWastedPercent {
		t.Errorf("float64 precision lost: %v", back.Dive.UserWastedPercent)
	}
	if back.Layers[1].Categories[BuildToolchain] != 182_000_000 {
		t.Errorf("layer categories lost")
	}
}
