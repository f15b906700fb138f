# ILM's image: `ilm` and `ilm-worker`, static binaries on Alpine (a shell and wget for the
# health checks), run as the unprivileged user ilm (uid 10001).
#
#   docker build -t ilm:local .
#
# The config goes to /etc/ilm/ilm.yaml (the default of ILM_CONFIG here), secrets to
# /run/secrets; docker-compose.yml shows both.

FROM golang:1.26.8-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# No cgo: the SQLite driver is pure Go, so the binaries need no libc.
ENV CGO_ENABLED=0
RUN go build -trimpath -ldflags="-s -w" -o /out/ilm ./starter && \
    go build -trimpath -ldflags="-s -w" -o /out/ilm-worker ./workers

FROM alpine:3.23.3 AS runtime
RUN apk add --no-cache ca-certificates tzdata && \
    addgroup -g 10001 ilm && adduser -u 10001 -G ilm -D -h /var/lib/ilm ilm
COPY --from=build /out/ilm /out/ilm-worker /usr/local/bin/
ENV ILM_CONFIG=/etc/ilm/ilm.yaml
WORKDIR /var/lib/ilm
USER 10001:10001
CMD ["ilm-worker"]
