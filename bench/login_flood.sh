#!/usr/bin/env bash
# A login flood on the multi-user server over loopback (issue 19, item 1): CLIENTS concurrent
# clients post wrong passwords with made-up account names for SECONDS seconds, all from
# 127.0.0.2 (one attacking machine) — or with SPREAD=1 each from its own loopback address
# 127.0.<n>.<m> (a distributed attacker, which the per-address throttle slows only after 20
# failures each); a real user logs in every 5 s from 127.0.0.1, from the browser he used before
# (with its known-device cookie) and from a new one. Prints the answers
# by status, the real user's logins, and the server's resident memory: before, the highest seen
# during the flood (sampled every 0.5 s), and 10 s after.
# Usage: bash bench/login_flood.sh [CLIENTS] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
clients="${1:-200}"
secs="${2:-60}"
[ "${YUQI_NO_BUILD:-0}" = 1 ] || cargo build --profile app -q -p yuqi-cli
bin=target/app/yuqi
data=$(mktemp -d)
port=18282
export YUQI_DATA_DIR="$data"
YUQI_NEW_PASSWORD="the real user's password" "$bin" user add realuser >/dev/null
"$bin" serve --multi-user --addr "127.0.0.1:$port" >"$data/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/login" >/dev/null && break; sleep 0.2; done
rss() { awk '/VmRSS/ {print $2}' "/proc/$pid/status"; }
echo "server pid $pid; RSS before: $(rss) kB"
(
  peak=0
  end=$((SECONDS + secs))
  while [ $SECONDS -lt $end ]; do
    r=$(rss); [ "$r" -gt "$peak" ] && peak=$r
    sleep 0.5
  done
  echo "$peak" >"$data/peak"
) &
sampler=$!
python3 - "$port" "$clients" "$secs" "${SPREAD:-0}" <<'PY'
import http.client, sys, threading, time, urllib.parse, collections
port, clients, secs, spread = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), sys.argv[4] == "1"
counts = collections.Counter()
lock = threading.Lock()
stop = time.time() + secs

def login(src, name, password):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(src, 0))
    c.request("GET", "/login", headers={"Host": f"127.0.0.1:{port}"})
    r = c.getresponse(); r.read()
    cookie = [v for k, v in r.getheaders() if k.lower() == "set-cookie" and v.startswith("yq_login_csrf=")][0].split(";")[0]
    token = cookie.split("=", 1)[1]
    body = urllib.parse.urlencode({"csrf": token, "name": name, "password": password})
    return c, cookie, body

def flood(i):
    src = f"127.0.{1 + i // 250}.{1 + i % 250}" if spread else "127.0.0.2"
    n = 0
    while time.time() < stop:
        try:
            c, cookie, _ = login(src, "x", "x")
            while time.time() < stop:
                n += 1
                body = urllib.parse.urlencode({"csrf": cookie.split("=", 1)[1], "name": f"guess{i}-{n % 7}", "password": f"wrong{n}"})
                c.request("POST", "/login", body=body, headers={"Host": f"127.0.0.1:{port}", "Cookie": cookie,
                          "Content-Type": "application/x-www-form-urlencoded"})
                r = c.getresponse(); r.read()
                with lock: counts[r.status] += 1
        except Exception as e:
            with lock: counts[type(e).__name__] += 1
            time.sleep(0.2)

def real_login(extra_cookie):
    c, cookie, _ = login("127.0.0.1", "x", "x")
    body = urllib.parse.urlencode({"csrf": cookie.split("=", 1)[1], "name": "realuser", "password": "the real user's password"})
    c.request("POST", "/login", body=body, headers={"Host": f"127.0.0.1:{port}", "Cookie": cookie + extra_cookie,
              "Content-Type": "application/x-www-form-urlencoded"})
    r = c.getresponse(); r.read()
    known = [v.split(";")[0] for k, v in r.getheaders() if k.lower() == "set-cookie" and v.startswith("yq_known=")]
    return r.status == 303, known

# The real user's browser logged in before (yesterday): it carries the known-device cookie.
_, known = real_login("")
known_cookie = "; " + known[0] if known else ""

def real_user(extra, label):
    ok = tried = 0
    while time.time() < stop:
        tried += 1
        try:
            ok += real_login(extra)[0]
        except Exception:
            pass
        time.sleep(5)
    print(f"real user, {label}: {ok} of {tried} logins succeeded during the flood")

threads = [threading.Thread(target=flood, args=(i,)) for i in range(clients)] + [
    threading.Thread(target=real_user, args=(known_cookie, "from the browser used before")),
    threading.Thread(target=real_user, args=("", "from a new browser"))]
for t in threads: t.start()
for t in threads: t.join()
print("answers:", dict(counts), f"({sum(v for k, v in counts.items() if isinstance(k, int)) / secs:.0f}/s)")
PY
wait $sampler
echo "RSS highest during the flood: $(cat "$data/peak") kB"
sleep 10
echo "RSS 10 s after the flood: $(rss) kB"
