# Helpers the scripts share: `source scripts/common.sh` from the repository root,
# or `source "$(dirname "$0")/common.sh"` from a script that keeps the caller's directory.

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# A TCP port free on the loopback interface right now.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Waits until URL answers 200, for at most 60 s.
wait_for() {
  for _ in $(seq 600); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "no answer from $1" >&2
  return 1
}
