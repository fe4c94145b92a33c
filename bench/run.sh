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
# To add one: write bench_<name>, give it its own section (e.g. "40-ws"),
# and call it from main.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

# ---- parameters (override from the environment) -------------------------
SERVER=${SERVER:-build/wijkwijzer}
BENCH_THREADS=${BENCH_THREADS:-2}
BENCH_CONNECTIONS=${BENCH_CONNECTIONS:-50}
BENCH_DURATION=${BENCH_DURATION:-10s}   # whole seconds, "10s" or "10"
BENCH_WARMUP=${BENCH_WARMUP:-2s}        # unrecorded wrk run before each measured one; 0 = none
BENCH_STARTS=${BENCH_STARTS:-5}         # server starts for the start-up time median
RESULTS=${BENCH_RESULTS:-bench/results}
BENCH_ONLY=${BENCH_ONLY:-}              # e.g. "ws bookings": only these (http ws bookings import)
BENCH_WS_CONNECTIONS=${BENCH_WS_CONNECTIONS:-10000}
BENCH_FD_LIMIT=${BENCH_FD_LIMIT:-65536} # ulimit -n for the fan-out server and client
BENCH_BOOKING_CLIENTS=${BENCH_BOOKING_CLIENTS:-100}
BENCH_BOOKING_SECONDS=${BENCH_BOOKING_SECONDS:-60}
BENCH_IMPORT_SERVICES=${BENCH_IMPORT_SERVICES:-50000}
BENCH_IMPORT_ORGANIZATIONS=${BENCH_IMPORT_ORGANIZATIONS:-10000}
BENCH_IMPORT_LOCATIONS=${BENCH_IMPORT_LOCATIONS:-20000}
BENCH_IMPORT_DURATION=${BENCH_IMPORT_DURATION:-30s} # wrk runs with many connections on the big content
IMPORTER=${IMPORTER:-build/wijkwijzer-import}

HOME_PATH=/nl/
SEARCH_PATH='/nl/voorzieningen?q=ontmoeting&postcode=7511'

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
whole BENCH_IMPORT_SERVICES 1000 1000000
whole BENCH_IMPORT_ORGANIZATIONS 100 1000000
whole BENCH_IMPORT_LOCATIONS 100 1000000
for g in $BENCH_ONLY; do
	[[ $g =~ ^(http|ws|bookings|import)$ ]] || die "BENCH_ONLY: unknown group '$g' (http ws bookings import)"
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

mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }
proc_kib() { # proc_kib PID FIELD: e.g. VmRSS in kB
	awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"
}

# ---- setup -----------------------------------------------------------------
install_deps() {
	local extra=""
	command -v curl >/dev/null 2>&1 || extra+=" curl"
	command -v python3 >/dev/null 2>&1 || extra+=" python3"
	command -v cc >/dev/null 2>&1 || extra+=" gcc"          # builds bench/wsfan.c
	command -v sqlite3 >/dev/null 2>&1 || extra+=" sqlite3" # the overbooking check
	[[ -x /usr/bin/time ]] || extra+=" time"                 # peak RSS of the import
	DEBS="wrk nginx-light$extra" LOCALES="" sh tools/deps.sh
	command -v wrk >/dev/null 2>&1 || die "wrk is not installed"
	command -v cc >/dev/null 2>&1 || die "no C compiler (cc) for bench/wsfan.c"
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
	rm -f "$RESULTS"/wrk-*.txt "$RESULTS"/ws-fanout.txt "$RESULTS"/bookings.json \
		"$RESULTS"/import-*.txt
}

system_info() {
	local cpu mem commit dirty="" lws sqlite ngx wrkv
	cpu=$(grep -m1 -E '^(model name|Hardware|cpu model|Processor)[[:space:]]*:' /proc/cpuinfo |
		cut -d: -f2- | sed 's/^ *//') || true
	mem=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
	commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
	[[ -n $(git status --porcelain -- portal Makefile 2>/dev/null) ]] &&
		dirty=" (plus uncommitted changes in portal/ or Makefile)"
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
		echo "- load: \`wrk -t$BENCH_THREADS -c$BENCH_CONNECTIONS -d${DURATION_S}s --latency\`" \
			"(after a ${WARMUP_S}s warm-up), client and server on the same machine, 127.0.0.1"
	} >"$REPORT/00-head.md"
}

# ---- the server under test -------------------------------------------------
SERVER_PID=""
SERVER_URL=""

# launch_server NAME [OPTION...]: starts $SERVER on a free port with a fresh,
# empty data folder $TMP/data-NAME (log in $TMP/server-NAME.log) and extra
# options (e.g. --content DIR); waits for 200 on /healthz. Sets LAUNCH_PID,
# LAUNCH_PORT and LAUNCH_URL. Several servers can run side by side.
LAUNCH_PID=""
LAUNCH_PORT=""
LAUNCH_URL=""
launch_server() {
	local name=$1 attempt port
	shift
	for attempt in 1 2 3; do # a free port can be taken between probe and bind
		port=$(free_port)
		rm -rf "$TMP/data-$name"
		spawn "$SERVER" --port "$port" --data "$TMP/data-$name" --quiet "$@" \
			</dev/null >"$TMP/server-$name.log" 2>&1
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

start_server() { # the server for the HTTP rows and the memory figures
	launch_server main
	SERVER_PID=$LAUNCH_PID
	SERVER_URL=$LAUNCH_URL
}

# ---- nginx serving the same bytes ------------------------------------------
NGINX_PID=""
NGINX_URL=""
NGINX_WORKERS=""

# start_nginx WORKERS (a number or "auto")
start_nginx() {
	local workers=$1 dir=$TMP/nginx-$1 port temps="" t i
	mkdir -p "$dir"
	port=$(free_port)
	# Temp folders inside $dir (only for modules this nginx has), so that no
	# system path needs to be writable.
	for t in client-body proxy fastcgi uwsgi scgi; do
		if "$NGINX" -V 2>&1 | grep -q -- "--http-$t-temp-path"; then
			temps+="    ${t//-/_}_temp_path $dir/$t;"$'\n'
		fi
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
$temps    server {
        listen 127.0.0.1:$port;
        root $TMP/www;
        location / {
            types {}
            default_type "text/html; charset=utf-8";
        }
    }
}
EOF
	spawn "$NGINX" -p "$dir/" -c "$dir/nginx.conf" -e stderr </dev/null >"$dir/nginx.log" 2>&1
	NGINX_PID=$!
	NGINX_URL=http://127.0.0.1:$port
	wait_200 "$NGINX_URL$HOME_PATH" 10 || die "nginx did not start: $(tail -n 5 "$dir/nginx.log")"
	curl -s --max-time 5 -o "$dir/check.html" "$NGINX_URL$HOME_PATH"
	cmp -s "$dir/check.html" "$TMP/www/nl/index.html" || die "nginx serves other bytes than the portal"
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

# ---- wrk -----------------------------------------------------------------
# run_wrk NAME URL [SCRIPT_ARG...]: warm-up, then the measured run; raw
# output in $RESULTS/wrk-NAME.txt; sets WRK_RPS WRK_P50 WRK_P99 (ms)
# WRK_ERRORS WRK_COMPLETE (requests answered). Optional, set on the call
# (WRK_C=1 run_wrk ...): WRK_C connections, WRK_T threads, WRK_D seconds,
# WRK_TIMEOUT, WRK_WARMUP_S, WRK_SCRIPT (a Lua script; SCRIPT_ARGs go to it).
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
	run_tracked timeout -k 5 $((dur + grace)) "${wrk[@]}" "-d${dur}s" "${tail[@]}" >"$out" ||
		die "wrk against $url failed: $(cat "$out")"
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

http_table() {
	[[ -e $REPORT/10-http.md ]] ||
		table_head 10-http "Requests per second and latency" \
			"page:l" "server:l" "req/s:r" "p50 ms:r" "p99 ms:r" "errors:r"
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

# Saves the home page exactly as served, for nginx; the idle RSS after that.
capture_home() {
	local status
	mkdir -p "$TMP/www/nl"
	status=$(curl -s --max-time 5 -o "$TMP/www/nl/index.html" -w '%{http_code}' "$SERVER_URL$HOME_PATH") || true
	[[ $status == 200 ]] || die "GET $HOME_PATH answered $status"
	chmod -R a+rX "$TMP/www"
}

bench_memory_idle() {
	table_row 20-process "RSS idle (after start, /healthz and one home page)" \
		"$(mib "$(proc_kib "$SERVER_PID" VmRSS)")"
}

bench_memory_loaded() { # bench_memory_loaded WHAT
	table_row 20-process "RSS right after the wrk run on $1" "$(mib "$(proc_kib "$SERVER_PID" VmRSS)")"
}

bench_memory_peak() {
	table_row 20-process "peak RSS during the whole run (VmHWM)" "$(mib "$(proc_kib "$SERVER_PID" VmHWM)")"
}

# Weight of the home page: the HTML plus every /static/ asset it links.
bench_page_weight() {
	local html=$TMP/www/nl/index.html url res body head total_b total_h n=1
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
	local page html url body total n res status
	table_head 31-weights "Weight of the main pages (HTML + linked assets, uncompressed)" \
		"page:l" "HTML bytes:r" "with assets:r" "requests:r"
	for page in /nl/ /nl/zelfcheck '/nl/zelfcheck?p=s&a=&pc=-' '/nl/voorzieningen?postcode=7511&q=ontmoeting' \
		/nl/voorzieningen/zorgbelang-clientondersteuning /nl/mantelzorg /nl/afspraak \
		'/nl/afspraak?locatie=ww-centrum&onderwerp=wonen' /kiosk/demo; do
		html=$TMP/page.html
		status=$(curl -s --max-time 5 -o "$html" -w '%{http_code}' "$SERVER_URL$page") || true
		[[ $status == 200 ]] || die "GET $page answered $status"
		body=$(stat -c %s "$html") total=$body n=1
		while read -r url; do
			[[ -n $url ]] || continue
			res=$(curl -s --max-time 5 -o /dev/null -w '%{size_download}' "$SERVER_URL$url") || true
			total=$((total + res)) n=$((n + 1))
		done < <(grep -oE '(href|src)="/static/[^"]*"' "$html" | sed -E 's/^[a-z]+="//; s/"$//; s/&amp;/\&/g' | sort -u)
		table_row 31-weights "\`$page\`" "$body" "$total" "$n"
	done
}

bench_home_wijkwijzer() {
	http_table
	run_wrk home-wijkwijzer "$SERVER_URL$HOME_PATH"
	table_row 10-http "home $HOME_PATH" "wijkwijzer (1 thread)" "$WRK_RPS" "$WRK_P50" "$WRK_P99" "$WRK_ERRORS"
	bench_memory_loaded "the home page"
}

bench_home_nginx() { # bench_home_nginx WORKERS: the same bytes from nginx
	local workers=$1
	http_table
	start_nginx "$workers"
	run_wrk "home-nginx-$workers" "$NGINX_URL$HOME_PATH"
	stop_nginx
	local label="nginx, 1 worker"
	[[ $workers == 1 ]] || label="nginx, $workers workers ($NGINX_WORKERS)"
	table_row 10-http "home, same bytes" "$label" "$WRK_RPS" "$WRK_P50" "$WRK_P99" "$WRK_ERRORS"
}

bench_search() {
	local status
	http_table
	status=$(http_status "$SERVER_URL$SEARCH_PATH")
	if [[ $status != 200 ]]; then
		log "search page: not available yet ($SEARCH_PATH answered $status)"
		report_note 10-http "search page: not available yet"
		return 0
	fi
	run_wrk search-wijkwijzer "$SERVER_URL$SEARCH_PATH"
	table_row 10-http "search $SEARCH_PATH" "wijkwijzer (1 thread)" "$WRK_RPS" "$WRK_P50" "$WRK_P99" "$WRK_ERRORS"
	bench_memory_loaded "the search page"
	# the same bytes of the search page, served by nginx as a file
	status=$(curl -s --max-time 5 -o "$TMP/www/nl/search.html" -w '%{http_code}' "$SERVER_URL$SEARCH_PATH") || true
	[[ $status == 200 ]] || die "GET $SEARCH_PATH answered $status"
	chmod a+r "$TMP/www/nl/search.html"
	start_nginx 1
	run_wrk search-nginx-1 "$NGINX_URL/nl/search.html"
	stop_nginx
	table_row 10-http "search, same bytes" "nginx, 1 worker" "$WRK_RPS" "$WRK_P50" "$WRK_P99" "$WRK_ERRORS"
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
	report_note 40-ws "Booked: $WS_LOCATION, $(kv "$out" slot), topic $WS_TOPIC."
	[[ -n $FD_NOTE ]] && report_note 40-ws "$FD_NOTE"
	reasons=$(kv "$out" fail_reasons)
	[[ -n $reasons ]] && report_note 40-ws "Connections that failed: $reasons."
	(($(kv "$out" not_slots) == 0)) ||
		report_note 40-ws "Messages after the booking that were not slots: $(kv "$out" not_slots)."
	return 0
}

# ---- bookings per second (50-bookings) ---------------------------------------
# BENCH_BOOKING_CLIENTS clients book through POST /api/v1/bookings on a
# server with a fresh data folder, spread over every wijkwijzer, day and
# topic, for BENCH_BOOKING_SECONDS or until no slot is left
# (bench/bookings.py); then sqlite3 checks that no slot has more active
# claims than the location has desks.
bench_bookings() {
	local out=$RESULTS/bookings.json db parsed desks over claims slots confirmed
	local made planned left secs bps rps c201 c409 other p50 p99 max p50c p99c days locs cerr st
	local opts=()
	# every client comes from 127.0.0.1: switch off a per-client limit on
	# booking attempts where the server has one
	if "$SERVER" --booking-rate 0 --help >/dev/null 2>&1; then
		opts=(--booking-rate 0)
		report_note 50-bookings "The server ran with \`--booking-rate 0\` (no per-client limit on booking attempts), as all clients share 127.0.0.1."
	fi
	launch_server bookings "${opts[@]}"
	log "bookings: $BENCH_BOOKING_CLIENTS clients, at most ${BENCH_BOOKING_SECONDS}s"
	run_tracked timeout -k 5 $((BENCH_BOOKING_SECONDS + 300)) python3 bench/bookings.py \
		"$LAUNCH_URL" "$BENCH_BOOKING_CLIENTS" "$BENCH_BOOKING_SECONDS" >"$out" ||
		die "bench/bookings.py failed"
	stop_pid "$LAUNCH_PID" # a clean stop checkpoints the WAL
	db=$TMP/data-bookings/wijkwijzer.db
	parsed=$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
s = r["status"]
other = sum(v for k, v in s.items() if k not in ("201", "409"))
print(r["attempts_made"], r["attempts_planned"], r["attempts_left"], r["seconds"],
      r["bookings_per_s"], r["requests_per_s"], s.get("201", 0), s.get("409", 0), other,
      r["p50_ms"], r["p99_ms"], r["max_ms"], r["p50_201_ms"], r["p99_201_ms"],
      r["days_with_slots"], r["locations"], r["client_errors"],
      json.dumps(s, separators=(",", ":")))' "$out") || die "cannot read $out"
	read -r made planned left secs bps rps c201 c409 other p50 p99 max p50c p99c days locs cerr st <<<"$parsed"
	# desks per location from the content, as (id, desks) rows for SQL
	desks=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		$c["location_id"] ~ /^[a-z0-9-]+$/ {
			printf "%s(\x27%s\x27, %d)", (n++ ? ", " : ""), $c["location_id"], $c["desks"]
		}' content/appointments/locations.csv)
	[[ -n $desks ]] || die "no desks in content/appointments/locations.csv"
	over=$(sqlite3 "$db" "WITH desks(location_id, n) AS (VALUES $desks)
		SELECT count(*) FROM (SELECT location_id, slot, count(*) AS k, max(desk) AS top
			FROM slot_claim WHERE active = 1 GROUP BY location_id, slot) c
		LEFT JOIN desks d USING (location_id) WHERE d.n IS NULL OR c.k > d.n OR c.top > d.n") ||
		die "sqlite3 on $db failed"
	read -r claims slots < <(sqlite3 -separator ' ' "$db" \
		"SELECT count(*), count(DISTINCT location_id || slot) FROM slot_claim WHERE active = 1")
	confirmed=$(sqlite3 "$db" "SELECT count(*) FROM booking WHERE status = 'confirmed'")
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
	table_row 50-bookings "**slots with more active claims than desks (sqlite3 after the run)**" "**$over**"
	table_row 50-bookings "active claims / slots claimed; confirmed bookings in the database" \
		"$claims / $slots; $confirmed"
	report_note 50-bookings "Data folder on $(df -T "$TMP" | awk 'NR == 2 { print $2 }'); the server commits every booking with synchronous=FULL."
	((over == 0)) || log "warning: $over slots are overbooked"
	((confirmed == c201)) ||
		report_note 50-bookings "Warning: $c201 answers were 201 but the database has $confirmed confirmed bookings."
	((other == 0)) || report_note 50-bookings "Answers by status: $st."
	((cerr == 0)) || report_note 50-bookings "Client-side errors (no answer): $cerr."
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

	table_head 60-import "Search with $BENCH_IMPORT_SERVICES services under load (wrk, random PC4 and word per request)" \
		"request:l" "connections:r" "run s:r" "answered:r" "req/s:r" "p50 ms:r" "p99 ms:r" "errors:r"
	local mode c d
	for mode in api html; do
		for c in "$BENCH_CONNECTIONS" 1; do
			((c > 1)) && d=$IMPORT_DURATION_S || d=$DURATION_S
			restart_import_server
			WRK_C=$c WRK_T=$((c < BENCH_THREADS ? c : BENCH_THREADS)) WRK_D=$d WRK_TIMEOUT=60s \
				WRK_WARMUP_S=0 WRK_SCRIPT=bench/search.lua run_wrk "import-$mode-c$c" "$IMPORT_URL" "$mode"
			if [[ $mode == api ]]; then
				label="/api/v1/services?near=PC4&q=WORD&limit=20"
			else
				label="/nl/voorzieningen?postcode=PC4&q=WORD"
			fi
			if ((WRK_COMPLETE == 0)); then
				WRK_P50="–" WRK_P99="–"
			fi
			table_row 60-import "$label" "$c" "$d" "$WRK_COMPLETE" "$WRK_RPS" "$WRK_P50" "$WRK_P99" "$WRK_ERRORS"
		done
	done
	restart_import_server stop
	report_note 60-import "Server RSS with this content: $(mib "$idle") idle, $(mib "$IMPORT_HWM") at the peak of the searches (VmHWM)."
	report_note 60-import "Each wrk run has a fresh server (a slow request goes on after wrk stops), no warm-up and --timeout 60s. Requests still waiting when a run ends are not counted (\"answered\" is what came back), so when few come back their latencies are cut off near the run length: then read req/s, and the one-connection row for the time of one request. Errors are read errors: the server closed the connection before a complete answer."
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
	local f notes
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
		echo "Raw outputs: \`bench/results/wrk-*.txt\`, \`ws-fanout.txt\`, \`bookings.json\`," \
			"\`import-*.txt\`. What each figure means: \`bench/README.md\`."
	} | align_tables >"$TMP/latest.md"
	cp "$TMP/latest.md" "$RESULTS/latest.md"
	echo
	cat "$RESULTS/latest.md"
	echo
	log "written to $RESULTS/latest.md"
}

main() {
	install_deps
	setup
	system_info
	if wanted http; then
		bench_startup
		start_server
		capture_home
		bench_memory_idle
		bench_page_weight
		bench_main_pages_weight
		bench_home_wijkwijzer
		bench_home_nginx 1
		bench_home_nginx auto
		bench_search
		bench_memory_peak
		stop_pid "$SERVER_PID"
	fi
	# each of these runs a server of its own
	if wanted ws; then bench_ws_fanout; fi
	if wanted bookings; then bench_bookings; fi
	if wanted import; then bench_import; fi
	write_report
}

main "$@"
