# The two commands a newcomer needs: `make demo` (set up, build, run the main job on the samples)
# and `make test` (set up, run the whole test suite). Both install what they need via scripts/setup.
SWIFT ?= swift
VSEARCH = .build/debug/vsearch

.PHONY: setup build demo test bench clean

setup:
	bash scripts/setup

build: setup
	$(SWIFT) build --product vsearch

demo: build
	bash scripts/demo

test: setup
	$(SWIFT) test
	bash scripts/fuzz-ci

clean:
	rm -rf .build
