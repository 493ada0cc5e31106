# The two commands a newcomer needs (see README.md):
#   make run   — install packages, build, start the local ClickHouse, serve on :8080
#   make test  — the same set-up, then every test against a separate test ClickHouse
.PHONY: run test build deps bench clean

run:
	@bash scripts/run.sh

test:
	@bash scripts/test.sh

deps:
	@bash scripts/install-deps.sh

build: deps
	@bash scripts/build.sh

bench: build
	@bash bench/run_ingest_bench.sh

clean:
	rm -rf build build-fuzz
