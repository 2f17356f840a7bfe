#!/usr/bin/env bash
# Measures trainer-api under load on Postgres, as `just bench` runs it after the gym bench:
#   - builds release and seeds the demo workspace in a fresh schema: a trainer with 40 clients
#     and twelve weeks of appointments (four past, eight ahead, about 60 % of the working hours);
#   - drives load with wrk from a separate process on loopback (32 connections, 20 s each):
#       GET /api/v1/availability for a week, GET /api/v1/dashboard, and booking (the trainer
#       books a free slot for a client, then cancels it: the two writes alternate);
#   - prints requests/s, p50/p99 latency, server CPU milliseconds per request (from /proc) and
#     the server's peak RSS, as a Markdown table for docs/benchmarks.md.
# Usage: scripts/bench-trainer.sh [postgres://user@host:port]
#        (BENCH_DURATION, BENCH_CONNECTIONS, BENCH_PORT; BENCH_PROFILE=profiling for a quick build)
set -euo pipefail
cd "$(dirname "$0")/.."

postgres="${1:-postgres://postgres@127.0.0.1:5432}"
duration="${BENCH_DURATION:-20}"
connections="${BENCH_CONNECTIONS:-32}"
port="${BENCH_PORT:-18001}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/palestra/target}"

if ! command -v wrk >/dev/null 2>&1; then
    echo "installing wrk (Debian package)" >&2
    apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk; }
fi
scripts/ensure-postgres.sh "$postgres" palestra_bench
profile="${BENCH_PROFILE:-release}"
cargo build --profile "$profile" -q -p trainer-api
bin="$CARGO_TARGET_DIR/$profile/trainer-api"

psql "$postgres/palestra_bench" -qc "DROP SCHEMA IF EXISTS trainer CASCADE" >/dev/null
export DATABASE_URL="$postgres/palestra_bench" DATABASE_SCHEMA=trainer RUST_LOG=warn PORT="$port" HOST=127.0.0.1
export JWT_SECRET="bench-secret-bench-secret-bench-secret-42"
seed="$("$bin" seed-demo --members 40)"
# Planner statistics for the fresh tables, as autovacuum would gather them within a minute of
# the load: the benchmark measures a database in its steady state.
psql "$postgres/palestra_bench" -qc "ANALYZE" >/dev/null
workspace_id="$(printf '%s\n' "$seed" | sed -n 's/^tenant_id=//p' | head -n1)"
type_id="$(printf '%s\n' "$seed" | sed -n 's/^appointment_type_id=//p' | head -n1)"
if [ -z "$workspace_id" ] || [ -z "$type_id" ]; then
    printf 'seed-demo did not report the workspace and appointment type:\n%s\n' "$seed" >&2
    exit 1
fi

"$bin" serve >/tmp/palestra-bench-trainer-server.log 2>&1 &
pid=$!
book_lua="$(mktemp --suffix=.lua)"
trap 'kill "$pid" 2>/dev/null || true; rm -f "$book_lua"' EXIT
for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break
    sleep 0.1
done
token="$(curl -fs -H 'content-type: application/json' \
    -d '{"email":"trainer@demo.palestra.dev","password":"palestra-demo-1"}' \
    "http://127.0.0.1:$port/api/v1/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')"
auth=(-H "authorization: Bearer $token" -H "x-workspace-id: $workspace_id")
curl -fs "${auth[@]}" "http://127.0.0.1:$port/api/v1/dashboard" >/dev/null

ticks_per_second="$(getconf CLK_TCK)"
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }

# Parses wrk output: requests, requests/s, p50, p99, non-2xx count.
parse() {
    local out="$1"
    local requests rps p50 p99 errors
    requests="$(awk '/requests in/ { print $1 }' <<<"$out")"
    rps="$(awk '/Requests\/sec/ { print $2 }' <<<"$out")"
    p50="$(awk '$1 == "50%" { print $2 }' <<<"$out")"
    p99="$(awk '$1 == "99%" { print $2 }' <<<"$out")"
    errors="$(awk '/Non-2xx/ { print $NF }' <<<"$out")"
    echo "$requests ${rps%.*} $p50 $p99 ${errors:-0}"
}

row() {
    local name="$1" parsed="$2" cpu_ticks_used="$3" total_requests="$4"
    read -r requests rps p50 p99 errors <<<"$parsed"
    local cpu_ms
    cpu_ms="$(awk -v t="$cpu_ticks_used" -v hz="$ticks_per_second" -v n="$total_requests" 'BEGIN { printf "%.3f", t * 1000 / hz / n }')"
    printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$name" "$connections" "$rps" "$p50" "$p99" "$cpu_ms" "$errors"
}

run() {
    local name="$1"
    shift
    local before after out parsed
    before="$(cpu_ticks)"
    out="$(wrk -t2 -c"$connections" -d"${duration}s" --latency "$@")"
    after="$(cpu_ticks)"
    parsed="$(parse "$out")"
    row "$name" "$parsed" $((after - before)) "$(cut -d' ' -f1 <<<"$parsed")"
}

# Next week, Monday to Sunday, in the trainer's zone (the seed's appointments fill ~60 %).
from="$(date -d 'next monday' +%Y-%m-%d)"
to="$(date -d "$from + 6 days" +%Y-%m-%d)"
slot_count="$(curl -fs "${auth[@]}" "http://127.0.0.1:$port/api/v1/availability?type=$type_id&from=$from&to=$to" |
    python3 -c 'import json,sys; print(len(json.load(sys.stdin)["slots"]))')"

echo
echo "trainer-api $("$bin" --version | awk '{print $2}'), Postgres, $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), ${duration}s per run"
echo
echo "| scenario | connections | requests/s | p50 | p99 | server CPU ms/request | non-2xx |"
echo "|---|---|---|---|---|---|---|"

run "GET /api/v1/availability (a week, $slot_count free slots)" "${auth[@]}" \
    "http://127.0.0.1:$port/api/v1/availability?type=$type_id&from=$from&to=$to"
run "GET /api/v1/dashboard" "${auth[@]}" "http://127.0.0.1:$port/api/v1/dashboard"

# Book and cancel: each connection books a free slot of the next weeks for a client with
# credits (consumed in the booking's transaction), and its next request cancels it (a timely
# cancellation: the credit comes back). The slots are free start times that do not block one
# another (the availability grid is 15 minutes, an appointment with its buffers is longer), shared
# out between the two wrk threads, so a slot is booked again only long after its cancellation.
clients="$(psql "$postgres/palestra_bench" -Atc \
    "SELECT account_id FROM trainer.trainer_credit_balances WHERE tenant_id = '$workspace_id' AND balance >= 3")"
slots=""
block_minutes="$(curl -fs "${auth[@]}" "http://127.0.0.1:$port/api/v1/appointment-types/$type_id" |
    python3 -c 'import json,sys; t = json.load(sys.stdin); print(t["duration_minutes"] + t["buffer_before_minutes"] + t["buffer_after_minutes"])')"
for week in 1 2 3 4 5 6 7 8; do
    start="$(date -d "$from + $(( (week - 1) * 7 )) days" +%Y-%m-%d)"
    end="$(date -d "$start + 6 days" +%Y-%m-%d)"
    slots+="$(curl -fs "${auth[@]}" "http://127.0.0.1:$port/api/v1/availability?type=$type_id&from=$start&to=$end" |
        python3 -c 'import json,sys; print("\n".join(s["starts_at"] for s in json.load(sys.stdin)["slots"]))')"$'\n'
done
python3 - "$token" "$workspace_id" "$type_id" "$clients" "$slots" "$block_minutes" >"$book_lua" <<'PY'
import json, sys
from datetime import datetime, timedelta
token, workspace, type_id, clients, slots, block = sys.argv[1:7]
clients = [c for c in clients.split() if c]
# Keep start times at least one whole block apart, so no two chosen slots overlap.
chosen, last = [], None
for s in sorted(set(s for s in slots.split() if s)):
    at = datetime.fromisoformat(s.replace("Z", "+00:00"))
    if last is None or at - last >= timedelta(minutes=int(block)):
        chosen.append(s)
        last = at
slots = chosen
print("local slots = {" + ",".join(json.dumps(s) for s in slots) + "}")
print("local clients = {" + ",".join(json.dumps(c) for c in clients) + "}")
print("local token, workspace, type_id = %s, %s, %s" % (json.dumps(token), json.dumps(workspace), json.dumps(type_id)))
PY
cat >>"$book_lua" <<'LUA'
local threads = 0
function setup(thread)
    thread:set("tid", threads)
    threads = threads + 1
end
function init(args)
    pending = {}
    next_index = tid + 1
    count = 0
    wrk.headers["Authorization"] = "Bearer " .. token
    wrk.headers["X-Workspace-ID"] = workspace
    wrk.headers["Content-Type"] = "application/json"
end
function request()
    local appointment = table.remove(pending)
    if appointment then
        return wrk.format("POST", "/api/v1/appointments/" .. appointment .. "/cancel", nil, "{}")
    end
    local slot = slots[next_index]
    next_index = next_index + 2
    if next_index > #slots then next_index = tid + 1 end
    count = count + 1
    local client = clients[(count % #clients) + 1]
    local body = '{"type_id":"' .. type_id .. '","starts_at":"' .. slot .. '","client_id":"' .. client .. '"}'
    return wrk.format("POST", "/api/v1/appointments", nil, body)
end
function response(status, headers, body)
    if status == 201 then
        local appointment = body:match('"id":"([0-9a-f-]+)"')
        if appointment then table.insert(pending, appointment) end
    end
end
LUA
run "POST book, then POST cancel (alternating)" -s "$book_lua" "http://127.0.0.1:$port"

echo
echo "Server peak RSS: $(awk '/VmHWM/ { printf "%.1f MB", $2 / 1024 }' "/proc/$pid/status")"
