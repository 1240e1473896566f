#!/usr/bin/env bash
# Request bodies against `graft hub serve` on loopback: the server's resident memory (RSS, from
# /proc) before and after bursts of 8 concurrent oversized or large requests, and the answers:
#   1. anonymous paths-info, 242 MB JSON body with Content-Length (the audit's case: must be 413 unread)
#   2. the same without a length (chunked): cut off at the anonymous limit, 413
#   3. paths-info with a token, just under the 8 MiB JSON limit: 200
#   4. commits with a token, one 64 MiB file inline (base64) each: 200, decoded to disk as it arrives
# Prints one line per burst: the statuses and RSS before / right after / 15 s later (MiB).
#   bench/hub-body-burst.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v curl >/dev/null || { echo "hub-body-burst: curl is needed (apt-get install curl)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "hub-body-burst: python3 is needed" >&2; exit 1; }
clients=8

# $work, removed on exit with the hub server this script starts
source conformance/lib/serve-hub.sh

export GRAFT_HOME="$work/home"
./graft --version >/dev/null
token="$(./graft --quiet hub token create --user bench --write --data-dir "$work/data")"
serve_hub hub-body-burst --data-dir "$work/data"
curl -sf -o /dev/null -H "Authorization: Bearer $token" -H "Content-Type: application/json" \
  -d '{"name":"burst","type":"model"}' "$url/api/repos/create"

python3 - "$work" "$clients" <<'PY'
import base64, json, os, sys
work = sys.argv[1]
def paths_body(target):
    n = target // 40
    return json.dumps({"paths": ["folder/sub/file-%08d.safetensors" % i for i in range(n)]}).encode()
with open(os.path.join(work, "huge.json"), "wb") as f:
    f.write(paths_body(242_000_000))
with open(os.path.join(work, "under.json"), "wb") as f:
    f.write(paths_body(8 * 1024 * 1024 - 200_000))
content = base64.b64encode(os.urandom(64 << 20))
for i in range(1, int(sys.argv[2]) + 1):
    with open(os.path.join(work, "commit.%d.ndjson" % i), "wb") as f:
        f.write(json.dumps({"key": "header", "value": {"summary": "inline file"}}).encode() + b"\n")
        f.write(b'{"key":"file","value":{"content":"' + content + b'","path":"file-%d.bin","encoding":"base64"}}\n' % i)
PY

rss() { awk '/VmRSS/ {printf "%d", $2/1024}' "/proc/$server_pid/status"; }

burst() {  # name, body file ({i}: the client's number), then curl arguments (the URL last)
  local name="$1" body="$2"; shift 2
  local before after later statuses pids=()
  before="$(rss)"
  for i in $(seq 1 "$clients"); do
    curl -s -o /dev/null -w '%{http_code}\n' --data-binary "@${body//\{i\}/$i}" "$@" >"$work/status.$i" 2>/dev/null &
    pids+=($!)
  done
  wait "${pids[@]}" || true
  after="$(rss)"
  sleep 15   # idle for 3 s after a burst of bodies, the server has the heap collected and handed back
  later="$(rss)"
  statuses="$(cat "$work"/status.* | sort | uniq -c | awk '{printf "%s x%s ", $2, $1}')"
  echo "$name: answers ${statuses}| RSS MiB before $before, after $after, 15 s later $later"
}

echo "hub-body-burst: $clients concurrent requests per burst against $url"
paths_info="$url/api/models/bench/burst/paths-info/main"
burst "anonymous paths-info 242 MB with length" "$work/huge.json" -X POST -H "Content-Type: application/json" "$paths_info"
burst "anonymous paths-info 242 MB chunked" "$work/huge.json" -X POST -H "Content-Type: application/json" \
  -H "Transfer-Encoding: chunked" "$paths_info"
burst "paths-info with a token, 8 MiB - 200 kB" "$work/under.json" -X POST -H "Authorization: Bearer $token" \
  -H "Content-Type: application/json" "$paths_info"
burst "commits with a token, 64 MiB inline file each" "$work/commit.{i}.ndjson" -X POST -H "Authorization: Bearer $token" \
  -H "Content-Type: application/x-ndjson" "$url/api/models/bench/burst/commit/main"
