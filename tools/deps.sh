#!/bin/sh
# Installs the Debian packages in $DEBS that are missing and generates the
# locales in $LOCALES that are missing. Uses apt-get as root, sudo otherwise.
set -eu
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
		echo "deps: not root and no sudo; install these yourself: $DEBS" >&2
	fi
fi

missing=""
for p in $DEBS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
if [ -n "$missing" ]; then
	echo "deps: installing$missing"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

need=""
have=$(locale -a 2>/dev/null | tr 'A-Z' 'a-z' | sed 's/utf-8/utf8/')
for l in $LOCALES; do
	norm=$(echo "$l" | tr 'A-Z' 'a-z' | sed 's/utf-8/utf8/')
	echo "$have" | grep -qx "$norm" || need="$need $l"
done
if [ -n "$need" ]; then
	echo "deps: generating locales$need"
	for l in $need; do
		line="$l UTF-8"
		if ! grep -qx "$line" /etc/locale.gen 2>/dev/null; then
			echo "$line" | $SUDO tee -a /etc/locale.gen >/dev/null
		fi
	done
	$SUDO locale-gen >/dev/null
fi
