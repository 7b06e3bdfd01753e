package composer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// manifest is the part of a composer.json the analysis needs.
type manifest struct {
	Name       string
	Version    string
	Require    []string // package names required at run time
	RequireDev []string
	Provides   []string // names this package replaces or provides
	VendorDir  string   // config.vendor-dir, "" when unset
}

// parseManifest decodes a composer.json leniently: fields of an unexpected
// type are ignored. Only a document that is not a JSON object is an error.
func parseManifest(data []byte) (manifest, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF")), &raw); err != nil {
		return manifest{}, fmt.Errorf("decoding composer.json: %w", err)
	}
	m := manifest{
		Name:       strings.ToLower(jsonString(raw["name"])),
		Version:    jsonString(raw["version"]),
		Require:    packageKeys(raw["require"]),
		RequireDev: packageKeys(raw["require-dev"]),
		Provides:   append(packageKeys(raw["replace"]), packageKeys(raw["provide"])...),
	}
	var cfg struct {
		VendorDir json.RawMessage `json:"vendor-dir"`
	}
	if c, ok := raw["config"]; ok && json.Unmarshal(c, &cfg) == nil {
		m.VendorDir = jsonString(cfg.VendorDir)
	}
	return m, nil
}

// jsonString returns raw as a string if it is a JSON string, else "".
func jsonString(raw json.RawMessage) string {
	var s string
	if len(raw) == 0 || json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}

// packageKeys returns the lower-cased package names of a name→constraint
// object, sorted, without platform requirements (php, ext-*, lib-*,
// composer-*-api) and names that cannot be vendor/name.
func packageKeys(raw json.RawMessage) []string {
	var m map[string]json.RawMessage
	if len(raw) == 0 || json.Unmarshal(raw, &m) != nil {
		return nil
	}
	out := make([]string, 0, len(m))
	for k := range m {
		if k = strings.ToLower(k); validName(k) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// validName reports whether name is "vendor/package" with two plain path
// components, which is what every installable composer package is named.
func validName(name string) bool {
	v, p, ok := strings.Cut(name, "/")
	return ok && len(name) <= 256 && plain(v) && plain(p)
}

func plain(s string) bool {
	return s != "" && s != "." && s != ".." && !strings.ContainsAny(s, "/\\\x00")
}

// lockPackage is one entry of composer.lock or installed.json.
type lockPackage struct {
	Name        string `json:"name"`
	Version     string `json:"version"`
	InstallPath string `json:"install-path"`
}

// lockFile is a composer.lock.
type lockFile struct {
	Packages    []lockPackage `json:"packages"`
	PackagesDev []lockPackage `json:"packages-dev"`
}

// parseLock decodes a composer.lock.
func parseLock(data []byte) (*lockFile, error) {
	var l lockFile
	if err := json.Unmarshal(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF")), &l); err != nil {
		return nil, fmt.Errorf("decoding composer.lock: %w", err)
	}
	if l.Packages == nil && l.PackagesDev == nil {
		return nil, fmt.Errorf("decoding composer.lock: neither \"packages\" nor \"packages-dev\" present")
	}
	return &l, nil
}

// installedFile is vendor/composer/installed.json as composer 2 writes it.
type installedFile struct {
	Packages        []lockPackage `json:"packages"`
	Dev             *bool         `json:"dev"`
	DevPackageNames []string      `json:"dev-package-names"`
}

// errNoDevInfo says an installed.json is composer 1's bare array, which
// does not say which packages are dev.
var errNoDevInfo = errors.New("installed.json has no dev-package-names (composer 1 format)")

// parseInstalled decodes a composer 2 installed.json. Composer 1's bare
// array yields errNoDevInfo.
func parseInstalled(data []byte) (*installedFile, error) {
	data = bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF")))
	if len(data) > 0 && data[0] == '[' {
		var arr []json.RawMessage
		if err := json.Unmarshal(data, &arr); err != nil {
			return nil, fmt.Errorf("decoding installed.json: %w", err)
		}
		return nil, errNoDevInfo
	}
	var f installedFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("decoding installed.json: %w", err)
	}
	if f.Packages == nil {
		return nil, fmt.Errorf("decoding installed.json: no \"packages\"")
	}
	if f.DevPackageNames == nil && f.Dev == nil {
		return nil, errNoDevInfo
	}
	return &f, nil
}
