# Kontakt: a thin wrapper over Meson + Ninja.  The README's two commands:
#   make run    build everything, create a demo database if none, serve on :8080
#   make test   every test (unit, API, browser), ending in "N passed, N failed"
BUILD      ?= build
ASAN_BUILD ?= build-asan
DB         ?= data/kontakt.db
LISTEN     ?= 127.0.0.1:8080

.PHONY: all bootstrap run test test-asan unit api e2e bench fuzz valgrind clean format check

# The web UI (web/dist) is built before the binary, which embeds it.
WEB_DIST   := $(if $(wildcard web/package.json),web/dist/index.html)

all: bootstrap $(WEB_DIST)
	@[ -f $(BUILD)/build.ninja ] || meson setup $(BUILD) --buildtype=debugoptimized
	ninja -C $(BUILD)

bootstrap:
	@scripts/bootstrap

web/dist/index.html: web/package.json web/package-lock.json web/index.html web/tsconfig.json web/vite.config.ts \
		$(shell find web/src -type f 2>/dev/null) | bootstrap
	cd web && npm run build

run: all
	@scripts/run-demo $(BUILD)/kontakt $(DB) $(LISTEN)

test: all
	@scripts/run-tests --build $(BUILD) --suites check,unit,api,api-pg,e2e

# The C unit and API suites under AddressSanitizer + UndefinedBehaviorSanitizer.
test-asan: bootstrap
	@[ -f $(ASAN_BUILD)/build.ninja ] || meson setup $(ASAN_BUILD) --buildtype=debug \
		-Db_sanitize=address,undefined -Db_lundef=false
	ninja -C $(ASAN_BUILD)
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		scripts/run-tests --build $(ASAN_BUILD) --suites unit,api,api-pg

unit api e2e check: all
	@scripts/run-tests --build $(BUILD) --suites $@

bench: all
	@bench/run

# libFuzzer harnesses (clang + ASan + UBSan): each fuzz/fuzz_*.c runs FUZZ_SECONDS
# on a copy of its seed corpus; fails on any crash (the input is kept in $(BUILD)/fuzz/crashes).
FUZZ_SECONDS ?= 60
fuzz: bootstrap
	@FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz --build $(BUILD)/fuzz

# The API suite (SQLite) with `kontakt serve` under valgrind: fails on definite
# leaks or memory errors.  Slow (minutes): not part of .ci/run.
valgrind: all
	@scripts/valgrind --build $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)

format:
	clang-format -i $$(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'fuzz/*.c')
