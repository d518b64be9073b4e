# Thin wrapper over go and the scripts in .ci/. `make run` and `make test`
# install whatever is missing first (see .ci/setup).
GO      ?= go
TAGS    := migrated_fynedo
BIN     := bin
SAMPLES := testdata/samples/m4-exam.csv testdata/samples/m4-survey.csv
export PATH := $(PATH):/usr/local/go/bin

.PHONY: setup build run test test-pg check smoke windows package samples bench bench-cli fuzz eval eval-alt clean
.PHONY: package-windows windows-smoke idle-cpu

setup:
	@.ci/setup

build:
	$(GO) build -tags $(TAGS) -o $(BIN)/kenshin ./cmd/kenshin
	CGO_ENABLED=0 $(GO) build -o $(BIN)/kenshinctl ./cmd/kenshinctl

## run: the app on the bundled dummy data, with a demo store that is
## created on purpose (kenshinctl init) with synthetic users on first run
DEMO := out/demo
run: setup build
	@mkdir -p $(DEMO)
	@if [ -f $(DEMO)/central.db ] && [ ! -f $(DEMO)/central.db.auditkey ]; then \
	  echo "$(DEMO) は古い形式のデモ用データです。rm -r $(DEMO) で消してから make run をやり直してください"; exit 1; fi
	@if [ ! -f $(DEMO)/central.db ]; then \
	  $(BIN)/kenshinctl init --store $(DEMO)/central.db >/dev/null && \
	  printf 'demo-admin-pass\n' | $(BIN)/kenshinctl user add kanri --role admin --store $(DEMO)/central.db >/dev/null && \
	  printf 'demo-admin-pass\ndemo-clerk-pass\n' | $(BIN)/kenshinctl user add demo --role clerk --as kanri --store $(DEMO)/central.db >/dev/null && \
	  printf 'demo-admin-pass\ndemo-super-pass\n' | $(BIN)/kenshinctl user add kakunin --role supervisor --as kanri --store $(DEMO)/central.db >/dev/null; fi
	@echo "デモ用の利用者: demo / demo-clerk-pass（入力担当）、kakunin / demo-super-pass（確認者）、kanri / demo-admin-pass（管理者）"
	KENSHIN_STORE=$(DEMO)/central.db KENSHIN_WORKSPACE=$(DEMO)/workspace.db $(BIN)/kenshin $(SAMPLES)

## test: every test, with the race detector, plus a real window under Xvfb
test: setup build check
	@env=$$(.ci/pg start) || exit 1; eval "$$env"; \
	  $(GO) test -race -tags $(TAGS) ./...; status=$$?; \
	  .ci/pg stop "$$KENSHIN_TEST_PGDIR"; exit $$status
	.ci/smoke $(BIN)/kenshin $(SAMPLES)

## test-pg: the store contract suite and the PostgreSQL tests against a
## throwaway cluster (.ci/pg: initdb in a temp dir, a free local port, no
## system service), stopped again whatever the result
PG_PKGS := ./internal/pgstore/... ./internal/storetest/... ./internal/storeaddr/... ./internal/backupfile/...
test-pg:
	@env=$$(.ci/pg start) || exit 1; eval "$$env"; \
	  $(GO) test -race -count=1 $(PG_PKGS); status=$$?; \
	  .ci/pg stop "$$KENSHIN_TEST_PGDIR"; exit $$status

## check: formatting, vet, staticcheck, gosec, and the rule that the domain core imports no adapter
GOBIN := $(shell $(GO) env GOPATH)/bin
check:
	@out=$$(gofmt -l cmd internal assets); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet -tags $(TAGS) ./...
	$(GOBIN)/staticcheck -tags $(TAGS) ./...
	$(GOBIN)/gosec -quiet -tags $(TAGS) ./...
	@.ci/corecheck

smoke: build
	.ci/smoke $(BIN)/kenshin $(SAMPLES)

## windows: kenshin.exe with Debian's mingw-w64
windows:
	@KENSHIN_WINDOWS=1 .ci/setup
	CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc \
	  $(GO) build -tags $(TAGS) -ldflags "-H=windowsgui -s -w" -o $(BIN)/kenshin.exe ./cmd/kenshin
	CGO_ENABLED=0 GOOS=windows GOARCH=amd64 $(GO) build -o $(BIN)/kenshinctl.exe ./cmd/kenshinctl

## package-windows: dist/KenshinReview-VERSION-windows-amd64.zip and
## dist/KenshinReview-VERSION-x64.msi (see .ci/windows/package; signing with
## KENSHIN_SIGN_CERT + KENSHIN_SIGN_PASSWORD, else proven with a test cert)
package-windows:
	.ci/windows/package

## windows-smoke: install the MSI under Wine, run the CLI and the GUI, compare
## with the Linux build, uninstall (minutes; not in CI)
windows-smoke:
	.ci/windows/smoke

## idle-cpu: CPU-seconds per 10 s of the idle GUI under Xvfb (login screen,
## 1,000-row table)
idle-cpu: build
	.ci/idle-cpu $(BIN)/kenshin

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

## fuzz: every fuzz target of the repository, FUZZTIME each (found with
## go test -list, so a new target cannot be forgotten here)
FUZZTIME ?= 30s
fuzz:
	@for pkg in $$($(GO) list ./internal/...); do \
	  for t in $$($(GO) test -tags $(TAGS) -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "fuzz: $$pkg $$t"; $(GO) test -tags $(TAGS) $$pkg -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) || exit 1; done; done

## eval: detection quality on 2,000 generated rows per form
eval: build
	@mkdir -p out/eval
	@for f in $$($(BIN)/kenshinctl forms | cut -d' ' -f1); do \
	  $(BIN)/kenshinctl gen --form $$f --rows 2000 --seed 7 --error-rate 0.03 --out out/eval/$$f.csv 2>/dev/null; done
	$(BIN)/kenshinctl eval $$(for f in out/eval/*.csv; do echo $$f $${f%.csv}.truth.json; done)

## eval-alt: the same on a second generator setting with another error mix:
## no confidence columns (every error must show in the values), digit
## confusions and dropped digits 3× as often, a 5 % error rate
eval-alt: build
	@mkdir -p out/eval-alt
	@for f in $$($(BIN)/kenshinctl forms | cut -d' ' -f1); do \
	  $(BIN)/kenshinctl gen --form $$f --rows 2000 --seed 11 --error-rate 0.05 --no-confidence --mix digits --out out/eval-alt/$$f.csv 2>/dev/null; done
	$(BIN)/kenshinctl eval $$(for f in out/eval-alt/*.csv; do echo $$f $${f%.csv}.truth.json; done)

## bench-cli: kenshinctl check --format json against Miller 6 running one
## filter on the same 100,000-row y3-exam file (48 columns with confidence),
## interleaved, median of 5 wall times each; peak RSS from /usr/bin/time
BENCH := out/bench
bench-cli: build
	@command -v mlr >/dev/null || { echo "Miller が必要です（apt-get install miller）"; exit 2; }
	@test -x /usr/bin/time || { echo "/usr/bin/time が必要です（apt-get install time）"; exit 2; }
	@mkdir -p $(BENCH)
	@test -s $(BENCH)/y3-exam-100k.csv || $(BIN)/kenshinctl gen --form y3-exam --rows 100000 --seed 1 \
	  --error-rate 0.03 --encoding utf8 --out $(BENCH)/y3-exam-100k.csv >/dev/null
	@rm -f $(BENCH)/kenshin.times $(BENCH)/mlr.times
	@for i in 1 2 3 4 5; do \
	  /usr/bin/time -f "%e %M" -a -o $(BENCH)/kenshin.times $(BIN)/kenshinctl check --format json $(BENCH)/y3-exam-100k.csv >/dev/null; \
	  /usr/bin/time -f "%e %M" -a -o $(BENCH)/mlr.times mlr --icsv --ocsv filter '$$身長 > 200' $(BENCH)/y3-exam-100k.csv >/dev/null; \
	done; true
	@med() { grep -E '^[0-9.]+ [0-9]+$$' $$1 | sort -n | awk '{a[NR]=$$1; m=($$2>m?$$2:m)} END {printf "%s %.0f\n", a[int((NR+1)/2)], m/1024}'; }; \
	  set -- $$(med $(BENCH)/kenshin.times) $$(med $(BENCH)/mlr.times); \
	  echo "kenshinctl check --format json: median $$1 s, peak RSS $$2 MB"; \
	  echo "mlr filter '\$$身長 > 200':       median $$3 s, peak RSS $$4 MB"; \
	  awk -v k=$$1 -v m=$$3 -v r=$$2 'BEGIN { printf "ratio kenshinctl / mlr = %.2f (target ≤ 1.00); peak RSS %.0f MB (target ≤ 250)\n", k/m, r }'

clean:
	rm -rf $(BIN) out dist
