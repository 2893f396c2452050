#!/usr/bin/env bash
# `scripts/test.sh deploy` (not part of `make test`: it builds release images,
# too slow for CI on two cores): the images, the stack up (`make deploy`), the
# login/rename/favourites path against it, an app container killed under load,
# the stack down and up, and the data checked (scripts/deploy-check.py).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
export CONTAINERS_CONF="$PWD/deploy/containers.conf"
state=$(mktemp)
trap 'rm -f "$state"' EXIT

scripts/image.sh
scripts/deploy.sh
python3 scripts/deploy-check.py before "$state"
scripts/deploy.sh down
scripts/deploy.sh
python3 scripts/deploy-check.py after "$state"
