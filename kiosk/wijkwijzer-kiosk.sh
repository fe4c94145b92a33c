#!/bin/sh
# Starts Debian's Chromium full-screen on the portal's kiosk page and starts
# it again whenever it exits, each time with a fresh, empty profile, so a
# crash or a closed window never shows anything of the previous person.
#
#   WIJKWIJZER_KIOSK_URL   the kiosk page (default http://127.0.0.1:8080/kiosk/demo)
#   WIJKWIJZER_KIOSK_RUNS  stop after this many runs (for tests; default: never)
#   CHROMIUM               the browser (default: chromium)
set -u
URL="${WIJKWIJZER_KIOSK_URL:-http://127.0.0.1:8080/kiosk/demo}"
BROWSER="${CHROMIUM:-chromium}"
RUNS="${WIJKWIJZER_KIOSK_RUNS:-0}"
run=0
while :; do
	profile=$(mktemp -d "${TMPDIR:-/tmp}/wijkwijzer-kiosk.XXXXXX") || exit 1
	# --kiosk: full screen, no browser interface; --incognito: nothing kept;
	# no error dialogs, no translate bar, no pinch zoom, no swipe back/forward;
	# --kiosk-printing prints straight to the receipt printer.
	"$BROWSER" --kiosk --incognito --no-first-run --noerrdialogs --disable-infobars \
		--disable-session-crashed-bubble --disable-translate \
		--disable-features=Translate,TranslateUI,OverscrollHistoryNavigation,AutofillServerCommunication \
		--overscroll-history-navigation=0 --disable-pinch --kiosk-printing \
		--autoplay-policy=no-user-gesture-required --disable-background-networking \
		--disable-component-update --disable-sync --password-store=basic \
		--user-data-dir="$profile" "$URL"
	rm -rf "$profile"
	run=$((run + 1))
	if [ "$RUNS" -gt 0 ] && [ "$run" -ge "$RUNS" ]; then
		exit 0
	fi
	sleep 2
done
