package gen

import (
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"path"
	"sort"
	"strings"
)

// npmName is the package name of an install path
// (node_modules/a/node_modules/@s/b -> @s/b).
func npmName(p string) string {
	i := strings.LastIndex(p, "node_modules/")
	if i < 0 {
		return p
	}
	return p[i+len("node_modules/"):]
}

// npmParent is the install path of the package whose node_modules holds p,
// or "" for the project root.
func npmParent(p string) string {
	i := strings.LastIndex(p, "node_modules/")
	if i <= 0 {
		return ""
	}
	return strings.TrimSuffix(p[:i], "/")
}

// resolveNodeModule applies Node's module resolution: look for name in
// from/node_modules, then in each ancestor's node_modules up to the root.
func resolveNodeModule(installed map[string]npmPackage, from, name string) (string, bool) {
	for dir := from; ; dir = npmParent(dir) {
		cand := path.Join(dir, "node_modules", name)
		if _, ok := installed[cand]; ok {
			return cand, true
		}
		if dir == "" {
			return "", false
		}
	}
}

// npmIndex maps install paths to packages.
func npmIndex(tree []npmPackage) map[string]npmPackage {
	m := make(map[string]npmPackage, len(tree))
	for _, p := range tree {
		m[p.path] = p
	}
	return m
}

// npmDevOnly returns the install paths reachable only from devDependencies:
// the entries npm marks "dev": true. It fails if a dependency cannot be
// resolved, so the table can never describe a broken tree.
func npmDevOnly(tree []npmPackage, app appManifest) (map[string]bool, error) {
	installed := npmIndex(tree)
	reach := func(roots []string) (map[string]bool, error) {
		seen := map[string]bool{}
		type item struct{ from, dep string }
		var queue []item
		for _, d := range roots {
			queue = append(queue, item{"", d})
		}
		for len(queue) > 0 {
			it := queue[0]
			queue = queue[1:]
			name, _ := splitDep(it.dep)
			p, ok := resolveNodeModule(installed, it.from, name)
			if !ok {
				return nil, fmt.Errorf("resolving %s from %q: not installed", it.dep, it.from)
			}
			if seen[p] {
				continue
			}
			seen[p] = true
			for _, d := range installed[p].deps {
				queue = append(queue, item{p, d})
			}
		}
		return seen, nil
	}
	prod, err := reach(app.deps)
	if err != nil {
		return nil, err
	}
	dev, err := reach(app.devDeps)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, p := range tree {
		if !prod[p.path] && !dev[p.path] {
			return nil, fmt.Errorf("resolving %s: not reachable from the app's dependencies", p.path)
		}
		if dev[p.path] && !prod[p.path] {
			out[p.path] = true
		}
	}
	return out, nil
}

// npmIntegrity returns a stable, well-formed SRI string standing in for the
// registry tarball's sha512, and its hex form (cacache's content path).
func npmIntegrity(kind, name, version string) (sri, hexDigest string) {
	sum := sha512.Sum512([]byte("slimcheck demo " + kind + " " + name + "@" + version))
	return "sha512-" + base64.StdEncoding.EncodeToString(sum[:]), hex.EncodeToString(sum[:])
}

// npmTarballURL is the registry URL npm resolves name@version to.
func npmTarballURL(name, version string) string {
	base := name
	if i := strings.LastIndex(name, "/"); i >= 0 {
		base = name[i+1:]
	}
	return fmt.Sprintf("https://registry.npmjs.org/%s/-/%s-%s.tgz", name, base, version)
}

// npmPackageJSON renders a package's own package.json.
func npmPackageJSON(p npmPackage) ([]byte, error) {
	name := npmName(p.path)
	obj := jsonObject{{"name", name}, {"version", p.version}}
	license := "MIT"
	if l, ok := npmLicenses()[name]; ok {
		license = l
	}
	obj = append(obj, jsonField{"license", license})
	if name != "typescript" && !strings.HasPrefix(name, "@types/") {
		obj = append(obj, jsonField{"main", "index.js"})
	}
	if bins := npmBins()[p.path]; len(bins) > 0 {
		obj = append(obj, jsonField{"bin", binObject(bins)})
	}
	if s, ok := npmInstallScripts()[p.path]; ok {
		obj = append(obj, jsonField{"scripts", jsonObject{{"install", s}}})
	}
	if name == "bcrypt" {
		obj = append(obj, jsonField{"gypfile", true}, jsonField{"binary", jsonObject{
			{"module_name", "bcrypt_lib"},
			{"module_path", "./lib/binding/napi-v{napi_build_version}"},
			{"package_name", "{module_name}-v{version}-napi-v{napi_build_version}-{platform}-{arch}-{libc}.tar.gz"},
			{"host", "https://github.com"},
			{"remote_path", "kelektiv/node.bcrypt.js/releases/download/v{version}"},
			{"napi_versions", []int{3}},
		}})
	}
	if len(p.deps) > 0 {
		obj = append(obj, jsonField{"dependencies", depsObject(p.deps)})
	}
	if opt := npmOptional()[p.path]; len(opt) > 0 {
		obj = append(obj, jsonField{"optionalDependencies", depsObject(opt)})
	}
	return renderJSON(obj)
}

// binObject turns "cmd=path" strings into a "bin" object.
func binObject(bins []string) jsonObject {
	o := jsonObject{}
	for _, b := range bins {
		cmd, rel, _ := strings.Cut(b, "=")
		o = append(o, jsonField{cmd, rel})
	}
	return o
}

// npmLockEntry renders one "packages" entry of a v3 lockfile.
func npmLockEntry(p npmPackage, dev bool) jsonObject {
	name := npmName(p.path)
	sri, _ := npmIntegrity("tarball", name, p.version)
	e := jsonObject{
		{"version", p.version},
		{"resolved", npmTarballURL(name, p.version)},
		{"integrity", sri},
	}
	if dev {
		e = append(e, jsonField{"dev", true})
	}
	if _, ok := npmInstallScripts()[p.path]; ok {
		e = append(e, jsonField{"hasInstallScript", true})
	}
	if len(p.deps) > 0 {
		e = append(e, jsonField{"dependencies", depsObject(p.deps)})
	}
	if opt := npmOptional()[p.path]; len(opt) > 0 {
		e = append(e, jsonField{"optionalDependencies", depsObject(opt)})
	}
	if bins := npmBins()[p.path]; len(bins) > 0 {
		e = append(e, jsonField{"bin", binObject(bins)})
	}
	return e
}

// fseventsLockEntry is the macOS-only optional dependency of chokidar: npm
// records it in package-lock.json but skips it on Linux, so it is absent from
// node_modules and from the hidden lockfile.
func fseventsLockEntry() (string, jsonObject) {
	sri, _ := npmIntegrity("tarball", "fsevents", "2.3.3")
	return "node_modules/fsevents", jsonObject{
		{"version", "2.3.3"},
		{"resolved", npmTarballURL("fsevents", "2.3.3")},
		{"integrity", sri},
		{"dev", true},
		{"hasInstallScript", true},
		{"optional", true},
		{"os", []string{"darwin"}},
		{"engines", jsonObject{{"node", "^8.16.0 || ^10.6.0 || >=11.0.0"}}},
	}
}

// appPackageJSON renders the app's package.json.
func appPackageJSON(app appManifest) ([]byte, error) {
	return renderJSON(jsonObject{
		{"name", app.name},
		{"version", app.version},
		{"description", app.description},
		{"main", "server.js"},
		{"scripts", jsonObject{
			{"start", "node server.js"},
			{"dev", "nodemon server.js"},
			{"build", "tsc -p ."},
			{"lint", "eslint ."},
			{"test", "mocha"},
		}},
		{"repository", jsonObject{{"type", "git"}, {"url", demoSourceRepo}}},
		{"license", "MIT"},
		{"dependencies", depsObject(app.deps)},
		{"devDependencies", depsObject(app.devDeps)},
		{"engines", jsonObject{{"node", ">=20"}}},
	})
}

// appLockfiles renders package-lock.json and node_modules/.package-lock.json
// (npm's hidden lockfile, which lists exactly what is installed).
func appLockfiles(tree []npmPackage, app appManifest) (lock, hidden []byte, err error) {
	devOnly, err := npmDevOnly(tree, app)
	if err != nil {
		return nil, nil, err
	}
	sorted := append([]npmPackage(nil), tree...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].path < sorted[j].path })

	fsPath, fsEntry := fseventsLockEntry()
	var full, installed jsonObject
	full = append(full, jsonField{"", jsonObject{
		{"name", app.name},
		{"version", app.version},
		{"license", "MIT"},
		{"dependencies", depsObject(app.deps)},
		{"devDependencies", depsObject(app.devDeps)},
		{"engines", jsonObject{{"node", ">=20"}}},
	}})
	fsAdded := false
	for _, p := range sorted {
		if !fsAdded && fsPath < p.path {
			full = append(full, jsonField{fsPath, fsEntry})
			fsAdded = true
		}
		e := npmLockEntry(p, devOnly[p.path])
		full = append(full, jsonField{p.path, e})
		installed = append(installed, jsonField{p.path, e})
	}
	if !fsAdded {
		full = append(full, jsonField{fsPath, fsEntry})
	}
	head := func(pkgs jsonObject) jsonObject {
		return jsonObject{
			{"name", app.name},
			{"version", app.version},
			{"lockfileVersion", 3},
			{"requires", true},
			{"packages", pkgs},
		}
	}
	if lock, err = renderJSON(head(full)); err != nil {
		return nil, nil, fmt.Errorf("rendering package-lock.json: %w", err)
	}
	if hidden, err = renderJSON(head(installed)); err != nil {
		return nil, nil, fmt.Errorf("rendering node_modules/.package-lock.json: %w", err)
	}
	return lock, hidden, nil
}
