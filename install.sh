#!/bin/sh
# Sets Cookie-Cutter up on a fresh Debian or Ubuntu machine, as root: the packages it
# needs, its npm dependencies, the build, the cc-* commands on PATH. Then, unless
# --no-demo is given, it runs the main job end to end: bootstrap a base image of this
# host's own distribution from this host's own mirror, build the example app from its
# spec, and run it.
set -eu
cd "$(dirname "$0")"

demo=yes
[ "${1:-}" = --no-demo ] && demo=no

if [ "$(id -u)" -ne 0 ]; then
  echo "install.sh: run it as root (sudo ./install.sh)" >&2
  exit 1
fi

# Runtime: util-linux (unshare, mount, flock), debootstrap/mmdebstrap, tar and its
# compressors for ADD. Build: gcc and libc6-dev for the launcher. Tests: busybox-static
# for the tiny root file system, shellcheck for the scripts, tini to reap the orphans of
# detached test containers where PID 1 does not.
packages="util-linux mount debootstrap mmdebstrap tar gzip bzip2 xz-utils zstd \
ca-certificates gcc libc6-dev busybox-static shellcheck tini"
if ! command -v node >/dev/null 2>&1; then
  packages="$packages nodejs npm"
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update
# shellcheck disable=SC2086 # the list is meant to split into words
apt-get install -y --no-install-recommends $packages

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 18 ]; then
  echo "install.sh: Node.js 18 or later is needed, this is $(node --version)" >&2
  exit 1
fi

npm ci --no-audit --no-fund
npm run build
npm link --no-audit --no-fund
cc-setup

[ "$demo" = yes ] || exit 0

# shellcheck source=/dev/null
. /etc/os-release
case "$ID" in
  debian | ubuntu) ;;
  *)
    echo "install.sh: the demo bootstraps Debian or Ubuntu; this host is $ID" >&2
    exit 1
    ;;
esac
if ! cc-images --json | grep -q "\"name\": \"$VERSION_CODENAME\""; then
  "cc-build-$ID-image" "$VERSION_CODENAME"
fi
cc-build --build-arg "BASE=$VERSION_CODENAME" my-app examples/my-app/my-app.ccspec examples/my-app
cc-start --rm my-app
