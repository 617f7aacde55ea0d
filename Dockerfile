# syntax=docker/dockerfile:1
# fleetops image: compiled JavaScript and production dependencies only, non-root, works with a
# read-only root filesystem (writes go to /tmp, an emptyDir in the CronJobs).
ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# better-sqlite3 builds from source when no prebuilt binary matches
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-fund --no-audit
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
COPY jobs ./jobs
RUN npm run build && npm prune --omit=dev

FROM ${NODE_IMAGE}
# the on-call report's chart is rasterised with system fonts (DejaVu Sans); the slim image has none, and
# without them every label and number of the chart is silently left out
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production FLEETOPS__OUTDIR=/tmp/fleetops
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY runbooks ./runbooks
COPY rules ./rules
USER 10001:10001
ENTRYPOINT ["node", "/app/dist/src/cli/main.js"]
CMD ["--help"]
