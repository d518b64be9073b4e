# Thin wrapper over go and the scripts in .ci/. `make run` and `make test`
# install whatever is missing first (see .ci/setup).
GO      ?= go
TAGS    := migrated_fynedo
BIN     := bin
SAMPLES := testdata/samples/m4-exam.csv testdata/samples/m4-survey.csv
export PATH := $(PATH):/usr/local/go/bin

.PHONY: setup build run test test-pg check smoke windows package samples bench fuzz eval clean

setup:
	@.ci/setup

build:
	$(GO) build -tags $(TAGS) -o $(BIN)/kenshin ./cmd/kenshin
	CGO_ENABLED=0 $(GO) build -o $(BIN)/kenshinctl ./cmd/kenshinctl

## run: the app on the bundled dummy data, with a demo store whose
## synthetic users are created on first run (see README)
DEMO := out/demo
run: setup build
	@mkdir -p $(DEMO)
	@if [ ! -f $(DEMO)/central.db ]; then \
	  printf 'demo-admin-pass\n' | $(BIN)/kenshinctl user add kanri --role admin --store $(DEMO)/central.db >/dev/null && \
	  printf 'demo-admin-pass\ndemo-clerk-pass\n' | $(BIN)/kenshinctl user add demo --role clerk --as kanri --store $(DEMO)/central.db >/dev/null && \
	  printf 'demo-admin-pass\ndemo-super-pass\n' | $(BIN)/kenshinctl user add kakunin --role supervisor --as kanri --store $(DEMO)/central.db >/dev/null; fi
	@echo "デモ用の利用者: demo / demo-clerk-pass（入力担当）、kakunin / demo-super-pass（確認者）、kanri / demo-admin-pass（管理者）"
	KENSHIN_STORE=$(DEMO)/central.db KENSHIN_WORKSPACE=$(DEMO)/workspace.db $(BIN)/kenshin $(SAMPLES)

## test: every test, with the race detector, plus a real window under Xvfb
test: setup check build
	$(GO) test -race -tags $(TAGS) ./...
	.ci/smoke $(BIN)/kenshin $(SAMPLES)

## test-pg: the store contract suite and the PostgreSQL tests against a
## throwaway cluster (.ci/pg: initdb in a temp dir, a free local port, no
## system service), stopped again whatever the result
PG_PKGS := ./internal/pgstore/... ./internal/storetest/... ./internal/storeaddr/... ./internal/backupfile/...
test-pg:
	@env=$$(.ci/pg start) || exit 1; eval "$$env"; \
	  $(GO) test -race -count=1 $(PG_PKGS); status=$$?; \
	  .ci/pg stop "$$KENSHIN_TEST_PGDIR"; exit $$status

## check: formatting, vet, and the rule that the domain core imports no adapter
check:
	@out=$$(gofmt -l cmd internal assets); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet -tags $(TAGS) ./...
	@.ci/corecheck

smoke: build
	.ci/smoke $(BIN)/kenshin $(SAMPLES)

## windows: kenshin.exe with Debian's mingw-w64
windows:
	@KENSHIN_WINDOWS=1 .ci/setup
	CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc \
	  $(GO) build -tags $(TAGS) -ldflags "-H=windowsgui -s -w" -o $(BIN)/kenshin.exe ./cmd/kenshin
	CGO_ENABLED=0 GOOS=windows GOARCH=amd64 $(GO) build -o $(BIN)/kenshinctl.exe ./cmd/kenshinctl

## package: the Fyne package (tar.xz on Linux) from the root FyneApp.toml;
## fyne package reads the toml beside package main, so it is staged there
FYNE := $(shell go env GOPATH)/bin/fyne
package: setup
	@test -x $(FYNE) || $(GO) install fyne.io/tools/cmd/fyne@v1.7.4
	@mkdir -p dist
	sed 's#"assets/#"../../assets/#' FyneApp.toml > cmd/kenshin/FyneApp.toml
	cd cmd/kenshin && $(FYNE) package -os linux --release; status=$$?; rm -f FyneApp.toml; \
	  mv -f *.tar.xz ../../dist/ 2>/dev/null; exit $$status
	@ls -l dist

## samples: regenerate the bundled dummy files and golden outputs
samples:
	$(GO) test ./internal/cli -run 'TestSamples|TestCheckGolden' -update

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./internal/...

fuzz:
	@for t in "FuzzParse ./internal/jpdate" "FuzzReadNumber ./internal/normalize" "FuzzReadKana ./internal/normalize" \
	  "FuzzReadClock ./internal/normalize" "FuzzRead ./internal/ocrcsv" "FuzzParse ./internal/ocrcsv"; do \
	  set -- $$t; $(GO) test $$2 -run '^$$' -fuzz "^$$1$$" -fuzztime 30s || exit 1; done

## eval: detection quality on 2,000 generated rows per form
eval: build
	@mkdir -p out/eval
	@for f in $$($(BIN)/kenshinctl forms | cut -d' ' -f1); do \
	  $(BIN)/kenshinctl gen --form $$f --rows 2000 --seed 7 --error-rate 0.03 --out out/eval/$$f.csv 2>/dev/null; done
	$(BIN)/kenshinctl eval $$(for f in out/eval/*.csv; do echo $$f $${f%.csv}.truth.json; done)

clean:
	rm -rf $(BIN) out dist
