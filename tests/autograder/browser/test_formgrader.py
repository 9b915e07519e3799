"""The instructor in the browser: `make instructor`, formgrader, manual grades, the trusted Autograde.

A throwaway course (``make_course_copy``: ``<term>/autograder/`` + ``<term>/solutions/``) whose
copy of the backprop source notebook gets one manually graded written answer (a markdown
solution cell worth 2 points — the shipped assignments have none). alice (the solution) and bob
(``dW`` transposed in ``linear_backward``) are graded with ``autograder grade``; carol
(``softmax_backward`` raises) is left for the formgrader's Autograde button. Then ``make
instructor`` — the Makefile's own recipe, run in the copy with this environment — starts
JupyterLab (random port and token), and Debian's Chromium, driven by Playwright, walks formgrader:

1. Manage Assignments lists the course's assignments; the source link of backprop opens
   ``solutions/backprop`` (not a 404: the served root is the course's parent folder), as a page
   and as JupyterLab's file browser command that the link sends from formgrader's lab panel;
2. carol's Autograde button grades her submission with the trusted grader (her journal record,
   the grader's messages in her test cell);
3. bob's graded submission shows the grader's message in his failed test cell; the instructor
   gives his written answer 1.5/2 and overrides ``test_linear_backward`` to 1/2;
4. ``autograder export`` and ``autograder report`` show bob's total with those scores, and the
   only gradebook is ``autograder/gradebook.db`` (nothing created in the served root).

Screenshots go to ``$COURSEKIT_SCREENSHOTS`` (default ``artifacts/browser/formgrader/``); the test
prints the folder.
"""

from __future__ import annotations

import csv
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_markdown_cell

from autograder.demo import make_course_copy, write_submission

pytestmark = [pytest.mark.browser, pytest.mark.timeout(900)]

REPO = Path(__file__).resolve().parents[3]
CHROMIUM = os.environ.get("COURSEKIT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage"]
SHOTS = Path(os.environ.get("COURSEKIT_SCREENSHOTS", REPO / "artifacts" / "browser" / "formgrader"))

A = "backprop"
WRITTEN = "explain_relu_at_zero"  # grade_id of the written answer added to the copy's source notebook
WRITTEN_POINTS = 2.0
AUTO_POINTS = 12.0  # backprop's autograded tests (solutions/backprop/checks.py POINTS)
BOB_MANUAL = 1.5  # the instructor's score for bob's written answer
BOB_OVERRIDE = 1.0  # the instructor's override of bob's test_linear_backward (0/2 from the grader)


def _require_browser():
    if Path(CHROMIUM).exists():
        return
    msg = f"Chromium not found at {CHROMIUM}: install Debian's chromium and run `make browser-test`"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(msg + " (under CI=true a missing browser is a failure)")
    pytest.skip(msg)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(cmd, cwd, timeout=600):
    env = {**os.environ, "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""),
           "MPLBACKEND": "Agg"}
    return subprocess.run(cmd, cwd=str(cwd), env=env, text=True, capture_output=True, timeout=timeout)


def _autograder(*args, cwd):
    proc = _run([sys.executable, "-m", "autograder.cli", *args], cwd=cwd)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def _add_written_answer(course) -> None:
    """A question and its manually graded markdown answer cell (2 points) at the end of the copy's
    source notebook."""
    path = course.source_notebook(A)
    nb = nbformat.read(str(path), as_version=4)
    question = new_markdown_cell("**Written question.** Why is `relu_backward` allowed to use relu′(0) = 0?")
    answer = new_markdown_cell("ReLU is not differentiable at 0; every slope in [0, 1] is a subgradient "
                               "there, and 0 is the usual convention.")
    answer.metadata["nbgrader"] = {"grade": True, "solution": True, "locked": False, "grade_id": WRITTEN,
                                   "points": WRITTEN_POINTS, "schema_version": 3}
    nb.cells += [question, answer]
    nbformat.write(nb, str(path))


def _answer(path: Path, text: str) -> None:
    nb = nbformat.read(str(path), as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == WRITTEN)
    cell.source = text
    nbformat.write(nb, str(path))


@pytest.fixture(scope="module")
def term(tmp_path_factory):
    """The course copy, generated, three submissions, alice and bob graded by `autograder grade`."""
    _require_browser()
    top = tmp_path_factory.mktemp("term")
    course = make_course_copy(top)
    _add_written_answer(course)
    _autograder("-q", "generate", A, cwd=course.root)
    _answer(write_submission(course, A, "alice", kind="solution"), "Any value in [0, 1] is a subgradient.")
    _answer(write_submission(course, A, "bob", kind="buggy:linear_backward"), "Because 0 is smaller.")
    _answer(write_submission(course, A, "carol", kind="raises:softmax_backward"), "Convention.")
    _autograder("-q", "grade", A, "--student", "alice", "--student", "bob", "--workers", "1", cwd=course.root)
    return top, course


@pytest.fixture(scope="module")
def instructor_lab(term, tmp_path_factory):
    """`make instructor` in the course copy, with this environment's JupyterLab."""
    top, course = term
    work = tmp_path_factory.mktemp("lab")
    port, token = _free_port(), secrets.token_hex(16)
    venv = Path(sys.executable).parent.parent
    lab_args = " ".join([
        "--no-browser", "--ip=127.0.0.1", f"--port={port}", "--ServerApp.port_retries=0",
        f"--ServerApp.token={token}", f"--LabApp.workspaces_dir={work / 'workspaces'}",
        "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.expose_app_in_browser=True"])
    # the Makefile's recipe, run in the copy; -o: the environment is this one, do not (re)install it
    cmd = ["make", "--no-print-directory", "-f", str(REPO / "Makefile"), "-o", str(venv / ".installed"),
           f"VENV={venv}", "instructor", f"LAB_ARGS={lab_args}"]
    log = open(work / "jupyterlab.log", "w")
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(work / "config")}
    proc = subprocess.Popen(cmd, cwd=str(top), stdout=log, stderr=subprocess.STDOUT, env=env,
                            start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while True:
        try:
            with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.time() > deadline:
            os.killpg(proc.pid, 9)
            pytest.fail("`make instructor` did not start JupyterLab:\n" + (work / "jupyterlab.log").read_text()[-3000:])
        time.sleep(0.5)
    yield {"base": base, "token": token, "log": work / "jupyterlab.log"}
    os.killpg(proc.pid, 15)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
    log.close()


@pytest.fixture(scope="module")
def page(instructor_lab):
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    print(f"\nformgrader screenshots: {SHOTS}")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        pg = context.new_page()
        pg.set_default_timeout(60_000)
        # the token logs the browser in (a cookie): the formgrader's own links then work as they are
        pg.goto(f"{instructor_lab['base']}/formgrader?token={instructor_lab['token']}")
        yield pg
        context.close()
        browser.close()


def _shot(pg, name: str, full_page: bool = True) -> None:
    pg.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def _grades(course, student):
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url, course.course_id) as gb:
        nb = gb.find_submission_notebook(A, A, student)
        return {g.name: (g.auto_score, g.manual_score) for g in nb.grades}


def test_manage_assignments_lists_the_course_and_its_source_link_works(instructor_lab, page):
    page.goto(f"{instructor_lab['base']}/formgrader/manage_assignments")
    row = page.locator("tr", has_text=A).first
    row.wait_for()
    _shot(page, "1-manage-assignments")
    names = page.locator("td.name a").all_inner_texts()
    assert {"backprop", "optimizers", "svm"} <= set(names), names
    assert row.locator("td.num-submissions").inner_text().strip() == "3"
    href = row.locator("td.name a").get_attribute("href")
    assert href.endswith("/solutions/backprop"), href
    source = page.context.new_page()
    response = source.goto(instructor_lab["base"] + href)
    assert response.status == 200, (href, response.status)
    source.get_by_text(f"{A}.ipynb").first.wait_for()
    _shot(source, "2-source-link")
    # inside JupyterLab (formgrader in its iframe) the same link posts filebrowser:go-to-path
    path = href.removeprefix("/tree/")
    source.goto(f"{instructor_lab['base']}/lab")
    source.wait_for_function("() => window.jupyterapp && window.jupyterapp.commands.hasCommand('filebrowser:go-to-path')")
    source.evaluate("p => window.jupyterapp.commands.execute('filebrowser:go-to-path', {path: p})", path)
    source.locator(".jp-DirListing-itemText", has_text=f"{A}.ipynb").first.wait_for()
    assert source.locator(".jp-BreadCrumbs").first.inner_text().strip().strip("/") == f"solutions/{A}"
    source.close()


def test_autograde_button_runs_the_trusted_grader(term, instructor_lab, page):
    _, course = term
    assert not course.autograded_dir("carol", A).exists()
    page.goto(f"{instructor_lab['base']}/formgrader/manage_submissions/{A}")
    row = page.locator("tr", has_text="carol").first
    row.wait_for()
    assert "needs autograding" in row.inner_text()
    row.locator("td.autograde a").click()
    dialog = page.locator(".modal-dialog", has_text="Successfully autograded")
    dialog.wait_for(timeout=180_000)
    # nbgrader's log, shown by formgrader: our preprocessor graded carol (not a kernel)
    # 10 of the 12 automatic points; the copy's 2-point written answer waits for a manual score
    assert "Trusted grader: carol/backprop graded in the sandbox: 10/14 points" in dialog.inner_text()
    dialog.locator("pre").evaluate("e => { e.scrollTop = e.scrollHeight; }")
    _shot(page, "3-autograde-button-log")
    dialog.locator("button", has_text="OK").click()
    page.locator("tr", has_text="carol").locator("td.score").filter(has_text="/").wait_for()
    # graded by the pipeline: its journal holds carol's record, her test cell the grader's message
    journal = [json.loads(line) for line in course.journal_path(A).read_text().splitlines() if line.strip()]
    carol = [r for r in journal if r["student"] == "carol"]
    assert carol and carol[-1]["status"] == "graded"
    nb = nbformat.read(str(course.autograded_dir("carol", A) / f"{A}.ipynb"), as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "test_softmax_backward")
    text = "".join(o.get("text", "") for o in cell.outputs)
    assert text.startswith("✗ test_softmax_backward: 0/2 points"), text
    auto = {name: a for name, (a, _) in _grades(course, "carol").items()}
    assert auto["test_softmax_backward"] == 0.0
    assert sum(v for k, v in auto.items() if k.startswith("test_")) == AUTO_POINTS - 2


def test_manual_grades_and_an_override_in_a_graded_submission(term, instructor_lab, page):
    _, course = term
    page.goto(f"{instructor_lab['base']}/formgrader/manage_students/bob/{A}")
    link = page.locator("a[href*='/formgrader/submissions/']", has_text=A).first
    link.wait_for()
    link.click()
    page.wait_for_url("**/formgrader/submissions/**")
    page.locator(f"input#{WRITTEN}").wait_for()
    # the grader's message in bob's failed test cell (rendered from the autograded notebook)
    message = page.get_by_text("✗ test_linear_backward: 0/2 points").first
    message.wait_for()
    assert "transposed" in page.content()
    message.scroll_into_view_if_needed()
    _shot(page, "4-grader-message", full_page=False)
    for grade_id, score in ((WRITTEN, BOB_MANUAL), ("test_linear_backward", BOB_OVERRIDE)):
        box = page.locator(f"input#{grade_id}")
        box.fill(f"{score:g}")
        box.press("Tab")  # the change event saves it
    deadline = time.time() + 30
    while _grades(course, "bob")[WRITTEN][1] != BOB_MANUAL or _grades(course, "bob")["test_linear_backward"][1] != BOB_OVERRIDE:
        assert time.time() < deadline, _grades(course, "bob")
        time.sleep(0.3)
    page.locator(f"input#{WRITTEN}").scroll_into_view_if_needed()
    _shot(page, "5-manual-score-and-override", full_page=False)


def _bob_expected(course) -> float:
    grades = _grades(course, "bob")
    auto = {k: a for k, (a, _) in grades.items() if k.startswith("test_")}
    assert auto["test_linear_backward"] == 0.0 and sum(auto.values()) == AUTO_POINTS - 2
    return AUTO_POINTS - 2 + BOB_OVERRIDE + BOB_MANUAL


def test_the_scores_reach_export(term, page):
    top, course = term
    expected = _bob_expected(course)
    _autograder("-q", "export", "--to", str(top / "grades.csv"), cwd=course.root)
    rows = {r["student_id"]: r for r in csv.DictReader(open(top / "grades.csv"))}
    assert float(rows["bob"]["raw_score"]) == expected, rows["bob"]
    assert float(rows["bob"]["max_score"]) == AUTO_POINTS + WRITTEN_POINTS


def test_the_scores_reach_the_report(term, page):
    top, course = term
    expected = _bob_expected(course)
    _autograder("-q", "report", A, cwd=course.root)
    report = json.loads((course.reports_dir(A) / "report.json").read_text())
    # the report reads the gradebook: the instructor's scores count (helper "gradebook", issue 14)
    assert report["totals"]["bob"] == expected, report["totals"]
    assert report["points_possible"] == AUTO_POINTS + WRITTEN_POINTS


def test_the_only_gradebook_is_the_course_one(term, page):
    top, course = term
    found = sorted(p.relative_to(top) for p in top.rglob("gradebook.db"))
    assert found == [Path("autograder/gradebook.db")], found
