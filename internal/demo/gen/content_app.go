package gen

// The demo app's source repository as the OpenShift build recorded it.
const (
	demoSourceRepo   = "https://github.com/example/nodejs-hello.git"
	demoCommit       = "9c1e0b7f4a2d6e8b3f5a7c9d1e2f4a6b8c0d2e4f"
	demoCommitAuthor = "Dana Example <dana@example.com>"
	demoBuilderImage = "registry.access.redhat.com/ubi8/nodejs-20:latest"
)

// serverJS is the whole application: a hello-world HTTP server on 8080.
const serverJS = `const app = require('express')();
app.get('/', (req, res) => res.send('Hello World!'));
app.listen(8080);
`

const appReadme = `# nodejs-hello

Hello world web server, deployed on OpenShift with the Node.js 20 s2i builder.

    npm install
    npm start        # listens on :8080
`

const appGitignore = `node_modules/
.npm/
.env
dist/
`

const appEslintrc = `{
  "root": true,
  "env": { "node": true, "es2022": true, "mocha": true },
  "extends": "eslint:recommended",
  "parserOptions": { "ecmaVersion": 2022 }
}
`

const appTsconfig = `{
  "compilerOptions": {
    "target": "es2022",
    "module": "commonjs",
    "allowJs": true,
    "checkJs": true,
    "noEmit": true,
    "strict": true,
    "types": ["node", "mocha"]
  },
  "include": ["server.js", "test/**/*.js"]
}
`

const appTest = `const assert = require('assert');
const http = require('http');

describe('server', () => {
  it('answers Hello World! on /', (done) => {
    require('../server.js');
    http.get('http://localhost:8080/', (res) => {
      let body = '';
      res.on('data', (chunk) => { body += chunk; });
      res.on('end', () => {
        assert.strictEqual(body, 'Hello World!');
        done();
      });
    });
  });
});
`

const gitConfig = `[core]
	repositoryformatversion = 0
	filemode = true
	bare = false
	logallrefupdates = true
[remote "origin"]
	url = https://github.com/example/nodejs-hello.git
	fetch = +refs/heads/*:refs/remotes/origin/*
[branch "main"]
	remote = origin
	merge = refs/heads/main
`

// s2iAssemble is /usr/libexec/s2i/assemble, modeled on sclorg's
// s2i-nodejs-container script: move the uploaded source into $HOME, fix
// permissions for arbitrary UIDs, npm install (dev dependencies included).
const s2iAssemble = `#!/bin/bash

# Prevent running assemble in builders different than official STI image.
[ -d "/usr/src/app" ] && exit 0

set -e

safeLogging () {
    if [[ $1 =~ http[s]?://.*@.*$ ]]; then
        echo $1 | sed 's/^.*@/redacted@/'
    else
        echo $1
    fi
}

shopt -s dotglob
if [ -d /tmp/artifacts ] && [ "$(ls /tmp/artifacts/ 2>/dev/null)" ]; then
    echo "---> Restoring previous build artifacts ..."
    mv -T --verbose /tmp/artifacts/node_modules "${HOME}/node_modules"
fi

echo "---> Installing application source ..."
mv /tmp/src/* ./

# Fix source directory permissions
fix-permissions ./

if [ ! -z $HTTP_PROXY ]; then
    echo "---> Setting npm http proxy to" $(safeLogging $HTTP_PROXY)
    npm config set proxy $HTTP_PROXY
fi

if [ ! -z $HTTPS_PROXY ]; then
    echo "---> Setting npm https proxy to" $(safeLogging $HTTPS_PROXY)
    npm config set https-proxy $HTTPS_PROXY
fi

if [ ! -z $NPM_MIRROR ]; then
    echo "---> Setting the npm package mirror to $NPM_MIRROR"
    npm config set registry $NPM_MIRROR
fi

echo "---> Building your Node application from source"
npm install

# Fix source directory permissions
fix-permissions ./
`

// s2iRun is /usr/libexec/s2i/run, modeled on sclorg's script.
const s2iRun = `#!/bin/bash

# S2I run script for the 'nodejs' image.
# The run script executes the server that runs your application.

set -e

if [ -e "/opt/app-root/etc/generate_container_user" ]; then
  source /opt/app-root/etc/generate_container_user
fi

# Runs the nodejs application server. If the container is run in development mode,
# hot deploy and debugging are enabled.
run_node() {
  echo -e "Environment: \n\tDEV_MODE=${DEV_MODE}\n\tNODE_ENV=${NODE_ENV}\n\tDEBUG_PORT=${DEBUG_PORT}"
  if [ "$DEV_MODE" == true ]; then
    echo "Launching via nodemon..."
    exec nodemon --inspect="$DEBUG_PORT"
  else
    echo "Launching via npm..."
    exec npm run -d $NPM_RUN
  fi
}

# Set the debug port to 5858 by default.
if [ -z "$DEBUG_PORT" ]; then
  export DEBUG_PORT=5858
fi

# Set the environment to development by default.
if [ -z "$DEV_MODE" ]; then
  export DEV_MODE=false
fi

# If NODE_ENV is not set by the user, then NODE_ENV is determined by whether
# the container is run in development mode.
if [ -z "$NODE_ENV" ]; then
  if [ "$DEV_MODE" == true ]; then
    export NODE_ENV=development
  else
    export NODE_ENV=production
  fi
fi

run_node
`

const s2iSaveArtifacts = `#!/bin/sh
if [ "$(ls -A node_modules 2>/dev/null)" ]; then
    tar cf - node_modules
fi
`

const s2iUsage = `#!/bin/sh

DISTRO=` + "`cat /etc/*-release | grep ^ID= | grep -Po '\".*?\"' | tr -d '\"'`" + `
NAMESPACE=centos
[[ $DISTRO =~ rhel* ]] && NAMESPACE=rhscl

cat <<EOF
This is a S2I nodejs-${NODEJS_VERSION} ${DISTRO} base image:
To use it, install S2I: https://github.com/openshift/source-to-image

Sample invocation:

s2i build https://github.com/sclorg/s2i-nodejs-container.git --context-dir=${NODEJS_VERSION}/test/test-app/ ${NAMESPACE}/nodejs-${NODEJS_VERSION}-${DISTRO}7 nodejs-sample-app

You can then run the resulting image via:
docker run -p 8080:8080 nodejs-sample-app
EOF
`

// fixPermissions is /usr/bin/fix-permissions from sclorg's s2i-base.
const fixPermissions = `#!/bin/sh
# Fix permissions on the given directory or file to allow group read/write of
# regular files and execute of directories.

[ $(id -u) -ne 0 ] && CHECK_OWNER=" -uid $(id -u)"

# If argument does not exist, script will still exit with 0,
# but at least we'll see something went wrong in the log
if ! [ -e "$1" ] ; then
    echo "ERROR: File or directory $1 does not exist." >&2
    # We still want to end successfully
    exit 0
fi

find -L "$1" ${CHECK_OWNER} \! -gid 0 -exec chgrp 0 {} +
find -L "$1" ${CHECK_OWNER} \! -perm -g+rw -exec chmod g+rw {} +
find -L "$1" ${CHECK_OWNER} -perm /u+x -a \! -perm /g+x -exec chmod g+x {} +
find -L "$1" ${CHECK_OWNER} -type d \! -perm /g+x -exec chmod g+x {} +
`

const generateContainerUser = `# Set current user in nss_wrapper
USER_ID=$(id -u)
GROUP_ID=$(id -g)

if [ x"$USER_ID" != x"0" -a x"$USER_ID" != x"1001" ]; then

    NSS_WRAPPER_PASSWD=/opt/app-root/etc/passwd
    NSS_WRAPPER_GROUP=/etc/group

    cat /etc/passwd | sed -e 's/^default:/builder:/' > $NSS_WRAPPER_PASSWD

    echo "default:x:${USER_ID}:${GROUP_ID}:Default Application User:${HOME}:/sbin/nologin" >> $NSS_WRAPPER_PASSWD

    export NSS_WRAPPER_PASSWD
    export NSS_WRAPPER_GROUP
    export LD_PRELOAD=libnss_wrapper.so
fi
`
