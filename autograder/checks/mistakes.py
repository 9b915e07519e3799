"""Diagnosis by matching: name the mistake a wrong answer makes, or say nothing.

Each assignment declares, next to its checks, a catalogue of the mistakes students make in each
graded function (``solutions/<A>/mistakes.py``, see ARCHITECTURE.md, Assignments): a
:class:`Mistake` computes the WRONG answer from the trusted forward pass and reference on the
inputs of a case, and carries a hint in the notebook's notation (what to change, never the
solution). A check's ``judge`` hands every case's answer to :func:`diagnose`, which names a
mistake only when

* the student's outputs match that mistake's outputs on EVERY case, to a tight tolerance
  (:data:`RTOL`, NaN/inf at the same places), and
* the mistake differs from the reference on at least one case (a mistake that coincides with the
  right answer everywhere decides nothing), and
* no mistake of another family matches as well.

Otherwise the message stays with the facts (output, case, error). Because the diagnosis comes
from the judge, the notebook's self-check (:mod:`autograder.checks.inkernel`) and the grader's
feedback show the same hint.

Some mistakes are not a value but a property of the answers: a float32 result
(``detect=dtype_detector()``), an input modified in place (``detect=mutation_detector()``), an
overflow (:func:`overflow_detector`: right wherever finite, NaN/inf where the reference is
finite), two runs with the same seed that disagree. Those use ``detect(calls, answers,
reference) -> bool`` instead of ``wrong``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

__all__ = ["Answer", "Mistake", "RTOL", "same", "diagnose", "hint_message", "dtype_detector",
           "mutation_detector", "overflow_detector", "HINT_PREFIX"]

#: Relative tolerance of a match between a student's output and a mistake's output (relative to
#: the larger magnitude of the two arrays): tight, so a different bug does not match by accident.
RTOL = 1e-6
#: Absolute floor of a match, relative to the largest output of the case (an output that is 0 in
#: exact arithmetic, e.g. db = Σ ± C, comes out as ±1e-17 depending on the order of the sum).
FLOOR = 1e-9
#: A mistake must differ from the reference by more than this (relative) on some case.
DIFFER_RTOL = 1e-4
#: The start of every catalogue hint in a message (``autograder report`` and the benchmark count them).
HINT_PREFIX = "Likely bug"


@dataclass
class Answer:
    """What a student's function returned on one case, as the matcher sees it.

    ``outputs``: ``{name: float64 array or float}`` (``None`` when there is nothing to compare:
    an exception, a limit hit, a wrong return structure); ``dtypes``: the non-float64 dtypes of
    the raw return value (:func:`autograder.checks.base.dtype_report`); ``mutated``: whether an
    input array was changed in place; ``error``: the one-line error of a call that raised.
    """

    outputs: dict | None
    dtypes: dict = field(default_factory=dict)
    mutated: bool = False
    error: str = ""


@dataclass(frozen=True)
class Mistake:
    """One mistake of the catalogue of a graded function.

    Attributes
    ----------
    key : str
        Short stable name (``autograder report`` counts by it), e.g. ``"no-upstream"``.
    hint : str
        What to change, in the notebook's notation.
    wrong : callable, optional
        ``wrong(call) -> {name: output}`` or a list of such dicts (alternatives that are all this
        mistake, e.g. both conventions at a kink): the outputs the mistake gives on ``call``,
        computed from the trusted forward/reference. Names missing from the dict are not
        compared.
    detect : callable, optional
        ``detect(calls, answers, reference) -> bool`` for mistakes that are a property of the
        answers (dtype, mutation, overflow, reproducibility) rather than values.
    family : str
        Mistakes of one family are the same lesson; when several of one family match, the first
        one's hint is shown. Defaults to ``key``.
    """

    key: str
    hint: str
    wrong: Callable | None = None
    detect: Callable | None = None
    family: str = ""

    @property
    def group(self) -> str:
        return self.family or self.key


def _arr(v):
    return np.asarray(v, dtype=np.float64)


def same(a, b, rtol: float = RTOL, atol: float = 0.0) -> bool:
    """Whether two outputs agree: same shape, NaN/±inf at the same places with the same values,
    finite entries within ``rtol`` of the larger magnitude of the two arrays (or within ``atol``)."""
    try:
        a, b = _arr(a), _arr(b)
    except (TypeError, ValueError):
        return False
    if a.shape != b.shape:
        return False
    fa, fb = np.isfinite(a), np.isfinite(b)
    if not np.array_equal(fa, fb):
        return False
    if not np.array_equal(np.where(fa, 0.0, a), np.where(fb, 0.0, b), equal_nan=True):
        return False
    if not fa.any():
        return True
    a, b = a[fa], b[fb]
    scale = max(float(np.abs(a).max()), float(np.abs(b).max()))
    if scale == 0.0:
        return True
    return float(np.abs(a - b).max()) <= max(rtol * scale, atol)


def _magnitude(outputs: dict) -> float:
    m = 0.0
    for v in outputs.values():
        try:
            a = _arr(v)
        except (TypeError, ValueError):
            continue
        a = a[np.isfinite(a)]
        if a.size:
            m = max(m, float(np.abs(a).max()))
    return m


def _alternatives(outs):
    return outs if isinstance(outs, (list, tuple)) else [outs]


def _agree(student: dict, wrong: dict, rtol: float) -> bool:
    atol = FLOOR * _magnitude(wrong)
    return all(name in student and same(student[name], v, rtol, atol) for name, v in wrong.items())


def matches(mistake: Mistake, calls, answers, reference) -> bool:
    """Whether ``mistake`` explains ``answers`` (see the module docstring)."""
    if mistake.detect is not None:
        try:
            return bool(mistake.detect(calls, answers, reference))
        except Exception:
            return False
    if not calls or any(a is None or a.outputs is None for a in answers):
        return False
    differs = False
    for call, ans in zip(calls, answers):
        try:
            alts = [dict(w) for w in _alternatives(mistake.wrong(call))]
            ref = reference(call)
        except Exception:
            return False
        hit = [w for w in alts if _agree(ans.outputs, w, RTOL)]
        if not hit:
            return False
        if any(not _agree({k: ref[k] for k in w if k in ref}, w, DIFFER_RTOL) or not set(w) <= set(ref)
               for w in hit):
            differs = True
    return differs


def diagnose(mistakes, calls, answers, reference) -> Mistake | None:
    """The one mistake (family) of ``mistakes`` that explains every answer, or ``None``.

    Parameters
    ----------
    mistakes : sequence of Mistake
    calls : list of Call
        The cases judged.
    answers : list of Answer
        One per call.
    reference : callable
        ``reference(call) -> {name: output}``, the right outputs (closed forms) of a case.
    """
    if len(answers) < len(calls):
        return None
    hits = [m for m in mistakes if matches(m, calls, answers, reference)]
    groups = list(dict.fromkeys(m.group for m in hits))
    if len(groups) != 1:
        return None
    # one family: the one value-matched mistake names the formula; when several of the family
    # match (they coincide on these cases), its general statement (a ``detect`` one) if any
    valued = [m for m in hits if m.wrong is not None]
    if len(valued) == 1:
        return valued[0]
    general = [m for m in hits if m.detect is not None]
    return general[0] if general else hits[0]


def hint_message(mistake: Mistake, n_cases: int) -> str:
    """The student-facing line of a diagnosis."""
    return f"{HINT_PREFIX} (your answers match it in all {n_cases} cases): {mistake.hint}"


def dtype_detector(kinds=("float32", "float16")):
    """``detect`` of a low-precision mistake: every answer holds an output of one of ``kinds``."""
    def detect(calls, answers, reference):
        return bool(answers) and all(a is not None and any(d in kinds for d in a.dtypes.values()) for a in answers)
    return detect


def mutation_detector():
    """``detect`` of an in-place update: some answer changed an input array."""
    def detect(calls, answers, reference):
        return any(a is not None and a.mutated for a in answers)
    return detect


def overflow_detector():
    """``detect`` of an unstable formula: every answer equals the reference wherever the answer is
    finite, and some answer is NaN/inf where the reference is finite (an exponent that overflows,
    a log of an underflowed 0), whatever the exact formula."""
    def detect(calls, answers, reference):
        if not calls or any(a is None or a.outputs is None for a in answers):
            return False
        blown = False
        for call, ans in zip(calls, answers):
            ref = reference(call)
            for name, r in ref.items():
                if name not in ans.outputs:
                    return False
                a, r = _arr(ans.outputs[name]), _arr(r)
                if a.shape != r.shape:
                    return False
                bad = ~np.isfinite(a) & np.isfinite(r)
                blown = blown or bool(bad.any())
                ok = np.isfinite(a) & np.isfinite(r)
                if ok.any() and not same(a[ok], r[ok], RTOL, FLOOR * _magnitude(ref)):
                    return False
                if (np.isfinite(a) & ~np.isfinite(r)).any():
                    return False
        return blown
    return detect
