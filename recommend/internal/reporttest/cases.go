package reporttest

import (
	"github.com/slimcheck/slimcheck/report"
)

// Case is a named test image.
type Case struct {
	Name   string
	Report *report.Report
}

// Cases returns the images the recommender is tested on.
func Cases() []Case {
	return []Case{
		{"node-s2i", NodeS2I()},
		{"python-debian", PythonDebian()},
		{"java-maven", JavaMaven()},
		{"go-static", GoStatic()},
		{"already-slim", AlreadySlim()},
	}
}

const (
	s2iPath  = "/opt/app-root/src/node_modules/.bin/:/opt/app-root/src/.npm-global/bin/:/opt/app-root/src/bin:/opt/app-root/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	appHome  = "/opt/app-root/src"
	stdPath  = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	nodeDesc = "Node.js 20 available as container is a base platform for building and running various Node.js 20 applications and frameworks."
)

// NodeS2I is the equivalent of the demo image: a Node.js 20 app built by
// OpenShift's s2i strategy on ubi8/nodejs-20, with the compilers, the yum
// and npm caches, dev dependencies and docs left in.
func NodeS2I() *report.Report {
	lock := 0 // evidence: the npm lockfile
	pkg := func(name string) int { return 1 + map[string]int{"glibc": 0, "gcc": 1, "nodejs": 2}[name] }
	app := func(es []Entry) []Entry { return Owned(es, 1001, 0) }
	dev := func(name string, files int, size int64) []Entry {
		return app(WithEvidence(Tree(appHome+"/node_modules/"+name, "f", files, size, report.DevDependencies), lock))
	}
	prod := func(name string, files int, size int64) []Entry {
		return app(Tree(appHome+"/node_modules/"+name, "f", files, size, report.App))
	}
	return Build(Spec{
		Reference: "quay.io/example/nodejs-hello:1.0",
		Config: report.Config{
			User: "1001", Cmd: []string{"/usr/libexec/s2i/run"}, WorkingDir: appHome,
			ExposedPorts: []string{"8080/tcp"},
			Env: Env("PATH", s2iPath, "SUMMARY", "Platform for building and running Node.js 20 applications", "DESCRIPTION", nodeDesc,
				"NODEJS_VERSION", "20", "NODE_VERSION", "20.11.1", "NPM_RUN", "start", "NAME", "nodejs",
				"NPM_CONFIG_PREFIX", appHome+"/.npm-global", "APP_ROOT", "/opt/app-root", "HOME", appHome,
				"STI_SCRIPTS_PATH", "/usr/libexec/s2i", "OPENSHIFT_BUILD_NAME", "nodejs-hello-1",
				"OPENSHIFT_BUILD_NAMESPACE", "demo", "OPENSHIFT_BUILD_SOURCE", "https://github.com/example/nodejs-hello.git",
				"OPENSHIFT_BUILD_REFERENCE", "main", "OPENSHIFT_BUILD_COMMIT", "4b8d1f0c2a7e9d3b5f6a1c0e8d7b2a4f9e3c1d5b",
				"NODE_ENV", "production"),
			Labels: Labels("summary", "Platform for building and running Node.js 20 applications", "description", nodeDesc,
				"io.k8s.display-name", "Node.js 20", "io.openshift.expose-services", "8080:http",
				"io.openshift.tags", "builder,nodejs,nodejs20", "io.openshift.s2i.scripts-url", "image:///usr/libexec/s2i",
				"io.s2i.scripts-url", "image:///usr/libexec/s2i", "name", "ubi8/nodejs-20", "version", "1",
				"maintainer", "SoftwareCollections.org <sclorg@redhat.com>", "com.redhat.component", "nodejs-20-container",
				"io.openshift.build.image", "registry.access.redhat.com/ubi8/nodejs-20:latest",
				"io.openshift.build.source-location", "https://github.com/example/nodejs-hello.git",
				"io.openshift.build.commit.ref", "main", "io.openshift.build.commit.id", "4b8d1f0c2a7e9d3b5f6a1c0e8d7b2a4f9e3c1d5b",
				"io.openshift.build.name", "nodejs-hello-1", "io.openshift.build.namespace", "demo",
				"org.example.team", "web"),
		},
		Ecosystem: report.Ecosystem{Name: "node", Version: "20.11.1", AppDir: appHome, User: "1001", Libc: "glibc",
			Entrypoint: []string{"/usr/libexec/s2i/run"},
			NativeAddons: []report.NativeAddon{{Path: appHome + "/node_modules/bcrypt/lib/binding/napi-v3/bcrypt_lib.node", Libc: "glibc",
				Needed: []string{"libstdc++.so.6", "libm.so.6", "libgcc_s.so.1", "libpthread.so.0", "libc.so.6"}}}},
		Packages: []report.Package{
			{Name: "glibc", Version: "2.28-251.el8_10.2", Manager: "rpm", Category: report.OSBase, Bytes: 12 * MB},
			{Name: "gcc", Version: "8.5.0-22.el8_10", Manager: "rpm", Category: report.BuildToolchain, Bytes: 60 * MB},
			{Name: "nodejs", Version: "20.11.1-1.module+el8", Manager: "rpm", Category: report.Runtime, Bytes: 55 * MB},
			{Name: "redhat-release", Version: "8.10-0.3.el8", Manager: "rpm", Category: report.OSBase},
		},
		Databases: []report.Database{{Manager: "rpm", Path: "/var/lib/rpm/rpmdb.sqlite", Layer: 0, Packages: 4}},
		Evidence: []report.Evidence{
			{Kind: "lockfile", Source: appHome + "/package-lock.json", Detail: `lockfileVersion 3 "dev": true`},
			{Kind: "package", Package: "glibc", Manager: "rpm"},
			{Kind: "package", Package: "gcc", Manager: "rpm"},
			{Kind: "package", Package: "nodejs", Manager: "rpm"},
		},
		Rewrites: []report.Rewrite{
			{Path: "/tmp/src/server.js", Layer: 4, Lower: 3, Bytes: 1_200, OwnerChanged: true},
			{Path: "/tmp/src/package.json", Layer: 4, Lower: 3, Bytes: 800, OwnerChanged: true},
			{Path: "/tmp/src/package-lock.json", Layer: 4, Lower: 3, Bytes: 1_500_000, OwnerChanged: true},
		},
		Layers: []Layer{
			{CreatedBy: "/bin/sh -c #(nop) ADD file:5b1e63a3cb041177b802b501dedcd71a86f1773ea0f69f048f2eb3901097711d in / ", Entries: Join(
				WithEvidence([]Entry{Exec("/usr/lib64/libc.so.6", 3_200_000, report.OSBase), Exec("/usr/lib64/libm.so.6", 1_500_000, report.OSBase),
					Exec("/usr/lib64/libstdc++.so.6.0.25", 1_700_000, report.OSBase)}, pkg("glibc")),
				[]Entry{Symlink("/usr/lib64/libstdc++.so.6", "libstdc++.so.6.0.25", report.OSBase), Symlink("/lib64", "usr/lib64", report.OSBase),
					Exec("/usr/bin/bash", 1_200_000, report.OSBase), Exec("/usr/bin/rm", 70_000, report.OSBase),
					File("/etc/pki/tls/certs/ca-bundle.crt", 220_000, report.OSBase), File("/var/lib/rpm/rpmdb.sqlite", 9_000_000, report.OSBase)},
				Tree("/usr/share/doc/setup", "doc", 40, 4*MB, report.Docs),
				Tree("/usr/lib64/base", "lib", 200, 180*MB, report.OSBase),
			)},
			{CreatedBy: "/bin/sh -c yum -y module enable nodejs:20 && INSTALL_PKGS=\"nodejs npm make gcc gcc-c++ git\" && yum install -y --setopt=tsflags=nodocs $INSTALL_PKGS && rpm -V $INSTALL_PKGS", Entries: Join(
				WithEvidence([]Entry{Exec("/usr/bin/node", 80*MB, report.Runtime)}, pkg("nodejs")),
				Tree("/usr/lib/node_modules/npm", "npm", 300, 9*MB, report.Runtime),
				[]Entry{Exec("/usr/lib/node_modules/npm/bin/npm-cli.js", 3_000, report.Runtime)},
				Symlink("/usr/bin/npm", "../lib/node_modules/npm/bin/npm-cli.js", report.Runtime).list(),
				WithEvidence(Tree("/usr/libexec/gcc/x86_64-redhat-linux/8", "cc1", 6, 70*MB, report.BuildToolchain), pkg("gcc")),
				Tree("/usr/include", "h", 800, 30*MB, report.BuildToolchain),
				Tree("/var/cache/yum/x86_64/8/appstream/packages", "rpm", 40, 95*MB, report.PackageCache),
				Tree("/usr/share/doc/gcc", "doc", 60, 6*MB, report.Docs),
				Tree("/usr/share/man/man1", "man", 300, 12*MB, report.Docs),
			)},
			{CreatedBy: "/bin/sh -c #(nop) COPY dir:0f6e2b9a1c3d4e5f67890abcdef1234567890abcdef1234567890abcdef12 in /usr/libexec/s2i ", Entries: []Entry{
				Exec("/usr/libexec/s2i/assemble", 6_000, report.OSBase), Exec("/usr/libexec/s2i/run", 1_500, report.OSBase),
				Exec("/usr/libexec/s2i/usage", 900, report.OSBase), Dir(appHome).Own(1001, 0)}},
			{CreatedBy: "/bin/sh -c #(nop) COPY dir:7c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d in /tmp/src ", Entries: []Entry{
				File("/tmp/src/server.js", 1_200, report.Temp), File("/tmp/src/package.json", 800, report.Temp),
				File("/tmp/src/package-lock.json", 1_500_000, report.Temp), File("/tmp/src/README.md", 2_000, report.Temp)}},
			{CreatedBy: "/bin/sh -c chown -R 1001:0 /tmp/src", Entries: Owned([]Entry{
				File("/tmp/src/server.js", 1_200, report.Temp), File("/tmp/src/package.json", 800, report.Temp),
				File("/tmp/src/package-lock.json", 1_500_000, report.Temp)}, 1001, 0)},
			{CreatedBy: "/bin/sh -c /usr/libexec/s2i/assemble", Entries: Join(
				[]Entry{Whiteout("/tmp/src")},
				app([]Entry{File(appHome+"/server.js", 1_200, report.App), File(appHome+"/package.json", 800, report.App),
					File(appHome+"/package-lock.json", 1_500_000, report.App), File(appHome+"/README.md", 2_000, report.Docs),
					Exec(appHome+"/node_modules/bcrypt/lib/binding/napi-v3/bcrypt_lib.node", 1_100_000, report.App),
					File(appHome+"/node_modules/bcrypt/README.md", 12_322, report.Docs),
					Symlink(appHome+"/node_modules/.bin/tsc", "../typescript/bin/tsc", report.DevDependencies).Ev(lock),
				}),
				prod("express", 60, 2_100_000), prod("dotenv", 10, 80_000), prod("bcrypt/lib", 12, 400_000),
				app(Tree(appHome+"/node_modules/express/docs", "doc", 8, 300_000, report.Docs)),
				dev("typescript", 120, 65*MB), dev("eslint", 400, 9*MB), dev("mocha", 150, 2*MB), dev("@types/node", 90, 4*MB),
				dev("nodemon", 60, 1*MB),
				app(Tree(appHome+"/.npm/_cacache/content-v2/sha512", "blob", 500, 48*MB, report.PackageCache)),
				app(Tree(appHome+"/.npm/_logs", "log", 3, 60_000, report.PackageCache)),
			)},
		},
	})
}

// list wraps one entry.
func (e Entry) list() []Entry { return []Entry{e} }

// PythonDebian is a Flask app on python:3.12 (Debian 12) with
// build-essential, apt lists and pip's cache left behind, and a secret in ENV.
func PythonDebian() *report.Report {
	site := "/usr/local/lib/python3.12/site-packages"
	return Build(Spec{
		Reference: "registry.example.com/shop/api:2.3",
		Config: report.Config{
			Cmd: []string{"gunicorn", "-b", "0.0.0.0:8000", "app:app"}, WorkingDir: "/app",
			ExposedPorts: []string{"8000/tcp"}, User: "appuser",
			Env: Env("PATH", "/usr/local/bin:"+stdPath, "LANG", "C.UTF-8", "GPG_KEY", "7169605F62C751356D054A26A821E680E5FA6305",
				"PYTHON_VERSION", "3.12.1", "PYTHON_SHA256", "8dfb8f426fcd226657f9e2bd5f1e96e53264965176fa17d32658e873591aeb21",
				"FLASK_ENV", "production", "SECRET_KEY", "s3cr3t-value-never-printed", "DATABASE_URL", "postgres://shop:hunter2@db:5432/shop",
				"PIP_NO_CACHE_DIR", ""),
			Labels:      Labels("org.opencontainers.image.source", "https://github.com/example/shop-api"),
			Healthcheck: &report.Healthcheck{Test: []string{"CMD-SHELL", "curl -f http://localhost:8000/health || exit 1"}, Interval: 30e9, Retries: 3},
		},
		Ecosystem: report.Ecosystem{Name: "python", Version: "3.12.1", AppDir: "/app", Libc: "glibc", User: "appuser",
			NativeAddons: []report.NativeAddon{{Path: site + "/psycopg2/_psycopg.cpython-312-x86_64-linux-gnu.so", Libc: "glibc",
				Needed: []string{"libpq.so.5", "libpthread.so.0", "libc.so.6"}}}},
		Packages: []report.Package{
			{Name: "libc6", Version: "2.36-9+deb12u4", Manager: "dpkg", Category: report.OSBase},
			{Name: "base-files", Version: "12.4+deb12u4", Manager: "dpkg", Category: report.OSBase},
			{Name: "build-essential", Version: "12.9", Manager: "dpkg", Category: report.BuildToolchain},
			{Name: "libpq5", Version: "15.5-0+deb12u1", Manager: "dpkg", Category: report.OSBase},
		},
		Databases: []report.Database{{Manager: "dpkg", Path: "/var/lib/dpkg/status", Layer: 0, Packages: 4}},
		Layers: []Layer{
			{CreatedBy: "/bin/sh -c #(nop) ADD file:b4cf4ee2bd9fca9b2ff7d1ecbc4d2e0d1c8a1f0e2d3c4b5a69788796a5b4c3d2 in / ", Entries: Join(
				[]Entry{Exec("/usr/lib/x86_64-linux-gnu/libc.so.6", 2_000_000, report.OSBase), Exec("/usr/bin/rm", 70_000, report.OSBase),
					Exec("/usr/bin/bash", 1_300_000, report.OSBase), File("/var/lib/dpkg/status", 400_000, report.OSBase)},
				Tree("/usr/lib/x86_64-linux-gnu/base", "so", 300, 70*MB, report.OSBase),
			)},
			{CreatedBy: "/bin/sh -c set -eux; apt-get update; apt-get install -y --no-install-recommends ca-certificates curl gnupg netbase wget; rm -rf /var/lib/apt/lists/*", Entries: Tree("/usr/lib/x86_64-linux-gnu/curl", "so", 40, 12*MB, report.OSBase)},
			{CreatedBy: "/bin/sh -c apt-get update && apt-get install -y --no-install-recommends autoconf automake bzip2 dpkg-dev file g++ gcc make libssl-dev zlib1g-dev && rm -rf /var/lib/apt/lists/*", Entries: Join(
				Tree("/usr/lib/gcc/x86_64-linux-gnu/12", "cc1", 10, 160*MB, report.BuildToolchain),
				Tree("/usr/include", "h", 900, 40*MB, report.BuildToolchain))},
			{CreatedBy: "/bin/sh -c set -eux; wget -O python.tar.xz \"https://www.python.org/ftp/python/${PYTHON_VERSION%%[a-z]*}/Python-$PYTHON_VERSION.tar.xz\"; ./configure; make -j; make install; python3 --version", Entries: Join(
				[]Entry{Exec("/usr/local/bin/python3.12", 20_000, report.Runtime), Exec("/usr/local/lib/libpython3.12.so.1.0", 25*MB, report.Runtime)},
				Tree("/usr/local/lib/python3.12/encodings", "py", 120, 30*MB, report.Runtime),
				Tree(site+"/pip", "py", 900, 12*MB, report.Runtime))},
			{CreatedBy: "/bin/sh -c set -eux; for src in idle3 pip3 pydoc3 python3 python3-config; do dst=\"$(echo \"$src\" | tr -d 3)\"; ln -svT \"$src\" \"/usr/local/bin/$dst\"; done", Entries: []Entry{
				Symlink("/usr/local/bin/python", "python3", report.Runtime), Symlink("/usr/local/bin/python3", "python3.12", report.Runtime),
				Symlink("/usr/local/bin/pip", "pip3", report.Runtime), Exec("/usr/local/bin/pip3", 230, report.Runtime)}},
			{CreatedBy: "WORKDIR /app # buildkit", Entries: []Entry{Dir("/app")}},
			{CreatedBy: "RUN /bin/sh -c apt-get update && apt-get install -y build-essential libpq-dev # buildkit", Entries: Join(
				Tree("/var/lib/apt/lists", "deb.debian.org_debian_dists_bookworm", 6, 45*MB, report.PackageCache),
				Tree("/usr/lib/gcc/x86_64-linux-gnu/12/plugin", "so", 30, 20*MB, report.BuildToolchain),
				Tree("/usr/share/doc/libpq-dev", "doc", 80, 9*MB, report.Docs),
				[]Entry{Exec("/usr/lib/x86_64-linux-gnu/libpq.so.5.15", 330_000, report.OSBase),
					Symlink("/usr/lib/x86_64-linux-gnu/libpq.so.5", "libpq.so.5.15", report.OSBase),
					File("/var/cache/apt/pkgcache.bin", 30*MB, report.PackageCache)})},
			{CreatedBy: "RUN /bin/sh -c useradd --create-home appuser # buildkit", Entries: []Entry{File("/etc/passwd", 1_300, report.OSBase), Dir("/home/appuser")}},
			{CreatedBy: "COPY requirements.txt . # buildkit", Entries: []Entry{File("/app/requirements.txt", 300, report.App)}},
			{CreatedBy: "RUN /bin/sh -c pip install -r requirements.txt # buildkit", Entries: Join(
				Tree("/root/.cache/pip/http-v2", "blob", 200, 80*MB, report.PackageCache),
				Tree(site+"/flask", "py", 40, 1*MB, report.App), Tree(site+"/flask-3.0.0.dist-info", "m", 6, 40_000, report.App),
				Tree(site+"/werkzeug", "py", 60, 2*MB, report.App), Tree(site+"/jinja2", "py", 30, 1*MB, report.App),
				Tree(site+"/gunicorn", "py", 50, 800_000, report.App), Tree(site+"/psycopg2", "py", 10, 600_000, report.App),
				[]Entry{Exec(site+"/psycopg2/_psycopg.cpython-312-x86_64-linux-gnu.so", 3*MB, report.App),
					Exec("/usr/local/bin/gunicorn", 230, report.App), Exec("/usr/local/bin/flask", 220, report.App)},
				Tree(site+"/sqlalchemy", "py", 300, 12*MB, report.App), Tree(site+"/markupsafe", "py", 5, 50_000, report.App),
				Tree(site+"/itsdangerous", "py", 5, 50_000, report.App), Tree(site+"/click", "py", 16, 400_000, report.App),
				Tree(site+"/blinker", "py", 4, 30_000, report.App), Tree(site+"/greenlet", "py", 12, 900_000, report.App))},
			{CreatedBy: "COPY . . # buildkit", Entries: Join(
				[]Entry{File("/app/app.py", 6_000, report.App), File("/app/wsgi.py", 300, report.App)},
				Tree("/app/shop", "py", 40, 400_000, report.App),
				Tree("/app/static", "css", 20, 2*MB, report.App),
				Tree("/app/.git/objects/pack", "pack", 4, 25*MB, report.Temp))},
		},
	})
}

// JavaMaven is a Spring Boot jar built with Maven in
// maven:3-eclipse-temurin-21, with ~/.m2 and the sources left in.
func JavaMaven() *report.Report {
	return Build(Spec{
		Reference: "ghcr.io/example/orders:0.9.1",
		Config: report.Config{
			Entrypoint: []string{"/usr/local/bin/mvn-entrypoint.sh"}, Cmd: []string{"java", "-jar", "target/orders-0.9.1.jar"},
			WorkingDir: "/app", ExposedPorts: []string{"8080/tcp"},
			Env: Env("PATH", "/opt/java/openjdk/bin:"+stdPath, "JAVA_HOME", "/opt/java/openjdk", "LANG", "en_US.UTF-8",
				"JAVA_VERSION", "jdk-21.0.2+13", "MAVEN_HOME", "/usr/share/maven", "MAVEN_CONFIG", "/root/.m2",
				"SPRING_PROFILES_ACTIVE", "prod", "JAVA_OPTS", "-XX:MaxRAMPercentage=75"),
		},
		Ecosystem: report.Ecosystem{Name: "java", Version: "21.0.2", AppDir: "/app", Libc: "glibc"},
		Packages: []report.Package{
			{Name: "libc6", Version: "2.39-0ubuntu8.3", Manager: "dpkg", Category: report.OSBase},
			{Name: "base-files", Version: "13ubuntu10.1", Manager: "dpkg", Category: report.OSBase},
		},
		Databases: []report.Database{{Manager: "dpkg", Path: "/var/lib/dpkg/status", Layer: 0, Packages: 2}},
		Layers: []Layer{
			{CreatedBy: "/bin/sh -c #(nop) ADD file:ac9d5a9d5b9b1217ac4c6a2a1c6e4d1f7a8c9b0d1e2f3a4b5c6d7e8f9a0b1c2d in / ", Entries: Join(
				[]Entry{Exec("/usr/bin/rm", 70_000, report.OSBase), Exec("/usr/bin/bash", 1_400_000, report.OSBase)},
				Tree("/usr/lib/x86_64-linux-gnu/base", "so", 300, 75*MB, report.OSBase))},
			{CreatedBy: "RUN /bin/sh -c set -eux; apt-get update; DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends tzdata curl wget ca-certificates fontconfig locales binutils; rm -rf /var/lib/apt/lists/* # buildkit", Entries: Tree("/usr/share/zoneinfo", "tz", 600, 4*MB, report.OSBase)},
			{CreatedBy: "RUN /bin/sh -c set -eux; ARCH=\"$(dpkg --print-architecture)\"; BINARY_URL='https://github.com/adoptium/temurin21-binaries/releases/download/jdk-21.0.2%2B13/OpenJDK21U-jdk_x64_linux_hotspot_21.0.2_13.tar.gz'; curl -LfsSo /tmp/openjdk.tar.gz ${BINARY_URL}; echo \"${ESUM} */tmp/openjdk.tar.gz\" | sha256sum -c -; tar -xf /tmp/openjdk.tar.gz -C /opt/java/openjdk # buildkit", Entries: Join(
				[]Entry{Exec("/opt/java/openjdk/bin/java", 12_000, report.Runtime)},
				Tree("/opt/java/openjdk/lib", "so", 120, 260*MB, report.Runtime),
				Tree("/opt/java/openjdk/jmods", "jmod", 70, 80*MB, report.BuildToolchain))},
			{CreatedBy: "RUN |2 MAVEN_VERSION=3.9.6 USER_HOME_DIR=/root /bin/sh -c mkdir -p ${MAVEN_HOME} ${MAVEN_HOME}/ref && curl -fsSL -o /tmp/apache-maven.tar.gz ${BASE_URL}/apache-maven-${MAVEN_VERSION}-bin.tar.gz && tar -xzf /tmp/apache-maven.tar.gz -C ${MAVEN_HOME} --strip-components=1 # buildkit", Entries: Join(
				Tree("/usr/share/maven/lib", "jar", 60, 10*MB, report.BuildToolchain), []Entry{Symlink("/usr/bin/mvn", "/usr/share/maven/bin/mvn", report.BuildToolchain)})},
			{CreatedBy: "COPY mvn-entrypoint.sh /usr/local/bin/mvn-entrypoint.sh # buildkit", Entries: []Entry{Exec("/usr/local/bin/mvn-entrypoint.sh", 1_200, report.BuildToolchain)}},
			{CreatedBy: "WORKDIR /app # buildkit", Entries: []Entry{Dir("/app")}},
			{CreatedBy: "COPY pom.xml . # buildkit", Entries: []Entry{File("/app/pom.xml", 4_000, report.App)}},
			{CreatedBy: "RUN /bin/sh -c mvn -B dependency:go-offline # buildkit", Entries: Tree("/root/.m2/repository/org/springframework", "jar", 400, 160*MB, report.PackageCache)},
			{CreatedBy: "COPY src ./src # buildkit", Entries: Tree("/app/src/main/java/com/example/orders", "java", 60, 600_000, report.App)},
			{CreatedBy: "RUN /bin/sh -c mvn -B package -DskipTests # buildkit", Entries: Join(
				Tree("/root/.m2/repository/org/apache/maven/plugins", "jar", 120, 30*MB, report.PackageCache),
				Tree("/app/target/classes/com/example/orders", "class", 60, 900_000, report.App),
				Tree("/app/target/maven-status", "lst", 3, 6_000, report.Temp),
				[]Entry{File("/app/target/orders-0.9.1.jar", 48*MB, report.App), File("/app/target/orders-0.9.1.jar.original", 900_000, report.App)})},
		},
	})
}

// GoStatic is a static Go server built in golang:1.22 and run from the
// build image, with the Go toolchain and both Go caches inside.
func GoStatic() *report.Report {
	return Build(Spec{
		Reference: "docker.io/example/api:latest",
		Config: report.Config{
			Cmd: []string{"/usr/local/bin/server", "--listen", ":8080"}, WorkingDir: "/src", ExposedPorts: []string{"8080/tcp"},
			Env: Env("PATH", "/go/bin:/usr/local/go/bin:"+stdPath, "GOLANG_VERSION", "1.22.0", "GOPATH", "/go",
				"GOTOOLCHAIN", "local", "APP_ENV", "production", "GITHUB_TOKEN", "ghp_abcdefghijklmnopqrstuvwxyz0123456789"),
		},
		Ecosystem: report.Ecosystem{Name: "go", Version: "1.22.0", AppDir: "/src", Libc: "none", StaticBinary: "/usr/local/bin/server"},
		Packages: []report.Package{
			{Name: "libc6", Version: "2.36-9+deb12u4", Manager: "dpkg", Category: report.OSBase},
			{Name: "gcc-12", Version: "12.2.0-14", Manager: "dpkg", Category: report.BuildToolchain},
		},
		Databases: []report.Database{{Manager: "dpkg", Path: "/var/lib/dpkg/status", Layer: 0, Packages: 2}},
		Layers: []Layer{
			{CreatedBy: "/bin/sh -c #(nop) ADD file:9e7b2f1c3d4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c in / ", Entries: Join(
				[]Entry{Exec("/usr/bin/rm", 70_000, report.OSBase), Exec("/usr/bin/bash", 1_300_000, report.OSBase),
					File("/etc/ssl/certs/ca-certificates.crt", 210_000, report.OSBase)},
				Tree("/usr/share/zoneinfo", "tz", 500, 3*MB, report.OSBase),
				Tree("/usr/lib/x86_64-linux-gnu/base", "so", 300, 75*MB, report.OSBase))},
			{CreatedBy: "/bin/sh -c set -eux; apt-get update; apt-get install -y --no-install-recommends g++ gcc libc6-dev make pkg-config; rm -rf /var/lib/apt/lists/*", Entries: Tree("/usr/lib/gcc/x86_64-linux-gnu/12", "cc1", 10, 180*MB, report.BuildToolchain)},
			{CreatedBy: "/bin/sh -c set -eux; url='https://dl.google.com/go/go1.22.0.linux-amd64.tar.gz'; wget -O go.tgz \"$url\"; tar -C /usr/local -xzf go.tgz; rm go.tgz; go version", Entries: Tree("/usr/local/go/pkg/tool", "bin", 200, 230*MB, report.BuildToolchain)},
			{CreatedBy: "/bin/sh -c mkdir -p \"$GOPATH/src\" \"$GOPATH/bin\" && chmod -R 1777 \"$GOPATH\"", Entries: []Entry{Dir("/go/src"), Dir("/go/bin")}},
			{CreatedBy: "WORKDIR /src # buildkit", Entries: []Entry{Dir("/src")}},
			{CreatedBy: "COPY go.mod go.sum ./ # buildkit", Entries: []Entry{File("/src/go.mod", 900, report.App), File("/src/go.sum", 12_000, report.App)}},
			{CreatedBy: "RUN /bin/sh -c go mod download # buildkit", Entries: Tree("/go/pkg/mod/cache/download", "zip", 400, 120*MB, report.PackageCache)},
			{CreatedBy: "COPY . . # buildkit", Entries: Join(Tree("/src/cmd/server", "go", 20, 200_000, report.App), Tree("/src/internal", "go", 80, 900_000, report.App),
				Tree("/src/templates", "tmpl", 6, 40_000, report.App))},
			{CreatedBy: "RUN /bin/sh -c CGO_ENABLED=0 go build -trimpath -o /usr/local/bin/server ./cmd/server # buildkit", Entries: Join(
				Tree("/root/.cache/go-build", "a", 3000, 310*MB, report.PackageCache),
				[]Entry{Exec("/usr/local/bin/server", 16*MB, report.App)})},
		},
	})
}

// AlreadySlim is a static Go binary on distroless/static: nothing to split.
func AlreadySlim() *report.Report {
	return Build(Spec{
		Reference: "ghcr.io/example/tiny:3",
		Config: report.Config{Entrypoint: []string{"/server"}, User: "65532:65532", ExposedPorts: []string{"9090/tcp"},
			Env: Env("PATH", stdPath, "SSL_CERT_FILE", "/etc/ssl/certs/ca-certificates.crt")},
		Ecosystem: report.Ecosystem{Name: "static", AppDir: "", Libc: "none", StaticBinary: "/server"},
		Packages:  []report.Package{{Name: "base-files", Version: "12.4+deb12u5", Manager: "dpkg", Category: report.OSBase}, {Name: "tzdata", Version: "2024a-0+deb12u1", Manager: "dpkg", Category: report.OSBase}},
		Databases: []report.Database{{Manager: "dpkg", Path: "/var/lib/dpkg/status.d/base-files", Layer: 0, Packages: 2}},
		Layers: []Layer{
			{CreatedBy: "bazel build @distroless//base:static_root_amd64_debian12", Entries: Join(
				[]Entry{File("/etc/ssl/certs/ca-certificates.crt", 210_000, report.OSBase), File("/etc/passwd", 300, report.OSBase),
					File("/var/lib/dpkg/status.d/base-files", 1_000, report.OSBase)},
				Tree("/usr/share/zoneinfo", "tz", 500, 1_500_000, report.OSBase))},
			{CreatedBy: "COPY /out/server /server # buildkit", Entries: []Entry{Exec("/server", 11*MB, report.App).Own(0, 0)}},
		},
	})
}
