#!/usr/bin/env bash
# Hub download throughput: 32 concurrent downloads of one 100 MiB file on loopback, `graft hub serve`
# vs Debian nginx serving the same file, in one run (rounds interleaved). Clients: 32 curl processes.
# Also times `graft hub pull` of that file (one Java client: HTTP + sha256 check + cache).
# Writes the `## Hub downloads` section of docs/benchmarks.md.
#   bench/hub-download.sh [ROUNDS]     (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-3}"
clients=32
size_mib=100

nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
[ -x "$nginx_bin" ] || { echo "hub-download: nginx is needed (apt-get install nginx)" >&2; exit 1; }
command -v curl >/dev/null || { echo "hub-download: curl is needed (apt-get install curl)" >&2; exit 1; }

# $work, removed on exit with the hub server and nginx ($also_stop)
source conformance/lib/serve-hub.sh
chmod 755 "$work"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

export GRAFT_HOME="$work/home"
./graft --version >/dev/null
mkdir -p "$work/files/bench"
head -c $((size_mib * 1024 * 1024)) /dev/urandom > "$work/files/bench/big.bin"
want_sha="$(sha256sum "$work/files/bench/big.bin" | cut -d' ' -f1)"
bytes=$((size_mib * 1024 * 1024))

# graft hub serve, with the file pushed through the client (LFS path).
token="$(./graft --quiet hub token create --user bench --write --data-dir "$work/data")"
serve_hub hub-download --data-dir "$work/data"
graft_url="$url"
mkdir -p "$work/push" && cp "$work/files/bench/big.bin" "$work/push/big.bin"
printf -- '---\nlicense: mit\ntags: [benchmark]\n---\n# %s MiB of random bytes\n' "$size_mib" > "$work/push/README.md"
GRAFT_ENDPOINT="$graft_url" GRAFT_TOKEN="$token" ./graft --quiet hub push "$work/push" bench/big -m "bench file" >/dev/null
graft_file_url="$graft_url/bench/big/resolve/main/big.bin"

# nginx on a free port, serving the same bytes.
nginx_port="$(free_port)"
mkdir -p "$work/nginx"
cat > "$work/nginx/nginx.conf" <<CONF
$( [ "$(id -u)" = 0 ] && echo "user root;" )
worker_processes auto;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:$nginx_port;
    root $work/files;
  }
}
CONF
"$nginx_bin" -c "$work/nginx/nginx.conf" -p "$work/nginx" &
nginx_pid=$!
also_stop="$nginx_pid"
nginx_file_url="http://127.0.0.1:$nginx_port/bench/big.bin"
for _ in $(seq 1 100); do
  curl -s -o /dev/null -r 0-0 "$nginx_file_url" && break
  sleep 0.1
done

# Both serve the same bytes.
for u in "$graft_file_url" "$nginx_file_url"; do
  got="$(curl -s "$u" | sha256sum | cut -d' ' -f1)"
  [ "$got" = "$want_sha" ] || { echo "hub-download: $u served other bytes" >&2; exit 1; }
done

# One round: $clients concurrent full downloads; prints aggregate MiB/s.
round() {
  local url="$1" start end
  start="$(date +%s.%N)"
  seq "$clients" | xargs -P "$clients" -I{} curl -s -o /dev/null -w '%{size_download}\n' "$url" > "$work/sizes"
  end="$(date +%s.%N)"
  local n_ok
  n_ok="$(grep -cx "$bytes" "$work/sizes" || true)"
  [ "$n_ok" = "$clients" ] || { echo "hub-download: only $n_ok of $clients downloads from $url were complete" >&2; exit 1; }
  python3 -c "print(f'{$clients*$size_mib/($end-$start):.0f}')"
}

graft_rates=()
nginx_rates=()
for r in $(seq 1 "$rounds"); do
  g="$(round "$graft_file_url")"; n="$(round "$nginx_file_url")"
  graft_rates+=("$g"); nginx_rates+=("$n")
  echo "round $r: graft $g MiB/s, nginx $n MiB/s"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
g_med="$(median "${graft_rates[@]}")"
n_med="$(median "${nginx_rates[@]}")"
ratio="$(python3 -c "print(f'{$g_med/$n_med:.2f}')")"

# The Java client: graft hub pull into an empty cache, once for the small card only (JVM start and
# requests) and once for the big file; the difference is the download itself (HTTP, sha256, cache).
timed_pull() {
  rm -rf "$GRAFT_HOME/hub/cache"
  local t0 t1 dir
  t0="$(date +%s.%N)"
  dir="$(GRAFT_ENDPOINT="$graft_url" ./graft --quiet hub pull bench/big --include "$1")"
  t1="$(date +%s.%N)"
  echo "$dir $(python3 -c "print($t1-$t0)")"
}
read -r _ small_s < <(timed_pull README.md)
read -r pulled pull_s < <(timed_pull big.bin)
[ "$(sha256sum "$pulled/big.bin" | cut -d' ' -f1)" = "$want_sha" ] || { echo "hub-download: graft hub pull got other bytes" >&2; exit 1; }
pull_rate="$(python3 -c "print(f'{$size_mib/max(1e-3, $pull_s-$small_s):.0f}')")"
pull_s="$(python3 -c "print(f'{$pull_s:.2f}')")"
small_s="$(python3 -c "print(f'{$small_s:.2f}')")"
load="$(cut -d' ' -f1-3 /proc/loadavg)"

cores="$(nproc)"
cpu="$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)"
nginx_version="$("$nginx_bin" -v 2>&1 | sed 's/^nginx version: //')"
echo "median: graft $g_med MiB/s, nginx $n_med MiB/s, ratio $ratio; graft hub pull ${pull_s}s (${small_s}s without the big file; ${pull_rate} MiB/s)"

mkdir -p docs
[ -f docs/benchmarks.md ] || printf '# Benchmarks\n\nMeasured with the scripts under bench/; each section says how to rerun it.\n' > docs/benchmarks.md
section="$work/section.md"
cat > "$section" <<MD
## Hub downloads

\`bench/hub-download.sh\`: $clients concurrent downloads of one ${size_mib} MiB file over loopback,
\`graft hub serve\` (resolve URL of an LFS file) vs $nginx_version (static file, sendfile on), same bytes,
rounds interleaved, median of $rounds rounds; clients are $clients \`curl\` processes on the same machine.
Machine: $cores vCPUs ($cpu), load average $load at the end (near 0 is a quiet machine; the clients
share the cores with the servers, so under load the numbers are noisy).

| server | aggregate throughput (MiB/s), median | rounds |
|---|---|---|
| graft hub serve | $g_med | ${graft_rates[*]} |
| nginx | $n_med | ${nginx_rates[*]} |
| **ratio graft / nginx** | **$ratio** | target >= 0.8 |

One Java client, \`graft hub pull\` of the same file into an empty cache: ${pull_s} s in all, of which
${small_s} s is the JVM start and requests (a pull of the small card alone); the download itself
(HTTP, sha256 check, cache layout) runs at ${pull_rate} MiB/s.
MD
python3 - "$section" <<'PY'
import re, sys
section = open(sys.argv[1]).read().rstrip() + "\n"
text = open("docs/benchmarks.md").read()
pattern = re.compile(r"^## Hub downloads\n.*?(?=^## |\Z)", re.S | re.M)
if pattern.search(text):
    text = pattern.sub(lambda m: section + "\n", text)
else:
    text = text.rstrip() + "\n\n" + section
open("docs/benchmarks.md", "w").write(text.rstrip() + "\n")
PY
echo "wrote the Hub downloads section of docs/benchmarks.md"
