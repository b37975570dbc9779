# dialtone build: one static library of subsystems, one executable, one test binary per unit test.
# Targets: all test unit integration asan fuzz bench format-check clean. See docs/decisions.md.

O        ?= build
CC       ?= cc
PKGS     := sqlite3 libxml-2.0 libevent libevent_openssl openssl jansson libmicrohttpd inih libpcap
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wno-unused-parameter -Wformat=2 -Wvla
OPT      ?= -O2 -g
CFLAGS   += -DDT_VERSION=\"0.1.0\" -std=gnu11 $(OPT) $(WARN) -D_GNU_SOURCE -Isrc -I$(O)/gen $(PKG_CFLAGS) $(SAN_FLAGS)
LDFLAGS  += $(SAN_FLAGS)
LDLIBS   += $(PKG_LIBS) -lpthread -lm

ifeq ($(SAN),1)
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
OPT       := -O1 -g
endif

LIB_SRC  := $(shell find src -name '*.c' ! -path src/main.c | sort)
GEN_SRC  := $(O)/gen/embedded.c
LIB_OBJ  := $(LIB_SRC:%.c=$(O)/obj/%.o) $(O)/obj/gen/embedded.o
EMBED    := $(shell find src/store/migrations data web -type f 2>/dev/null | sort)

TEST_SRC := $(shell find tests/unit -name 'test_*.c' | sort)
TEST_BIN := $(TEST_SRC:%.c=$(O)/%)

all: $(O)/dialtone

$(O)/dialtone: $(O)/obj/src/main.o $(O)/libdialtone.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(O)/libdialtone.a: $(LIB_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

# V=1 shows the full command lines.
Q := $(if $(V),,@)

$(O)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(O)/obj/gen/embedded.o: $(GEN_SRC)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

# Migrations, the model catalogue and web assets are compiled into the binary (tools/embed.sh).
$(GEN_SRC): tools/embed.sh $(EMBED)
	@mkdir -p $(dir $@)
	sh tools/embed.sh $(EMBED) > $@.tmp && mv $@.tmp $@

$(O)/tests/%: tests/%.c $(O)/libdialtone.a
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  TEST    $<")
	$(Q)$(CC) $(CFLAGS) -Itests/unit -o $@ $< $(O)/libdialtone.a $(LDFLAGS) $(LDLIBS) -lcmocka

tests: $(TEST_BIN)

unit: all tests
	sh tests/run_unit.sh $(O)

integration: all
	sh tests/run_integration.sh $(O)

# Sequential on purpose: integration tests bind fixed loopback addresses and ports, so two
# suites must never run at once, even under make -j.
test:
	$(MAKE) unit
	$(MAKE) integration

asan:
	$(MAKE) O=build-asan SAN=1 unit
	$(MAKE) O=build-asan SAN=1 integration

fuzz:
	sh fuzz/run.sh

bench: all
	sh bench/run

# Everything CI runs (.ci/run): style, unit + integration tests, the same under ASan+UBSan, fuzzers.
check:
	$(MAKE) format-check
	$(MAKE) test
	$(MAKE) asan
	FUZZ_SECONDS=$${FUZZ_SECONDS:-15} sh fuzz/run.sh

format-check:
	sh tools/format-check.sh

clean:
	rm -rf build build-asan build-fuzz

.PHONY: all tests unit integration test asan fuzz bench format-check check clean
-include $(shell find $(O)/obj -name '*.d' 2>/dev/null)
