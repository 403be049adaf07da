# Waymark: one static binary with everything embedded.
#
#   docker build -t waymark .
#   docker run --read-only -p 8080:8080 waymark
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

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/waymark /waymark
# Numeric user: runs as non-root even where names are not resolved.
USER 65532:65532
EXPOSE 8080
# Scan counts (with a real config) live in a mounted volume; the root file
# system can be read-only.
VOLUME ["/data"]
ENV WAYMARK_ADDR=:8080 WAYMARK_ADMIN_ADDR=127.0.0.1:8081
HEALTHCHECK --interval=30s --timeout=3s --start-period=5s --retries=3 CMD ["/waymark", "healthcheck"]
ENTRYPOINT ["/waymark"]
CMD ["serve"]
