# syntax=docker/dockerfile:1
# The mcpwatch service image. How to run it: docs/deploy.md. What this file promises is checked by
# test/deploy/dockerfile.test.ts (stages, COPY sources, the non-root user, the healthcheck, the runtime layout).
#
#   docker build -t mcpwatch .
#   docker run -d -p 7420:7420 -v mcpwatch-data:/data -e MCPWATCH_ADMIN_PASSWORD=change-me-now mcpwatch
#
# Node 22 (maintenance LTS until April 2027) rather than 20, whose support ended in April 2026; mcpwatch needs
# >= 20 and its tests run on 20, 22 and 24. Debian bookworm for both stages, so the native addon that the
# toolchain stage compiles (better-sqlite3) links against the same glibc that runs it.
ARG NODE_IMAGE=node:22-bookworm-slim

# The manifests alone: one layer of dependencies that changes only when a package.json or the lock does.
# better-sqlite3 downloads a prebuilt binary when it can and compiles one otherwise, hence python3, make, g++.
FROM ${NODE_IMAGE} AS toolchain
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/probe/package.json packages/probe/
COPY packages/instrument/package.json packages/instrument/
COPY packages/mcpwatch/package.json packages/mcpwatch/
COPY packages/web/package.json packages/web/

# Compiles the three TypeScript packages and builds the web dashboard. `npm install` rather than `npm ci`:
# the lock holds the optional platform packages of Linux only, which `npm ci` refuses as out of sync.
FROM toolchain AS build
RUN npm install --no-audit --no-fund
COPY tsconfig.base.json ./
# The dashboard's config editor imports the JSON Schema of mcpwatch.yaml from here.
COPY schemas/ schemas/
COPY packages/ packages/
RUN npm run build

# What runs: the dependencies without devDependencies, installed from the same lock. The workspaces are
# linked from node_modules/@mcpwatch/* to packages/*, so the runtime keeps the repository's layout.
FROM toolchain AS prod-deps
RUN npm install --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
# tini is PID 1: it forwards SIGTERM to mcpwatch (which then lets running checks finish and stops its stdio
# servers) and reaps the orphans that stdio MCP servers started through npx can leave behind.
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/* \
  && groupadd --gid 10001 mcpwatch \
  && useradd --uid 10001 --gid 10001 --home-dir /home/mcpwatch --create-home --shell /usr/sbin/nologin mcpwatch \
  && mkdir -p /data /etc/mcpwatch \
  && chown 10001:10001 /data
WORKDIR /app
COPY --from=prod-deps /app/package.json ./
COPY --from=prod-deps /app/node_modules node_modules/
COPY --from=prod-deps /app/packages/mcpwatch/node_modules packages/mcpwatch/node_modules/
COPY --from=build /app/packages/probe/package.json packages/probe/
COPY --from=build /app/packages/probe/dist packages/probe/dist/
COPY --from=build /app/packages/instrument/package.json packages/instrument/
COPY --from=build /app/packages/instrument/dist packages/instrument/dist/
COPY --from=build /app/packages/web/package.json packages/web/
COPY --from=build /app/packages/web/dist packages/web/dist/
COPY --from=build /app/packages/mcpwatch/package.json packages/mcpwatch/
COPY --from=build /app/packages/mcpwatch/dist packages/mcpwatch/dist/
COPY --from=build /app/packages/mcpwatch/bin packages/mcpwatch/bin/
COPY --from=build /app/packages/mcpwatch/examples packages/mcpwatch/examples/
# A config with no monitors, so that the image starts as it is; mount your own over /etc/mcpwatch.
COPY deploy/docker/config/mcpwatch.yaml /etc/mcpwatch/mcpwatch.yaml
RUN ln -s /app/packages/mcpwatch/bin/mcpwatch.js /usr/local/bin/mcpwatch

# The service listens on every interface of the container; the SQLite database lives in /data. stdio MCP
# servers run as children started with npx: their packages are cached in the user's home, which must be
# writable (an emptyDir in Kubernetes), and the registry must be reachable.
ENV NODE_ENV=production \
  MCPWATCH_HOST=0.0.0.0 \
  MCPWATCH_PORT=7420 \
  MCPWATCH_DATA=/data \
  MCPWATCH_CONFIG=/etc/mcpwatch/mcpwatch.yaml \
  HOME=/home/mcpwatch \
  NPM_CONFIG_UPDATE_NOTIFIER=false
VOLUME ["/data"]
EXPOSE 7420
# Numeric, so that Kubernetes' runAsNonRoot can verify it without reading /etc/passwd.
USER 10001:10001

# /live only proves that the event loop turns: a slow store or a broken config must not get the container
# restarted (that is /ready's business). A fetch from Node itself: the slim image has no curl or wget.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.MCPWATCH_PORT||7420)+'/live',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/packages/mcpwatch/bin/mcpwatch.js"]
CMD ["serve"]
