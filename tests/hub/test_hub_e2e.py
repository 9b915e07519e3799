"""The course on JupyterHub, end to end, through the hub's REST API and real HTTP on loopback.

One instructor and three students (real Unix users, created and deleted by the test). The
instructor generates and releases ``backprop`` with formgrader (the hub service ``coursekit``);
each student's server starts, fetches the assignment through nbgrader's Assignments service,
edits it through the contents API and submits; the instructor collects with formgrader, grades
with ``autograder grade`` in a kernel of the formgrader service, generates and releases feedback;
each student fetches their own feedback. Then what students must not reach, over HTTP and on
disk. The hub and every server are stopped in a ``finally`` (hub/throwaway.py), which checks
that no process of the class's users is left.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]

if os.geteuid() != 0 or not Path("/usr/sbin/useradd").exists():
    pytest.skip("the hub test creates Unix users: run it as root (CI does)", allow_module_level=True)

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from autograder.demo import BUGS, solution_code  # noqa: E402
from hub.client import Server  # noqa: E402
from hub.throwaway import running_hub  # noqa: E402

A, COURSE = "backprop", "coursekit"


class _Course:
    """What ``solution_code`` needs: the source notebooks of the class's course copy."""

    def __init__(self, root: Path):
        self.root = root

    def source_notebook(self, assignment):
        return self.root.parent / "solutions" / assignment / f"{assignment}.ipynb"


def _answer(nb: dict, course, plan: str) -> dict:
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution"):
            f = meta["grade_id"]
            if plan == "solution" or (plan.startswith("buggy:") and plan != f"buggy:{f}"):
                cell["source"] = solution_code(course, A, f)
            elif plan == f"buggy:{f}":
                cell["source"] = BUGS[A][f][1].strip("\n")
    return nb


def _as_user(user: str, *cmd: str) -> subprocess.CompletedProcess:
    return subprocess.run(["runuser", "-u", user, "--", *cmd], capture_output=True, text=True)


def test_class_on_the_hub():
    started = time.perf_counter()
    with running_hub(n_students=3, n_instructors=1) as h:
        hub, cd = h.hub, h.cd
        instructor, students = h.instructors[0], h.students
        plans = dict(zip(students, ("solution", "buggy:linear_backward", "blank")))
        expected = {students[0]: 12.0, students[1]: 10.0, students[2]: 0.0}
        course = _Course(cd.course_root)

        itoken = hub.token_for(instructor)
        fg = Server(h.url, f"/services/{COURSE}", itoken)
        for step in ("assign", "release"):
            out = fg.json("POST", f"/formgrader/api/assignment/{A}/{step}")
            assert out.get("success"), (step, out)

        tokens = {s: hub.token_for(s) for s in students}
        servers = {s: Server(h.url, f"/user/{s}", tokens[s]) for s in students}
        for s in students:  # the three servers start together, as a class arriving
            hub.request_server(s)
        for s in students:
            hub.start_server(s, requested=True)
        for s in students:
            srv = servers[s]
            listed = srv.json("GET", f"/assignments?course_id={COURSE}")
            assert listed["success"] and [a["assignment_id"] for a in listed["value"]] == [A], listed
            srv.json("POST", "/assignments/fetch", params={"course_id": COURSE, "assignment_id": A})
            nb = srv.read_notebook(f"{A}/{A}.ipynb")
            srv.write_notebook(f"{A}/{A}.ipynb", _answer(nb, course, plans[s]))
            sub = srv.json("POST", "/assignments/submit", params={"course_id": COURSE, "assignment_id": A})
            assert sub.get("success", True) is not False, sub

        out = fg.json("POST", f"/formgrader/api/assignment/{A}/collect")
        assert out.get("success"), out
        k = fg.kernel()
        try:
            res = k.execute("import subprocess, sys\n"
                            f"p = subprocess.run([sys.executable, '-m', 'autograder.cli', 'grade', '{A}', '--workers', '2'],"
                            " capture_output=True, text=True)\n"
                            "print('RC', p.returncode); print(p.stdout[-3000:]); print(p.stderr[-3000:])",
                            timeout=900)
        finally:
            k.close()
        assert "RC 0" in res["stdout"], res
        scores = {s["student"]: s["score"] for s in fg.json("GET", f"/formgrader/api/submissions/{A}")}
        assert scores == expected
        for step in ("generate_feedback", "release_feedback"):
            out = fg.json("POST", f"/formgrader/api/assignment/{A}/{step}")
            assert out.get("success"), (step, out)

        feedback = {}
        for s in students:
            srv = servers[s]
            srv.json("POST", "/assignments/fetch_feedback", params={"course_id": COURSE, "assignment_id": A})
            stamps = srv.json("GET", f"/api/contents/{A}/feedback")["content"]
            assert len(stamps) == 1, stamps
            html = srv.request("GET", f"/files/{A}/feedback/{stamps[0]['name']}/{A}.html").text
            feedback[s] = html
            assert f"{expected[s]:g}" in html or f"{expected[s]}" in html
        assert len(set(feedback.values())) == 3

        # --- what a student must not reach, over HTTP --------------------------------------
        s1, s2 = students[0], students[1]
        mine = servers[s1]
        assert mine.request("GET", f"/formgrader", ok=None).status_code == 404  # extension off
        page = mine.request("GET", "/lab", ok=None).text
        assert '"@jupyter/nbgrader:formgrader": true' in page.replace("\\", "") or \
            "@jupyter/nbgrader:formgrader" in json.dumps(page)  # disabled in the page config
        other = Server(h.url, f"/user/{s2}", tokens[s1])
        assert other.request("GET", "/api/contents", ok=None).status_code in (302, 403, 404)
        as_student_fg = Server(h.url, f"/services/{COURSE}", tokens[s1])
        assert as_student_fg.request("GET", "/formgrader/api/assignments", ok=None).status_code in (302, 403)
        assert as_student_fg.request("GET", "/api/contents", ok=None).status_code in (302, 403)

        # --- and on disk (as the Unix user) -------------------------------------------------
        home2 = cd.home(s2)
        assert _as_user(s1, "ls", str(home2)).returncode != 0
        assert _as_user(s1, "cat", str(home2 / A / f"{A}.ipynb")).returncode != 0
        assert _as_user(s1, "ls", str(cd.course)).returncode != 0
        assert _as_user(s1, "cat", str(cd.course_root / "gradebook.db")).returncode != 0
        assert _as_user(s1, "ls", str(cd.exchange / COURSE / "inbound")).returncode != 0
        assert _as_user(s1, "ls", str(cd.exchange / COURSE / "feedback")).returncode != 0
        assert _as_user(instructor, "ls", str(cd.course_root / "submitted")).returncode == 0
        for s in students:
            hub.stop_server(s)
    print(f"hub end to end (1 instructor, 3 students): {time.perf_counter() - started:.1f} s wall")
