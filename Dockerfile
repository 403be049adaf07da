# Waymark: one static binary with everything embedded.
#
#   docker build -t waymark .
#   docker run --read-only -p 8080:8080 -v waymark-data:/data waymark
#
# Scan counts live in /data, a folder the image creates for its non-root
# user (a named volume starts as a copy of it, owner included).
#
# The staff pages (posters, statistics) listen on the container's own
# loopback, which the host cannot reach. To use them from the host, let
# them listen on the container's interface, which needs a token, and
# publish them on the host's loopback only; then browse (or tunnel with
# ssh -L 8081:127.0.0.1:8081) to http://127.0.0.1:8081 and give the token
# as the password:
#
#   docker run --read-only -p 8080:8080 -p 127.0.0.1:8081:8081 -v waymark-data:/data \
#     -e WAYMARK_ADMIN_ADDR=0.0.0.0:8081 -e WAYMARK_ADMIN_TOKEN="$(openssl rand -hex 24)" waymark
#
# Posters print through Chromium, which this minimal image does not carry:
# print them from a staff laptop (`waymark posters`) or use the staff
# listener's HTML posters and the browser's own Print.

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# Static, reproducible: no cgo, no local paths in the binary.
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/waymark ./cmd/waymark
# The data folder, for the non-root user only (the final image has no shell
# to make it).
RUN mkdir -p /out/data && chmod 0700 /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/waymark /waymark
COPY --from=build --chown=65532:65532 /out/data /data
# Numeric user: runs as non-root even where names are not resolved.
USER 65532:65532
EXPOSE 8080 8081
# The root file system can be read-only; /data is the only folder written.
VOLUME ["/data"]
ENV WAYMARK_ADDR=:8080 WAYMARK_ADMIN_ADDR=127.0.0.1:8081 WAYMARK_DATA_DIR=/data
# Reads WAYMARK_ADDR and WAYMARK_DATA_DIR: fails when the pages do not
# answer or /data cannot be written.
HEALTHCHECK --interval=30s --timeout=3s --start-period=5s --retries=3 CMD ["/waymark", "healthcheck"]
ENTRYPOINT ["/waymark"]
CMD ["serve"]
