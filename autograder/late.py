"""Late work: a penalty of so many points per day late, capped — as an nbgrader plugin.

:class:`PointsOffPerDay` is an nbgrader ``LateSubmissionPlugin``: the course's
``nbgrader_config.py`` names it as ``c.AssignLatePenalties.plugin_class``, so stock
``nbgrader autograde`` applies it, and ``autograder grade`` applies the very same plugin with
the same configuration (:func:`apply_late_penalty`) into the gradebook's
``late_submission_penalty`` of the submitted notebook. ``nbgrader export``, ``autograder export``,
``report`` and the feedback subtract it.

Lateness is nbgrader's: the submission's ``timestamp.txt`` against the assignment's due date
in the gradebook (``autograder duedate A 2026-12-01T23:59`` or
``nbgrader db assignment add A --duedate=...``), plus a student's extension if one is set.

Off by default: ``points_per_day = 0`` means no penalty (then nbgrader's own
``penalty_method``, "none" by default, applies), as with stock nbgrader.
"""
from __future__ import annotations

import math

from nbgrader.plugins import LateSubmissionPlugin
from traitlets import Float

__all__ = ["PointsOffPerDay", "late_plugin", "apply_late_penalty", "SECONDS_PER_DAY"]

SECONDS_PER_DAY = 86400.0


class PointsOffPerDay(LateSubmissionPlugin):
    """``points_per_day`` × (days late, every started day counts), at most ``max_penalty`` points
    and never more than the score."""

    points_per_day = Float(0.0, help="Points taken off per started day late (0: no penalty).").tag(config=True)
    max_penalty = Float(None, allow_none=True,
                        help="The most points a late submission loses (None: no cap but the score).").tag(config=True)

    def late_submission_penalty(self, student_id: str, score: float, total_seconds_late: float):
        """The penalty in points, or None (no penalty).

        Parameters
        ----------
        student_id : str
        score : float
            The notebook's score before the penalty.
        total_seconds_late : float
            Seconds past the due date (nbgrader's ``SubmittedAssignment.total_seconds_late``).
        """
        if self.points_per_day < 0:
            raise ValueError(f"PointsOffPerDay.points_per_day: expected >= 0, got {self.points_per_day}")
        if self.max_penalty is not None and self.max_penalty < 0:
            raise ValueError(f"PointsOffPerDay.max_penalty: expected >= 0 or None, got {self.max_penalty}")
        if self.points_per_day == 0:
            return super().late_submission_penalty(student_id, score, total_seconds_late)
        if total_seconds_late <= 0:
            return None
        days = math.ceil(total_seconds_late / SECONDS_PER_DAY)
        penalty = days * self.points_per_day
        if self.max_penalty is not None:
            penalty = min(penalty, self.max_penalty)
        return max(0.0, min(penalty, score or 0.0))


def late_plugin(config):
    """nbgrader's ``AssignLatePenalties`` preprocessor of ``config`` with its plugin instance (the
    class ``c.AssignLatePenalties.plugin_class`` names, configured as stock autograde configures it)."""
    from nbgrader.preprocessors import AssignLatePenalties

    pre = AssignLatePenalties(config=config)
    pre.init_plugin()
    return pre


def apply_late_penalty(gb, pre, assignment: str, notebook_id: str, student: str) -> float | None:
    """Set the submitted notebook's ``late_submission_penalty`` as ``nbgrader autograde`` does
    (reset, then the plugin's penalty if the submission is late, clamped to [0, score]);
    returns it. The caller commits."""
    sub = gb.find_submission(assignment, student)
    snb = gb.find_submission_notebook(notebook_id, assignment, student)
    snb.late_submission_penalty = None
    if sub.total_seconds_late > 0:
        penalty = pre.plugin_inst.late_submission_penalty(student, snb.score, sub.total_seconds_late)
        if penalty is not None:
            snb.late_submission_penalty = pre._check_late_penalty(snb, penalty)
    return snb.late_submission_penalty
