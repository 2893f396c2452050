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

# Runs a command for at most LIMIT (timeout's units: 45m), so a hung test fails
# its step instead of using up CI's time. Outside a terminal the whole process
# group goes on timeout (cargo and the test binary it waits on: a survivor would
# hold CI's output open); in a terminal only the command does, as --foreground
# is what lets Ctrl-C reach cargo.
bounded() {
  local limit=$1
  shift
  if [[ -t 1 ]]; then
    timeout --foreground "$limit" "$@"
  else
    timeout "$limit" "$@"
  fi
}
