# taskhub image. Two targets:
#   docker build -t taskhub .                        embedded Azurite included (runs with no storage configured)
#   docker build --target slim -t taskhub:slim .     no embedded Azurite: needs AzureWebJobsStorage (smaller)

# Build stage: every dependency, TypeScript compiled to dist/.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Production dependencies, pruned of what Node never loads (scripts/prune-node-modules.sh).
FROM node:22-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json scripts/prune-node-modules.sh ./

# Without the optional embedded Azurite and its dependency tree.
FROM deps AS slim-deps
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund --ignore-scripts && sh prune-node-modules.sh

# With it.
FROM deps AS full-deps
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts && sh prune-node-modules.sh

# The runtime file system: Node 22 on Debian bookworm-slim without npm, yarn, corepack, headers,
# translations and package lists, none of which a running server uses. It is copied onto an empty
# image below so the removed files do not stay behind in a lower layer.
FROM node:22-bookworm-slim AS runtime-fs
RUN rm -rf /usr/local/lib/node_modules /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack \
      /opt/yarn-* /usr/local/bin/yarn /usr/local/bin/yarnpkg /usr/local/include /usr/local/share/doc \
      /usr/share/locale/* /usr/share/doc/* /usr/share/man/* /usr/share/info/* \
      /var/lib/apt/lists/* /var/cache/apt/* /var/cache/debconf/*-old /tmp/*

# Runtime: compiled JavaScript only, non-root, listens on all interfaces, data under /data.
FROM scratch AS runtime
COPY --from=runtime-fs / /
RUN mkdir -p /data && chown node:node /data
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=7071 \
    TASKHUB_DATA_DIR=/data
WORKDIR /app
COPY package.json ./
COPY bin ./bin
COPY openapi ./openapi
COPY --from=build /app/dist ./dist
USER node
VOLUME ["/data"]
EXPOSE 7071
HEALTHCHECK --interval=30s --timeout=10s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||7071)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# node is PID 1: signals.js is preloaded so SIGTERM is handled before the rest of the app loads.
CMD ["node", "--import", "./dist/signals.js", "dist/server.js"]

FROM runtime AS slim
COPY --from=slim-deps /app/node_modules ./node_modules

# Default target (last): with the embedded Azurite.
FROM runtime AS full
COPY --from=full-deps /app/node_modules ./node_modules
