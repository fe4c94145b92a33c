#!/bin/sh
# Starts Debian's Chromium full-screen on the portal's kiosk page and starts
# it again whenever it exits. Before every start the profile is emptied of
# everything but its cookie store, so a crash or a closed window never
# shows anything of the previous person, while the terminal stays enrolled
# (its kiosk cookie holds the secret the server gave it, see kiosk/README.md).
#
#   WIJKWIJZER_KIOSK_URL      the kiosk page (default http://127.0.0.1:8080/kiosk/demo)
#   WIJKWIJZER_KIOSK_PROFILE  the browser profile (default ~/.wijkwijzer-kiosk)
#   WIJKWIJZER_KIOSK_ENROL    a file with a one-time enrolment link: opened on
#                             the next start instead of the kiosk page, then
#                             removed (default: PROFILE/../enrol-link)
#   WIJKWIJZER_KIOSK_RUNS     stop after this many runs (for tests; default: never)
#   CHROMIUM                  the browser (default: chromium)
set -u
URL="${WIJKWIJZER_KIOSK_URL:-http://127.0.0.1:8080/kiosk/demo}"
BROWSER="${CHROMIUM:-chromium}"
RUNS="${WIJKWIJZER_KIOSK_RUNS:-0}"
PROFILE="${WIJKWIJZER_KIOSK_PROFILE:-$HOME/.wijkwijzer-kiosk}"
ENROL="${WIJKWIJZER_KIOSK_ENROL:-$(dirname "$PROFILE")/enrol-link}"
umask 077
run=0
while :; do
	mkdir -p "$PROFILE/Default" || exit 1
	# keep the cookie store (and Local State, which holds its key); the
	# rest (history, cache, sessions, form data) goes
	find "$PROFILE" -mindepth 1 -maxdepth 1 ! -name Default ! -name 'Local State' \
		-exec rm -rf {} +
	find "$PROFILE/Default" -mindepth 1 -maxdepth 1 ! -name 'Cookies' ! -name 'Cookies-journal' \
		-exec rm -rf {} +
	start="$URL"
	if [ -s "$ENROL" ]; then
		start=$(head -n 1 "$ENROL")
		rm -f "$ENROL"
	fi
	# --kiosk: full screen, no browser interface; no error dialogs, no
	# translate bar, no pinch zoom, no swipe back/forward, no restored
	# session; --kiosk-printing prints straight to the receipt printer.
	"$BROWSER" --kiosk --no-first-run --noerrdialogs --disable-infobars \
		--disable-session-crashed-bubble --disable-translate --disable-restore-session-state \
		--disable-features=Translate,TranslateUI,OverscrollHistoryNavigation,AutofillServerCommunication \
		--overscroll-history-navigation=0 --disable-pinch --kiosk-printing \
		--autoplay-policy=no-user-gesture-required --disable-background-networking \
		--disable-component-update --disable-sync --password-store=basic \
		--user-data-dir="$PROFILE" "$start"
	run=$((run + 1))
	if [ "$RUNS" -gt 0 ] && [ "$run" -ge "$RUNS" ]; then
		exit 0
	fi
	sleep 2
done
