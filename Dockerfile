# CarePool server image. Build: docker build -t carepool .
# Run (SQLite): docker run -p 3000:3000 -v carepool-data:/data -e ADMIN_USERNAME=admin -e ADMIN_PASSWORD=... carepool

# --- build: compile better-sqlite3, type-check and compile the server, build the web UI, then drop dev dependencies ---
FROM node:20-bookworm-slim AS build
# better-sqlite3 compiles with node-gyp when no prebuilt binary is reachable.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build && npm prune --omit=dev

# --- runtime: no compilers, non-root, data on a volume ---
FROM node:20-bookworm-slim
# pg_dump / pg_restore / psql for `carepool backup` and `restore` on PostgreSQL 15.
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client-15 \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY --from=build --chown=root:root /app/package.json ./
COPY --from=build --chown=root:root /app/bin ./bin
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# The server is the container's main process, so `docker stop`'s SIGTERM reaches its graceful
# shutdown directly (npm in between would not forward it reliably). Compiled JavaScript, no sources.
CMD ["node", "dist/server/server.js"]
