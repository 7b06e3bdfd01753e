package gen

import (
	"fmt"
	"path"
	"sort"
	"strings"
	"time"
)

// s2iScriptsDir is where the builder keeps its s2i scripts
// (io.openshift.s2i.scripts-url=image:///usr/libexec/s2i).
const s2iScriptsDir = "/usr/libexec/s2i"

// buildS2ITree is the builder's `COPY ./root/ /` layer: s2i scripts,
// fix-permissions and the nss_wrapper helper.
func buildS2ITree(lower *fsView) (*layerTree, error) {
	t := newLayerTree(lower)
	for _, f := range []struct {
		path    string
		mode    int64
		content string
	}{
		{s2iScriptsDir + "/assemble", 0o755, s2iAssemble},
		{s2iScriptsDir + "/run", 0o755, s2iRun},
		{s2iScriptsDir + "/save-artifacts", 0o755, s2iSaveArtifacts},
		{s2iScriptsDir + "/usage", 0o755, s2iUsage},
		{"/usr/bin/fix-permissions", 0o755, fixPermissions},
		{appRoot + "/etc/generate_container_user", 0o664, generateContainerUser},
	} {
		if err := t.add(entry{path: f.path, kind: kindFile, mode: f.mode, content: []byte(f.content), size: int64(len(f.content))}); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// appSourceFiles is the app's git checkout as OpenShift uploads it to the
// builder (a shallow clone of main, .git included).
func appSourceFiles(app appManifest, tree []npmPackage) ([]fileSpec, error) {
	pj, err := appPackageJSON(app)
	if err != nil {
		return nil, err
	}
	lock, _, err := appLockfiles(tree, app)
	if err != nil {
		return nil, err
	}
	text := func(rel, s string) fileSpec { return fileSpec{rel: rel, size: int64(len(s)), content: []byte(s)} }
	reflog := fmt.Sprintf("%s %s OpenShift Build <build@openshift.invalid> 1709553900 +0000\tclone: from %s\n",
		strings.Repeat("0", 40), demoCommit, demoSourceRepo)
	files := []fileSpec{
		text("server.js", serverJS),
		{rel: "package.json", size: int64(len(pj)), content: pj},
		{rel: "package-lock.json", size: int64(len(lock)), content: lock},
		text("README.md", appReadme),
		text(".gitignore", appGitignore),
		text(".eslintrc.json", appEslintrc),
		text("tsconfig.json", appTsconfig),
		text("test/server.test.js", appTest),
		text(".git/HEAD", "ref: refs/heads/main\n"),
		text(".git/config", gitConfig),
		text(".git/description", "Unnamed repository; edit this file 'description' to name the repository.\n"),
		text(".git/shallow", demoCommit+"\n"),
		text(".git/packed-refs", "# pack-refs with: peeled fully-peeled sorted \n"+demoCommit+" refs/remotes/origin/main\n"),
		text(".git/refs/heads/main", demoCommit+"\n"),
		text(".git/logs/HEAD", reflog),
		text(".git/logs/refs/heads/main", reflog),
		text(".git/info/exclude", "# git ls-files --others --exclude-from=.git/info/exclude\n# Lines that start with '#' are comments.\n# For a project mostly in C, the following would be a good set of\n# exclude patterns (uncomment them if you want to use them):\n# *.[oa]\n# *~\n"),
		{rel: ".git/index", size: 1_032},
		{rel: ".git/objects/pack/pack-" + hexName("pack")[:40] + ".pack", size: 71_514},
		{rel: ".git/objects/pack/pack-" + hexName("pack")[:40] + ".idx", size: 2_836},
	}
	for _, h := range []sizedName{
		{"applypatch-msg", 478}, {"commit-msg", 896}, {"fsmonitor-watchman", 4_655}, {"post-update", 189},
		{"pre-applypatch", 424}, {"pre-commit", 1_643}, {"pre-merge-commit", 416}, {"pre-push", 1_374},
		{"pre-rebase", 4_898}, {"pre-receive", 544}, {"prepare-commit-msg", 1_492},
		{"push-to-checkout", 2_783}, {"update", 3_650},
	} {
		files = append(files, fileSpec{rel: ".git/hooks/" + h.name + ".sample", size: h.size, exec: true})
	}
	return files, nil
}

// buildUploadTree is the s2i upload: the source copied to /tmp/src and owned
// by uid (0 for `COPY upload/src /tmp/src`, 1001 for the following
// `chown -R 1001:0 /tmp/src`, which rewrites every entry's metadata only).
func buildUploadTree(lower *fsView, src []fileSpec, uid int) (*layerTree, error) {
	t := newLayerTree(lower)
	t.dirUID = uid
	if err := t.add(entry{path: "/tmp/src", kind: kindDir, mode: 0o755, uid: uid}); err != nil {
		return nil, err
	}
	for _, f := range src {
		mode := int64(0o644)
		if f.exec {
			mode = 0o755
		}
		p := path.Join("/tmp/src", f.rel)
		for dir := path.Dir(p); dir != "/tmp/src"; dir = path.Dir(dir) {
			if t.get(dir) == nil || t.get(dir).implicit {
				if err := t.add(entry{path: dir, kind: kindDir, mode: 0o755, uid: uid}); err != nil {
					return nil, err
				}
			}
		}
		if err := t.add(entry{path: p, kind: kindFile, mode: mode, uid: uid, size: f.size, content: f.content}); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// buildAssembleTree is `RUN /usr/libexec/s2i/assemble` as uid 1001: the
// source moved from /tmp/src into $HOME (whiteouts in /tmp/src), npm install
// with dev dependencies, npm's cache and log, then fix-permissions (group 0,
// g+rw).
func buildAssembleTree(lower *fsView, app appManifest, tree []npmPackage, src []fileSpec, when time.Time) (*layerTree, error) {
	t := newLayerTree(lower)
	t.dirMode, t.dirUID, t.dirGID = 0o775, appUID, 0
	file := func(p string, f fileSpec) error {
		mode := int64(0o664)
		if f.exec {
			mode = 0o775
		}
		return t.add(entry{path: p, kind: kindFile, mode: mode, uid: appUID, size: f.size, content: f.content})
	}

	// mv /tmp/src/* ./ (dotglob): the directory stays, its children are gone.
	if err := t.add(entry{path: "/tmp/src", kind: kindDir, mode: 0o755, uid: appUID}); err != nil {
		return nil, err
	}
	tops := map[string]bool{}
	for _, f := range src {
		top, _, _ := strings.Cut(f.rel, "/")
		tops[top] = true
		if err := file(path.Join(appHome, f.rel), f); err != nil {
			return nil, err
		}
	}
	for top := range tops {
		if err := t.add(entry{path: path.Join("/tmp/src", top), kind: kindWhiteout}); err != nil {
			return nil, err
		}
	}

	// npm install.
	bins := map[string]string{}
	for _, p := range tree {
		files, err := npmPackageFiles(p)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			if err := file(path.Join(appHome, p.path, f.rel), f); err != nil {
				return nil, err
			}
		}
		for _, b := range npmBins()[p.path] {
			cmd, rel, _ := strings.Cut(b, "=")
			link := path.Join(appHome, npmParent(p.path), "node_modules/.bin", cmd)
			if prev, dup := bins[link]; dup {
				return nil, fmt.Errorf("linking %s: both %s and %s provide it", link, prev, p.path)
			}
			bins[link] = p.path
			target := path.Join("..", npmName(p.path), rel)
			if err := t.add(entry{path: link, kind: kindSymlink, mode: 0o777, uid: appUID, link: target}); err != nil {
				return nil, err
			}
		}
	}
	_, hidden, err := appLockfiles(tree, app)
	if err != nil {
		return nil, err
	}
	if err := file(path.Join(appHome, "node_modules/.package-lock.json"), fileSpec{size: int64(len(hidden)), content: hidden}); err != nil {
		return nil, err
	}

	// npm's cache and log in $HOME/.npm.
	cache, err := npmCacheFiles(tree, when)
	if err != nil {
		return nil, err
	}
	for _, f := range cache {
		if err := file(path.Join(appHome, ".npm", f.rel), f); err != nil {
			return nil, err
		}
	}
	log := npmDebugLog(tree, when)
	logName := strings.ReplaceAll(when.UTC().Format("2006-01-02T15:04:05.000Z"), ":", "_") + "-debug-0.log"
	for _, f := range []fileSpec{
		{rel: ".npm/_logs/" + logName, size: int64(len(log)), content: log},
		{rel: ".npm/_update-notifier-last-checked", size: 0},
	} {
		if err := file(path.Join(appHome, f.rel), f); err != nil {
			return nil, err
		}
	}
	if err := t.add(entry{path: appHome + "/.npm/_cacache/tmp", kind: kindDir, mode: 0o775, uid: appUID}); err != nil {
		return nil, err
	}
	return t, nil
}

// npmDebugLog renders the debug log npm 10 writes for an install.
func npmDebugLog(tree []npmPackage, when time.Time) []byte {
	var b strings.Builder
	n := 0
	line := func(format string, args ...any) {
		fmt.Fprintf(&b, "%d %s\n", n, fmt.Sprintf(format, args...))
		n++
	}
	line("verbose cli /usr/bin/node /usr/bin/npm")
	line("info using npm@%s", npmVersion)
	line("info using node@v%s", nodeVersion)
	line("timing npm:load:whichnode Completed in 1ms")
	line("timing config:load:defaults Completed in 2ms")
	line("timing config:load:file:/usr/lib/node_modules/npm/npmrc Completed in 1ms")
	line("timing config:load:builtin Completed in 1ms")
	line("timing config:load:cli Completed in 2ms")
	line("timing config:load:env Completed in 0ms")
	line("timing config:load:project Completed in 1ms")
	line("timing config:load:user Completed in 0ms")
	line("timing config:load:global Completed in 0ms")
	line("timing npm:load Completed in 19ms")
	line("verbose title npm install")
	line("verbose argv \"install\"")
	line("verbose logfile logs-max:10 dir:%s/.npm/_logs/%s-", appHome, strings.ReplaceAll(when.UTC().Format("2006-01-02T15:04:05.000Z"), ":", "_"))
	line("timing idealTree:init Completed in 41ms")
	seen := map[string]bool{}
	paths := make([]string, 0, len(tree))
	versions := map[string]string{}
	for _, p := range tree {
		paths = append(paths, p.path)
		versions[p.path] = p.version
	}
	sort.Strings(paths)
	for i, p := range paths {
		name := npmName(p)
		key := name + "@" + versions[p]
		if seen[key] {
			continue
		}
		seen[key] = true
		line("http fetch GET 200 %s %dms (cache miss)", npmTarballURL(name, versions[p]), 40+(i*37)%260)
	}
	line("timing reifyNode:node_modules/bcrypt Completed in 2210ms")
	line("timing reify:build Completed in 2391ms")
	line("timing reify:save Completed in 12ms")
	line("timing reify Completed in 9184ms")
	line("verbose exit 0")
	line("timing npm Completed in 9303ms")
	line("info ok")
	return []byte(b.String())
}

// buildCleanupTree is the follow-up `USER 0` + RUN that tidies the image:
// rm -rf /tmp/* (whiteout), drops npm's logs and recreates the directory
// (opaque directory), empties the base repository's yum package cache (file
// whiteouts; the updates repository and metadata stay), and chmod -R o-rwx on
// a few app files, which re-adds them unchanged but for their mode.
func buildCleanupTree(lower *fsView) (*layerTree, error) {
	t := newLayerTree(lower)
	add := func(e entry) error { return t.add(e) }
	if err := add(entry{path: "/tmp/src", kind: kindWhiteout}); err != nil {
		return nil, err
	}
	logs := appHome + "/.npm/_logs"
	if err := add(entry{path: logs, kind: kindDir, mode: 0o775, uid: appUID}); err != nil {
		return nil, err
	}
	if err := add(entry{path: logs, kind: kindOpaque}); err != nil {
		return nil, err
	}
	const cachedPkgs = "/var/cache/yum/x86_64/7/updates/packages"
	for _, p := range lower.under(cachedPkgs) {
		if err := add(entry{path: p, kind: kindWhiteout}); err != nil {
			return nil, err
		}
	}
	for _, root := range chmodTargets() {
		paths := append([]string{root}, lower.under(root)...)
		for _, p := range paths {
			old := lower.get(p)
			if old == nil {
				return nil, fmt.Errorf("changing the mode of %s: not in the lower layers", p)
			}
			e := *old
			e.mode &^= 0o007
			e.implicit = false
			if err := add(e); err != nil {
				return nil, err
			}
		}
	}
	return t, nil
}

// chmodTargets are the paths the cleanup layer runs `chmod -R o-rwx` on.
func chmodTargets() []string {
	return []string{appHome + "/server.js", appHome + "/package.json", appHome + "/node_modules/bcrypt"}
}
