# dasv - referral, risk and allocation system for a DASV partnership.
# GNU make.  `make run` and `make test` install what is missing (as root).

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DESTDIR ?=
PKG_CONFIG ?= pkg-config
CC ?= cc
BUILD ?= build

# The user's CFLAGS/LDFLAGS are respected; ours are added beside them.
CFLAGS ?= -O2 -g
WARN := -std=c17 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wformat=2 -Wwrite-strings -Wno-format-nonliteral
HARDEN := -fstack-protector-strong -fPIE
DEFS := -D_GNU_SOURCE -D_XOPEN_SOURCE_EXTENDED -D_FORTIFY_SOURCE=2
LDHARDEN := -pie -Wl,-z,relro,-z,now

CORE_PKGS := sqlite3 libsodium
TUI_PKGS := ncursesw
CORE_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(CORE_PKGS) 2>/dev/null)
CORE_LIBS = $(shell $(PKG_CONFIG) --libs $(CORE_PKGS) 2>/dev/null)
TUI_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(TUI_PKGS) 2>/dev/null)
TUI_LIBS = $(shell $(PKG_CONFIG) --libs $(TUI_PKGS) 2>/dev/null)
TEST_LIBS = $(shell $(PKG_CONFIG) --libs criterion 2>/dev/null)

ALL_CFLAGS = $(WARN) $(HARDEN) $(DEFS) -Icore -I$(BUILD) $(VARIANT_CFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(LDHARDEN) $(VARIANT_LDFLAGS) $(LDFLAGS)

CORE_SRC := $(sort $(wildcard core/*.c))
TUI_SRC := $(sort $(filter-out tui/uidemo.c,$(wildcard tui/*.c)))
TEST_SRC := $(sort $(wildcard tests/test_*.c))
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
MIGRATIONS := $(sort $(wildcard migrations/*.sql))

CORE_OBJ := $(CORE_SRC:%.c=$(BUILD)/%.o) $(BUILD)/migrations.o
TUI_OBJ := $(TUI_SRC:%.c=$(BUILD)/%.o)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)
LIBCORE := $(BUILD)/libdasvcore.a

# Tests run against a sanitised, -Werror build in its own directory.
SAN := build/san
SAN_CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined -Werror
SAN_LDFLAGS := -fsanitize=address,undefined

DEMO_DB ?= $(BUILD)/demo.db

.PHONY: all run test asan check-deps check-test-deps clean install uninstall \
	tests-bin fuzz demo-db uidemo

all: $(BUILD)/dasv

check-deps:
	@sh tools/deps.sh

check-test-deps:
	@sh tools/deps.sh --test

$(BUILD)/migrations.c: $(MIGRATIONS) tools/embed-migrations.sh
	@mkdir -p $(@D)
	sh tools/embed-migrations.sh $@ $(MIGRATIONS)

$(BUILD)/migrations.o: $(BUILD)/migrations.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/core/%.o: core/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(CORE_CFLAGS) -MMD -MP -c -o $@ $<

# tui/ may not include sqlite3.h or sodium.h: it gets only ncurses' flags.
$(BUILD)/tui/%.o: tui/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(TUI_CFLAGS) -MMD -MP -c -o $@ $<

$(LIBCORE): $(CORE_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/dasv: $(TUI_OBJ) $(LIBCORE)
	$(CC) $(ALL_CFLAGS) -o $@ $(TUI_OBJ) $(LIBCORE) $(ALL_LDFLAGS) $(TUI_LIBS) $(CORE_LIBS)
	@[ "$(BUILD)" != build ] || ln -sf build/dasv dasv

# Unit tests link the core library alone: the linker proves core/ needs no curses.
$(BUILD)/tests/%: tests/%.c $(LIBCORE) tests/helpers.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(CORE_CFLAGS) -Itests -o $@ $< $(LIBCORE) $(ALL_LDFLAGS) $(TEST_LIBS) $(CORE_LIBS)

$(BUILD)/fuzz/%: tests/fuzz/%.c tests/fuzz/replay.c $(LIBCORE)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(CORE_CFLAGS) -o $@ $< tests/fuzz/replay.c $(LIBCORE) $(ALL_LDFLAGS) $(CORE_LIBS)

# The framework's own demo, driven by tests/e2e/test_uidemo.sh.
UI_FW_OBJ = $(BUILD)/tui/ui.o $(BUILD)/tui/ui_draw.o $(BUILD)/tui/ui_keys.o $(patsubst tui/%.c,$(BUILD)/tui/%.o,$(wildcard tui/widget_*.c))
$(BUILD)/uidemo: tui/uidemo.c $(UI_FW_OBJ) $(LIBCORE)
	$(CC) $(ALL_CFLAGS) $(TUI_CFLAGS) -o $@ $^ $(ALL_LDFLAGS) $(TUI_LIBS) $(CORE_LIBS)

tests-bin: $(BUILD)/dasv $(BUILD)/uidemo $(TEST_BIN) $(FUZZ_BIN)

demo-db: $(BUILD)/dasv
	@if [ ! -f $(DEMO_DB) ]; then $(BUILD)/dasv --db $(DEMO_DB) demo; fi

run: check-deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory demo-db
	$(BUILD)/dasv --db $(DEMO_DB)

test: check-test-deps
	@$(MAKE) --no-print-directory BUILD=$(SAN) VARIANT_CFLAGS="$(SAN_CFLAGS)" \
		VARIANT_LDFLAGS="$(SAN_LDFLAGS)" tests-bin
	@sh tests/run.sh $(SAN)

# The same suite under ASan+UBSan with leak checking made explicit.
asan: check-test-deps
	@$(MAKE) --no-print-directory BUILD=$(SAN) VARIANT_CFLAGS="$(SAN_CFLAGS)" \
		VARIANT_LDFLAGS="$(SAN_LDFLAGS)" tests-bin
	@ASAN_OPTIONS=detect_leaks=1 sh tests/run.sh $(SAN)

# Coverage-guided fuzzing with libFuzzer (clang): FUZZ_SECONDS per target.
FUZZ_SECONDS ?= 600
fuzz:
	@sh tests/fuzz/run-libfuzzer.sh $(FUZZ_SECONDS)

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 0755 $(BUILD)/dasv $(DESTDIR)$(BINDIR)/dasv
	install -m 0644 dasv.1 $(DESTDIR)$(MANDIR)/man1/dasv.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/dasv $(DESTDIR)$(MANDIR)/man1/dasv.1

clean:
	rm -rf build dasv

-include $(wildcard $(BUILD)/core/*.d $(BUILD)/tui/*.d)

# Benchmarks at a county's and a nation's scale (tests/bench/run.sh): an
# optimised build without sanitizers in build/bench/, synthetic databases
# cached there, results in tests/bench/RESULTS.md.  Not part of `make test`.
BENCH_DIR := build/bench
.PHONY: bench
bench: check-test-deps
	@$(MAKE) --no-print-directory BUILD=$(BENCH_DIR) CFLAGS="-O2 -g -DNDEBUG" \
		VARIANT_CFLAGS= VARIANT_LDFLAGS= $(BENCH_DIR)/dasv $(BENCH_DIR)/dasv-bench
	@bash tests/bench/run.sh $(BENCH_DIR)

$(BUILD)/dasv-bench: tests/bench/bench.c $(LIBCORE)
	$(CC) $(ALL_CFLAGS) $(CORE_CFLAGS) -o $@ $< $(LIBCORE) $(ALL_LDFLAGS) $(CORE_LIBS)

# The unit tests under valgrind: a plain -O1 -g build without sanitizers in
# build/vg, every memory error and every definite leak fatal.  Criterion forks
# a process per test, hence --trace-children.  Slow (Argon2id under valgrind):
# not part of `make test`.  VG_TESTS="test_crypto test_io" runs some only.
VG_DIR := build/vg
VALGRIND ?= valgrind
VALGRIND_FLAGS ?= --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=1 \
	--trace-children=yes --show-leak-kinds=definite --quiet
VG_TESTS ?= $(TEST_SRC:tests/%.c=%)
.PHONY: valgrind
valgrind: check-test-deps
	@command -v $(VALGRIND) >/dev/null || { echo "make valgrind: needs valgrind (apt-get install valgrind)"; exit 1; }
	@$(MAKE) --no-print-directory BUILD=$(VG_DIR) CFLAGS="-O1 -g" VARIANT_CFLAGS= \
		VARIANT_LDFLAGS= $(VG_TESTS:%=$(VG_DIR)/tests/%)
	@# a test process that leaks exits 1 after reporting a pass, which criterion
	@# does not count: so any report in valgrind's per-process logs fails too
	@# (--quiet and --show-leak-kinds=definite: a log holds only what is fatal)
	@fail=0; for t in $(VG_TESTS:%=$(VG_DIR)/tests/%); do \
		log=$(VG_DIR)/$$(basename $$t).valgrind.log; rm -f $$log.*; \
		$(VALGRIND) $(VALGRIND_FLAGS) --log-file=$$log.%p $$t --jobs 1 >$$log 2>&1; rc=$$?; \
		if [ $$rc -eq 0 ] && [ -z "$$(cat $$log.* 2>/dev/null)" ]; \
		then echo "$$(basename $$t): ok ($$(grep 'Synthesis:' $$log | tail -n 1 | sed 's/.*Synthesis: //'))"; \
		else fail=1; echo "FAIL: $$(basename $$t) under valgrind (exit $$rc):"; \
			grep -E '\[(FAIL|----)\]|Synthesis' $$log | tail -n 20; \
			cat $$log.* 2>/dev/null | grep -v '^==[0-9]*== *$$' | head -n 80; fi; \
		rm -f $$log.*; \
	done; exit $$fail
