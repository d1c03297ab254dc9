# The Cascade image: one image, three services (`cascade deployer|transitioner|aggregator --config …`), run by the
# Helm chart in deploy/helm/cascade. Build and push it yourself:
#   docker build -t registry.example.com/cascade:0.1.0 .
#   docker push registry.example.com/cascade:0.1.0
ARG NODE_IMAGE=node:20-bookworm-slim

# 1. Everything needed to build: all dependencies, then the CLI bundle (cli/dist) and the dashboard (ui/dist).
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY common/package.json common/
COPY git-fixture/package.json git-fixture/
COPY deployer/package.json deployer/
COPY transitioner/package.json transitioner/
COPY aggregator/package.json aggregator/
COPY ui/package.json ui/
COPY cli/package.json cli/
COPY integration-test/package.json integration-test/
RUN npm ci --no-audit --no-fund
COPY . .
# The bundle records where its sources were (/app/…), so the aggregator finds the dashboard at /app/ui/dist.
RUN node cli/build/bundle.mjs && npm run ui:build

# 2. Only what the bundle imports at run time: the production dependencies of the CLI and the services it bundles.
FROM ${NODE_IMAGE} AS runtime-deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY common/package.json common/
COPY git-fixture/package.json git-fixture/
COPY deployer/package.json deployer/
COPY transitioner/package.json transitioner/
COPY aggregator/package.json aggregator/
COPY ui/package.json ui/
COPY cli/package.json cli/
COPY integration-test/package.json integration-test/
# The workspace links (node_modules/@cascade/*) point at sources the image does not have; the bundle holds them.
RUN npm ci --omit=dev --workspace @cascade/cli --ignore-scripts --no-audit --no-fund \
 && rm -rf node_modules/@cascade node_modules/.bin

# 3. The run image: node, git and ssh for the resource repo, the bundle, the dashboard; no npm, no compilers.
FROM ${NODE_IMAGE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends git openssh-client ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && rm -rf /usr/local/lib/node_modules/npm /usr/local/bin/npm /usr/local/bin/npx \
           /usr/local/lib/node_modules/corepack /usr/local/bin/corepack /opt/yarn-* /usr/local/bin/yarn /usr/local/bin/yarnpkg \
 && groupadd --gid 10001 cascade \
 && useradd --uid 10001 --gid 10001 --create-home --home-dir /home/cascade --shell /usr/sbin/nologin cascade
WORKDIR /app
# glibc raises its mmap threshold each time a large block is freed (up to 32 MiB), after which buffers of that size
# come from the main heap, and once freed between live blocks they stay resident: about 140 MiB in the deployer at
# 10,000 resources x 4. A fixed threshold (its default, 128 KiB) keeps them in mappings returned at free.
ENV NODE_ENV=production MALLOC_MMAP_THRESHOLD_=131072
COPY --from=runtime-deps /app/node_modules /app/node_modules
COPY --from=build /app/cli/dist /app/cli/dist
COPY --from=build /app/ui/dist /app/ui/dist
COPY deploy/image/cascade.mjs /app/cli/cascade.mjs
# ssh refuses to run for a user id without a passwd entry, hence the named user above.
USER 10001:10001
EXPOSE 7400 7401 7402
ENTRYPOINT ["node", "/app/cli/cascade.mjs"]
CMD ["--help"]
