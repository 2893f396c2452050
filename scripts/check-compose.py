#!/usr/bin/env python3
"""deploy/compose.yaml (`make deploy`) keeps the promises its comments and
the containers page make: every service shares `net`'s network namespace,
only `net` publishes ports and only on the host's loopback, every root
filesystem is read-only and every service restarts; three app instances on
the ports HAProxy routes to; secrets come from deploy/.env, never inline;
the favourites service takes the keys from localhost. Prints one line per
failed promise and exits 1 if there is any."""
import re
import sys
from pathlib import Path

import yaml

root = Path(__file__).resolve().parent.parent
compose = yaml.safe_load((root / "deploy" / "compose.yaml").read_text())
services = compose["services"]
problems = []


def check(ok, message):
    if not ok:
        problems.append(message)


def environment(service):
    return {key: str(value) for key, value in (service.get("environment") or {}).items()}


check({"net", "postgres", "app1", "app2", "app3", "favorites", "haproxy"} == set(services),
      f"services: {sorted(services)}")
for name, service in services.items():
    check(service.get("read_only") is True, f"{name}: read_only")
    check(service.get("restart") == "always", f"{name}: restart always")
    if name == "net":
        continue
    check(service.get("network_mode") == "service:net", f"{name}: network_mode service:net")
    check("ports" not in service, f"{name}: publishes ports (only net does)")
    check("net" in (service.get("depends_on") or []), f"{name}: depends on net")

for port in services["net"].get("ports", []):
    check(str(port).startswith("127.0.0.1:"), f"net: port {port} not on the host's loopback")
check(sorted(str(p) for p in services["net"].get("ports", []))
      == ["127.0.0.1:8080:8080", "127.0.0.1:8082:8082"], "net: publishes 8080 and 8082")

secret_names = ("POSTGRES_PASSWORD", "JWT_KEY_ENCRYPTION_KEY")
for name, service in services.items():
    for key, value in environment(service).items():
        for secret in secret_names:
            if secret in key or secret in value:
                check(re.search(r"\$\{" + secret + r":\?", value) is not None,
                      f"{name}: {key} must take {secret} from deploy/.env (${{{secret}:?...}})")

proxy_ports = environment(services["haproxy"])
for number, name in enumerate(("app1", "app2", "app3"), start=1):
    env = environment(services[name])
    port = proxy_ports.get(f"APP{number}_PORT")
    check(env.get("LEPTOS_SITE_ADDR") == f"127.0.0.1:{port}",
          f"{name}: listens on {env.get('LEPTOS_SITE_ADDR')}, HAProxy routes to {port}")
    check(env.get("PUBLIC_ORIGIN") == "http://localhost:8080", f"{name}: PUBLIC_ORIGIN")
    check("postgres" in (services[name].get("depends_on") or []), f"{name}: depends on postgres")

jwks = environment(services["favorites"]).get("JWT_JWKS_URL", "")
check(jwks.startswith("http://localhost:8080/"), f"favorites: JWT_JWKS_URL {jwks!r} not on localhost")

for problem in problems:
    print("compose: " + problem)
if problems:
    sys.exit(1)
print(f"compose file keeps its promises ({len(services)} services)")
