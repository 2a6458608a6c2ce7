# IMDB sentiment service: train, package, deploy (LocalStack here or AWS) and test from one place.
# Every target creates the virtualenv it needs, so a fresh clone needs only python3 and make.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
ARTIFACTS := artifacts
MODEL := $(ARTIFACTS)/model.tar.gz
LAMBDA_ZIP := build/lambda.zip
PYTEST_ARGS ?=
TRAIN_ARGS ?=
UP_ARGS ?=
REMOTE_VENV := .venv-remote
REMOTE_STAMP := $(REMOTE_VENV)/.installed
TOOLS_VENV := .venv-tools
CHECKOV := $(TOOLS_VENV)/bin/checkov
TF_CLI_CONFIG := $(CURDIR)/.cache/terraform/cli.tfrc
LOCAL_AWS := $(PY) -m scripts.local_aws
TF := TF_CLI_CONFIG_FILE="$$(terraform/tf-cli-config.sh $(TF_CLI_CONFIG))" terraform

.DEFAULT_GOAL := help

# `make score` needs both paths; checked before its prerequisites (which may train) run.
ifneq ($(filter score,$(MAKECMDGOALS)),)
ifeq ($(and $(INPUT),$(OUTPUT)),)
$(error usage: make score INPUT=reviews.jsonl|reviews.csv|folder OUTPUT=scores.jsonl [MODEL=model.tar.gz] [ARGS="--explain --strict"])
endif
endif
.PHONY: help install train train-remote remote-venv package serve score test test-unit score-remote test-browser lint fmt bench fuzz clean tf-init tf-check destroy local-install browser up down status test-stack bench-stack bench-transform bench-rollout

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-14s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[train,serve,dev]'
	touch $@

install: $(STAMP) ## create .venv with the pinned dependencies

train: $(STAMP) ## train on IMDB, or DATA=reviews.csv|.jsonl|.parquet|folder [TEST=...] [TRAIN_ARGS="--label-column ..."]; writes artifacts/
	$(PY) -m training --output $(ARTIFACTS) $(if $(DATA),--data "$(DATA)") $(if $(TEST),--test "$(TEST)") $(TRAIN_ARGS)

$(MODEL):
	$(MAKE) train

$(REMOTE_STAMP): pyproject.toml
	$(PYTHON) -m venv $(REMOTE_VENV)
	$(REMOTE_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(REMOTE_VENV)/bin/python -m pip install --quiet $$($(PYTHON) -c "import tomllib; print(' '.join(tomllib.load(open('pyproject.toml','rb'))['project']['optional-dependencies']['remote']))")
	touch $@

remote-venv: $(REMOTE_STAMP) ## .venv-remote with the SageMaker Python SDK (its boto3 clashes with ours)

train-remote: $(REMOTE_STAMP) ## train as a SageMaker job: BUCKET=... ROLE_ARN=... [DATA=... TEST=...] [ARGS="--dry-run --quick"]
	$(REMOTE_VENV)/bin/python -m training.remote $(if $(BUCKET),--bucket $(BUCKET)) $(if $(ROLE_ARN),--role-arn $(ROLE_ARN)) $(if $(DATA),--data "$(DATA)") $(if $(TEST),--test "$(TEST)") $(ARGS)

package: $(STAMP) $(MODEL) ## build the deterministic Lambda zip (build/lambda.zip) with the vocabulary
	$(PY) -m scripts.package_lambda --vocabulary $(ARTIFACTS)/vocabulary.json --output $(LAMBDA_ZIP)

serve: $(STAMP) $(MODEL) ## serve model.tar.gz as a local SageMaker endpoint on :8080
	$(PY) -m scripts.serve_endpoint --model $(MODEL) --port 8080

score: $(STAMP) $(MODEL) ## score many reviews here, every core: INPUT=reviews.jsonl|.csv|folder OUTPUT=scores.jsonl [ARGS=--explain]
	$(PY) -m scripts.score "$(INPUT)" --output "$(OUTPUT)" --model "$(MODEL)" $(ARGS)

score-remote: $(STAMP) ## score as a SageMaker Batch Transform job: INPUT=reviews.jsonl|.csv|folder|s3://... [OUTPUT=scores.jsonl] [ARGS="--instance-count 2 --dry-run"]
	$(if $(INPUT),,$(error usage: make score-remote INPUT=reviews.jsonl|.csv|folder|s3://bucket/prefix/ [OUTPUT=scores.jsonl] [ARGS="--model-name ... --dry-run"]))
	$(PY) -m scripts.score --remote "$(INPUT)" $(if $(OUTPUT),--download "$(OUTPUT)") $(ARGS)

local-install: $(STAMP) ## build .venv-localstack (LocalStack 4.13.1, tflocal, our plugins) and .venv-lambda
	$(LOCAL_AWS) install

up: package ## deploy everything to LocalStack here (no Docker, no AWS account); prints the API and page URLs [UP_ARGS="--var KEY=VALUE"]
	$(LOCAL_AWS) up --model $(MODEL) --lambda-zip $(LAMBDA_ZIP) $(UP_ARGS)

down: $(STAMP) ## terraform destroy, stop every process `up` started (by recorded PID), remove .local/aws
	$(LOCAL_AWS) down

status: $(STAMP) ## PIDs, health and outputs of the local stack
	$(LOCAL_AWS) status

test-stack: $(STAMP) ## integration tests through a local stack they start and stop themselves
	$(PY) -m pytest tests/integration/test_stack_*.py $(PYTEST_ARGS)

bench-transform: up ## emulated Batch Transform job over the 25,000 test reviews with 1 and 2 instances: reviews/s
	$(PY) -m scripts.local_aws.bench_transform --reviews 25000 --instances 1 2

bench-stack: up ## 2,000 requests at concurrency 8 through the local stack: p50/p99, errors, time shares
	$(PY) -m scripts.local_aws.bench --requests 2000 --concurrency 8

browser: ## Debian's Chromium for the browser tests: installed if missing and possible (root or sudo), else the command to run
	$(PYTHON) scripts/ensure_browser.py

# `browser` first: a machine without Chromium stops here, in seconds, not after the long tests.
test: browser lint $(REMOTE_STAMP) ## everything CI runs: lint, Terraform checks, unit, integration and browser tests
	$(PY) -m pytest --durations=25 $(PYTEST_ARGS) || { rc=$$?; [ $$rc -ne 5 ] || echo "pytest collected no tests" >&2; exit $$rc; }

test-unit: $(STAMP) ## the fast tests only (no services, no full training)
	$(PY) -m pytest -m "not integration and not browser" $(PYTEST_ARGS)

test-browser: browser $(STAMP) ## browser tests (Debian chromium + Playwright)
	$(PY) -m pytest -m browser $(PYTEST_ARGS)

fuzz: $(STAMP) ## property tests (marker fuzz) with the thorough hypothesis profile: >= 10,000 examples each
	HYPOTHESIS_PROFILE=thorough $(PY) -m pytest -m fuzz --durations=0 --hypothesis-show-statistics $(PYTEST_ARGS)

lint: $(STAMP) tf-check ## ruff (Python) and the Terraform checks
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

$(CHECKOV):
	$(PYTHON) -m venv $(TOOLS_VENV)
	$(TOOLS_VENV)/bin/pip install --quiet checkov==3.3.30

tf-init: ## terraform init in terraform/ (offline from the /opt/tf-plugins mirror when present)
	$(TF) -chdir=terraform init -input=false

tf-check: $(CHECKOV) ## Terraform: fmt, validate (root + modules), terraform test (mocked AWS), README tables, checkov
	terraform/tf-check.sh

destroy: ## delete the AWS deployment made with `terraform -chdir=terraform apply`
	$(TF) -chdir=terraform destroy

fmt: $(STAMP) ## format Python and Terraform
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .
	terraform fmt -recursive terraform

bench-rollout: up ## client p50/p99 during a vocabulary rollout (20 s endpoint update) against steady state
	$(PY) -m training --quick --output build/bench-rollout-model
	$(PY) -m scripts.package_lambda --vocabulary build/bench-rollout-model/vocabulary.json --output build/bench-rollout-lambda.zip
	$(PY) -m scripts.local_aws.bench_rollout --model build/bench-rollout-model/model.tar.gz --lambda-zip build/bench-rollout-lambda.zip

bench: $(STAMP) $(MODEL) ## benchmarks: training, tokeniser, handler, cold init, zip, endpoint, `make score` vs the API, then load, a rollout and a transform job through `up`
	$(PY) -m pytest tests/benchmarks --benchmark-only --benchmark-columns=min,median,mean,max,rounds
	$(MAKE) bench-stack
	$(MAKE) bench-rollout
	$(MAKE) bench-transform

clean: ## remove build outputs, caches and artifacts (keeps the venvs)
	rm -rf build $(ARTIFACTS) .cache .pytest_cache .ruff_cache .benchmarks test-results
