#!/usr/bin/env bash
# Measures gym-api under load on Postgres, as `just bench` runs it:
#   - builds release and seeds a demo gym with 200 members in a fresh schema;
#   - drives load with wrk from a separate process on loopback (32 connections, 20 s each):
#       GET /api/v1/me, GET /api/v1/gym, GET /api/v1/context, GET /api/v1/sessions (the next
#       week of the seeded timetable), booking and cancelling, and GET /api/v1/me while 8
#       connections send POST /auth/login;
#   - prints requests/s, p50/p99 latency, server CPU milliseconds per request (from /proc) and
#     the server's peak RSS, as a Markdown table for docs/benchmarks.md.
# Usage: scripts/bench.sh [postgres://user@host:port]
#        (BENCH_DURATION, BENCH_CONNECTIONS, BENCH_PORT; BENCH_PROFILE=profiling for a quick build)
set -euo pipefail
cd "$(dirname "$0")/.."

postgres="${1:-postgres://postgres@127.0.0.1:5432}"
duration="${BENCH_DURATION:-20}"
connections="${BENCH_CONNECTIONS:-32}"
port="${BENCH_PORT:-18000}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/palestra/target}"

if ! command -v wrk >/dev/null 2>&1; then
    echo "installing wrk (Debian package)" >&2
    apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk; }
fi
scripts/ensure-postgres.sh "$postgres" palestra_bench
profile="${BENCH_PROFILE:-release}"
cargo build --profile "$profile" -q -p gym-api
bin="$CARGO_TARGET_DIR/$profile/gym-api"

psql "$postgres/palestra_bench" -qc "DROP SCHEMA IF EXISTS gym CASCADE" >/dev/null
export DATABASE_URL="$postgres/palestra_bench" DATABASE_SCHEMA=gym RUST_LOG=warn PORT="$port" HOST=127.0.0.1
export JWT_SECRET="bench-secret-bench-secret-bench-secret-42"
# The login scenario measures hashing under load from one address and one account: with the
# sign-in rate limits on, nearly every attempt would be a cheap 429 instead.
export RATE_LIMIT_LOGIN_PER_IP=off RATE_LIMIT_LOGIN_PER_ACCOUNT=off
seed="$("$bin" seed-demo --members 200)"
# Planner statistics for the fresh tables, as autovacuum would gather them within a minute of
# the load: the benchmark measures a database in its steady state.
psql "$postgres/palestra_bench" -qc "ANALYZE" >/dev/null
gym_id="$(printf '%s\n' "$seed" | sed -n 's/^tenant_id=//p')"

"$bin" serve >/tmp/palestra-bench-server.log 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; rm -f "$login_lua"' EXIT
login_lua="$(mktemp --suffix=.lua)"
cat >"$login_lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"email":"member001@demo.palestra.dev","password":"palestra-demo-1"}'
LUA
for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break
    sleep 0.1
done
token="$(curl -fs -H 'content-type: application/json' \
    -d '{"email":"owner@demo.palestra.dev","password":"palestra-demo-1"}' \
    "http://127.0.0.1:$port/api/v1/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')"
curl -fs -H "authorization: Bearer $token" -H "x-gym-id: $gym_id" "http://127.0.0.1:$port/api/v1/gym" >/dev/null

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

echo
echo "gym-api $("$bin" --version | awk '{print $2}'), Postgres, $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), ${duration}s per run"
echo
echo "| scenario | connections | requests/s | p50 | p99 | server CPU ms/request | non-2xx |"
echo "|---|---|---|---|---|---|---|"

before="$(cpu_ticks)"
out="$(wrk -t2 -c"$connections" -d"${duration}s" --latency -H "authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/me")"
after="$(cpu_ticks)"
parsed="$(parse "$out")"
row "GET /api/v1/me" "$parsed" $((after - before)) "$(cut -d' ' -f1 <<<"$parsed")"

before="$(cpu_ticks)"
out="$(wrk -t2 -c"$connections" -d"${duration}s" --latency -H "authorization: Bearer $token" -H "x-gym-id: $gym_id" "http://127.0.0.1:$port/api/v1/gym")"
after="$(cpu_ticks)"
parsed="$(parse "$out")"
row "GET /api/v1/gym" "$parsed" $((after - before)) "$(cut -d' ' -f1 <<<"$parsed")"

before="$(cpu_ticks)"
out="$(wrk -t2 -c"$connections" -d"${duration}s" --latency -H "authorization: Bearer $token" -H "x-gym-id: $gym_id" "http://127.0.0.1:$port/api/v1/context")"
after="$(cpu_ticks)"
parsed="$(parse "$out")"
row "GET /api/v1/context" "$parsed" $((after - before)) "$(cut -d' ' -f1 <<<"$parsed")"

# Schedule (seeded by the schedule module: 500 upcoming sessions, ~6,600 bookings), as member001.
member_token="$(curl -fs -H 'content-type: application/json' \
    -d '{"email":"member001@demo.palestra.dev","password":"palestra-demo-1"}' \
    "http://127.0.0.1:$port/api/v1/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')"
week_count="$(curl -fs -H "authorization: Bearer $member_token" -H "x-gym-id: $gym_id" \
    "http://127.0.0.1:$port/api/v1/sessions" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))')"

# The timetable of the next 7 days (the default range): one query per request.
before="$(cpu_ticks)"
out="$(wrk -t2 -c"$connections" -d"${duration}s" --latency -H "authorization: Bearer $member_token" -H "x-gym-id: $gym_id" "http://127.0.0.1:$port/api/v1/sessions")"
after="$(cpu_ticks)"
parsed="$(parse "$out")"
row "GET /api/v1/sessions (next 7 days, $week_count sessions)" "$parsed" $((after - before)) "$(cut -d' ' -f1 <<<"$parsed")"

# Book and cancel: each connection books a session with free places, and its next request
# cancels what it booked (member001 has no seeded bookings). Sessions within the booking
# window are shared out between the two wrk threads, so one session is booked again only long
# after its cancellation.
book_lua="$(mktemp --suffix=.lua)"
curl -fs -H "authorization: Bearer $member_token" -H "x-gym-id: $gym_id" \
    "http://127.0.0.1:$port/api/v1/sessions?limit=500&to=$(date -u -d '+13 days' +%Y-%m-%dT%H:%M:%SZ)" |
    python3 -c '
import json, sys
token, gym = sys.argv[1], sys.argv[2]
ids = [s["id"] for s in json.load(sys.stdin)["items"] if s["places_left"] > 0]
print("local ids = {" + ",".join(json.dumps(i) for i in ids) + "}")
print("local token, gym = " + json.dumps(token) + ", " + json.dumps(gym))
' "$member_token" "$gym_id" >"$book_lua"
cat >>"$book_lua" <<'LUA'
local threads = 0
function setup(thread)
    thread:set("tid", threads)
    threads = threads + 1
end
function init(args)
    pending = {}
    next_index = tid + 1
    wrk.headers["Authorization"] = "Bearer " .. token
    wrk.headers["X-Gym-ID"] = gym
    wrk.headers["Content-Type"] = "application/json"
end
function request()
    local booking = table.remove(pending)
    if booking then
        return wrk.format("POST", "/api/v1/bookings/" .. booking .. "/cancel", nil, "{}")
    end
    local session = ids[next_index]
    next_index = next_index + 2
    if next_index > #ids then next_index = tid + 1 end
    return wrk.format("POST", "/api/v1/sessions/" .. session .. "/bookings", nil, "{}")
end
function response(status, headers, body)
    if status == 201 then
        local booking = body:match('"id":"([0-9a-f-]+)"')
        if booking then table.insert(pending, booking) end
    end
end
LUA
before="$(cpu_ticks)"
out="$(wrk -t2 -c"$connections" -d"${duration}s" --latency -s "$book_lua" "http://127.0.0.1:$port")"
after="$(cpu_ticks)"
rm -f "$book_lua"
parsed="$(parse "$out")"
row "POST book, then POST cancel (alternating)" "$parsed" $((after - before)) "$(cut -d' ' -f1 <<<"$parsed")"

# Hashing must not starve the runtime: /me under load while 8 connections sign in.
before="$(cpu_ticks)"
wrk -t1 -c8 -d"${duration}s" --latency -s "$login_lua" "http://127.0.0.1:$port/api/v1/auth/login" >/tmp/palestra-bench-login.txt &
login_pid=$!
out="$(wrk -t2 -c"$connections" -d"${duration}s" --latency -H "authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/me")"
wait "$login_pid"
after="$(cpu_ticks)"
parsed="$(parse "$out")"
login_parsed="$(parse "$(cat /tmp/palestra-bench-login.txt)")"
total=$(( $(cut -d' ' -f1 <<<"$parsed") + $(cut -d' ' -f1 <<<"$login_parsed") ))
row "GET /api/v1/me while logins run" "$parsed" $((after - before)) "$total"
connections=8 row "POST /api/v1/auth/login (alongside)" "$login_parsed" $((after - before)) "$total"

echo
echo "Server peak RSS: $(awk '/VmHWM/ { printf "%.1f MB", $2 / 1024 }' "/proc/$pid/status")"
echo "(CPU per request in the mixed runs is the server's CPU over both request streams.)"
