package bench

import (
	"encoding/json"
	"fmt"
	"strings"
)

// npmPkg is one installed package of a planned node_modules.
type npmPkg struct {
	name    string // "lodash" or "@scope/name"
	dir     string // its directory, "app/node_modules/lodash"
	version string
	dev     bool
	bin     string // its .bin symlink, if any
}

var (
	npmScopes   = []string{"@babel", "@types", "@jest", "@typescript-eslint", "@aws-sdk", "@smithy", "@mui", "@emotion", "@opentelemetry", "@swc", "@esbuild", "@rollup"}
	npmDirNames = []string{"lib", "dist", "esm", "cjs", "src", "types", "utils", "internal", "helpers", "components", "core", "plugins", "fp", "locale", "operators", "build", "modules", "__tests__", "es", "umd", "node", "browser", "compat", "parsers", "rules"}
	npmExts     = []string{".js", ".js", ".js", ".js", ".d.ts", ".d.ts", ".js.map", ".mjs", ".cjs", ".json", ".md", ".ts"}
	bigNpm      = []struct {
		name  string
		files int
		dev   bool
	}{
		{"date-fns", 6000, false}, {"rxjs", 3000, false}, {"lodash", 1050, false}, {"typescript", 180, true},
		{"@babel/runtime", 1800, false}, {"core-js", 2600, false}, {"@mui/material", 4500, false},
		{"eslint", 900, true}, {"@swc/core-linux-x64-gnu", 4, true}, {"webpack", 1200, true}, {"prettier", 80, true},
		{"@aws-sdk/client-s3", 1400, false}, {"@esbuild/linux-x64", 3, true}, {"jest-runtime", 150, true},
	}
)

// npmModules plans the packages `npm ci` installs below app/node_modules
// until about files files are placed: a few giants, a long tail of small
// packages, scoped names, nested node_modules and .bin links.
func (b *layerBuilder) npmModules(files int) []npmPkg {
	g := b.g
	root := "app/node_modules"
	var pkgs []npmPkg
	seen := map[string]bool{}
	placed := 0
	for i := 0; placed < files; i++ {
		var name string
		var n int
		var dev bool
		if i < len(bigNpm) {
			name, n, dev = bigNpm[i].name, g.n(bigNpm[i].files), bigNpm[i].dev
		} else {
			name = g.word(3) + pick(g, []string{"", "", "-" + g.word(2), ".js", "-plugin-" + g.word(2)})
			if g.rng.IntN(4) == 0 {
				name = pick(g, npmScopes) + "/" + name
			}
			n, dev = g.count(18, 1.3, 2, 2500), g.rng.IntN(60) == 0
		}
		if seen[name] {
			continue
		}
		seen[name] = true
		p := npmPkg{name: name, dir: root + "/" + name, dev: dev, version: fmt.Sprintf("%d.%d.%d", g.rng.IntN(20), g.rng.IntN(40), g.rng.IntN(30))}
		placed += b.npmPackage(p, n)
		if g.rng.IntN(10) == 0 {
			p.bin = root + "/.bin/" + strings.TrimPrefix(name[strings.LastIndexByte(name, '/')+1:], "@")
			target := "bin/" + g.word(2) + ".js"
			b.file(p.dir+"/"+target, g.logNormal(3<<10, 1, 200, 64<<10), Text)
			b.symlink(p.bin, "../"+name+"/"+target)
			placed++
		}
		// Version conflicts nest a copy of a dependency inside the package.
		if g.rng.IntN(12) == 0 {
			for range 1 + g.rng.IntN(3) {
				placed += b.npmPackage(npmPkg{name: g.word(3), dir: p.dir + "/node_modules/" + g.word(3), version: "0.1.0"}, g.count(10, 1, 2, 300))
			}
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

// npmPackage adds one package directory of about n files and returns how
// many files it placed.
func (b *layerBuilder) npmPackage(p npmPkg, n int) int {
	g := b.g
	manifest, _ := json.Marshal(map[string]any{"name": p.name, "version": p.version, "main": "lib/index.js", "license": "MIT"})
	b.inline(p.dir+"/package.json", manifest)
	b.file(p.dir+"/README.md", g.logNormal(4<<10, 1, 100, 200<<10), Text)
	b.file(p.dir+"/LICENSE", 1100, Text)
	spec := treeSpec{files: max(0, n-3), dirNames: npmDirNames, maxDepth: 4, exts: npmExts, median: 1000, sigma: 1.3, content: Text}
	if p.name == "typescript" {
		spec.median, spec.maxDepth = 300<<10, 1 // a few huge compiler bundles
	}
	if p.name == "@swc/core-linux-x64-gnu" || p.name == "@esbuild/linux-x64" {
		b.file(p.dir+"/"+g.word(2)+".node", g.bytes(24<<20), Binary) // a native binary
	}
	b.tree(p.dir, spec)
	return n
}

// npmLock renders a package-lock.json (lockfile v3) for the installed packages.
func npmLock(pkgs []npmPkg) []byte {
	type entry struct {
		Name            string            `json:"name,omitempty"`
		Version         string            `json:"version"`
		Resolved        string            `json:"resolved,omitempty"`
		Dev             bool              `json:"dev,omitempty"`
		Dependencies    map[string]string `json:"dependencies,omitempty"`
		DevDependencies map[string]string `json:"devDependencies,omitempty"`
	}
	root := entry{Name: "app", Version: "1.0.0", Dependencies: map[string]string{}, DevDependencies: map[string]string{}}
	packages := map[string]entry{}
	for _, p := range pkgs {
		if p.dev {
			root.DevDependencies[p.name] = "^" + p.version
		} else {
			root.Dependencies[p.name] = "^" + p.version
		}
		packages["node_modules/"+p.name] = entry{Version: p.version, Dev: p.dev, Resolved: "https://registry.npmjs.org/" + p.name + "/-/" + p.version + ".tgz"}
	}
	packages[""] = root
	out, _ := json.MarshalIndent(map[string]any{"name": "app", "version": "1.0.0", "lockfileVersion": 3, "requires": true, "packages": packages}, "", "  ")
	return out
}

// appPackageJSON renders the application's package.json.
func appPackageJSON(pkgs []npmPkg) []byte {
	deps, dev := map[string]string{}, map[string]string{}
	for _, p := range pkgs {
		if p.dev {
			dev[p.name] = "^" + p.version
		} else {
			deps[p.name] = "^" + p.version
		}
	}
	out, _ := json.MarshalIndent(map[string]any{"name": "app", "version": "1.0.0", "private": true, "scripts": map[string]string{"build": "webpack --mode production", "start": "node dist/main.js"}, "dependencies": deps, "devDependencies": dev}, "", "  ")
	return out
}
