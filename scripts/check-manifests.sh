#!/usr/bin/env bash
# The Kubernetes manifests (deploy/kubernetes/): valid against the API
# schemas of the oldest and newest Kubernetes we support (kubernetes-validate,
# strict: an unknown or misspelt field fails), then the security and
# availability promises the deployment guide makes (scripts/check-manifests.py),
# and those of the one-machine compose file (scripts/check-compose.py).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
scripts/setup.sh --kubernetes

manifests=()
for name in $(sed -n 's/^  - \(.*\.yaml\)$/\1/p' deploy/kubernetes/kustomization.yaml); do
  manifests+=("deploy/kubernetes/$name")
done
for version in 1.30.0 1.37.0; do
  target/kubernetes-validate/bin/kubernetes-validate --strict --quiet -k "$version" "${manifests[@]}"
  echo "${#manifests[@]} manifests valid for Kubernetes $version"
done
target/kubernetes-validate/bin/python scripts/check-manifests.py
target/kubernetes-validate/bin/python scripts/check-compose.py
