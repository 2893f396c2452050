#!/usr/bin/env bash
# `make deploy`: the whole stack on this machine (deploy/compose.yaml, run by
# podman-compose), in production mode, on the images `make image` and
# scripts/base-images.sh make (built when missing). The secrets are made
# once, into deploy/.env (mode 0600), which the compose file reads: the
# PostgreSQL password and the key-encryption key that seals the signing
# keys in the database; named volumes keep the data. DEMO=1 creates the
# demo users. `scripts/deploy.sh down` (`make undeploy`) stops it and keeps
# the data.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/end2end/node_modules/.bin:$PATH"
source scripts/common.sh
export CONTAINERS_CONF="$PWD/deploy/containers.conf"
scripts/setup.sh --containers
compose=(target/podman-compose/bin/podman-compose --file deploy/compose.yaml)

if [[ "${1:-}" == down ]]; then
  # Without --volumes: the data stays.
  "${compose[@]}" down >/dev/null 2>&1 || true
  say "stopped; the data stays in the volumes (podman volume ls)"
  exit 0
fi

podman image exists localhost/photo-spots:0.1.0 && podman image exists localhost/photo-spots-favorites:0.1.0 \
  || scripts/image.sh
scripts/base-images.sh

if [[ ! -s deploy/.env ]]; then
  say "making the deployment's secrets in deploy/.env"
  (umask 077
   printf 'POSTGRES_PASSWORD=%s\n' "$(head -c 24 /dev/urandom | base64 | tr -d '/+=')" >deploy/.env
   printf 'JWT_KEY_ENCRYPTION_KEY=%s\n' "$(podman run --rm --network none localhost/photo-spots:0.1.0 keys new-kek)" >>deploy/.env)
fi
mkdir -p target/deploy
# HAProxy takes the local cluster's config, listening on the shared
# namespace's every address (ports are published to it from the host), with
# connections to fit the containers' 1,000 file descriptors
# (deploy/containers.conf).
sed -e 's|bind "127.0.0.1:${FRONT_PORT}"|bind "${FRONT_ADDR}:${FRONT_PORT}"|' \
  -e 's|maxconn 2000|maxconn 450|' scripts/haproxy.cfg >target/deploy/haproxy.cfg

# The pod an earlier `make deploy` ran (`podman kube play`) held the same
# ports; its volumes are the ones named in the compose file.
podman pod exists photo-spots 2>/dev/null && podman pod rm --force photo-spots >/dev/null
DEMO="${DEMO:-0}" "${compose[@]}" up --detach >/dev/null
wait_for http://localhost:8080/api/ready
wait_for http://localhost:8082/api/ready
say "Photo Spots: http://localhost:8080   favourites: http://localhost:8082"
