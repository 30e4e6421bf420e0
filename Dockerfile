# syntax=docker/dockerfile:1
# Bouncer in a container: built in one stage, run in another as the unprivileged `node` user,
# with the SQLite store on a volume. `docker compose up` (docker-compose.yml) is the usual way.

FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 normally downloads a prebuilt binary; the toolchain is for when none fits
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY server ./server
RUN npx tsc -p tsconfig.build.json \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
# MALLOC_MMAP_THRESHOLD_: glibc serves allocations of 64 KB and more (the sockets' read buffers)
# with mmap instead of raising that threshold as it goes, which fragments the C heap of a
# long-running Bouncer: over a 10-minute soak the memory outside the JavaScript heap crept up
# by ~15 MB by default and stayed flat with this, at ~5% of the rate at saturation
# (docs/benchmarks.md, session 9). A shared sandbox runs for days; `npm start` leaves it unset.
ENV NODE_ENV=production \
    BOUNCER_DATA=/data/bouncer.sqlite \
    BOUNCER_LOG_FORMAT=json \
    MALLOC_MMAP_THRESHOLD_=65536
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY --from=build /app/server/profiles ./server/profiles
COPY docker/bouncer.yaml /etc/bouncer/bouncer.yaml
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
# SMTP (gmail-mx), submission (STARTTLS), SMTPS (implicit TLS), HTTP API + UI + WebSocket
EXPOSE 1025 1587 1465 8025
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8025/api/v1/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "bin/bouncer.mjs"]
# bound to every interface inside the container; docker-compose.yml publishes on 127.0.0.1 only
CMD ["-c", "/etc/bouncer/bouncer.yaml", "--host", "0.0.0.0", "--smtp-port", "1025", "--submission-port", "1587", "--smtps-port", "1465", "--http-port", "8025"]
