# Neyman: the two commands are `make run` and `make test`; both install what they need first.
SHELL := /bin/bash
SWIFT ?= swift
# Release build with @testable imports: numeric tests run 10-100x faster than in debug.
SWIFT_RELEASE := -c release -Xswiftc -enable-testing
APT_PACKAGES := libgsl-dev libopenblas-dev libcerf-dev libhdf5-dev zlib1g-dev pkg-config
# The tests pin OpenBLAS's kernel family on every CPU with AVX2 + FMA, so that trained networks (and the tolerances
# their tests were measured with) are bit for bit the same on CI's machine and ours; OpenBLAS's own choice depends on
# the CPU model (and falls back to its slowest kernels on CPUs it does not know; see Sources/NeymanCore/BLASKernel.swift).
BLAS_PIN := $(shell grep -qw avx2 /proc/cpuinfo 2>/dev/null && grep -qw fma /proc/cpuinfo && echo Haswell)

.PHONY: deps build test run bench clean fuzz test-asan pythia-venv test-slurm

## deps: install the system libraries (GSL, OpenBLAS, libcerf, HDF5, zlib, pkg-config) with apt-get when any is missing.
deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "deps: installing$$missing" >&2; \
	  SUDO=""; [ "$$(id -u)" -ne 0 ] && SUDO="sudo"; \
	  $$SUDO apt-get update -qq >/dev/null && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null || { echo "deps: apt-get failed" >&2; exit 1; }; \
	fi

build: deps
	$(SWIFT) build $(SWIFT_RELEASE)

## test: the whole suite, release mode (the numeric tests need optimised code). Every test is Swift Testing,
## so XCTest is disabled (it would only print "Executed 0 tests").
test: deps
	$(SWIFT) build $(SWIFT_RELEASE)
	$(if $(BLAS_PIN),OPENBLAS_CORETYPE=$(BLAS_PIN)) $(SWIFT) test $(SWIFT_RELEASE) --disable-xctest

## run: the flagship studies (toys/*.toml) at quick scale into out/ (one report: out/report.html), and the worked
## example of the statistics verbs (out/example/results.json).
run: build
	@# out/ is make run's own directory: one written before studies marked their outputs (.neyman-study) would be
	@# refused by neyman study as foreign, so it is cleared; the example goes in after the studies replaced out/.
	@if [ -d out ] && [ ! -e out/.neyman-study ]; then rm -rf out; fi
	.build/release/neyman study toys/*.toml --out out --scale quick
	@bash docs/example/run-example.sh out/example
	@echo "make run: report at out/report.html (each study's numbers in out/<study>/results.json)"

## pythia-venv: the Pythia 8 generator's venv (.venv-pythia: pythia8mc + numpy from PyPI), created on first use;
## `neyman generate muons --engine pythia` and the Pythia test create it the same way when it is missing.
pythia-venv:
	@bash tools/pythia/setup-venv.sh >/dev/null

## bench: Neyman side by side with pyhf & co. (creates .venv-bench on first use).
bench: build
	@bash bench/run.sh

## fuzz: each reader (CSV, NPY, NPZ, safetensors, TOML configs, JSON workspaces) under libFuzzer + AddressSanitizer
## for a fixed number of inputs, from the seeds in fuzz/corpus/; fails on any crash, sanitizer report, Swift trap,
## leak or hang. FUZZ_RUNS=N runs every target N times instead (CI: a short pass). Builds in fuzz/.build.
fuzz: deps
	@bash fuzz/run.sh

## test-asan: the reader and CLI test suites built and run under AddressSanitizer, in their own build folder
## (.build-asan). LeakSanitizer runs too, with fuzz/lsan.supp naming the third-party leaks it must ignore.
ASAN_TESTS := NeymanCoreTests\.(CSVReaderTests|CSVWriterTests|NPYTests|NPZTests|ConfigFileTests|DatasetTests)|NeymanNNTests\.SavingTests|NeymanStatsTests\.HistFactoryWorkspaceTests|NeymanCLITests
test-asan: deps
	$(if $(BLAS_PIN),OPENBLAS_CORETYPE=$(BLAS_PIN)) SWIFT_BACKTRACE=enable=no \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/fuzz/lsan.supp:print_suppressions=0 \
	  $(SWIFT) test $(SWIFT_RELEASE) --sanitize=address --scratch-path .build-asan --disable-xctest \
	  --filter '$(ASAN_TESTS)'

## test-slurm: a 4-shard study and a 4-shard `neyman cls --calculator toys` run as Slurm job arrays on a real local
## single-node Slurm (tools/slurm/setup-local-slurm.sh installs and starts it: needs root), merged and compared byte
## for byte with the single-process runs. Not part of `make test` (it needs root and daemons); about 15 s here.
test-slurm: build
	$(if $(BLAS_PIN),OPENBLAS_CORETYPE=$(BLAS_PIN)) bash tools/slurm/test-slurm.sh

clean:
	rm -rf .build .build-asan fuzz/.build out
