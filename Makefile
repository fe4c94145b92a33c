# wijkwijzer portal and kiosk. `make run` starts the demo, `make test` runs
# every test. Both install what they need first (see `deps`).

CC       ?= cc
BUILD    ?= build
PORT     ?= 8080
DATA     ?= data
PKGS     := libwebsockets sqlite3 openssl
WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wpointer-arith -Wcast-qual -Wsign-compare -Wformat=2 -Wundef -Wvla \
            -Wimplicit-fallthrough -Wwrite-strings -fno-common
CFLAGS   ?= -O2 -g
CPPFLAGS += -D_GNU_SOURCE -D_FORTIFY_SOURCE=2 -Iportal -I$(BUILD)
ALLCFLAGS = -std=c11 $(WARN) $(CFLAGS) -fstack-protector-strong \
            $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# zlib and brotli: compress.c in the server, tools/embed at build time
# (the unit tests also decode brotli). Plain -l flags without pkg-config.
ZPKGS    := zlib libbrotlienc
ZCFLAGS  := $(shell pkg-config --cflags $(ZPKGS) 2>/dev/null)
ZLIBS    := $(shell pkg-config --libs $(ZPKGS) 2>/dev/null || echo -lz -lbrotlienc)
UNITLIBS := $(shell pkg-config --libs libbrotlidec 2>/dev/null || echo -lbrotlidec)
ALLCFLAGS += $(ZCFLAGS)
LDLIBS   += $(shell pkg-config --libs $(PKGS) 2>/dev/null) $(ZLIBS) -lqrencode -lcrypt -lespeak-ng -lm -pthread

LANGS     := en de tr ar pl uk
# languages whose translation must be complete: all of them
COMPLETE  := en de tr ar pl uk
DOMAINS   := wijkwijzer wijkwijzer-content

# portal/<layer>/: base, store, exec, domain, net, web, api, app, import
# (README "Layout"; tools/layers.py checks which way includes point)
SRC       := $(filter-out portal/app/main.c portal/import/import_main.c,$(wildcard portal/*/*.c))
HDRS      := $(wildcard portal/*/*.h)
# the web layer's HTML templates, compiled into C by tools/tpl.c (README "Templates")
TPL_SRC   := $(sort $(wildcard portal/web/templates/*.html))
TPL_C     := $(TPL_SRC:portal/web/templates/%.html=$(BUILD)/web/tpl_%.c)
TPL_OBJ   := $(TPL_SRC:portal/web/templates/%.html=$(BUILD)/obj/web/tpl_%.o)
TPL_H     := $(BUILD)/web/templates.h
OBJ       := $(SRC:portal/%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/assets.o $(TPL_OBJ)
# style.css is served with the theme's tokens in front (theme/tokens.css)
# the municipality's logo is part of the theme too (theme/logo.svg)
STATIC    := $(sort $(filter-out portal/static/style.css,$(wildcard portal/static/*)) $(BUILD)/static/style.css \
               $(BUILD)/static/logo.svg)
UNIT_SRC  := $(wildcard tests/unit/*.c)
MO        := $(foreach l,$(LANGS),$(foreach d,$(DOMAINS),$(BUILD)/locale/$(l)/LC_MESSAGES/$(d).mo))

.PHONY: all run test deps test-deps unit integration asan asan-test tsan tsan-test pot po i18n-check browser valgrind \
        fmt fmt-check content clean bench layers bench-render tpl-test

all: $(BUILD)/wijkwijzer $(MO) content

# ---- build ---------------------------------------------------------------
$(BUILD)/obj/%.o: portal/%.c $(HDRS) $(TPL_H) | $(BUILD)/obj
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALLCFLAGS) -c $< -o $@

# The template compiler, a build tool like embed. One run compiles every
# template (a partial must exist to be included) into $(BUILD)/web/tpl_NAME.c,
# templates.h (#include "web/templates.h") and the xgettext/ shadows, and
# rewrites only the files whose contents changed, so a changed template
# recompiles only its own object. A template error stops the build with
# file:line: message.
$(BUILD)/tplc: tools/tpl.c portal/base/sb.c portal/base/sb.h | $(BUILD)
	$(CC) $(CPPFLAGS) -std=c11 $(WARN) -O1 tools/tpl.c portal/base/sb.c -o $@

$(BUILD)/web/stamp: $(BUILD)/tplc $(TPL_SRC)
	@mkdir -p $(BUILD)/web
	$(BUILD)/tplc $(BUILD)/web $(TPL_SRC)
	@touch $@

$(TPL_C) $(TPL_H): $(BUILD)/web/stamp ;

$(BUILD)/obj/web/tpl_%.o: $(BUILD)/web/tpl_%.c $(HDRS) $(TPL_H) | $(BUILD)/obj
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALLCFLAGS) -c $< -o $@

$(BUILD)/obj/assets.o: $(BUILD)/assets.c portal/base/assets.h | $(BUILD)/obj
	$(CC) $(CPPFLAGS) $(ALLCFLAGS) -Wno-overlength-strings -c $< -o $@

$(BUILD)/static/style.css: theme/tokens.css portal/static/style.css
	@mkdir -p $(dir $@)
	cat $^ > $@

$(BUILD)/static/logo.svg: theme/logo.svg
	@mkdir -p $(dir $@)
	cp $< $@

$(BUILD)/assets.c: $(BUILD)/embed $(STATIC)
	$(BUILD)/embed $@ $(STATIC)

# embed compresses with portal/base/compress.c; it runs at build time only
EMBED_SRC := tools/embed.c portal/base/compress.c portal/base/sb.c
$(BUILD)/embed: $(EMBED_SRC) portal/base/compress.h portal/base/sb.h | $(BUILD)
	$(CC) $(CPPFLAGS) -std=c11 $(WARN) -O1 $(ZCFLAGS) $(EMBED_SRC) -o $@ $(ZLIBS)

$(BUILD)/libportal.a: $(OBJ)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/wijkwijzer: $(BUILD)/obj/app/main.o $(BUILD)/libportal.a
	$(CC) $(ALLCFLAGS) $^ -o $@ $(LDLIBS)

$(BUILD)/wijkwijzer-import: $(BUILD)/obj/import/import_main.o $(BUILD)/libportal.a
	$(CC) $(ALLCFLAGS) $^ -o $@ $(LDLIBS)

$(BUILD) $(BUILD)/obj:
	mkdir -p $@

# ---- translations --------------------------------------------------------
$(BUILD)/locale/%/LC_MESSAGES/wijkwijzer.mo: locales/ui/%.po
	@mkdir -p $(dir $@)
	msgfmt --check -o $@ $<

$(BUILD)/locale/%/LC_MESSAGES/wijkwijzer-content.mo: locales/content/%.po
	@mkdir -p $(dir $@)
	msgfmt --check -o $@ $<

XGETTEXT := xgettext --from-code=UTF-8 --add-comments=TRANSLATORS: --keyword=_ --keyword=N_ \
            --keyword=P_:1c,2 --keyword=NP_:1c,2 --keyword=NG_:1,2 --package-name=wijkwijzer \
            --msgid-bugs-address=wijkwijzer@voorbeeld.nl --sort-by-file

# Templates: xgettext reads the shadow of each template that tplc writes
# (its C parts at their lines), found first through -D, so references
# and translator comments ({# TRANSLATORS: ... #}) name the template.
XGETTEXT_UI = $(XGETTEXT) -L C -D $(BUILD)/web/xgettext -D . portal/*/*.c $(TPL_SRC)

# The content's texts come from the content folder, or (make po
# CONTENT_POT_SRC=/srv/wijkwijzer/content/content.db) from a content
# database, with the texts edited and published in the browser.
CONTENT_POT_SRC ?= content
pot: $(BUILD)/wijkwijzer-import $(BUILD)/web/stamp
	$(XGETTEXT_UI) -o locales/ui/wijkwijzer.pot
	$(BUILD)/wijkwijzer-import --pot $(CONTENT_POT_SRC) locales/content/wijkwijzer-content.pot

po: pot
	@for l in $(LANGS); do \
	  if [ -f locales/ui/$$l.po ]; then msgmerge --quiet --update --backup=none locales/ui/$$l.po locales/ui/wijkwijzer.pot; \
	  else msginit --no-translator --locale=$$l.UTF-8 -i locales/ui/wijkwijzer.pot -o locales/ui/$$l.po; fi; \
	  msgmerge --quiet --update --backup=none locales/content/$$l.po locales/content/wijkwijzer-content.pot; \
	done

# ---- content -------------------------------------------------------------
CONTENT_SRC := $(shell find content -name '*.csv' 2>/dev/null)

content: $(BUILD)/content/content.db

# The import checks every file; on an error it names file, line and field
# and leaves the previous content.db in place.
$(BUILD)/content/content.db: $(BUILD)/wijkwijzer-import $(CONTENT_SRC) $(MO)
	@mkdir -p $(BUILD)/content
	$(BUILD)/wijkwijzer-import content $@ --locale $(BUILD)/locale

# ---- run -----------------------------------------------------------------
# The demo's kiosk terminals are enrolled anew on every start: open the
# printed link in the browser that is to be the kiosk.
TERMINALS = $(shell tail -n +2 content/appointments/terminals.csv | cut -d, -f1)
run: deps all
	@install -d -m 0700 $(DATA)
	@# a fresh data folder gets generated example counts for the insight
	@# dashboard, marked as example (README "Insight (anonymous counts)")
	@test -e $(DATA)/wijkwijzer.db || $(BUILD)/wijkwijzer --data $(DATA) --insight-example
	@for t in $(TERMINALS); do \
		link=$$($(BUILD)/wijkwijzer --port $(PORT) --data $(DATA) --enroll-terminal $$t 2>/dev/null) \
			|| { echo "cannot enrol kiosk terminal $$t" >&2; exit 1; }; \
		echo "Kiosk $$t: open $$link"; \
	done
	@echo "Staff: no account is made for you; make the first with"
	@echo "  $(BUILD)/wijkwijzer --data $(DATA) --add-staff NAME --role beheerder"
	@echo "  (the password on standard input), then log in at /nl/medewerker"
	$(BUILD)/wijkwijzer --port $(PORT) --data $(DATA)

# ---- dependencies --------------------------------------------------------
DEBS_BUILD := gcc make pkg-config libwebsockets-dev libsqlite3-dev libssl-dev libqrencode-dev \
              libcrypt-dev libespeak-ng-dev espeak-ng-data gettext locales zlib1g-dev libbrotli-dev
DEBS_TEST  := clang python3 curl sqlite3 valgrind clang-format chromium zbar-tools librsvg2-bin python3-aiosmtpd openssl
LOCALES    := nl_NL.UTF-8 en_GB.UTF-8 de_DE.UTF-8 tr_TR.UTF-8 ar_SY.UTF-8 pl_PL.UTF-8 uk_UA.UTF-8

deps:
	@DEBS="$(DEBS_BUILD)" LOCALES="$(LOCALES)" sh tools/deps.sh

test-deps:
	@DEBS="$(DEBS_BUILD) $(DEBS_TEST)" LOCALES="$(LOCALES)" sh tools/deps.sh

# ---- tests ---------------------------------------------------------------
# The unit tests also run the templates of tests/tpl/good/, compiled by
# the same compiler with the prefix tplt_ into $(BUILD)/tpl-test/.
TPLT_SRC := $(sort $(wildcard tests/tpl/good/*.html))
TPLT_C   := $(TPLT_SRC:tests/tpl/good/%.html=$(BUILD)/tpl-test/tplt_%.c)

$(BUILD)/tpl-test/stamp: $(BUILD)/tplc $(TPLT_SRC)
	@mkdir -p $(BUILD)/tpl-test
	$(BUILD)/tplc --prefix tplt_ $(BUILD)/tpl-test $(TPLT_SRC)
	@touch $@

$(TPLT_C) $(BUILD)/tpl-test/templates.h: $(BUILD)/tpl-test/stamp ;

$(BUILD)/unit-tests: $(UNIT_SRC) tests/unit/unit.h tests/unit/tpl_views.h $(TPLT_C) $(BUILD)/tpl-test/templates.h $(BUILD)/libportal.a
	$(CC) $(CPPFLAGS) -Itests/unit $(ALLCFLAGS) $(UNIT_SRC) $(TPLT_C) $(BUILD)/libportal.a -o $@ $(LDLIBS) $(UNITLIBS)

unit: $(BUILD)/unit-tests $(MO) content
	$(BUILD)/unit-tests $(BUILD)/locale

# The template compiler's own tests (tests/tpl/run.py): every bad template
# must fail with its file:line: message, the C type errors must point at
# the template's line, and the generated code writes one literal per run
# of static text. The compiler runs under ASan and UBSan here.
$(BUILD)/tplc-asan: tools/tpl.c portal/base/sb.c portal/base/sb.h | $(BUILD)
	clang $(CPPFLAGS) -std=c11 $(WARN) -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
	  tools/tpl.c portal/base/sb.c -o $@

tpl-test: $(BUILD)/tplc-asan $(BUILD)/web/stamp $(BUILD)/tpl-test/stamp
	python3 tests/tpl/run.py --tplc $(BUILD)/tplc-asan --build $(BUILD) \
	  --cc "$(CC) $(CPPFLAGS) -Itests/unit $(ALLCFLAGS)"

integration: all
	python3 tests/integration/run.py --server $(BUILD)/wijkwijzer

# Browser tests: Debian Chromium driven by playwright-core, axe-core.
browser: all
	@command -v node >/dev/null 2>&1 || DEBS="nodejs npm" LOCALES="" sh tools/deps.sh
	cd tests/browser && npm install --no-audit --no-fund --silent
	node --test tests/browser/

# Also: every UI string in the source is translated in every complete
# catalogue (a string added without `make po` would show in Dutch).
i18n-check: $(BUILD)/web/stamp | $(BUILD)
	@sh tools/i18n-check.sh "$(COMPLETE)" "$(LANGS)"
	@$(XGETTEXT_UI) -o $(BUILD)/source.pot
	@for l in $(COMPLETE); do msgcmp locales/ui/$$l.po $(BUILD)/source.pot || \
	  { echo "i18n: locales/ui/$$l.po lacks strings of the source: run make po"; exit 1; }; done
	@echo "i18n: every UI string of the source is translated"

FMT_FILES := portal/*/*.c portal/*/*.h tests/unit/*.c tests/unit/*.h tools/*.c bench/render.c

fmt:
	clang-format -i $(FMT_FILES)

fmt-check:
	@clang-format --dry-run --Werror $(FMT_FILES) && echo "clang-format: clean"

# ---- benchmarks ----------------------------------------------------------
# Every figure of issue 11 next to its baseline and target: pages against
# bare lws (bench/bare.c) and nginx serving the same bytes, 50 000 services,
# read aloud, bookings and kill -9, WebSocket fan-out, memory. Summary and
# details in bench/results/latest.md (see bench/README.md).
bench: deps all
	bash bench/run.sh

# How long the home page handler takes to render, without the network
# and the response cache (bench/render.c): microseconds per page.
$(BUILD)/bench-render: bench/render.c $(BUILD)/libportal.a
	$(CC) $(CPPFLAGS) $(ALLCFLAGS) $< $(BUILD)/libportal.a -o $@ $(LDLIBS)

bench-render: $(BUILD)/bench-render $(MO) content
	$(BUILD)/bench-render $(BUILD)/locale

# The sanitizer build: the same sources with ASan and UBSan, and the same
# unit and integration tests against it.
asan:
	$(MAKE) BUILD=build/asan CC=clang \
	  CFLAGS="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	  build/asan/wijkwijzer build/asan/unit-tests $(foreach l,$(LANGS),$(foreach d,$(DOMAINS),build/asan/locale/$(l)/LC_MESSAGES/$(d).mo)) content

asan-test: asan
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  build/asan/unit-tests build/asan/locale
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  python3 tests/integration/run.py --server build/asan/wijkwijzer --sanitizer

# The ThreadSanitizer build: the same sources with -fsanitize=thread, and
# the same unit and integration tests against it. halt_on_error makes the
# first data race fatal (the suite then sees the report and the exit code).
# tests/tsan.supp may only silence races inside system libraries, never in
# portal/ code; every entry says why.
TSAN_OPTIONS_TEST := halt_on_error=1 second_deadlock_stack=1 suppressions=$(CURDIR)/tests/tsan.supp
tsan:
	$(MAKE) BUILD=build/tsan CC=clang \
	  CFLAGS="-O1 -g -fsanitize=thread -fno-omit-frame-pointer" \
	  build/tsan/wijkwijzer build/tsan/unit-tests $(foreach l,$(LANGS),$(foreach d,$(DOMAINS),build/tsan/locale/$(l)/LC_MESSAGES/$(d).mo)) content

tsan-test: tsan
	TSAN_OPTIONS="$(TSAN_OPTIONS_TEST)" build/tsan/unit-tests build/tsan/locale
	TSAN_OPTIONS="$(TSAN_OPTIONS_TEST)" \
	  python3 tests/integration/run.py --server build/tsan/wijkwijzer --sanitizer

# The integration suite with the server under valgrind (memcheck, definite
# leaks are errors). The fault tests (kill -9, timing), the isolation
# test (latency under load, on a 50 000-service catalogue) and the
# execution tests (queues filled by floods, clock minutes, fan-out times)
# are left out: they measure timing that valgrind's slowdown would
# distort; the ASan and TSan runs cover them.
VALGRIND := valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
            --show-leak-kinds=definite --num-callers=20 --suppressions=tests/valgrind.supp
valgrind: all
	WW_SERVER_WRAPPER="$(VALGRIND)" python3 tests/integration/run.py --server $(BUILD)/wijkwijzer --skip faults,isolation,execution

test: test-deps
	$(MAKE) all
	$(MAKE) fmt-check
	$(MAKE) layers
	$(MAKE) i18n-check
	$(MAKE) unit
	$(MAKE) tpl-test
	$(MAKE) integration
	$(MAKE) asan-test
	$(MAKE) tsan-test
	$(MAKE) valgrind
	$(MAKE) browser
	$(MAKE) fuzz-smoke
	@echo "make test: all suites passed"

# includes point down the layers and form no cycle, and there is no SQL
# above the domain (tools/layers.py); the self-test shows that an added
# violation, an added cycle and added SQL are caught
layers:
	python3 tools/layers.py
	python3 tools/layers.py --self-test

clean:
	rm -rf build

# ---- fuzzing (issue 8) -----------------------------------------------------
# libFuzzer targets for every parser: one tests/fuzz/fuzz_<name>.c each,
# linked against the portal sources built with clang, ASan + UBSan and
# coverage instrumentation in build/fuzz/ (the same rules as `make asan`).
# `make fuzz` runs each target FUZZ_SECONDS seconds (default 60),
# `make fuzz-smoke` 10 s each (meant for `make test`). Seeds are in
# tests/fuzz/corpus/<name>/, new corpus entries in build/fuzz/corpus/, and
# a crash fails the target and is saved as build/fuzz/crashes/<name>-<n>;
# the reproducers kept in tests/fuzz/crashes/ are replayed first.
FUZZ_SECONDS ?= 60
FUZZ_BUILD   := build/fuzz
FUZZ_DEBS    := clang
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_SRC     := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN     := $(FUZZ_SRC:tests/fuzz/%.c=$(FUZZ_BUILD)/%)

.PHONY: fuzz fuzz-smoke fuzz-build fuzz-deps

fuzz-deps:
	@DEBS="$(FUZZ_DEBS)" LOCALES="" sh tools/deps.sh

fuzz-build: fuzz-deps $(MO) content
	$(MAKE) BUILD=$(FUZZ_BUILD) CC=clang CFLAGS="-O1 -g $(FUZZ_SAN) -fsanitize=fuzzer-no-link" \
	  $(FUZZ_BUILD)/libportal.a
	$(MAKE) $(FUZZ_BIN)

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_BUILD)/libportal.a $(HDRS)
	clang $(CPPFLAGS) -I$(FUZZ_BUILD) -std=c11 $(WARN) -O1 -g $(FUZZ_SAN) -fsanitize=fuzzer \
	  $(shell pkg-config --cflags $(PKGS) 2>/dev/null) $(ZCFLAGS) $< $(FUZZ_BUILD)/libportal.a -o $@ $(LDLIBS)

fuzz: fuzz-build
	sh tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

fuzz-smoke: fuzz-build
	sh tests/fuzz/run.sh $(FUZZ_BUILD) 10
