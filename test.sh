#!/usr/bin/env bash
# Runs every test of Waymark on a fresh Debian or Ubuntu machine: it first
# installs what the tests use (a real Chromium, a real QR decoder, real PDF
# tools, nginx, Caddy, wrk and ffmpeg) from Debian's packages, and axe-core from npm.
# CI runs exactly this script (.ci/run).
set -euo pipefail
cd "$(dirname "$0")"

# Debian packages the tests drive: command -> package.
declare -A pkgs=(
  [chromium]=chromium [zbarimg]=zbar-tools [pdftoppm]=poppler-utils
  [rsvg-convert]=librsvg2-bin [nginx]=nginx [caddy]=caddy [wrk]=wrk [curl]=curl
  [systemd-analyze]=systemd [json2po]=translate-toolkit [fc-query]=fontconfig [ffmpeg]=ffmpeg
)
missing=()
for cmd in "${!pkgs[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${pkgs[$cmd]}")
done
# Fonts that pages in Ethiopic, Arabic and Chinese need to render in tests.
[ -e /usr/share/fonts/truetype/noto/NotoSansEthiopic-Regular.ttf ] || missing+=(fonts-noto-core)
[ -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || missing+=(fonts-noto-cjk)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  echo "test.sh: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# axe-core for the accessibility tests, from npm only.
if [ ! -f node_modules/axe-core/axe.min.js ]; then
  npm install --no-save --no-audit --no-fund --silent axe-core@4 >/dev/null
fi
export WAYMARK_AXE="$PWD/node_modules/axe-core/axe.min.js"

# goi18n, the tool TRANSLATING.md tells translators to run, from the Go
# module proxy: the round-trip tests run it on the locale files.
command -v goi18n >/dev/null 2>&1 || [ -x "$(go env GOPATH)/bin/goi18n" ] ||
  go install github.com/nicksnyder/go-i18n/v2/goi18n@v2.7.0
export PATH="$PATH:$(go env GOPATH)/bin"

go vet ./...
# cmd/waymark runs real processes under attack (issue 22's tests among
# them): past go test's default 10 minutes on a slow machine.
go test -count=1 -timeout 25m ./...
# The packages with shared state run again under the race detector.
go test -count=1 -race ./stats/ ./qr/ ./handlers/ ./pages/ -run 'Concurren|Race|Scan|Cache|Reload'
# Each fuzz target runs briefly on top of its seed corpus (testdata/fuzz).
for target in site:FuzzNormalizeCode site:FuzzParse lang:FuzzAccept lang:FuzzLoadLocale qr:FuzzPayload handlers:FuzzRouter; do
  pkg=${target%%:*}; fn=${target##*:}
  if ! out=$(go test -run '^$' -fuzz "^${fn}\$" -fuzztime 5s -fuzzminimizetime 100x "./$pkg/" 2>&1); then
    echo "$out"; exit 1
  fi
done
# The Dockerfile's build, run the same way (Docker itself may not run here).
# It starts the binary; nothing it started may outlive it, even on failure.
cb_tmp=$(mktemp -d)
cb_status=0
TMPDIR=$cb_tmp ./deploy/check-build.sh || cb_status=$?
sleep 0.2
# The pattern comes from a file, so that grep does not find itself.
printf '%s/\n' "$cb_tmp" >"$cb_tmp.pattern"
left=$(grep -lsFf "$cb_tmp.pattern" /proc/[0-9]*/cmdline || true)
rm -f "$cb_tmp.pattern"
rm -rf "$cb_tmp" 2>/dev/null || true
if [ -n "$left" ]; then
  echo "test.sh: deploy/check-build.sh left processes running: $left" >&2
  for f in $left; do p=${f#/proc/}; kill "${p%/cmdline}" 2>/dev/null || true; done
  exit 1
fi
[ "$cb_status" -eq 0 ] || exit "$cb_status"
echo "test.sh: all tests passed"
