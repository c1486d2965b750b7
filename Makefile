# The two commands a newcomer needs: `make demo` (set up, build, run the main job on the samples)
# and `make test` (set up, run the whole test suite). Both install what they need via scripts/setup.
SWIFT ?= swift
VSEARCH = .build/debug/vsearch

.PHONY: setup build demo test spark bench clean

setup:
	bash scripts/setup

build: setup
	$(SWIFT) build --product vsearch

demo: build
	bash scripts/demo

# The test suite includes the Spark job's test (deploy/spark): setup installs Java and PySpark for it.
test:
	VSEARCH_SETUP_SPARK=1 bash scripts/setup
	$(SWIFT) test
	bash scripts/fuzz-ci

# Distributed builds (deploy/spark/build_index.py): vsearch plus Java and PySpark (assets/spark/venv).
spark:
	VSEARCH_SETUP_SPARK=1 bash scripts/setup
	$(SWIFT) build --product vsearch

clean:
	rm -rf .build
