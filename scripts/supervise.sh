#!/usr/bin/env bash
# Keeps one process of the local cluster running, the way a supervisor
# (systemd's Restart=always, Kubernetes' restart policy) would: whenever it
# ends, however it ended, one log line says how, and it is started again
# after a back-off that grows while it keeps dying (0.5 s, 1 s, 2 s … 30 s)
# and starts over once it has run for a minute. SIGTERM or SIGINT ends the
# supervision: the process gets SIGTERM (its graceful shutdown) and is
# waited for.
#
#   scripts/supervise.sh NAME COMMAND [ARGS...]
#
# Used by scripts/cluster.sh for each app instance, HAProxy and the
# favourites service; server/tests/integration/cluster.rs kills an instance under it.
set -uo pipefail

if (($# < 2)); then
  echo "usage: $0 NAME COMMAND [ARGS...]" >&2
  exit 2
fi
name=$1
shift

child=""
pause=""
stop() {
  trap - TERM INT
  [[ -n "$pause" ]] && kill "$pause" 2>/dev/null
  if [[ -n "$child" ]]; then
    kill -TERM "$child" 2>/dev/null
    wait "$child" 2>/dev/null
  fi
  exit 0
}
trap stop TERM INT

delays=(0.5 1 2 4 8 16 30)
failures=0
while :; do
  started=$SECONDS
  "$@" &
  child=$!
  wait "$child" 2>/dev/null  # bash's own "Killed" notice; the line below says it
  status=$?
  child=""
  ran=$((SECONDS - started))
  # A process that ran a good while before it died starts over at the
  # shortest pause; one that dies at start waits longer each time.
  ((ran >= 60)) && failures=0
  last=$((${#delays[@]} - 1))
  delay=${delays[failures < last ? failures : last]}
  failures=$((failures + 1))
  if ((status > 128)); then
    how="was killed by SIG$(kill -l $((status - 128)))"
  else
    how="exited with status $status"
  fi
  echo "supervise: $name $how after ${ran} s; starting it again in $delay s (restart $failures)" >&2
  sleep "$delay" &
  pause=$!
  wait "$pause"
  pause=""
done
