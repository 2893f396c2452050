#!/usr/bin/env bash
# `make cluster`: Photo Spots scaled out on this machine, the way it runs on
# several: a throw-away PostgreSQL, three identical app instances, HAProxy in
# front (readiness checks on /api/ready), the favourites service trusting
# the cluster's JWKS, and Prometheus scraping every process's /metrics (each
# on its own METRICS_ADDR, never the public port). Prints the URLs; Ctrl-C stops everything and deletes
# the database. Nothing else does: each instance, HAProxy and the
# favourites service run under scripts/supervise.sh, so one that dies (kill
# -9 one instance to see it) is logged and started again while HAProxy sends
# its requests to the other two.
#
#   CLUSTER_PORT=8080 scripts/cluster.sh             (HAProxy's port; default 8080)
#   CLUSTER_PROFILE=release scripts/cluster.sh      (optimised build, for benchmarks)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/end2end/node_modules/.bin:$PATH"

source scripts/common.sh

scripts/setup.sh --postgres --haproxy --prometheus

profile=${CLUSTER_PROFILE:-debug}
if [[ "$profile" == release ]]; then
  cargo leptos build --release --precompress --split
  node scripts/pack-routes.mjs target/site/pkg
  scripts/dictionary-compress.sh target/site/pkg
  cargo build --release -p favorites
else
  cargo leptos build --split
  node scripts/pack-routes.mjs target/site/pkg
  cargo build -p favorites
fi
bin="$PWD/target/$profile"

work=$(mktemp -d)
pids=()
cleanup() {
  trap - EXIT INT TERM
  say "stopping the cluster"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  scripts/postgres.sh stop "$work/postgres" || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

# "${supervised[@]}" NAME COMMAND...: kept running by scripts/supervise.sh,
# in a session of its own so that Ctrl-C reaches only this script, which then
# stops each one in order (a supervisor would otherwise see its process end
# and start it again). An array, not a function: `$!` must be the supervisor.
supervised=(setsid scripts/supervise.sh)

say "starting PostgreSQL"
admin_url=$(scripts/postgres.sh start "$work/postgres")
psql -q "$admin_url" -c "CREATE DATABASE photo_spots"
database_url="${admin_url%/*}/photo_spots"

front_port=${CLUSTER_PORT:-8080}
favorites_port=$(free_port)
front="http://127.0.0.1:$front_port"

# Every instance gets the same settings: that is what makes them identical.
export DATABASE_URL="$database_url"
# The signing keys live in the database, private halves sealed under this
# key-encryption key; the instances create the first key between them.
JWT_KEY_ENCRYPTION_KEY=$("$bin/server" keys new-kek)
export JWT_KEY_ENCRYPTION_KEY
export PHOTO_SPOTS_DEMO=1
export FAVORITES_URL="http://127.0.0.1:$favorites_port"
# HAProxy connects from 127.0.0.1 and passes the client's address in
# X-Forwarded-For; only a proxy named here is believed.
export TRUSTED_PROXY_ADDRESSES=127.0.0.1
# Browsers reach every instance through HAProxy: DPoP proofs name its
# address, whatever port an instance listens on.
export PUBLIC_ORIGIN="$front"
export LEPTOS_OUTPUT_NAME=photo-spots LEPTOS_SITE_ROOT="$PWD/target/site" LEPTOS_SITE_PKG_DIR=pkg

ports=()
metrics=()
for n in 1 2 3; do
  port=$(free_port)
  ports+=("$port")
  metrics+=("127.0.0.1:$(free_port)")
  LEPTOS_SITE_ADDR="127.0.0.1:$port" METRICS_ADDR="${metrics[-1]}" \
    "${supervised[@]}" "app$n" "$bin/server" \
    2> >(sed -u "s/^/[app$n] /" >&2) &
  pids+=($!)
done
for port in "${ports[@]}"; do wait_for "http://127.0.0.1:$port/api/health"; done

say "starting HAProxy on $front"
FRONT_PORT=$front_port APP1_PORT=${ports[0]} APP2_PORT=${ports[1]} APP3_PORT=${ports[2]} \
  "${supervised[@]}" haproxy "$(command -v haproxy || echo /usr/sbin/haproxy)" -db -f scripts/haproxy.cfg \
  2> >(sed -u 's/^/[haproxy] /' >&2) &
pids+=($!)
wait_for "$front/api/health"

favorites_metrics="127.0.0.1:$(free_port)"
FAVORITES_ADDR="127.0.0.1:$favorites_port" METRICS_ADDR="$favorites_metrics" \
  FAVORITES_DATABASE_URL="sqlite://$work/favorites.db?mode=rwc" \
  FAVORITES_ALLOWED_ORIGINS="$front" \
  JWT_JWKS_URL="$front/.well-known/jwks.json" \
  "${supervised[@]}" favorites "$bin/favorites" 2> >(sed -u 's/^/[favorites] /' >&2) &
pids+=($!)

prometheus_port=$(free_port)
cat >"$work/prometheus.yml" <<YAML
global:
  scrape_interval: 5s
scrape_configs:
  - job_name: photo_spots
    static_configs:
      - targets: ["${metrics[0]}", "${metrics[1]}", "${metrics[2]}"]
  - job_name: favorites
    static_configs:
      - targets: ["$favorites_metrics"]
YAML
"${supervised[@]}" prometheus /usr/bin/prometheus --config.file="$work/prometheus.yml" \
  --storage.tsdb.path="$work/prometheus" --web.listen-address="127.0.0.1:$prometheus_port" \
  2> >(sed -u 's/^/[prometheus] /' >&2) &
pids+=($!)

say "Photo Spots cluster: $front  (instances on ports ${ports[*]}; PostgreSQL $database_url)"
say "Prometheus: http://127.0.0.1:$prometheus_port  (try photo_spots_http_requests_total)"
say "log in as john / john-password; Ctrl-C stops everything"
say "rotate the signing key on all three: DATABASE_URL=$database_url JWT_KEY_ENCRYPTION_KEY=$JWT_KEY_ENCRYPTION_KEY $bin/server keys rotate"
# Until Ctrl-C (or SIGTERM): the supervisors never end by themselves.
wait
