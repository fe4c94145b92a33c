#!/bin/sh
# Checks every translation with msgfmt --check. For the languages in $1
# (complete ones) fuzzy or untranslated entries are errors; for the rest
# of $2 they are reported only.
set -eu
complete="$1"
all="$2"
fail=0
for dom in ui content; do
	for l in $all; do
		po="locales/$dom/$l.po"
		[ -f "$po" ] || { echo "i18n: $po is missing"; fail=1; continue; }
		stats=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$po" 2>&1) || {
			echo "i18n: $po: $stats"; fail=1; continue; }
		case " $complete " in
		*" $l "*)
			if echo "$stats" | grep -Eq 'fuzzy|untranslated'; then
				echo "i18n: $po is incomplete: $stats"; fail=1
			fi ;;
		esac
		echo "i18n: $po: $stats"
	done
done
[ $fail -eq 0 ] && echo "i18n: all catalogues pass msgfmt --check"
exit $fail
