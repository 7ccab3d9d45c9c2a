# 政务问答 — two commands: `make serve` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
INDEX := index/current/manifest.json

.PHONY: serve test install index clean-index

# torch is pinned and installed first: the CPU build lies on this machine's disk, while an
# unpinned torch (pulled in by sentence-transformers) would download a multi-GB CUDA build.
$(STAMP):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[st,ui,eval,dev,milvus]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

$(INDEX): | $(STAMP)
	$(BIN)/rag build

index: $(STAMP)
	$(BIN)/rag build

serve: $(STAMP) $(INDEX)
	$(BIN)/rag serve

# pytest exits 5 when it collects no tests: that must never pass as green.
test: $(STAMP)
	@$(BIN)/python -m pytest; status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi; \
	exit $$status

clean-index:
	rm -rf index/current index/builds index/.current-*
