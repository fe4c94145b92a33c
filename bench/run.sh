#!/usr/bin/env bash
# Benchmark harness for wijkwijzer; `make bench` runs it (see bench/README.md).
#
# Every process it starts listens on, and every request goes to, 127.0.0.1
# only. Every wait is bounded in time and count; an EXIT trap stops every
# process the script started, also when a step fails or on Ctrl-C.
#
# Structure: one function per benchmark (bench_*), called in order from main.
# A benchmark reports by adding rows to a section of the report with
# table_head / table_row / report_note; sections are printed in name order.
# A figure with a target (issue 11) also gets a row in the summary at the
# top, through summary_row, with its baseline and "met"/"missed".
# To add one: write bench_<name>, give it its own section (e.g. "40-ws"),
# and call it from main.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

# ---- parameters (override from the environment) -------------------------
SERVER=${SERVER:-build/wijkwijzer}
BENCH_THREADS=${BENCH_THREADS:-1}
BENCH_CONNECTIONS=${BENCH_CONNECTIONS:-50}
BENCH_DURATION=${BENCH_DURATION:-10s}   # whole seconds, "10s" or "10"
BENCH_WARMUP=${BENCH_WARMUP:-2s}        # unrecorded wrk run before each measured one; 0 = none
BENCH_STARTS=${BENCH_STARTS:-5}         # server starts for the start-up time median
BENCH_WORKERS=${BENCH_WORKERS:-$(nproc)} # --workers N, when the server has that option
RESULTS=${BENCH_RESULTS:-bench/results}
BENCH_ONLY=${BENCH_ONLY:-}              # e.g. "ws bookings": only these (http ws bookings speech import)
BENCH_WS_CONNECTIONS=${BENCH_WS_CONNECTIONS:-10000}
BENCH_FD_LIMIT=${BENCH_FD_LIMIT:-65536} # ulimit -n for the fan-out server and client
BENCH_BOOKING_CLIENTS=${BENCH_BOOKING_CLIENTS:-100}
BENCH_BOOKING_SECONDS=${BENCH_BOOKING_SECONDS:-60}
BENCH_KILL_AFTER=${BENCH_KILL_AFTER:-1000} # kill -9 the server after this many 201 answers
BENCH_SPEECH_CLIENTS=${BENCH_SPEECH_CLIENTS:-8}
BENCH_PROBE_RATE=${BENCH_PROBE_RATE:-50} # latency probes per second
BENCH_PROBE_IDLE=${BENCH_PROBE_IDLE:-3s} # probing the idle server first, as the baseline
BENCH_IMPORT_SERVICES=${BENCH_IMPORT_SERVICES:-50000}
BENCH_IMPORT_ORGANIZATIONS=${BENCH_IMPORT_ORGANIZATIONS:-10000}
BENCH_IMPORT_LOCATIONS=${BENCH_IMPORT_LOCATIONS:-20000}
BENCH_IMPORT_DURATION=${BENCH_IMPORT_DURATION:-20s} # wrk runs with many connections on the big content
IMPORTER=${IMPORTER:-build/wijkwijzer-import}

HOME_PATH=/nl/
SERVICE_PATH=/nl/voorzieningen/zorgbelang-clientondersteuning
SEARCH_PATH='/nl/voorzieningen?q=ontmoeting&postcode=7511'
KIOSK_TERMINAL=demo # read aloud needs an enrolled terminal (portal/domain/terminals.h: cookie ww_kiosk)

# The targets of issue 11 (item 8). Not settings: the summary compares
# every figure with these.
T_PAGE_RATIO=0.9     # home and service page: at least this times bare lws
T_SEARCH_RATIO=0.5   # the demo search page: at least this times bare lws
T_BIG_RPS=1000       # search API and page on 50 000 services, 50 connections
T_BIG_P99=50         # ms, the same
T_HOME_P99=10        # ms, /nl/ during that load
T_HEALTHZ_P99=5      # ms, /healthz while the read-alouds run
T_BOOKINGS=3000      # bookings per second, 100 clients
T_BOOKING_P99=30     # ms
T_WS_POST=10         # ms, the booking POST answered with 10 000 subscribers
T_WS_ALL=100         # ms, until all subscribers had the push
T_WS_KIB=8           # KiB of server memory per subscriber
T_RSS_MIB=64         # MiB, peak RSS with the 50 000 services under load

# ---- helpers ---------------------------------------------------------------
log() { printf 'bench: %s\n' "$*" >&2; }
die() {
	printf 'bench: error: %s\n' "$*" >&2
	exit 1
}

seconds() { # "10s" / "10" -> 10
	local v=${1%s}
	[[ $v =~ ^[0-9]+$ ]] || die "not a whole number of seconds: $1"
	echo "$v"
}
DURATION_S=$(seconds "$BENCH_DURATION")
IMPORT_DURATION_S=$(seconds "$BENCH_IMPORT_DURATION")
WARMUP_S=$(seconds "$BENCH_WARMUP")
PROBE_IDLE_S=$(seconds "$BENCH_PROBE_IDLE")
((PROBE_IDLE_S >= 1 && PROBE_IDLE_S <= 60)) || die "BENCH_PROBE_IDLE must be 1..60 s"
((DURATION_S >= 1 && DURATION_S <= 600)) || die "BENCH_DURATION must be 1..600 s"
((WARMUP_S <= 60)) || die "BENCH_WARMUP must be 0..60 s"
((IMPORT_DURATION_S >= 1 && IMPORT_DURATION_S <= 600)) || die "BENCH_IMPORT_DURATION must be 1..600 s"
whole() { # whole NAME MIN MAX: $NAME must be a whole number in MIN..MAX
	local v=${!1}
	if ! [[ $v =~ ^[0-9]+$ ]] || ((v < $2 || v > $3)); then
		die "$1 must be a whole number from $2 to $3"
	fi
}
whole BENCH_STARTS 1 50
whole BENCH_WS_CONNECTIONS 1 60000
whole BENCH_FD_LIMIT 1024 1048576
whole BENCH_BOOKING_CLIENTS 1 1000
whole BENCH_BOOKING_SECONDS 1 600
whole BENCH_KILL_AFTER 1 100000
whole BENCH_SPEECH_CLIENTS 1 100
whole BENCH_PROBE_RATE 1 1000
whole BENCH_WORKERS 1 256
whole BENCH_THREADS 1 64
whole BENCH_CONNECTIONS 1 10000
whole BENCH_IMPORT_SERVICES 1000 1000000
whole BENCH_IMPORT_ORGANIZATIONS 100 1000000
whole BENCH_IMPORT_LOCATIONS 100 1000000
for g in $BENCH_ONLY; do
	[[ $g =~ ^(http|ws|bookings|speech|import)$ ]] ||
		die "BENCH_ONLY: unknown group '$g' (http ws bookings speech import)"
done
wanted() { [[ -z $BENCH_ONLY || " $BENCH_ONLY " == *" $1 "* ]]; }

free_port() {
	python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'
}

# HTTP status of a URL on 127.0.0.1 ("000" when nothing answers).
http_status() {
	curl -s --max-time 5 -o /dev/null -w '%{http_code}' "$1" || true
}

# ---- process bookkeeping ---------------------------------------------------
# Every background process goes through spawn (or run_tracked) so that the
# EXIT trap can stop it by its pid.
PIDS=()
TMP=""

alive() { # true while $1 runs (a zombie child counts as gone)
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	[[ ${stat:0:1} != Z ]]
}

# spawn CMD...: start CMD in the background (redirect at the call site); its
# pid is in $! afterwards, as with a plain `&`.
spawn() {
	"$@" &
	PIDS+=("$!")
}

# run_tracked CMD...: run CMD to completion, interruptible by the traps.
run_tracked() {
	local pid
	"$@" &
	pid=$!
	PIDS+=("$pid")
	wait "$pid"
}

# stop_pid PID: SIGTERM, up to 5 s grace, then SIGKILL; also its children
# (nginx workers) if they outlive it.
stop_pid() {
	local pid=$1 kids i k
	alive "$pid" || {
		wait "$pid" 2>/dev/null || true
		return 0
	}
	kids=$(pgrep -P "$pid" 2>/dev/null || true)
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < 50; i++)); do
		alive "$pid" || break
		sleep 0.1
	done
	if alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
	wait "$pid" 2>/dev/null || true
	for k in $kids; do
		if alive "$k"; then kill -KILL "$k" 2>/dev/null || true; fi
	done
}

cleanup() {
	local rc=$? i
	trap - EXIT INT TERM
	for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
		stop_pid "${PIDS[i]}"
	done
	[[ -n $TMP && -d $TMP ]] && rm -rf "$TMP"
	((rc == 0)) || log "failed (exit $rc); every process it started is stopped"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# wait_200 URL SECONDS: poll until URL answers 200 (every 50 ms).
wait_200() {
	local url=$1 max=$(($2 * 20)) i
	for ((i = 0; i < max; i++)); do
		[[ $(http_status "$url") == 200 ]] && return 0
		sleep 0.05
	done
	return 1
}

# ---- report ----------------------------------------------------------------
# A section is $REPORT/<name>.md plus optional notes in $REPORT/<name>.notes.
table_head() { # table_head SECTION TITLE "col:l" "col:r" ...
	local sec=$1 title=$2 c head="|" sep="|"
	shift 2
	for c in "$@"; do
		head+=" ${c%:*} |"
		[[ ${c##*:} == r ]] && sep+=" ---: |" || sep+=" --- |"
	done
	printf '\n## %s\n\n%s\n%s\n' "$title" "$head" "$sep" >>"$REPORT/$sec.md"
}
table_row() { # table_row SECTION CELL...
	local sec=$1 c row="|"
	shift
	for c in "$@"; do row+=" $c |"; done
	printf '%s\n' "$row" >>"$REPORT/$sec.md"
}
report_note() { # report_note SECTION TEXT: a line below the section's table
	printf '%s\n' "$2" >>"$REPORT/$1.notes"
}

# The summary: one row per figure with a target, in the order of their
# keys. summary_defaults writes every row as "not measured" first, so a
# figure whose group did not run (BENCH_ONLY) still has its row.
summary_row() { # summary_row KEY FIGURE MEASURED BASELINE TARGET RESULT
	mkdir -p "$REPORT/summary"
	printf '| %s | %s | %s | %s | %s |\n' "$2" "$3" "$4" "$5" "$6" >"$REPORT/summary/$1"
}
summary_defaults() {
	local key group figure target
	while IFS='|' read -r key group figure target; do
		[[ -n $key ]] || continue
		summary_row "$key" "$figure" "not measured ($group not run)" "–" "$target" "not measured"
	done <<EOF
01|http|home \`$HOME_PATH\`: req/s|≥ $T_PAGE_RATIO × bare lws
02|http|service page \`$SERVICE_PATH\`: req/s|≥ $T_PAGE_RATIO × bare lws
03|http|demo search page \`$SEARCH_PATH\`: req/s|≥ $T_SEARCH_RATIO × bare lws
04|import|search API, $BENCH_IMPORT_SERVICES services, $BENCH_CONNECTIONS connections: req/s|≥ $T_BIG_RPS
05|import|search API, $BENCH_IMPORT_SERVICES services, $BENCH_CONNECTIONS connections: p99|≤ $T_BIG_P99 ms
06|import|search page, $BENCH_IMPORT_SERVICES services, $BENCH_CONNECTIONS connections: req/s|≥ $T_BIG_RPS
07|import|search page, $BENCH_IMPORT_SERVICES services, $BENCH_CONNECTIONS connections: p99|≤ $T_BIG_P99 ms
08|import|\`$HOME_PATH\` p99 during the search API load|≤ $T_HOME_P99 ms
09|import|\`$HOME_PATH\` p99 during the search page load|≤ $T_HOME_P99 ms
10|speech|\`/healthz\` p99 during $BENCH_SPEECH_CLIENTS read-alouds in parallel|≤ $T_HEALTHZ_P99 ms
11|bookings|bookings per second, $BENCH_BOOKING_CLIENTS clients|≥ $T_BOOKINGS
12|bookings|booking POST p99, $BENCH_BOOKING_CLIENTS clients|≤ $T_BOOKING_P99 ms
13|bookings|slots with more active claims than desks|0
14|bookings|201 answers lost after kill -9 under load|0
15|bookings|integrity_check after kill -9 and restart|ok
16|ws|booking POST answered, $BENCH_WS_CONNECTIONS subscribers|≤ $T_WS_POST ms
17|ws|all $BENCH_WS_CONNECTIONS subscribers had the push|≤ $T_WS_ALL ms
18|ws|server memory per WebSocket subscriber|≤ $T_WS_KIB KiB
19|import|peak RSS (VmHWM), $BENCH_IMPORT_SERVICES services under load|≤ $T_RSS_MIB MiB
EOF
}
# verdict VALUE OP LIMIT: "met" or "missed" (OP is >=, <= or ==); "not
# measured" when VALUE is not a number.
verdict() {
	awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN {
		if (v !~ /^[0-9]+(\.[0-9]+)?$/) { print "not measured"; exit }
		ok = op == ">=" ? v + 0 >= l + 0 : op == "<=" ? v + 0 <= l + 0 : v + 0 == l + 0
		print ok ? "met" : "missed" }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 > 0) printf "%.2f", a / b; else print "–" }'; }
mul() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", a * b }'; } # mul A B: A*B, whole

mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }
proc_kib() { # proc_kib PID FIELD: e.g. VmRSS in kB
	awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"
}

# ---- setup -----------------------------------------------------------------
install_deps() {
	local extra=""
	command -v curl >/dev/null 2>&1 || extra+=" curl"
	command -v python3 >/dev/null 2>&1 || extra+=" python3"
	command -v cc >/dev/null 2>&1 || extra+=" gcc"          # builds bench/wsfan.c, bench/bare.c
	command -v pkg-config >/dev/null 2>&1 || extra+=" pkg-config"
	pkg-config --exists libwebsockets 2>/dev/null || extra+=" libwebsockets-dev" # bench/bare.c
	command -v sqlite3 >/dev/null 2>&1 || extra+=" sqlite3" # the overbooking check
	[[ -x /usr/bin/time ]] || extra+=" time"                 # peak RSS of the import
	DEBS="wrk nginx-light$extra" LOCALES="" sh tools/deps.sh
	command -v wrk >/dev/null 2>&1 || die "wrk is not installed"
	command -v cc >/dev/null 2>&1 || die "no C compiler (cc) for bench/wsfan.c"
	pkg-config --exists libwebsockets || die "pkg-config finds no libwebsockets (for bench/bare.c)"
	command -v sqlite3 >/dev/null 2>&1 || die "sqlite3 is not installed"
	NGINX=$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)
	[[ -x $NGINX ]] || die "nginx is not installed"
	[[ -x $SERVER ]] || die "$SERVER is missing; run make first"
	[[ -x $IMPORTER ]] || die "$IMPORTER is missing; run make first"
}

setup() {
	TMP=$(mktemp -d "${TMPDIR:-/tmp}/wwbench.XXXXXX")
	chmod 755 "$TMP" # nginx workers may run as another user and need to read the web root
	REPORT=$TMP/report
	mkdir -p "$REPORT" "$TMP/www" "$RESULTS"
	rm -f "$RESULTS"/wrk-*.txt "$RESULTS"/ws-fanout.txt "$RESULTS"/bookings*.json \
		"$RESULTS"/bookings-kill-*.txt "$RESULTS"/import-*.txt "$RESULTS"/probe-*.json \
		"$RESULTS"/speech-*.json
	summary_defaults
}

# Options of the server under test that not every version has: --workers
# only when --help lists it (the multi-threaded server); --booking-rate
# when the server accepts it.
WORKERS_OPT=()
RATE_OPT=()
SERVER_MODE=""
detect_server_options() {
	local help
	help=$("$SERVER" --help 2>&1 || true)
	if [[ $help == *--workers* ]]; then
		WORKERS_OPT=(--workers "$BENCH_WORKERS")
		SERVER_MODE="\`--workers $BENCH_WORKERS\`"
	else
		SERVER_MODE="one thread (its --help lists no --workers)"
	fi
	# every load client here is 127.0.0.1, which the per-client caps
	# would count as one client: off for the benchmark
	if [[ $help == *--client-websockets* ]]; then
		WORKERS_OPT+=(--client-connections 0 --client-websockets 0)
	fi
	if [[ $help == *--subscribe-rate* ]]; then
		WORKERS_OPT+=(--subscribe-rate 0)
	fi
	if [[ $help == *--client-bookings* ]]; then
		WORKERS_OPT+=(--client-bookings 0)
	fi
	if "$SERVER" --booking-rate 0 --help >/dev/null 2>&1; then
		RATE_OPT=(--booking-rate 0)
	fi
}

system_info() {
	local cpu mem commit dirty="" lws sqlite ngx wrkv
	cpu=$(grep -m1 -E '^(model name|Hardware|cpu model|Processor)[[:space:]]*:' /proc/cpuinfo |
		cut -d: -f2- | sed 's/^ *//') || true
	mem=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
	commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
	[[ -n $(git status --porcelain --untracked-files=no -- portal bench Makefile ':(exclude)bench/results' 2>/dev/null) ]] &&
		dirty=" (plus uncommitted changes in portal/, bench/ or the Makefile)"
	lws=$(dpkg-query -W -f='${Version}' libwebsockets-dev 2>/dev/null || echo unknown)
	sqlite=$(dpkg-query -W -f='${Version}' libsqlite3-dev 2>/dev/null || echo unknown)
	ngx=$("$NGINX" -v 2>&1 | sed 's/^nginx version: //')
	wrkv=$(dpkg-query -W -f='${Version}' wrk 2>/dev/null || echo unknown)
	{
		echo "# wijkwijzer benchmark"
		echo
		echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
		echo "- commit: $commit$dirty"
		echo "- system: $(uname -srm)"
		echo "- CPU: ${cpu:-unknown}, $(nproc) cores; memory: $mem;" \
			"load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
		echo "- libwebsockets-dev $lws, libsqlite3-dev $sqlite, $ngx, wrk $wrkv"
		echo "- server under test: \`$SERVER\`, $SERVER_MODE"
		echo "- load: \`wrk -t$BENCH_THREADS -c$BENCH_CONNECTIONS -d${DURATION_S}s --latency\`" \
			"(after a ${WARMUP_S}s warm-up), client and server on the same machine, 127.0.0.1"
	} >"$REPORT/00-head.md"
}

# ---- the server under test -------------------------------------------------
SERVER_PID=""
SERVER_URL=""

# launch_server NAME [OPTION...]: starts $SERVER on a free port with a fresh,
# empty data folder $TMP/data-NAME (log in $TMP/server-NAME.log), the
# --workers option when the server has it, and extra options (e.g. --content
# DIR); waits for 200 on /healthz. With LAUNCH_KEEP_DATA=1 the data folder
# stays as it is (a restart). Sets LAUNCH_PID, LAUNCH_PORT and LAUNCH_URL.
# Several servers can run side by side.
LAUNCH_PID=""
LAUNCH_PORT=""
LAUNCH_URL=""
launch_server() {
	local name=$1 attempt port
	shift
	for attempt in 1 2 3; do # a free port can be taken between probe and bind
		port=$(free_port)
		[[ ${LAUNCH_KEEP_DATA:-0} == 1 ]] || rm -rf "$TMP/data-$name"
		spawn "$SERVER" --port "$port" --data "$TMP/data-$name" --quiet "${WORKERS_OPT[@]}" "$@" \
			</dev/null >>"$TMP/server-$name.log" 2>&1
		LAUNCH_PID=$!
		LAUNCH_PORT=$port
		LAUNCH_URL=http://127.0.0.1:$port
		wait_200 "$LAUNCH_URL/healthz" 10 && {
			log "server ($name) pid $LAUNCH_PID on $LAUNCH_URL"
			return 0
		}
		stop_pid "$LAUNCH_PID"
		log "start $attempt failed: $(tail -n 3 "$TMP/server-$name.log")"
	done
	die "$SERVER did not answer 200 on /healthz"
}

# enrol_kiosk NAME URL: enrols the terminal $KIOSK_TERMINAL with the server
# of launch NAME (at URL) as staff do (--enroll-terminal, then the button
# of the link) and prints the kiosk cookie, "ww_kiosk=ID.SECRET".
enrol_kiosk() {
	local link
	link=$("$SERVER" --data "$TMP/data-$1" --enroll-terminal "$KIOSK_TERMINAL" 2>/dev/null) || return 1
	python3 - "$2" "/${link#*://*/}" <<'PY'
import html, http.client, re, sys, urllib.parse
base, path = sys.argv[1], sys.argv[2]
host = urllib.parse.urlsplit(base)
c = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
c.request("GET", path)
r = c.getresponse()
page = r.read().decode()
form = r.getheader("Set-Cookie", "").split(";")[0]
action = html.unescape(re.search(r'<form method="post" action="([^"]+)"', page).group(1))
fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page)
c.request("POST", action, urllib.parse.urlencode([(k, html.unescape(v)) for k, v in fields]),
          {"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin",
           "Cookie": form})
r = c.getresponse()
r.read()
print(r.getheader("Set-Cookie", "").split(";")[0])
PY
}

start_server() { # the server for the HTTP rows and the memory figures
	launch_server main
	SERVER_PID=$LAUNCH_PID
	SERVER_URL=$LAUNCH_URL
}

# ---- the pages, and two servers that send the same bytes -----------------
# capture_pages saves each page as the portal served it (body and headers,
# one curl each); bare lws and nginx then serve those bytes, at the same
# URLs, so that wrk asks all three servers exactly the same.
PAGE_KEYS=(home service search)
declare -A PAGE_PATH=([home]=$HOME_PATH [service]=$SERVICE_PATH [search]=$SEARCH_PATH)
declare -A PAGE_NAME=([home]="home" [service]="service page" [search]="demo search page")
declare -A PAGE_OK=()

capture_pages() {
	local key status
	mkdir -p "$TMP/www" "$TMP/pages"
	for key in "${PAGE_KEYS[@]}"; do
		status=$(curl -s --max-time 10 -D "$TMP/pages/$key.head" -o "$TMP/www/$key.html" \
			-w '%{http_code}' "$SERVER_URL${PAGE_PATH[$key]}") || true
		if [[ $status == 200 ]]; then
			PAGE_OK[$key]=1
		else
			[[ $key != home ]] || die "GET $HOME_PATH answered $status"
			log "${PAGE_NAME[$key]}: not available (${PAGE_PATH[$key]} answered $status)"
			report_note 10-http "${PAGE_NAME[$key]} \`${PAGE_PATH[$key]}\`: not available (answered $status), not measured."
		fi
	done
	chmod -R a+rX "$TMP/www"
}

# same_bytes URL KEY: true when URL answers the body the portal gave for KEY
same_bytes() {
	curl -s --max-time 5 -o "$TMP/check.html" "$1" && cmp -s "$TMP/check.html" "$TMP/www/$2.html"
}

# response_bytes URL: "header bytes + body bytes" of one answer
response_bytes() {
	curl -s --max-time 5 -o /dev/null -w '%{size_header} + %{size_download}' "$1" || echo "–"
}

# The bare lws baseline (bench/bare.c): the captured bytes from memory on one
# lws loop, with the portal's own response headers.
BARE_PID=""
BARE_URL=""
start_bare() {
	local key port args=() i
	# shellcheck disable=SC2046 # pkg-config prints several words on purpose
	cc -std=c11 -O2 -Wall -Wextra -o "$TMP/bare" bench/bare.c \
		$(pkg-config --cflags --libs libwebsockets) || die "cannot build bench/bare.c"
	for key in "${PAGE_KEYS[@]}"; do
		[[ -n ${PAGE_OK[$key]:-} ]] || continue
		args+=("${PAGE_PATH[$key]}" "$TMP/www/$key.html" "$TMP/pages/$key.head")
	done
	for i in 1 2 3; do
		port=$(free_port)
		spawn "$TMP/bare" "$port" "${args[@]}" </dev/null >"$TMP/bare.log" 2>&1
		BARE_PID=$!
		BARE_URL=http://127.0.0.1:$port
		wait_200 "$BARE_URL$HOME_PATH" 10 && break
		stop_pid "$BARE_PID"
		BARE_PID=""
	done
	[[ -n $BARE_PID ]] || die "bench/bare.c did not start: $(tail -n 3 "$TMP/bare.log")"
	for key in "${PAGE_KEYS[@]}"; do
		[[ -n ${PAGE_OK[$key]:-} ]] || continue
		same_bytes "$BARE_URL${PAGE_PATH[$key]}" "$key" ||
			die "bare lws serves other bytes for ${PAGE_PATH[$key]}"
	done
	log "bare lws pid $BARE_PID on $BARE_URL"
}

NGINX_PID=""
NGINX_URL=""
NGINX_WORKERS=""

# nginx_headers KEY: add_header lines for the portal's response headers of
# that page (content-type and content-length are nginx's own), so that nginx
# sends them too. nginx adds Server, Date, Last-Modified, Accept-Ranges.
nginx_headers() {
	local line name value
	while IFS= read -r line; do
		line=${line%$'\r'}
		[[ $line == HTTP/* || -z $line ]] && continue
		name=${line%%:*} value=${line#*:}
		value=${value# }
		case ${name,,} in content-type | content-length) continue ;; esac
		if [[ $value == *[\"\$\\]* ]]; then
			log "nginx: header $name left out (a quote, dollar or backslash in it)"
			continue
		fi
		printf '            add_header %s "%s" always;\n' "$name" "$value"
	done <"$TMP/pages/$1.head"
}

# start_nginx WORKERS (a number or "auto"): the captured pages at their URLs
start_nginx() {
	local workers=$1 dir=$TMP/nginx-$1 port temps="" t i key locations=""
	mkdir -p "$dir"
	port=$(free_port)
	# Temp folders inside $dir (only for modules this nginx has), so that no
	# system path needs to be writable.
	for t in client-body proxy fastcgi uwsgi scgi; do
		if "$NGINX" -V 2>&1 | grep -q -- "--http-$t-temp-path"; then
			temps+="    ${t//-/_}_temp_path $dir/$t;"$'\n'
		fi
	done
	for key in "${PAGE_KEYS[@]}"; do
		[[ -n ${PAGE_OK[$key]:-} ]] || continue
		locations+="        location = ${PAGE_PATH[$key]%%\?*} {"$'\n'
		locations+="            try_files /$key.html =404;"$'\n'
		locations+="$(nginx_headers "$key")"$'\n'
		locations+="        }"$'\n'
	done
	cat >"$dir/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes $workers;
error_log stderr;
pid $dir/nginx.pid;
events {}
http {
    access_log off;
    server_tokens off;
    etag off;
$temps    server {
        listen 127.0.0.1:$port;
        root $TMP/www;
        types {}
        default_type "text/html; charset=utf-8";
$locations    }
}
EOF
	spawn "$NGINX" -p "$dir/" -c "$dir/nginx.conf" -e stderr </dev/null >"$dir/nginx.log" 2>&1
	NGINX_PID=$!
	NGINX_URL=http://127.0.0.1:$port
	wait_200 "$NGINX_URL$HOME_PATH" 10 || die "nginx did not start: $(tail -n 5 "$dir/nginx.log")"
	for key in "${PAGE_KEYS[@]}"; do
		[[ -n ${PAGE_OK[$key]:-} ]] || continue
		same_bytes "$NGINX_URL${PAGE_PATH[$key]}" "$key" ||
			die "nginx serves other bytes for ${PAGE_PATH[$key]}"
	done
	for ((i = 0; i < 20; i++)); do # workers are forked after the master answers
		NGINX_WORKERS=$(pgrep -c -P "$NGINX_PID" || true)
		[[ $workers == auto ]] || ((NGINX_WORKERS >= workers)) && break
		sleep 0.05
	done
	log "nginx (worker_processes $workers: $NGINX_WORKERS) pid $NGINX_PID on $NGINX_URL"
}

stop_nginx() {
	stop_pid "$NGINX_PID"
	NGINX_PID=""
}

# ---- CPU accounting --------------------------------------------------------
# What else ran on the machine during a measurement: the busy CPU time of the
# whole machine (/proc/stat: user, nice, system and the time the hypervisor
# stole) minus that of the server under test and of the load generator, in
# cores. Other work on the machine shows up here.
HZ=$(getconf CLK_TCK 2>/dev/null || echo 100)
machine_jiffies() { # busy jiffies of all CPUs: user nice system steal (not interrupts)
	awk '$1 == "cpu" { print $2 + $3 + $4 + $9; exit }' /proc/stat
}
pids_jiffies() { # pids_jiffies PID...: utime + stime of these processes (all threads)
	local p s=0 v
	for p in "$@"; do
		v=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$p/stat" 2>/dev/null) || v=0
		s=$((s + ${v:-0}))
	done
	echo "$s"
}

# ---- wrk -----------------------------------------------------------------
# run_wrk NAME URL [SCRIPT_ARG...]: warm-up, then the measured run; raw
# output in $RESULTS/wrk-NAME.txt; sets WRK_RPS WRK_P50 WRK_P99 (ms)
# WRK_ERRORS WRK_COMPLETE (requests answered). Optional, set on the call
# (WRK_C=1 run_wrk ...): WRK_C connections, WRK_T threads, WRK_D seconds,
# WRK_TIMEOUT, WRK_WARMUP_S, WRK_SCRIPT (a Lua script; SCRIPT_ARGs go to it),
# WRK_PIDS (the processes of the server under test: then WRK_SRV_CPU and
# WRK_OTHER_CPU are the cores the server and everything but the server and
# wrk used during the measured run, else "–").
run_wrk() {
	local name=$1 url=$2 out=$RESULTS/wrk-$1.txt parsed
	shift 2
	local warmup=${WRK_WARMUP_S:-$WARMUP_S} timeout_s=${WRK_TIMEOUT:-5s} dur=${WRK_D:-$DURATION_S}
	local wrk=(wrk "-t${WRK_T:-$BENCH_THREADS}" "-c${WRK_C:-$BENCH_CONNECTIONS}" --latency
		--timeout "$timeout_s")
	local tail=("$url")
	if [[ -n ${WRK_SCRIPT:-} ]]; then
		wrk+=(-s "$WRK_SCRIPT")
		tail+=(-- "$@")
	fi
	local grace=$(($(seconds "$timeout_s") + 30))
	if ((warmup > 0)); then
		run_tracked timeout -k 5 $((warmup + grace)) "${wrk[@]}" "-d${warmup}s" "${tail[@]}" >/dev/null ||
			die "wrk warm-up against $url failed"
	fi
	log "wrk ${dur}s: $name ($url${*:+ $*})"
	# CPU of the server (WRK_PIDS: its processes), of wrk and of the rest
	local pids=() m0 m1 s0 s1 t0 t1 timer=()
	read -r -a pids <<<"${WRK_PIDS:-}"
	[[ -x /usr/bin/time ]] && timer=(/usr/bin/time -f '%U %S' -o "$TMP/wrk.time")
	rm -f "$TMP/wrk.time"
	m0=$(machine_jiffies) s0=$(pids_jiffies "${pids[@]}") t0=$(date +%s%N)
	run_tracked timeout -k 5 $((dur + grace)) "${timer[@]}" "${wrk[@]}" "-d${dur}s" "${tail[@]}" >"$out" ||
		die "wrk against $url failed: $(cat "$out")"
	m1=$(machine_jiffies) s1=$(pids_jiffies "${pids[@]}") t1=$(date +%s%N)
	read -r WRK_SRV_CPU WRK_OTHER_CPU < <(awk -v m="$((m1 - m0))" -v s="$((s1 - s0))" \
		-v hz="$HZ" -v t="$(((t1 - t0) / 1000000))" -v f="$TMP/wrk.time" -v np="${#pids[@]}" 'BEGIN {
			w = -1; if ((getline line < f) > 0) { while ((getline l2 < f) > 0) line = l2
				split(line, a, " "); if (a[1] ~ /^[0-9.]+$/) w = a[1] + a[2] }
			sec = t / 1000
			srv = np ? sprintf("%.2f", s / hz / sec) : "–"
			oth = (w >= 0 && np) ? sprintf("%.2f", (m - s) / hz / sec - w / sec) : "–"
			if (oth != "–" && oth + 0 < 0) oth = "0.00"
			print srv, oth }')
	parsed=$(awk '
		function ms(v) {
			if (v ~ /us$/) return v / 1000
			if (v ~ /ms$/) return v + 0
			if (v ~ /s$/)  return v * 1000
			if (v ~ /m$/)  return v * 60000
			return v + 0
		}
		$1 == "50%"                 { p50 = ms($2) }
		$1 == "99%"                 { p99 = ms($2) }
		/^Requests\/sec:/           { rps = $2 }
		/ requests in /             { done = $1 }
		/Non-2xx or 3xx responses:/ { err += $NF }
		/Socket errors:/            { err += $4 + $6 + $8 + $10 }
		END {
			if (rps == "" || p50 == "" || p99 == "") exit 1
			printf (rps < 100 ? "%.1f" : "%.0f"), rps
			printf " %.2f %.2f %d %d\n", p50, p99, err, done
		}' "$out") || die "cannot parse $out"
	read -r WRK_RPS WRK_P50 WRK_P99 WRK_ERRORS WRK_COMPLETE <<<"$parsed"
	((WRK_ERRORS == 0)) || log "warning: $name had $WRK_ERRORS errors or non-2xx responses"
}

# ---- benchmarks --------------------------------------------------------------

# Start-up time: exec to first 200 on /healthz, fresh data folder, median.
bench_startup() {
	local median runs
	log "start-up time, $BENCH_STARTS starts"
	run_tracked python3 bench/startup.py "$SERVER" "$BENCH_STARTS" >"$TMP/startup.txt" ||
		die "start-up measurement failed"
	read -r median runs <"$TMP/startup.txt"
	table_head 20-process "Start-up and memory (wijkwijzer)" "figure:l" "value:r"
	table_row 20-process "start-up, exec to first 200 on /healthz (median of $BENCH_STARTS; runs: ${runs// /, } ms)" \
		"$median ms"
}

bench_memory_idle() {
	table_row 20-process "RSS idle (after start, /healthz and one request for each page)" \
		"$(mib "$(proc_kib "$SERVER_PID" VmRSS)")"
}

bench_memory_loaded() { # bench_memory_loaded WHAT
	table_row 20-process "RSS right after the wrk runs on $1" "$(mib "$(proc_kib "$SERVER_PID" VmRSS)")"
}

bench_memory_peak() {
	table_row 20-process "peak RSS during the whole run (VmHWM)" "$(mib "$(proc_kib "$SERVER_PID" VmHWM)")"
}

# Weight of the home page: the HTML plus every /static/ asset it links.
bench_page_weight() {
	local html=$TMP/www/home.html url res body head total_b total_h n=1
	body=$(stat -c %s "$html")
	head=$(curl -s --max-time 5 -o /dev/null -w '%{size_header}' "$SERVER_URL$HOME_PATH")
	table_head 30-weight "Weight of the home page $HOME_PATH (as served, uncompressed)" \
		"resource:l" "body bytes:r" "header bytes:r"
	table_row 30-weight "$HOME_PATH (HTML)" "$body" "$head"
	total_b=$body total_h=$head
	while read -r url; do
		[[ -n $url ]] || continue
		res=$(curl -s --max-time 5 -o /dev/null -w '%{http_code} %{size_download} %{size_header}' \
			"$SERVER_URL$url") || true
		read -r status body head <<<"$res"
		[[ $status == 200 ]] || die "GET $url (linked from $HOME_PATH) answered $status"
		table_row 30-weight "$url" "$body" "$head"
		total_b=$((total_b + body)) total_h=$((total_h + head)) n=$((n + 1))
	done < <(grep -oE '(href|src)="/static/[^"]*"' "$html" | sed -E 's/^[a-z]+="//; s/"$//; s/&amp;/\&/g' | sort -u)
	table_row 30-weight "**total, $n requests**" "**$total_b**" "**$total_h**"
}

# The weight of the other main pages: HTML plus every static asset it links,
# as a browser with an empty cache loads them.
bench_main_pages_weight() {
	local page html url body total n res status question kiosk hdr
	table_head 31-weights "Weight of the main pages (HTML + linked assets, uncompressed)" \
		"page:l" "HTML bytes:r" "with assets:r" "requests:r"
	# the self-check's first step (its state is sealed: follow the link)
	question=$(curl -s --max-time 5 "$SERVER_URL/nl/zelfcheck" | grep -oE 'href="/nl/zelfcheck\?s=[^"]*"' |
		head -n 1 | sed -E 's/^href="//; s/"$//') || true
	kiosk=$(enrol_kiosk main "$SERVER_URL") || kiosk=""
	for page in /nl/ /nl/zelfcheck "${question:-/nl/zelfcheck?s=}" "$SEARCH_PATH" \
		"$SERVICE_PATH" /nl/mantelzorg /nl/afspraak \
		'/nl/afspraak?locatie=ww-centrum&onderwerp=wonen' "/kiosk/$KIOSK_TERMINAL"; do
		html=$TMP/page.html
		hdr="X-Bench: 1"
		[[ $page == /kiosk/* ]] && hdr="Cookie: $kiosk"
		status=$(curl -s --max-time 5 -H "$hdr" -o "$html" -w '%{http_code}' "$SERVER_URL$page") || true
		if [[ $status != 200 ]]; then
			table_row 31-weights "\`$page\`" "answered $status" "–" "–"
			continue
		fi
		body=$(stat -c %s "$html") total=$body n=1
		while read -r url; do
			[[ -n $url ]] || continue
			res=$(curl -s --max-time 5 -o /dev/null -w '%{size_download}' "$SERVER_URL$url") || true
			total=$((total + res)) n=$((n + 1))
		done < <(grep -oE '(href|src)="/static/[^"]*"' "$html" | sed -E 's/^[a-z]+="//; s/"$//; s/&amp;/\&/g' | sort -u)
		table_row 31-weights "\`$page\`" "$body" "$total" "$n"
	done
}

# Every page on the three servers one after another (wijkwijzer, bare lws,
# nginx with one worker), so that the three figures of a page are measured
# seconds apart, under the same other load on the machine.
bench_pages() {
	local key path rps_w rps_b rps_n ratio_b ratio_n k min label home_bare=0 other_max=0
	table_head 10-http "Requests per second and latency (the same bytes from three servers)" \
		"page:l" "server:l" "req/s:r" "p50 ms:r" "p99 ms:r" "errors:r" "× bare lws:r" \
		"× nginx 1w:r" "header + body bytes:r" "server CPU:r" "other CPU:r"
	start_bare
	start_nginx 1
	for key in "${PAGE_KEYS[@]}"; do
		case $key in home) k=01 min=$T_PAGE_RATIO ;; service) k=02 min=$T_PAGE_RATIO ;;
		search) k=03 min=$T_SEARCH_RATIO ;; esac
		path=${PAGE_PATH[$key]}
		label="${PAGE_NAME[$key]} \`$path\`"
		if [[ -z ${PAGE_OK[$key]:-} ]]; then
			summary_row "$k" "$label: req/s" "not measured (the portal did not answer 200)" "–" \
				"≥ $min × bare lws" "not measured"
			continue
		fi
		WRK_PIDS=$SERVER_PID run_wrk "$key-wijkwijzer" "$SERVER_URL$path"
		local res_w=("$WRK_RPS" "$WRK_P50" "$WRK_P99" "$WRK_ERRORS") cpu_w=("$WRK_SRV_CPU" "$WRK_OTHER_CPU")
		WRK_PIDS=$BARE_PID run_wrk "$key-bare" "$BARE_URL$path"
		local res_b=("$WRK_RPS" "$WRK_P50" "$WRK_P99" "$WRK_ERRORS") cpu_b=("$WRK_SRV_CPU" "$WRK_OTHER_CPU")
		WRK_PIDS="$NGINX_PID $(pgrep -P "$NGINX_PID" | tr '\n' ' ')" run_wrk "$key-nginx-1" "$NGINX_URL$path"
		local res_n=("$WRK_RPS" "$WRK_P50" "$WRK_P99" "$WRK_ERRORS") cpu_n=("$WRK_SRV_CPU" "$WRK_OTHER_CPU")
		other_max=$(awk -v m="$other_max" -v a="${cpu_w[1]}" -v b="${cpu_b[1]}" -v c="${cpu_n[1]}" \
			'BEGIN { for (i = 0; i < 3; i++) { v = i == 0 ? a : i == 1 ? b : c; if (v ~ /^[0-9.]+$/ && v + 0 > m + 0) m = v }
				print m }')
		rps_w=${res_w[0]} rps_b=${res_b[0]} rps_n=${res_n[0]}
		ratio_b=$(ratio "$rps_w" "$rps_b") ratio_n=$(ratio "$rps_w" "$rps_n")
		table_row 10-http "$label" "wijkwijzer" "${res_w[@]}" "$ratio_b" "$ratio_n" \
			"$(response_bytes "$SERVER_URL$path")" "${cpu_w[@]}"
		table_row 10-http "" "bare lws, 1 loop" "${res_b[@]}" "1.00" "$(ratio "$rps_b" "$rps_n")" \
			"$(response_bytes "$BARE_URL$path")" "${cpu_b[@]}"
		table_row 10-http "" "nginx, 1 worker" "${res_n[@]}" "$(ratio "$rps_n" "$rps_b")" "1.00" \
			"$(response_bytes "$NGINX_URL$path")" "${cpu_n[@]}"
		local verdict_s
		verdict_s=$(verdict "$ratio_b" ">=" "$min")
		((res_w[3] == 0 && res_b[3] == 0 && res_n[3] == 0)) || verdict_s="$verdict_s (with errors: see the table)"
		summary_row "$k" "$label: req/s" "$rps_w ($ratio_b × bare, $ratio_n × nginx)" \
			"bare lws $rps_b; nginx 1 worker $rps_n" \
			"≥ $min × bare lws = $(mul "$min" "$rps_b")" "$verdict_s"
		if [[ $key == home ]]; then
			home_bare=$rps_b
			bench_memory_loaded "the home page"
		elif [[ $key == search ]]; then
			bench_memory_loaded "the search page"
		fi
	done
	stop_nginx
	# all cores for nginx, as a reference: the home page only
	start_nginx auto
	WRK_PIDS="$NGINX_PID $(pgrep -P "$NGINX_PID" | tr '\n' ' ')" run_wrk "home-nginx-auto" "$NGINX_URL$HOME_PATH"
	stop_nginx
	table_row 10-http "home \`$HOME_PATH\`" "nginx, auto workers ($NGINX_WORKERS)" "$WRK_RPS" \
		"$WRK_P50" "$WRK_P99" "$WRK_ERRORS" "$(ratio "$WRK_RPS" "$home_bare")" "–" "–" \
		"$WRK_SRV_CPU" "$WRK_OTHER_CPU"
	stop_pid "$BARE_PID"
	BARE_PID=""
	report_note 10-http "Each page was fetched once from the portal with curl (body and headers); bare lws (\`bench/bare.c\`, one lws loop, the pages in memory) sends exactly those bytes, headers included; nginx sends the same body and the portal's headers through \`add_header\`, plus its own Server, Date, Last-Modified and Accept-Ranges. \"× bare lws\" and \"× nginx 1w\" are req/s divided by the req/s of that server for the same page in this run. \"server CPU\" is the CPU the server under test used during the run, \"other CPU\" what all other processes but wrk used, plus CPU time stolen by the hypervisor (other work on the machine), both in cores of the $(nproc)."
	PAGES_OTHER_MAX=$other_max
}

# ---- WebSocket fan-out (40-ws) -----------------------------------------------
WS_LOCATION=ww-centrum
WS_TOPIC=iets-anders
FD_NOTE=""

# raise_fd_limit: ulimit -n $BENCH_FD_LIMIT for this shell and so for every
# process it starts from now on. Without the right to raise the hard limit
# (CAP_SYS_RESOURCE) it goes up to the hard limit instead; FD_NOTE says so.
raise_fd_limit() {
	local hard
	FD_NOTE=""
	(($(ulimit -n) >= BENCH_FD_LIMIT)) && return 0
	ulimit -n "$BENCH_FD_LIMIT" 2>/dev/null && return 0
	hard=$(ulimit -Hn)
	ulimit -n "$hard" 2>/dev/null || true
	FD_NOTE="\`ulimit -n $BENCH_FD_LIMIT\` was refused (hard limit $hard, no CAP_SYS_RESOURCE here); server and client ran with $(ulimit -n)."
	log "fd limit: $FD_NOTE"
}

kv() { sed -n "s/^$2=//p" "$1" | head -n 1; } # kv FILE KEY: a key=value line

# N WebSocket subscribers to one day's slots of a wijkwijzer, then one
# booking of that day: how long until every subscriber has the pushed
# slots, and what the connections cost in server memory. The client is
# bench/wsfan.c (epoll, one thread), built here; a server of its own.
bench_ws_fanout() {
	local n=$BENCH_WS_CONNECTIONS out=$RESULTS/ws-fanout.txt date="" d pid
	local before after per all reasons srv_fds cli_fds
	raise_fd_limit
	cc -std=c11 -O2 -Wall -Wextra -o "$TMP/wsfan" bench/wsfan.c || die "cannot build bench/wsfan.c"
	launch_server ws
	pid=$LAUNCH_PID
	for ((d = 1; d <= 60; d++)); do # the first day with a free slot for the topic
		date=$(date -d "+$d day" +%F)
		curl -s --max-time 5 "$LAUNCH_URL/api/v1/slots?location=$WS_LOCATION&date=$date&topic=$WS_TOPIC" |
			grep -q '"free":[1-9]' && break
		date=""
	done
	[[ -n $date ]] || die "no free slot at $WS_LOCATION in the next 60 days"
	log "WebSocket fan-out: $n subscribers to $WS_LOCATION $date"
	run_tracked timeout -k 5 240 env WSFAN_CONNECT_S=120 WSFAN_PUSH_S=60 \
		"$TMP/wsfan" "$LAUNCH_PORT" "$n" "$WS_LOCATION" "$date" "$WS_TOPIC" "$pid" >"$out" ||
		die "WebSocket fan-out failed: $(cat "$out")"
	srv_fds=$(awk '/^Max open files/ { print $4 }' "/proc/$pid/limits")
	stop_pid "$pid"
	cli_fds=$(kv "$out" fd_limit)
	before=$(kv "$out" rss_before_kib) after=$(kv "$out" rss_after_kib)
	per=$(awk -v a="$after" -v b="$before" -v n="$(kv "$out" connected)" \
		'BEGIN { printf "%.1f KiB", n ? (a - b) / n : 0 }')
	table_head 40-ws "WebSocket fan-out: $n subscribers on /ws, then one booking" "figure:l" "value:r"
	table_row 40-ws "connections asked / subscribed (got their first slots message)" \
		"$n / $(kv "$out" connected)"
	table_row 40-ws "time to open and subscribe them (at most 200 handshakes at a time)" \
		"$(kv "$out" connect_s) s"
	table_row 40-ws "open files limit of server / client" "$srv_fds / $cli_fds"
	table_row 40-ws "server RSS before connecting" "$(mib "$before")"
	table_row 40-ws "server RSS with all subscribed" "$(mib "$after")"
	table_row 40-ws "server memory per connection (difference / subscribed)" "$per"
	if [[ $(kv "$out" post_status) == 0 ]]; then
		table_row 40-ws "POST /api/v1/bookings: status, answered after" "no answer within 60 s"
	else
		table_row 40-ws "POST /api/v1/bookings: status, answered after" \
			"$(kv "$out" post_status), $(kv "$out" post_ms) ms"
	fi
	if [[ -n $(kv "$out" min_ms) ]]; then
		table_row 40-ws "pushed slots message, ms after the POST was sent: min / p50 / p99 / max" \
			"$(kv "$out" min_ms) / $(kv "$out" p50_ms) / $(kv "$out" p99_ms) / $(kv "$out" max_ms)"
	fi
	all=$(kv "$out" all_ms)
	if [[ -n $all && $all != none ]]; then
		table_row 40-ws "**time until all $(kv "$out" connected) subscribers had the push**" "**$all ms**"
	else
		table_row 40-ws "**subscribers that had the push (not all)**" \
			"**$(kv "$out" received) of $(kv "$out" connected)**"
	fi
	# the summary: POST answer time, time until all had the push, memory
	local conn post_st post_ms per_kib
	conn=$(kv "$out" connected) post_st=$(kv "$out" post_status) post_ms=$(kv "$out" post_ms)
	per_kib=${per% KiB}
	if [[ $post_st == 201 ]]; then
		summary_row 16 "booking POST answered, $conn subscribers" "$post_ms ms" "–" "≤ $T_WS_POST ms" \
			"$(verdict "$post_ms" "<=" "$T_WS_POST")"
	else
		summary_row 16 "booking POST answered, $conn subscribers" "status $post_st after $post_ms ms" \
			"–" "≤ $T_WS_POST ms" "missed"
	fi
	if [[ -n $all && $all != none ]]; then
		summary_row 17 "all $conn subscribers had the push" "$all ms" "–" "≤ $T_WS_ALL ms" \
			"$(verdict "$all" "<=" "$T_WS_ALL")"
	else
		summary_row 17 "all $conn subscribers had the push" \
			"only $(kv "$out" received) of $conn got it" "–" "≤ $T_WS_ALL ms" "missed"
	fi
	summary_row 18 "server memory per WebSocket subscriber" "$per" \
		"$(mib "$before") before connecting" "≤ $T_WS_KIB KiB" "$(verdict "$per_kib" "<=" "$T_WS_KIB")"
	if ((conn < n)); then
		summary_row 17 "all $n subscribers had the push" "only $conn of $n subscribed" "–" \
			"≤ $T_WS_ALL ms" "missed"
	fi
	report_note 40-ws "Booked: $WS_LOCATION, $(kv "$out" slot), topic $WS_TOPIC."
	[[ -n $FD_NOTE ]] && report_note 40-ws "$FD_NOTE"
	reasons=$(kv "$out" fail_reasons)
	[[ -n $reasons ]] && report_note 40-ws "Connections that failed: $reasons."
	(($(kv "$out" not_slots) == 0)) ||
		report_note 40-ws "Messages after the booking that were not slots: $(kv "$out" not_slots)."
	return 0
}

# ---- bookings per second (50-bookings) ---------------------------------------
# desks per location from the content, as (id, desks) rows for SQL
desks_sql() {
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		$c["location_id"] ~ /^[a-z0-9-]+$/ {
			printf "%s(\x27%s\x27, %d)", (n++ ? ", " : ""), $c["location_id"], $c["desks"]
		}' content/appointments/locations.csv
}

# check_db DB: counts in a bookings database (the server stopped). Sets
# DB_OVER (slots with more active claims than desks, a desk number above
# that, or a location not in the content), DB_CLAIMS, DB_SLOTS, DB_CONFIRMED.
check_db() {
	local db=$1 desks
	desks=$(desks_sql)
	[[ -n $desks ]] || die "no desks in content/appointments/locations.csv"
	DB_OVER=$(sqlite3 "$db" "WITH desks(location_id, n) AS (VALUES $desks)
		SELECT count(*) FROM (SELECT location_id, slot, count(*) AS k, max(desk) AS top
			FROM slot_claim WHERE active = 1 GROUP BY location_id, slot) c
		LEFT JOIN desks d USING (location_id) WHERE d.n IS NULL OR c.k > d.n OR c.top > d.n") ||
		die "sqlite3 on $db failed"
	read -r DB_CLAIMS DB_SLOTS < <(sqlite3 -separator ' ' "$db" \
		"SELECT count(*), count(DISTINCT location_id || slot) FROM slot_claim WHERE active = 1")
	DB_CONFIRMED=$(sqlite3 "$db" "SELECT count(*) FROM booking WHERE status = 'confirmed'")
}

# bookings_json FILE: the figures of a bookings.py result, one line
bookings_json() {
	python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
s = r["status"]
other = sum(v for k, v in s.items() if k not in ("201", "409"))
print(r["attempts_made"], r["attempts_planned"], r["attempts_left"], r["seconds"],
      r["bookings_per_s"], r["requests_per_s"], s.get("201", 0), s.get("409", 0), other,
      r["p50_ms"], r["p99_ms"], r["max_ms"], r["p50_201_ms"], r["p99_201_ms"],
      r["days_with_slots"], r["locations"], r["client_errors"], r["client_cpu_pct"],
      json.dumps(s, separators=(",", ":")))' "$1"
}

# BENCH_BOOKING_CLIENTS clients book through POST /api/v1/bookings on a
# server with a fresh data folder, spread over every wijkwijzer, day and
# topic, for BENCH_BOOKING_SECONDS or until no slot is left
# (bench/bookings.py); then sqlite3 checks that no slot has more active
# claims than the location has desks.
bench_bookings() {
	local out=$RESULTS/bookings.json parsed
	local made planned left secs bps rps c201 c409 other p50 p99 max p50c p99c days locs cerr cpu st
	# every client comes from 127.0.0.1: switch off a per-client limit on
	# booking attempts where the server has one
	if ((${#RATE_OPT[@]})); then
		report_note 50-bookings "The servers ran with \`--booking-rate 0\` (no per-client limit on booking attempts), as all clients share 127.0.0.1."
	fi
	launch_server bookings "${RATE_OPT[@]}"
	log "bookings: $BENCH_BOOKING_CLIENTS clients, at most ${BENCH_BOOKING_SECONDS}s"
	run_tracked timeout -k 5 $((BENCH_BOOKING_SECONDS + 300)) python3 bench/bookings.py \
		"$LAUNCH_URL" "$BENCH_BOOKING_CLIENTS" "$BENCH_BOOKING_SECONDS" >"$out" ||
		die "bench/bookings.py failed"
	stop_pid "$LAUNCH_PID" # a clean stop checkpoints the WAL
	parsed=$(bookings_json "$out") || die "cannot read $out"
	read -r made planned left secs bps rps c201 c409 other p50 p99 max p50c p99c days locs cerr cpu st <<<"$parsed"
	check_db "$TMP/data-bookings/wijkwijzer.db"
	table_head 50-bookings "Bookings through the API: $BENCH_BOOKING_CLIENTS clients, fresh data folder" \
		"figure:l" "value:r"
	table_row 50-bookings "attempts made / planned (every free desk of $days days with slots at $locs wijkwijzers, plus one per slot)" \
		"$made / $planned"
	if ((left > 0)); then
		table_row 50-bookings "run length (time limit reached; $left attempts left)" "$secs s"
	else
		table_row 50-bookings "run length (until the slots ran out)" "$secs s"
	fi
	table_row 50-bookings "**bookings per second (201 answers / run length)**" "**$bps**"
	table_row 50-bookings "POST requests per second" "$rps"
	table_row 50-bookings "answers 201 created / 409 slot full / other" "$c201 / $c409 / $other"
	table_row 50-bookings "POST latency, all answers: p50 / p99 / max" "$p50 / $p99 / $max ms"
	table_row 50-bookings "POST latency, 201 only: p50 / p99" "$p50c / $p99c ms"
	table_row 50-bookings "CPU of the client (bench/bookings.py, one Python process) while booking" "$cpu % of one core"
	table_row 50-bookings "**slots with more active claims than desks (sqlite3 after the run)**" "**$DB_OVER**"
	table_row 50-bookings "active claims / slots claimed; confirmed bookings in the database" \
		"$DB_CLAIMS / $DB_SLOTS; $DB_CONFIRMED"
	report_note 50-bookings "Data folder on $(df -T "$TMP" | awk 'NR == 2 { print $2 }'); the server commits every booking with synchronous=FULL."
	((DB_OVER == 0)) || log "warning: $DB_OVER slots are overbooked"
	((DB_CONFIRMED == c201)) ||
		report_note 50-bookings "Warning: $c201 answers were 201 but the database has $DB_CONFIRMED confirmed bookings."
	((other == 0)) || report_note 50-bookings "Answers by status: $st."
	((cerr == 0)) || report_note 50-bookings "Client-side errors (no answer): $cerr."
	local note=""
	((cpu >= 90)) && note=" (the client used $cpu % of a core: it may have set the pace)"
	summary_row 11 "bookings per second, $BENCH_BOOKING_CLIENTS clients" "$bps$note" "–" \
		"≥ $T_BOOKINGS" "$(verdict "$bps" ">=" "$T_BOOKINGS")"
	summary_row 12 "booking POST p99, $BENCH_BOOKING_CLIENTS clients (all answers)" "$p99 ms" "–" \
		"≤ $T_BOOKING_P99 ms" "$(verdict "$p99" "<=" "$T_BOOKING_P99")"
	summary_row 13 "slots with more active claims than desks" "$DB_OVER" "–" "0" \
		"$(verdict "$DB_OVER" "==" 0)"
	return 0
}

# The same load on a fresh server, killed with SIGKILL once
# BENCH_KILL_AFTER bookings were answered 201; then the server is started
# again on that data folder and stopped cleanly, and sqlite3 checks that
# every reference a client got with a 201 is a confirmed booking, that
# PRAGMA integrity_check says ok and that no slot is overbooked.
bench_bookings_kill() {
	local out=$RESULTS/bookings-kill.json refs=$RESULTS/bookings-kill-refs.txt db bpid pid i n=0
	local parsed made planned left secs bps rps c201 c409 other p50 p99 max p50c p99c days locs cerr cpu st
	local missing integrity got
	: >"$refs"
	launch_server kill "${RATE_OPT[@]}"
	pid=$LAUNCH_PID
	log "kill -9: $BENCH_BOOKING_CLIENTS clients, SIGKILL after $BENCH_KILL_AFTER bookings"
	spawn timeout -k 5 $((BENCH_BOOKING_SECONDS + 300)) python3 bench/bookings.py \
		"$LAUNCH_URL" "$BENCH_BOOKING_CLIENTS" "$BENCH_BOOKING_SECONDS" --refs "$refs" \
		--stop-on-error >"$out"
	bpid=$!
	for ((i = 0; i < 3000; i++)); do # at most 60 s
		n=$(wc -l <"$refs")
		((n >= BENCH_KILL_AFTER)) && break
		alive "$bpid" || break
		sleep 0.02
	done
	if alive "$pid"; then
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	log "kill -9: server killed after $n references"
	wait "$bpid" || die "bench/bookings.py failed in the kill -9 run"
	LAUNCH_KEEP_DATA=1 launch_server kill "${RATE_OPT[@]}"
	stop_pid "$LAUNCH_PID"
	db=$TMP/data-kill/wijkwijzer.db
	parsed=$(bookings_json "$out") || die "cannot read $out"
	read -r made planned left secs bps rps c201 c409 other p50 p99 max p50c p99c days locs cerr cpu st <<<"$parsed"
	got=$(wc -l <"$refs")
	integrity=$(sqlite3 "$db" "PRAGMA integrity_check" | tr '\n' ' ' | sed 's/ $//')
	missing=$(sqlite3 "$db" <<EOF
CREATE TEMP TABLE r(ref TEXT);
.import --csv --schema temp "$refs" r
SELECT count(*) FROM r WHERE upper(replace(replace(ref, '-', ''), ' ', '')) NOT IN
	(SELECT reference FROM booking WHERE reference IS NOT NULL AND status = 'confirmed');
EOF
	) || die "sqlite3 on $db failed"
	check_db "$db"
	table_head 51-kill "kill -9 under the booking load, then a restart on the same data folder" \
		"figure:l" "value:r"
	table_row 51-kill "201 answers the clients had when the server was killed (SIGKILL after $BENCH_KILL_AFTER)" "$got"
	table_row 51-kill "answers 201 / 409 / other; requests without an answer" "$c201 / $c409 / $other; $cerr"
	table_row 51-kill "**of those 201 references, not a confirmed booking after the restart**" "**$missing**"
	table_row 51-kill "confirmed bookings in the database (201s committed but not delivered count too)" "$DB_CONFIRMED"
	table_row 51-kill "**PRAGMA integrity_check**" "**$integrity**"
	table_row 51-kill "slots with more active claims than desks" "$DB_OVER"
	report_note 51-kill "The server got SIGKILL while $BENCH_BOOKING_CLIENTS clients were booking; each client stopped at its first request without an answer. Every reference in a 201 answer was written down as it arrived (\`bookings-kill-refs.txt\`). The restarted server answered /healthz and was stopped cleanly before sqlite3 looked."
	if ((got == 0)); then
		summary_row 14 "201 answers lost after kill -9 under load" "not measured (no 201 before the kill)" \
			"–" "0" "not measured"
	else
		summary_row 14 "201 answers lost after kill -9 under load" "$missing of $got" "–" "0" \
			"$(verdict "$missing" "==" 0)"
	fi
	if [[ $integrity == ok ]]; then
		summary_row 15 "integrity_check after kill -9 and restart" "ok" "–" "ok" "met"
	else
		summary_row 15 "integrity_check after kill -9 and restart" "$integrity" "–" "ok" "missed"
	fi
	((DB_OVER == 0)) || summary_row 13 "slots with more active claims than desks" \
		"$DB_OVER after the kill -9 run" "–" "0" "missed"
	return 0
}

# ---- latency probes ------------------------------------------------------------
# start_probe NAME URL SECONDS [DELAY]: bench/probe.py asks for URL
# BENCH_PROBE_RATE times a second (one connection, never more than one
# request open) from DELAY s after now until DELAY + SECONDS; raw output in
# $RESULTS/probe-NAME.json. finish_probe NAME waits for it and sets PROBE_N
# (probes answered), PROBE_SKIPPED (probes due while one was still open,
# counted as waiting for it), PROBE_P50 and PROBE_P99 (ms, with the skipped
# ones), PROBE_RAW_P99 (ms, only the probes sent), PROBE_MAX and PROBE_ERR
# (errors and non-200 answers).
PROBE_PID=""
start_probe() {
	spawn timeout -k 5 $(($3 + 65)) python3 bench/probe.py probe "$2" "$BENCH_PROBE_RATE" "$3" \
		--delay "${4:-0}" >"$RESULTS/probe-$1.json"
	PROBE_PID=$!
}
finish_probe() {
	local parsed
	wait "$PROBE_PID" || true
	PROBE_PID=""
	parsed=$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
bad = r["errors"] + sum(v for k, v in r["status"].items() if k != "200")
f = lambda v: "–" if v is None else v
print(r["answered"], r["skipped"], f(r["p50_ms"]), f(r["p99_ms"]), f(r["raw_p99_ms"]),
      f(r["max_ms"]), bad)' "$RESULTS/probe-$1.json" 2>/dev/null) || parsed="0 0 – – – – 0"
	read -r PROBE_N PROBE_SKIPPED PROBE_P50 PROBE_P99 PROBE_RAW_P99 PROBE_MAX PROBE_ERR <<<"$parsed"
}
idle_probe() { # idle_probe NAME URL: the baseline, BENCH_PROBE_IDLE seconds
	start_probe "$1" "$2" "$PROBE_IDLE_S"
	finish_probe "$1"
}

# ---- read aloud on kiosks (45-speech) ------------------------------------------
# BENCH_SPEECH_CLIENTS kiosk sessions ask for /lees-voor.wav one after
# another (each from its own loopback address, as separate terminals), each
# time for another service page, so that every answer is synthesised (the
# server keeps the last 16 in a cache); meanwhile /healthz is probed.
bench_speech() {
	local pads status out=$RESULTS/speech-load.json parsed n ok p50 p99 max bad mib_s st
	local cookie
	launch_server speech
	cookie="Cookie: $(enrol_kiosk speech "$LAUNCH_URL")" || die "cannot enrol kiosk terminal $KIOSK_TERMINAL"
	local route
	# the route is /lees-voor.wav (portal/app/routes.c); /lees-voor as well, in case it is renamed
	for route in /lees-voor.wav /lees-voor; do
		pads=$(curl -s --max-time 10 "$LAUNCH_URL/api/v1/services?limit=100" | R=$route python3 -c '
import json, os, sys, urllib.parse
s = json.load(sys.stdin)["services"]
print(",".join(os.environ["R"] + "?pad=" + urllib.parse.quote(x["url"], safe="/") for x in s))') ||
			die "cannot list the services for the read-alouds"
		status=$(curl -s --max-time 30 -o /dev/null -w '%{http_code} %{content_type}' -H "$cookie" \
			"$LAUNCH_URL${pads%%,*}") || true
		[[ $status == "200 audio/wav" ]] && break
	done
	table_head 45-speech "Read aloud: $BENCH_SPEECH_CLIENTS kiosk sessions at once, /healthz meanwhile" \
		"figure:l" "value:r"
	if [[ $status != "200 audio/wav" ]]; then
		table_row 45-speech "read aloud (\`${pads%%,*}\` with the kiosk cookie)" "answered $status"
		summary_row 10 "\`/healthz\` p99 during $BENCH_SPEECH_CLIENTS read-alouds in parallel" \
			"not measured (read aloud answered $status)" "–" "≤ $T_HEALTHZ_P99 ms" "not measured"
		stop_pid "$LAUNCH_PID"
		return 0
	fi
	idle_probe healthz-idle "$LAUNCH_URL/healthz"
	local idle_p50=$PROBE_P50 idle_p99=$PROBE_P99
	log "read aloud: $BENCH_SPEECH_CLIENTS clients, ${DURATION_S}s"
	spawn timeout -k 5 $((DURATION_S + 60)) python3 bench/probe.py load "$LAUNCH_URL/" \
		"$BENCH_SPEECH_CLIENTS" "$DURATION_S" --own-address --header "$cookie" --path-list "$pads" >"$out"
	local lpid=$!
	start_probe healthz-speech "$LAUNCH_URL/healthz" $((DURATION_S > 2 ? DURATION_S - 1 : 1)) 0.5
	finish_probe healthz-speech
	wait "$lpid" || true
	stop_pid "$LAUNCH_PID"
	parsed=$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
s = r["status"]
f = lambda v: "–" if v is None else v
print(r["answered"], s.get("200", 0), f(r["p50_ms"]), f(r["p99_ms"]), f(r["max_ms"]),
      r["errors"] + sum(v for k, v in s.items() if k != "200"),
      round(r["body_bytes"] / 1048576 / r["seconds"], 1) if r["seconds"] else 0,
      json.dumps(s, separators=(",", ":")))' "$out" 2>/dev/null) || parsed="0 0 – – – 0 0 {}"
	read -r n ok p50 p99 max bad mib_s st <<<"$parsed"
	table_row 45-speech "read-alouds answered 200 in ${DURATION_S} s (all answers)" "$ok ($n)"
	table_row 45-speech "read-aloud latency p50 / p99 / max" "$p50 / $p99 / $max ms"
	table_row 45-speech "WAV received" "$mib_s MiB/s"
	table_row 45-speech "/healthz on the idle server first: p50 / p99 (${PROBE_IDLE_S} s)" "$idle_p50 / $idle_p99 ms"
	table_row 45-speech "/healthz during the read-alouds: probes answered / skipped" "$PROBE_N / $PROBE_SKIPPED"
	table_row 45-speech "**/healthz during the read-alouds: p50 / p99**, p99 of the sent ones only / max" \
		"**$PROBE_P50 / $PROBE_P99 ms**, $PROBE_RAW_P99 / $PROBE_MAX ms"
	((bad == 0)) || report_note 45-speech "Read-aloud answers that were not 200, or no answer: $bad ($st)."
	((PROBE_ERR == 0)) || report_note 45-speech "/healthz probes without a 200: $PROBE_ERR."
	report_note 45-speech "Each kiosk session is one keep-alive connection with the cookie of the enrolled terminal \`$KIOSK_TERMINAL\`, from its own address 127.0.0.10, .11, .... Request n of all of them together reads service page n modulo 100 (\`pad=/nl/voorzieningen/ID\`), so most answers are synthesised; the server speaks one page at a time across all terminals and answers the others 503 at once (speech.h, SPEECH_MAX_AT_ONCE), which is what keeps a slow-pool thread free. /healthz is probed $BENCH_PROBE_RATE times a second on one connection, from 0.5 s after the start until 0.5 s before the end; a probe due while the previous one is still open is skipped and counted as waiting for that answer (see bench/README.md)."
	local verdict_s="not measured"
	((PROBE_N > 0)) && verdict_s=$(verdict "$PROBE_P99" "<=" "$T_HEALTHZ_P99")
	((ok > 0)) || verdict_s="not measured (no read-aloud answered 200)"
	summary_row 10 "\`/healthz\` p99 during $BENCH_SPEECH_CLIENTS read-alouds in parallel" \
		"$PROBE_P99 ms ($PROBE_N probes, $PROBE_SKIPPED skipped; $ok read-alouds)" "idle: $idle_p99 ms" \
		"≤ $T_HEALTHZ_P99 ms" \
		"$verdict_s"
	return 0
}

# ---- 50 000 services (60-import) ---------------------------------------------
IMPORT_PID=""
IMPORT_URL=""
IMPORT_HWM=0

# (Re)starts the server on the generated content: a slow request keeps
# running after wrk stops, so every measured run gets a fresh server.
restart_import_server() {
	local hwm
	if [[ -n $IMPORT_PID ]]; then
		hwm=$(proc_kib "$IMPORT_PID" VmHWM)
		((hwm > IMPORT_HWM)) && IMPORT_HWM=$hwm
		stop_pid "$IMPORT_PID"
		IMPORT_PID=""
	fi
	[[ ${1:-} == stop ]] && return 0
	launch_server import --content "$TMP/content-big"
	IMPORT_PID=$LAUNCH_PID
	IMPORT_URL=$LAUNCH_URL
}

# Generates a content folder with BENCH_IMPORT_SERVICES services
# (bench/gen_catalog.py, in $TMP), imports it (time and peak RSS), then
# measures nearby + text search on it: single requests, then wrk with a Lua
# script that varies the postcode and the word, on the API and the page.
bench_import() {
	local src=$TMP/catalog db=$TMP/content-big tv=$RESULTS/import-time.txt
	local t0 t1 wall peak cpu rows bytes label path res status ms total idle
	log "import: generating $BENCH_IMPORT_SERVICES services in $src"
	t0=$(date +%s%N)
	run_tracked timeout -k 5 600 python3 bench/gen_catalog.py "$src" \
		--services "$BENCH_IMPORT_SERVICES" --organizations "$BENCH_IMPORT_ORGANIZATIONS" \
		--locations "$BENCH_IMPORT_LOCATIONS" >"$RESULTS/import-gen.txt" ||
		die "bench/gen_catalog.py failed"
	t1=$(date +%s%N)
	rows=$(cat "$src"/catalog/*.csv "$src"/postcodes/pc4.csv | wc -l)
	bytes=$(cat "$src"/catalog/*.csv "$src"/postcodes/pc4.csv | wc -c)
	table_head 60-import "Import of $BENCH_IMPORT_SERVICES services (generated, whole Netherlands)" \
		"figure:l" "value:r"
	table_row 60-import "generated: services / organisations / locations" \
		"$(($(wc -l <"$src/catalog/services.csv") - 1)) / $(($(wc -l <"$src/catalog/organizations.csv") - 1)) / $(($(wc -l <"$src/catalog/locations.csv") - 1))"
	table_row 60-import "catalog CSVs + pc4.csv: lines / size" \
		"$rows / $(awk -v b="$bytes" 'BEGIN { printf "%.1f MiB", b / 1048576 }')"
	table_row 60-import "generating them (bench/gen_catalog.py)" \
		"$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f s", (b - a) / 1e9 }')"
	mkdir -p "$db"
	log "import: $IMPORTER"
	if [[ -x /usr/bin/time ]]; then
		run_tracked timeout -k 5 900 /usr/bin/time -v -o "$tv" \
			"$IMPORTER" "$src" "$db/content.db" --locale build/locale >"$RESULTS/import-log.txt" 2>&1 ||
			die "import failed: $(tail -n 3 "$RESULTS/import-log.txt")"
		wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0
			for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.1f s", s }' "$tv")
		cpu=$(awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 }
			END { printf "%.1f s user + %.1f s system", u, s }' "$tv")
		peak=$(mib "$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$tv")")
	else
		t0=$(date +%s%N)
		run_tracked timeout -k 5 900 "$IMPORTER" "$src" "$db/content.db" --locale build/locale \
			>"$RESULTS/import-log.txt" 2>&1 || die "import failed: $(tail -n 3 "$RESULTS/import-log.txt")"
		t1=$(date +%s%N)
		wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f s", (b - a) / 1e9 }')
		cpu="n/a" peak="n/a (no /usr/bin/time)"
	fi
	table_row 60-import "**import time (wijkwijzer-import, wall clock)**" "**$wall**"
	table_row 60-import "import CPU time" "$cpu"
	table_row 60-import "import peak RSS" "$peak"
	table_row 60-import "content.db size" \
		"$(awk -v b="$(stat -c %s "$db/content.db")" 'BEGIN { printf "%.1f MiB", b / 1048576 }')"

	restart_import_server
	idle=$(proc_kib "$IMPORT_PID" VmRSS)
	table_head 60-import "Search with $BENCH_IMPORT_SERVICES services: one request at a time (curl, idle server)" \
		"request:l" "status:r" "matches:r" "ms:r"
	for label in \
		"nearby only, PC4 1012|/api/v1/services?near=1012&limit=20" \
		"text only, q=koffie|/api/v1/services?q=koffie&limit=20" \
		"nearby + text, 1012 koffie|/api/v1/services?near=1012&q=koffie&limit=20" \
		"nearby + text, 9712 mantelzorg|/api/v1/services?near=9712&q=mantelzorg&limit=20" \
		"page, 7511 ontmoeting|/nl/voorzieningen?postcode=7511&q=ontmoeting" \
		"page, postcode only 5611|/nl/voorzieningen?postcode=5611"; do
		path=${label#*|} label=${label%%|*}
		res=$(curl -s --max-time 120 -o "$TMP/single.out" -w '%{http_code} %{time_total}' \
			"$IMPORT_URL$path") || true
		read -r status ms <<<"$res"
		total=$(grep -o '"total":[0-9]*' "$TMP/single.out" 2>/dev/null | head -n 1 | cut -d: -f2) || true
		table_row 60-import "$label \`${path}\`" "$status" "${total:--}" \
			"$(awk -v s="${ms:-0}" 'BEGIN { printf "%.1f", s * 1000 }')"
	done

	# the baseline of the /nl/ probes: the same prober on the idle server
	idle_probe home-idle "$IMPORT_URL$HOME_PATH"
	local home_idle_p99=$PROBE_P99
	table_row 60-import "\`$HOME_PATH\` probed on the idle server: p50 / p99 (${PROBE_IDLE_S} s, $BENCH_PROBE_RATE a second)" \
		"–" "–" "$PROBE_P50 / $PROBE_P99"

	table_head 60-import "Search with $BENCH_IMPORT_SERVICES services under load (wrk, random PC4 and word per request)" \
		"request:l" "connections:r" "run s:r" "answered:r" "req/s:r" "p50 ms:r" "p99 ms:r" "errors:r" \
		"$HOME_PATH meanwhile: probes / skipped, p50 / p99 / max ms:r"
	local mode c d k probe_cell
	for mode in api html; do
		for c in "$BENCH_CONNECTIONS" 1; do
			((c > 1)) && d=$IMPORT_DURATION_S || d=$DURATION_S
			restart_import_server
			probe_cell="–"
			# during the many-connection run, /nl/ is probed from 0.5 s after
			# the start until 0.5 s before the end
			((c > 1)) && start_probe "home-during-$mode" "$IMPORT_URL$HOME_PATH" $((d > 2 ? d - 1 : 1)) 0.5
			WRK_C=$c WRK_T=$((c < BENCH_THREADS ? c : BENCH_THREADS)) WRK_D=$d WRK_TIMEOUT=60s \
				WRK_WARMUP_S=0 WRK_SCRIPT=bench/search.lua run_wrk "import-$mode-c$c" "$IMPORT_URL" "$mode"
			if ((c > 1)); then
				finish_probe "home-during-$mode"
				probe_cell="$PROBE_N / $PROBE_SKIPPED, $PROBE_P50 / $PROBE_P99 / $PROBE_MAX"
				((PROBE_ERR == 0)) ||
					report_note 60-import "$HOME_PATH probes during the $mode load without a 200: $PROBE_ERR."
			fi
			if [[ $mode == api ]]; then
				label="/api/v1/services?near=PC4&q=WORD&limit=20"
			else
				label="/nl/voorzieningen?postcode=PC4&q=WORD"
			fi
			if ((WRK_COMPLETE == 0)); then
				WRK_P50="–" WRK_P99="–"
			fi
			table_row 60-import "$label" "$c" "$d" "$WRK_COMPLETE" "$WRK_RPS" "$WRK_P50" "$WRK_P99" \
				"$WRK_ERRORS" "$probe_cell"
			((c > 1)) || continue
			local what="search API" err_note=""
			[[ $mode == html ]] && what="search page"
			((WRK_ERRORS == 0)) || err_note=" ($WRK_ERRORS errors)"
			[[ $mode == api ]] && k=04 || k=06
			summary_row "$k" "$what, $BENCH_IMPORT_SERVICES services, $c connections: req/s" \
				"$WRK_RPS$err_note" "–" "≥ $T_BIG_RPS" "$(verdict "$WRK_RPS" ">=" "$T_BIG_RPS")"
			[[ $mode == api ]] && k=05 || k=07
			summary_row "$k" "$what, $BENCH_IMPORT_SERVICES services, $c connections: p99" \
				"$WRK_P99 ms ($WRK_COMPLETE answered in $d s)" "–" "≤ $T_BIG_P99 ms" \
				"$(verdict "$WRK_P99" "<=" "$T_BIG_P99")"
			[[ $mode == api ]] && k=08 || k=09
			summary_row "$k" "\`$HOME_PATH\` p99 during the $what load" \
				"$PROBE_P99 ms ($PROBE_N probes, $PROBE_SKIPPED skipped)" "idle: $home_idle_p99 ms" \
				"≤ $T_HOME_P99 ms" \
				"$( ((PROBE_N > 0)) && verdict "$PROBE_P99" "<=" "$T_HOME_P99" || echo "not measured")"
		done
	done
	restart_import_server stop
	report_note 60-import "Server RSS with this content: $(mib "$idle") idle, $(mib "$IMPORT_HWM") at the peak of the searches (VmHWM)."
	report_note 60-import "Each wrk run has a fresh server (a slow request goes on after wrk stops), no warm-up and --timeout 60s. Requests still waiting when a run ends are not counted (\"answered\" is what came back), so when few come back their latencies are cut off near the run length: then read req/s, and the one-connection row for the time of one request. Errors are read errors: the server closed the connection before a complete answer."
	report_note 60-import "During each run with $BENCH_CONNECTIONS connections, bench/probe.py asks for $HOME_PATH $BENCH_PROBE_RATE times a second on one more connection (never more than one request open), from 0.5 s after the start until 0.5 s before the end; \"probes\" is how many were answered, \"skipped\" how many were due while one was still open: those count as waiting for that answer, so p50/p99 are what a visitor arriving at any moment of the run saw; max is the slowest single probe."
	summary_row 19 "peak RSS (VmHWM), $BENCH_IMPORT_SERVICES services under load" "$(mib "$IMPORT_HWM")" \
		"idle with this content: $(mib "$idle")" "≤ $T_RSS_MIB MiB" \
		"$(verdict "$(awk -v k="$IMPORT_HWM" 'BEGIN { printf "%.1f", k / 1024 }')" "<=" "$T_RSS_MIB")"
	return 0
}

# ---- output ------------------------------------------------------------------
# Pads the markdown tables so that they also read well in a terminal.
align_tables() {
	python3 -c '
import sys
lines = sys.stdin.read().split("\n")
out, i = [], 0
while i < len(lines):
    if not lines[i].startswith("|"):
        out.append(lines[i]); i += 1; continue
    j = i
    while j < len(lines) and lines[j].startswith("|"):
        j += 1
    rows = [[c.strip() for c in l.strip().strip("|").split(" | ")] for l in lines[i:j]]
    right = [c.endswith(":") for c in rows[1]]
    w = [max(3, max(len(r[k]) for r in rows if k < len(r) and r is not rows[1])) for k in range(len(rows[0]))]
    for n, r in enumerate(rows):
        if n == 1:
            cells = [("-" * (w[k] - 1) + ":") if right[k] else "-" * w[k] for k in range(len(w))]
        else:
            cells = [r[k].rjust(w[k]) if right[k] else r[k].ljust(w[k]) for k in range(len(r))]
        out.append("| " + " | ".join(cells) + " |")
    i = j
sys.stdout.write("\n".join(out))
'
}

write_report() {
	local f notes elapsed=$((SECONDS - START_S))
	{
		echo
		echo "## Summary: targets of issue 11"
		echo
		echo "| figure | measured | baseline (same run) | target | result |"
		echo "| --- | ---: | ---: | ---: | --- |"
		cat "$REPORT"/summary/*
		echo
		cat "$REPORT"/summary/* | awk -F' [|] ' -v t="$((elapsed / 60)) min $((elapsed % 60)) s" '
			{ r = $NF; sub(/ *[|]$/, "", r); n++
			  if (r ~ /^met/) met++; else if (r ~ /^missed/) missed++; else other++ }
			END { printf "Of %d figures: %d met, %d missed, %d not measured. The whole run took %s.\n",
				n, met, missed, other, t }'
		if [[ -n ${PAGES_OTHER_MAX:-} ]]; then
			echo "During the page runs other work on the machine used up to $PAGES_OTHER_MAX of the $(nproc) cores" \
				"(column \"other CPU\" below); where that is large, a page's ratio to bare lws is not reliable: run again."
		fi
		echo "The details of each figure are in the sections below; what they mean: \`bench/README.md\`."
	} >"$REPORT/05-summary.md"
	{
		for f in "$REPORT"/*.md; do
			cat "$f"
			notes=${f%.md}.notes
			[[ -e $notes ]] && {
				echo
				cat "$notes"
			}
		done
		echo
		echo "Raw outputs (not in git): \`bench/results/wrk-*.txt\`, \`probe-*.json\`, \`speech-load.json\`," \
			"\`ws-fanout.txt\`, \`bookings*.json\`, \`bookings-kill-refs.txt\`, \`import-*.txt\`." \
			"What each figure means: \`bench/README.md\`."
	} | align_tables >"$TMP/latest.md"
	cp "$TMP/latest.md" "$RESULTS/latest.md"
	echo
	cat "$RESULTS/latest.md"
	echo
	log "written to $RESULTS/latest.md"
}

main() {
	START_S=$SECONDS
	install_deps
	setup
	detect_server_options
	system_info
	if wanted http; then
		bench_startup
		start_server
		capture_pages
		bench_memory_idle
		bench_page_weight
		bench_main_pages_weight
		bench_pages
		bench_memory_peak
		stop_pid "$SERVER_PID"
	fi
	# each of these runs a server of its own
	if wanted ws; then bench_ws_fanout; fi
	if wanted bookings; then
		bench_bookings
		bench_bookings_kill
	fi
	if wanted speech; then bench_speech; fi
	if wanted import; then bench_import; fi
	write_report
}

main "$@"
