#!/bin/sh
# The example app: says hello through a Debian package, then where it runs.
set -eu
hello --greeting="Hello from $(hostname), a Cookie-Cutter container!"
# shellcheck source=/dev/null
. /etc/os-release
echo "Running as $(id -un) in $(pwd) on $PRETTY_NAME."
