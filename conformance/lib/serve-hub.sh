# Sourced, from the repository root, by the scripts that run a `graft hub serve` of their own
# (conformance/ and bench/): a temporary folder $work, removed on exit together with the server
# ($server_pid) and any other process named in $also_stop; await_hub and serve_hub start and wait.
work="$(mktemp -d)"
server_pid=""
also_stop=""
cleanup() {
  local pid
  for pid in "$server_pid" $also_stop; do
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$work"
}
trap cleanup EXIT

# await_hub OUT [TRIES]: waits, TRIES x 0.1 s (default 600), for the server $server_pid to write its
# "listening on URL" line into OUT and sets url. Returns 1 when the server exited, 2 when time ran out.
await_hub() {
  local out="$1" tries="${2:-600}"
  url=""
  for _ in $(seq 1 "$tries"); do
    url="$(sed -n 's/^listening on //p' "$out" | head -1)"
    [ -n "$url" ] && return 0
    kill -0 "$server_pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 2
}

# serve_hub NAME ARGS...: `./graft hub serve --port 0 ARGS...` in the background, its output in
# $work/serve.out and $work/serve.err; sets server_pid and url, or stops the script with NAME's message.
serve_hub() {
  local name="$1" rc=0
  shift
  ./graft hub serve --port 0 "$@" >"$work/serve.out" 2>"$work/serve.err" &
  server_pid=$!
  await_hub "$work/serve.out" || rc=$?
  if [ "$rc" = 1 ]; then
    cat "$work/serve.err" >&2
    echo "$name: the server did not start" >&2
    exit 1
  elif [ "$rc" != 0 ]; then
    echo "$name: the server did not report its URL" >&2
    exit 1
  fi
}
