# The front door: build, run the dev stack, test, format.
#   make            build (build/)
#   make run        build and start the whole stack (scripts/stack up)
#   make stop       stop it
#   make deploy ENDPOINT=x / make rollback ENDPOINT=x   swap one endpoint, no downtime
#   make test       unit + integration tests, then again under ASan+UBSan
#   make install-cgi PREFIX=dir   install as plain CGI for Apache (docs/cgi.md)
#   make chaos      the fault-injection test alone, printing its figures (also in make test)
#   make fuzz       each libFuzzer target for FUZZ_SECONDS (60) from its corpus (build-fuzz/)
#   make bench      load scenarios on a private stack (bench/run; results in .bench/)
#   make diagrams   render docs/diagrams/*.dot to SVG (commit the result)
#   make format     clang-format the C++ sources; make format-check verifies
BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
JOBS       ?= $(shell nproc)
CMAKE_ARGS ?= -DCRUD_WERROR=ON
SOURCES     = $(shell git ls-files '*.cpp' '*.h')

.PHONY: all build run stop deploy rollback install-cgi test test-release test-asan chaos fuzz bench diagrams format format-check

all: build

build:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_ARGS) >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

run:
	scripts/stack up

# Redeploy one endpoint with no failed request: make deploy ENDPOINT=update_user
deploy:
	cmake --build $(BUILD) --target $(ENDPOINT) -j $(JOBS)
	scripts/stack deploy $(ENDPOINT)

rollback:
	scripts/stack rollback $(ENDPOINT)

stop:
	scripts/stack down

install-cgi: build
	$(if $(PREFIX),,$(error PREFIX is required: make install-cgi PREFIX=/path/to/site))
	scripts/install-cgi $(PREFIX) $(BUILD)

test: test-release test-asan

test-release: build
	cd $(BUILD) && ctest --output-on-failure -j 4

test-asan:
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DCRUD_SANITIZE=ON $(CMAKE_ARGS) >/dev/null
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ctest --output-on-failure -j 4

chaos: build
	cd $(BUILD) && ctest -R '^integration\.Chaos\.' --output-on-failure --verbose

# clang only; no -Werror here: the fuzz build is about findings, not warnings.
fuzz:
	CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCRUD_FUZZ=ON >/dev/null
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzz_request_params fuzz_json_body fuzz_jwt
	FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run $(FUZZ_BUILD)

bench: build
	BUILD_DIR=$(abspath $(BUILD)) SKIP_BUILD=1 bench/run

diagrams:
	scripts/render-diagrams

format:
	clang-format -i $(SOURCES)

format-check:
	clang-format --dry-run --Werror $(SOURCES)
