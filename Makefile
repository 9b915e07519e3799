# coursekit — the two quickstart commands are `make lab` and `make test`.
# Each one creates .venv with the locked dependencies (requirements.lock), installs
# the project editable and registers a Jupyter kernel, once: later runs skip it.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?=
# Test workers (pytest-xdist; a file's tests stay on one worker). PYTEST_WORKERS=0 runs serially.
PYTEST_WORKERS ?= 2

.PHONY: lab test install bench grade-demo browser-test lectures lock clean student-pack

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (coursekit)" >/dev/null
	@touch $(STAMP)
	@echo "coursekit environment ready in $(VENV)"

install: $(STAMP)

## The main job: JupyterLab on the lectures.
lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=lectures $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

## The instructor's JupyterLab: the repository served, formgrader on the course (autograder/): its
## config, its gradebook, working source links; its Autograde button runs the trusted grader.
.PHONY: instructor
instructor: $(STAMP)
	cd autograder && $(abspath $(BIN))/jupyter lab --ServerApp.root_dir=.. $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

## The whole test suite: unit, property, nbval over every notebook, end-to-end grading, browser.
test: $(STAMP)
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

## Every benchmark, one table (installs the CPU build of PyTorch for the comparison rows).
bench: $(STAMP)
	@$(BIN)/python -c "import torch" 2>/dev/null || $(BIN)/python -m pip install --quiet torch==2.13.0 \
	  || echo "PyTorch could not be installed: the PyTorch comparison rows will say so."
	$(BIN)/python benchmarks/run_all.py $(BENCH_ARGS)

## The instructor's "see it work": a throwaway course with sample submissions, graded.
grade-demo: $(STAMP)
	$(BIN)/autograder demo

## Re-execute the lecture notebooks from their text sources (lectures/NN_*.md); LECTURES="04 06" for some.
lectures: $(STAMP)
	$(BIN)/python tools/build_lectures.py $(LECTURES)

## The student pack (dist/coursekit-student + .zip): lectures, release notebooks, coursekit; no answers.
student-pack: $(STAMP)
	$(BIN)/autograder pack $(PACK_ARGS)

## Only the real-browser test.
browser-test: $(STAMP)
	$(BIN)/python -m pytest -m browser $(PYTEST_ARGS)

## Re-resolve the locked versions (maintainers only; commit requirements.lock).
lock:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet -e '.[dev]'
	.venv-lock/bin/pip freeze --exclude-editable | grep -v '^coursekit' > requirements.lock
	rm -rf .venv-lock

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis

## The course as a class uses it (README, "Running a class"; as root). HUB_STUDENTS/HUB_INSTRUCTORS:
## comma-separated Unix user names; HUB_PACK: the student pack directory (default: built).
HUB_STUDENTS ?= student1,student2
HUB_INSTRUCTORS ?= instructor1
.PHONY: hub hub-install hub-users hub-teardown hub-test hub-bench
hub-install: $(STAMP)
	cd hub && npm ci --no-audit --no-fund
hub-users: hub-install
	$(BIN)/python hub/run.py setup --students $(HUB_STUDENTS) --instructors $(HUB_INSTRUCTORS) $(if $(HUB_PACK),--pack $(HUB_PACK))
hub: hub-install
	$(BIN)/python hub/run.py start
hub-teardown:
	$(BIN)/python hub/run.py teardown
hub-test: hub-install
	$(BIN)/python -m pytest -p no:cacheprovider -n 0 tests/hub $(PYTEST_ARGS)
hub-bench: hub-install
	$(BIN)/python benchmarks/bench_hub_load.py $(BENCH_ARGS)
