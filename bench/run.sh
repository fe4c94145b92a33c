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
WARMUP_S=$(seconds "$BENCH_WARMUP")
((DURATION_S >= 1 && DURATION_S <= 600)) || die "BENCH_DURATION must be 1..600 s"
((WARMUP_S <= 60)) || die "BENCH_WARMUP must be 0..60 s"
if ! [[ $BENCH_STARTS =~ ^[0-9]+$ ]] || ((BENCH_STARTS < 1 || BENCH_STARTS > 50)); then
	die "BENCH_STARTS must be 1..50"
fi

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
	DEBS="wrk nginx-light$extra" LOCALES="" sh tools/deps.sh
	command -v wrk >/dev/null 2>&1 || die "wrk is not installed"
	NGINX=$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)
	[[ -x $NGINX ]] || die "nginx is not installed"
	[[ -x $SERVER ]] || die "$SERVER is missing; run make first"
}

setup() {
	TMP=$(mktemp -d "${TMPDIR:-/tmp}/wwbench.XXXXXX")
	chmod 755 "$TMP" # nginx workers may run as another user and need to read the web root
	REPORT=$TMP/report
	mkdir -p "$REPORT" "$TMP/www" "$RESULTS"
	rm -f "$RESULTS"/wrk-*.txt
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

start_server() {
	local attempt port
	for attempt in 1 2 3; do # a free port can be taken between probe and bind
		port=$(free_port)
		rm -rf "$TMP/data"
		spawn "$SERVER" --port "$port" --data "$TMP/data" --quiet \
			</dev/null >"$TMP/server.log" 2>&1
		SERVER_PID=$!
		SERVER_URL=http://127.0.0.1:$port
		wait_200 "$SERVER_URL/healthz" 10 && {
			log "server pid $SERVER_PID on $SERVER_URL"
			return 0
		}
		stop_pid "$SERVER_PID"
		log "start $attempt failed: $(tail -n 3 "$TMP/server.log")"
	done
	die "$SERVER did not answer 200 on /healthz"
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
# run_wrk NAME URL: warm-up, then the measured run; raw output in
# $RESULTS/wrk-NAME.txt; sets WRK_RPS WRK_P50 WRK_P99 (ms) WRK_ERRORS.
run_wrk() {
	local name=$1 url=$2 out=$RESULTS/wrk-$1.txt parsed
	local wrk=(wrk "-t$BENCH_THREADS" "-c$BENCH_CONNECTIONS" --latency --timeout 5s)
	if ((WARMUP_S > 0)); then
		run_tracked timeout -k 5 $((WARMUP_S + 30)) "${wrk[@]}" "-d${WARMUP_S}s" "$url" >/dev/null ||
			die "wrk warm-up against $url failed"
	fi
	log "wrk ${DURATION_S}s: $name ($url)"
	run_tracked timeout -k 5 $((DURATION_S + 30)) "${wrk[@]}" "-d${DURATION_S}s" "$url" >"$out" ||
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
		/Non-2xx or 3xx responses:/ { err += $NF }
		/Socket errors:/            { err += $4 + $6 + $8 + $10 }
		END {
			if (rps == "" || p50 == "" || p99 == "") exit 1
			printf "%.0f %.2f %.2f %d\n", rps, p50, p99, err
		}' "$out") || die "cannot parse $out"
	read -r WRK_RPS WRK_P50 WRK_P99 WRK_ERRORS <<<"$parsed"
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
}

# Later sections go here, each in its own report section, for example:
#   bench_ws_fanout   40-ws        WebSocket fan-out
#   bench_bookings    50-bookings  bookings/s
#   bench_import      60-import    50k-service import

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
		echo "Raw wrk output: \`bench/results/wrk-*.txt\`. What each figure means: \`bench/README.md\`."
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
	bench_startup
	start_server
	capture_home
	bench_memory_idle
	bench_page_weight
	bench_home_wijkwijzer
	bench_home_nginx 1
	bench_home_nginx auto
	bench_search
	# bench_ws_fanout; bench_bookings; bench_import  (to come)
	bench_memory_peak
	write_report
}

main "$@"
