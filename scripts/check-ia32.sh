#!/bin/sh
# Checks Cookie-Cutter on 32-bit x86 with Debian's Node.js 18, on an x86_64 host whose
# kernel runs i386 programs: bootstraps an i386 Debian with Node.js, gcc and busybox, then
# inside a privileged container of it builds this checkout, runs the unit tests, and runs
# a container, a build and a detached container of its own. Run by hand, as root, after
# install.sh; it takes two or three minutes. The suite is the first argument (default
# bookworm, whose Node.js 18 is the oldest we support). NODE_EXTRA_CA_CERTS, if set, is
# passed on for networks that reach the npm registry through a TLS proxy.
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
CC_ROOT=$(mktemp -d /tmp/cc-ia32-XXXXXX)
export CC_ROOT
trap 'rm -rf "$CC_ROOT"' EXIT

cc-setup >/dev/null
cc-build-debian-image --arch i386 --name deb32 \
  --include nodejs,npm,gcc,libc6-dev,ca-certificates,busybox-static "${1:-bookworm}"

ca=${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}
# The script runs inside the container: its expansions are the container's.
# shellcheck disable=SC2016
cc-start --rm --privileged --tmpfs /work:exec,size=2g,mode=755 \
  -v "$repo:/src:ro" -v "$ca:/etc/ssl/certs/extra-ca.crt:ro" \
  -e NODE_EXTRA_CA_CERTS=/etc/ssl/certs/extra-ca.crt deb32 sh -euc '
    echo "node $(node --version) on $(node -p process.arch)"
    cp -a /src /work/cc && cd /work/cc && rm -rf node_modules dist build
    npm ci --no-audit --no-fund >/dev/null 2>&1
    npm run build >/dev/null
    node_modules/.bin/tsc -p tsconfig.test.json
    node --test build/test/unit/ 2>&1 | grep -E "^# (pass|fail)"

    export CC_ROOT=/work/store
    c() { command=$1; shift; node "/work/cc/dist/commands/$command.js" "$@"; }
    c cc-setup >/dev/null || true
    mkdir -p /work/bb/bin /work/bb/etc
    cp /bin/busybox /work/bb/bin/ && chroot /work/bb /bin/busybox --install -s /bin
    echo "root:x:0:0::/root:/bin/sh" > /work/bb/etc/passwd
    c cc-import bb /work/bb >/dev/null
    c cc-start --rm bb sh -c "grep ^Seccomp: /proc/self/status; echo container ok"
    mkdir /work/ctx && printf "FROM bb\nRUN echo build ok > /f\n" > /work/ctx/app.ccspec
    c cc-build -q x /work/ctx/app.ccspec /work/ctx >/dev/null && c cc-start --rm x cat /f
    c cc-start -d d bb sleep 60 >/dev/null && c cc-stop -t 0 d >/dev/null && echo "detached ok"
  '
