# Vectorspace with the native LAPACK engine: the image installs LAPACKE and OpenBLAS so that `npm ci` builds the
# binding (node:20-bookworm already has g++, make and python3 for node-gyp).
FROM node:20-bookworm

RUN apt-get update \
    && apt-get install -y --no-install-recommends libopenblas-dev liblapacke-dev \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY native ./native
RUN npm ci --no-audit --no-fund

# Sources, migrations (read at start) and the dashboard's static files.
COPY . .
RUN npm run build

# The embedded PGlite (used when DATABASE_URL is unset) writes to ./data/pglite.
RUN mkdir -p /app/data && chown node:node /app/data
USER node

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    LINALG_ENGINE=native
EXPOSE 8080
CMD ["node", "dist/src/server.js"]
