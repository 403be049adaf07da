#!/usr/bin/env bash
# Runs every test of Waymark on a fresh Debian or Ubuntu machine: it first
# installs what the tests use (a real Chromium, a real QR decoder, real PDF
# tools, nginx, Caddy and wrk) from Debian's packages, and axe-core from npm.
# CI runs exactly this script (.ci/run).
set -euo pipefail
cd "$(dirname "$0")"

# Debian packages the tests drive: command -> package.
declare -A pkgs=(
  [chromium]=chromium [zbarimg]=zbar-tools [pdftoppm]=poppler-utils
  [rsvg-convert]=librsvg2-bin [nginx]=nginx [caddy]=caddy [wrk]=wrk [curl]=curl
  [systemd-analyze]=systemd
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

go vet ./...
go test -count=1 ./...
# The packages with shared state run again under the race detector.
go test -count=1 -race ./stats/ ./qr/ ./handlers/ -run 'Concurren|Race|Scan|Cache|Reload'
# Each fuzz target runs briefly on top of its seed corpus (testdata/fuzz).
for target in site:FuzzNormalizeCode site:FuzzParse lang:FuzzAccept lang:FuzzLoadLocale qr:FuzzPayload handlers:FuzzRouter; do
  pkg=${target%%:*}; fn=${target##*:}
  if ! out=$(go test -run '^$' -fuzz "^${fn}\$" -fuzztime 5s -fuzzminimizetime 100x "./$pkg/" 2>&1); then
    echo "$out"; exit 1
  fi
done
# The Dockerfile's build, run the same way (Docker itself may not run here).
./deploy/check-build.sh
echo "test.sh: all tests passed"
