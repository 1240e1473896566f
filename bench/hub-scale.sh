#!/usr/bin/env bash
# Several hub servers over one PostgreSQL + one S3 bucket, on loopback: a throwaway PostgreSQL cluster
# (Debian's postgresql binaries), S3Proxy with its file-system back end (the jar the build copies to
# graft-hub-server/target/s3proxy) and two `graft hub serve --db-url ... --blob-store s3://...`.
# Measures, with one server and with two (clients spread over both):
#   - aggregate download throughput: $clients concurrent curl downloads of one $size_mib MiB LFS file
#   - aggregate upload throughput: $clients concurrent LFS uploads (batch + PUT) of distinct $upload_mib MiB files
#   - commit latency: $committers concurrent writers, $commits_each small commits each without a parent
# Rounds are interleaved (one server, two servers), median of $rounds. Prints a Markdown table.
#   bench/hub-scale.sh [ROUNDS]     (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-3}"
clients=8
size_mib=32
upload_mib=8
committers=16
commits_each=8

command -v curl >/dev/null || { echo "hub-scale: curl is needed (apt-get install curl)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "hub-scale: python3 is needed" >&2; exit 1; }
pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -x "$pg_bin/initdb" ] || { echo "hub-scale: PostgreSQL server binaries are needed (apt-get install postgresql)" >&2; exit 1; }
s3proxy_jar=graft-hub-server/target/s3proxy/s3proxy.jar
if [ ! -f "$s3proxy_jar" ]; then
  mvn -B -q -ntp -pl graft-hub-server -am process-test-resources >/dev/null
fi

# $work, removed on exit with every process named in $also_stop
source conformance/lib/serve-hub.sh
chmod 755 "$work"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
export GRAFT_HOME="$work/home"
./graft --version >/dev/null

# PostgreSQL on a free port (as the postgres user when run as root: initdb refuses root).
pg_port="$(free_port)"
as_pg=()
if [ "$(id -u)" = 0 ]; then as_pg=(runuser -u postgres --); mkdir -p "$work/pg"; chown postgres "$work/pg"; fi
"${as_pg[@]}" "$pg_bin/initdb" -D "$work/pg/data" -A trust -U postgres -E UTF8 --no-sync >/dev/null
"${as_pg[@]}" "$pg_bin/pg_ctl" -D "$work/pg/data" -w -l "$work/pg/log" \
  -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $work/pg -c fsync=off -c max_connections=200" start >/dev/null
stop_pg() { "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$work/pg/data" -m immediate -w stop >/dev/null 2>&1 || true; }
trap 'stop_pg; cleanup' EXIT
"${as_pg[@]}" "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -qc 'CREATE DATABASE hub' >/dev/null
db="jdbc:postgresql://127.0.0.1:$pg_port/hub?user=postgres"

# S3Proxy on a free port, file-system back end; a bucket for the hub.
s3_port="$(free_port)"
mkdir -p "$work/s3/data"
cat > "$work/s3/s3proxy.properties" <<PROPS
s3proxy.endpoint=http://127.0.0.1:$s3_port
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=bench-key
s3proxy.credential=bench-secret
jclouds.provider=filesystem
jclouds.filesystem.basedir=$work/s3/data
PROPS
java -Xmx512m -jar "$s3proxy_jar" --properties "$work/s3/s3proxy.properties" >"$work/s3/log" 2>&1 &
also_stop="$!"
export AWS_ACCESS_KEY_ID=bench-key AWS_SECRET_ACCESS_KEY=bench-secret AWS_REGION=us-east-1
export AWS_ENDPOINT_URL_S3="http://127.0.0.1:$s3_port"
for _ in $(seq 1 200); do curl -s -o /dev/null "$AWS_ENDPOINT_URL_S3/" && break; sleep 0.1; done
# The jclouds file-system back end keeps a bucket as a folder under its base directory.
mkdir -p "$work/s3/data/bench"

# Two servers, each with its own data folder (temporary files only), on one database and bucket.
urls=()
for name in a b; do
  ./graft hub serve --port 0 --data-dir "$work/$name" --db-url "$db" --blob-store s3://bench/hub \
    >"$work/serve-$name.out" 2>"$work/serve-$name.err" &
  server_pid=$!
  also_stop="$also_stop $server_pid"
  await_hub "$work/serve-$name.out" || { cat "$work/serve-$name.err" >&2; echo "hub-scale: server $name did not start" >&2; exit 1; }
  urls+=("$url")
done
server_pid=""
token="$(./graft --quiet hub token create --user bench --write --db-url "$db" --data-dir "$work/a")"

mkdir -p "$work/push"
head -c $((size_mib * 1024 * 1024)) /dev/urandom > "$work/push/big.bin"
want_sha="$(sha256sum "$work/push/big.bin" | cut -d' ' -f1)"
GRAFT_ENDPOINT="${urls[0]}" GRAFT_TOKEN="$token" ./graft --quiet hub push "$work/push" bench/big -m "bench file" >/dev/null
for u in "${urls[@]}"; do
  got="$(curl -sL "$u/bench/big/resolve/main/big.bin" | sha256sum | cut -d' ' -f1)"
  [ "$got" = "$want_sha" ] || { echo "hub-scale: $u served other bytes" >&2; exit 1; }
done

# download N: $clients concurrent downloads spread over the first N servers; aggregate MiB/s.
download() {
  local n="$1" start end pids=()
  rm -f "$work"/size.*
  start="$(date +%s.%N)"
  for i in $(seq 0 $((clients - 1))); do
    curl -s -o /dev/null -w '%{size_download}\n' "${urls[$((i % n))]}/bench/big/resolve/main/big.bin" >"$work/size.$i" &
    pids+=($!)
  done
  wait "${pids[@]}"
  end="$(date +%s.%N)"
  cat "$work"/size.* | awk -v s="$start" -v e="$end" -v want=$((clients * size_mib * 1048576)) \
    '{b += $1} END {if (b != want) exit 1; printf "%.0f", b / 1048576 / (e - s)}'
}

# The upload and commit clients (python3, threads): prints aggregate MiB/s, or p50/p95 ms and commits/s.
cat > "$work/load.py" <<'PY'
import base64, hashlib, json, os, sys, threading, time, urllib.request
mode, token, n, rounds_tag = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
urls = sys.argv[5:]
def req(url, method="GET", body=None, ctype=None, auth=True):
    r = urllib.request.Request(url, data=body, method=method)
    if auth:
        r.add_header("Authorization", "Bearer " + token)
    if ctype:
        r.add_header("Content-Type", ctype)
    with urllib.request.urlopen(r, timeout=300) as resp:
        return resp.status, resp.read()
errors = []
if mode == "upload":
    size = n * 1048576
    clients = int(os.environ["CLIENTS"])
    blobs = [os.urandom(size) for _ in range(clients)]
    def up(i):
        try:
            base = urls[i % len(urls)]
            data = blobs[i]
            oid = hashlib.sha256(data).hexdigest()
            _, b = req(base + "/bench/big.git/info/lfs/objects/batch", "POST", json.dumps({"operation": "upload",
                       "objects": [{"oid": oid, "size": size}]}).encode(), "application/vnd.git-lfs+json")
            href = json.loads(b)["objects"][0]["actions"]["upload"]["href"]
            req(href, "PUT", data, "application/octet-stream", auth=False)
        except Exception as e:
            errors.append(repr(e))
    threads = [threading.Thread(target=up, args=(i,)) for i in range(clients)]
    t0 = time.time()
    for t in threads: t.start()
    for t in threads: t.join()
    dt = time.time() - t0
    if errors: sys.exit("upload failed: " + errors[0])
    print("%.0f" % (clients * size / 1048576 / dt))
else:
    committers, each = n, int(os.environ["COMMITS_EACH"])
    lat = []
    lock = threading.Lock()
    def commit(w):
        base = urls[w % len(urls)]
        for k in range(each):
            body = (json.dumps({"key": "header", "value": {"summary": "w%d c%d %s" % (w, k, rounds_tag)}}) + "\n"
                    + json.dumps({"key": "file", "value": {"path": "w%d.txt" % w, "encoding": "base64",
                                  "content": base64.b64encode(("%s %d %d" % (rounds_tag, w, k)).encode()).decode()}}) + "\n").encode()
            t = time.time()
            try:
                req(base + "/api/models/bench/big/commit/main", "POST", body, "application/x-ndjson")
            except Exception as e:
                errors.append(repr(e))
                return
            with lock:
                lat.append(time.time() - t)
    threads = [threading.Thread(target=commit, args=(w,)) for w in range(committers)]
    t0 = time.time()
    for t in threads: t.start()
    for t in threads: t.join()
    dt = time.time() - t0
    if errors: sys.exit("commit failed: " + errors[0])
    lat.sort()
    print("%.0f %.0f %.1f" % (lat[len(lat) // 2] * 1000, lat[int(len(lat) * 0.95)] * 1000, len(lat) / dt))
PY

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
dl1="" dl2="" up1="" up2="" c1="" c2=""
for r in $(seq 1 "$rounds"); do
  dl1="$dl1 $(download 1)"
  dl2="$dl2 $(download 2)"
  up1="$up1 $(CLIENTS=$clients python3 "$work/load.py" upload "$token" "$upload_mib" "r$r" "${urls[0]}")"
  up2="$up2 $(CLIENTS=$clients python3 "$work/load.py" upload "$token" "$upload_mib" "r$r" "${urls[@]}")"
  c1="$c1|$(COMMITS_EACH=$commits_each python3 "$work/load.py" commit "$token" "$committers" "one-r$r" "${urls[0]}")"
  c2="$c2|$(COMMITS_EACH=$commits_each python3 "$work/load.py" commit "$token" "$committers" "two-r$r" "${urls[@]}")"
done
# Nothing lost: the history holds every commit made (plus the push and the first commit).
made=$((rounds * 2 * committers * commits_each + 2))
[ "$made" -le 1000 ] || { echo "hub-scale: at most 1000 commits can be listed in one page; use fewer rounds" >&2; exit 1; }
listed="$(curl -s "${urls[1]}/api/models/bench/big/commits/main?limit=1000" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"
[ "$listed" = "$made" ] || { echo "hub-scale: $made commits made, $listed in the history" >&2; exit 1; }

col() { echo "$1" | tr '|' '\n' | grep -v '^$' | awk -v k="$2" '{print $k}' | paste -sd' '; }
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $rounds rounds, median (rounds in brackets)"
echo
echo "| measure | one server | two servers |"
echo "|---|---|---|"
echo "| download, $clients clients x $size_mib MiB (MiB/s) | $(echo "$dl1" | median) [${dl1# }] | $(echo "$dl2" | median) [${dl2# }] |"
echo "| upload, $clients clients x $upload_mib MiB (MiB/s) | $(echo "$up1" | median) [${up1# }] | $(echo "$up2" | median) [${up2# }] |"
echo "| commit latency p50 (ms), $committers writers | $(col "$c1" 1 | median) [$(col "$c1" 1)] | $(col "$c2" 1 | median) [$(col "$c2" 1)] |"
echo "| commit latency p95 (ms) | $(col "$c1" 2 | median) [$(col "$c1" 2)] | $(col "$c2" 2 | median) [$(col "$c2" 2)] |"
echo "| commits/s | $(col "$c1" 3 | median) [$(col "$c1" 3)] | $(col "$c2" 3 | median) [$(col "$c2" 3)] |"
echo
echo "history: $listed commits, every one made (none lost)"
