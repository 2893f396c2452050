#!/usr/bin/env bash
# The images `make deploy` runs beside ours, made from Debian 12's own
# packages with mmdebstrap (no container registry is needed):
#   photo-spots-postgres:15  PostgreSQL 15, initialised from POSTGRES_* on first start
#   photo-spots-haproxy      HAProxy, with the config the compose file mounts; it
#                            stops on SIGUSR1, its graceful stop (SIGTERM is
#                            no signal to it as PID 1), as the official image does
# Skipped when present; `--force` makes them again.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
export CONTAINERS_CONF="$PWD/deploy/containers.conf"
command -v mmdebstrap >/dev/null || {
  say "installing Debian's mmdebstrap"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mmdebstrap >/dev/null
}
force=false
[[ "${1:-}" == --force ]] && force=true
mkdir -p target/image

if $force || ! podman image exists photo-spots-postgres:15; then
  say "photo-spots-postgres:15 from Debian's postgresql-15"
  mmdebstrap --quiet --variant=essential --include=postgresql-15 --mode=root \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
    --customize-hook='copy-in deploy/images/postgres-entrypoint.sh /usr/local/bin' \
    --customize-hook='chroot "$1" install -d -o postgres -g postgres -m 0700 /var/lib/postgresql/data' \
    bookworm target/image/postgres.tar
  podman import --quiet \
    --change 'USER postgres' \
    --change 'ENV PGDATA=/var/lib/postgresql/data' \
    --change 'VOLUME /var/lib/postgresql/data' \
    --change 'STOPSIGNAL SIGINT' \
    --change 'ENTRYPOINT ["/usr/local/bin/postgres-entrypoint.sh"]' \
    target/image/postgres.tar photo-spots-postgres:15 >/dev/null
  rm target/image/postgres.tar
fi

if $force || ! podman image exists photo-spots-haproxy:2.6; then
  say "photo-spots-haproxy:2.6 from Debian's haproxy"
  mmdebstrap --quiet --variant=essential --include=haproxy --mode=root \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
    bookworm target/image/haproxy.tar
  podman import --quiet \
    --change 'USER haproxy' \
    --change 'STOPSIGNAL SIGUSR1' \
    --change 'ENTRYPOINT ["/usr/sbin/haproxy", "-db", "-f", "/etc/haproxy/photo-spots.cfg"]' \
    target/image/haproxy.tar photo-spots-haproxy:2.6 >/dev/null
  rm target/image/haproxy.tar
fi
