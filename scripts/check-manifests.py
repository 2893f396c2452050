#!/usr/bin/env python3
"""The Kubernetes manifests (deploy/kubernetes/) keep the promises the
deployment guide makes, beyond their schemas (kubernetes-validate checks
those): every container runs as a non-root user on a read-only root
filesystem with every capability dropped; the app has 3 replicas, a
PodDisruptionBudget, liveness on /api/health and readiness on /api/ready;
every container has resources; secrets come from the Secret, never inline.
Prints one line per failed promise and exits 1 if there is any."""
import sys
from pathlib import Path

import yaml

root = Path(__file__).resolve().parent.parent / "deploy" / "kubernetes"
kustomization = yaml.safe_load((root / "kustomization.yaml").read_text())
docs = [
    doc
    for name in kustomization["resources"]
    for doc in yaml.safe_load_all((root / name).read_text())
    if doc
]
by_kind = {}
for doc in docs:
    by_kind.setdefault(doc["kind"], {})[doc["metadata"]["name"]] = doc
problems = []


def check(ok, message):
    if not ok:
        problems.append(message)


workloads = {**by_kind.get("Deployment", {}), **by_kind.get("StatefulSet", {})}
check({"app", "favorites", "postgres"} <= set(workloads), f"workloads: {sorted(workloads)}")
for name, workload in workloads.items():
    pod = workload["spec"]["template"]["spec"]
    pod_security = pod.get("securityContext", {})
    check(pod_security.get("runAsNonRoot") is True, f"{name}: pod runAsNonRoot")
    for container in pod["containers"]:
        where = f"{name}/{container['name']}"
        security = container.get("securityContext", {})
        check(security.get("readOnlyRootFilesystem") is True, f"{where}: readOnlyRootFilesystem")
        check(security.get("allowPrivilegeEscalation") is False, f"{where}: allowPrivilegeEscalation")
        check(security.get("capabilities", {}).get("drop") == ["ALL"], f"{where}: drop ALL capabilities")
        check("limits" in container.get("resources", {}), f"{where}: resource limits")
        check("requests" in container.get("resources", {}), f"{where}: resource requests")
        check("livenessProbe" in container and "readinessProbe" in container, f"{where}: probes")
        for variable in container.get("env", []):
            secret_like = any(word in variable["name"] for word in ("PASSWORD", "KEY", "SECRET", "DATABASE_URL"))
            check(not (secret_like and "value" in variable), f"{where}: {variable['name']} inline, not from the Secret")

app = workloads.get("app", {}).get("spec", {})
check(app.get("replicas") == 3, "app: 3 replicas")
container = app.get("template", {}).get("spec", {}).get("containers", [{}])[0]
check(container.get("livenessProbe", {}).get("httpGet", {}).get("path") == "/api/health", "app: liveness /api/health")
check(container.get("readinessProbe", {}).get("httpGet", {}).get("path") == "/api/ready", "app: readiness /api/ready")
budgets = by_kind.get("PodDisruptionBudget", {})
check(any(b["spec"]["selector"]["matchLabels"] == app.get("selector", {}).get("matchLabels") for b in budgets.values()),
      "app: a PodDisruptionBudget")
config = by_kind.get("ConfigMap", {}).get("photo-spots", {}).get("data", {})
for variable in ("JWT_KEY_ENCRYPTION_KEY", "DATABASE_URL", "POSTGRES_PASSWORD", "JWT_SECRET"):
    check(variable not in config, f"ConfigMap: {variable} belongs in the Secret")
check(config.get("JWT_JWKS_URL", "").startswith("https://"), "favorites: JWT_JWKS_URL over https")
secret = by_kind.get("Secret", {}).get("photo-spots", {}).get("stringData", {})
check("JWT_KEY_ENCRYPTION_KEY" in secret, "Secret: JWT_KEY_ENCRYPTION_KEY")
check(bool(by_kind.get("Ingress")), "an Ingress")

for problem in problems:
    print(f"deploy/kubernetes: {problem}")
print(f"{len(docs)} Kubernetes objects, {len(problems)} broken promises")
sys.exit(1 if problems else 0)
