#!/usr/bin/env bash
# Docker does not run on every CI machine, so this runs the Dockerfile's
# build step with the same flags, and checks what the image relies on: a
# static binary that serves the embedded demo as a non-root user from a
# read-only folder, and answers its own health check.
set -euo pipefail
cd "$(dirname "$0")/.."
flags='CGO_ENABLED=0 go build -trimpath -ldflags="-s -w"'
grep -qF "$flags -o /out/waymark ./cmd/waymark" Dockerfile || {
  echo "check-build: the Dockerfile no longer builds with: $flags" >&2; exit 1; }
# The image's data folder belongs to its non-root user, and the build
# context leaves out the checkout's data and secrets.
grep -qF -- "--chown=65532:65532 /out/data /data" Dockerfile || {
  echo "check-build: the Dockerfile no longer creates /data for the non-root user" >&2; exit 1; }
grep -qxF "deploy/.env" .dockerignore || {
  echo "check-build: .dockerignore no longer leaves out deploy/.env" >&2; exit 1; }
out=$(mktemp -d)
# Stop the server on every way out, also on failure: $pid is the server
# itself (the subshell execs it), and waiting reaps it before the folder goes.
stop() {
  if [ -n "${pid:-}" ]; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  chmod -R u+w "$out" 2>/dev/null || true
  rm -rf "$out"
}
trap stop EXIT
trap 'exit 130' INT TERM
CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o "$out/waymark" ./cmd/waymark
if ldd "$out/waymark" >/dev/null 2>&1; then
  echo "check-build: waymark is dynamically linked" >&2; exit 1
fi
if go version -m "$out/waymark" | grep -q "$PWD"; then
  echo "check-build: the binary holds local paths (-trimpath missing?)" >&2; exit 1
fi
chmod 0555 "$out/waymark"; chmod 0555 "$out"
port=$(( 20000 + RANDOM % 20000 ))
# As "nobody" where we can switch user, like the image's non-root user.
run=()
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
  run=(setpriv --reuid=65534 --regid=65534 --clear-groups)
fi
(cd / && exec "${run[@]}" "$out/waymark" serve --addr "127.0.0.1:$port" --admin-addr "127.0.0.1:$((port+1))" >/dev/null 2>&1) &
pid=$!
for _ in $(seq 50); do
  "$out/waymark" healthcheck --addr "127.0.0.1:$port" >/dev/null 2>&1 && { echo "check-build: static binary serves and passes its health check"; exit 0; }
  sleep 0.1
done
echo "check-build: the binary did not become healthy" >&2
exit 1
