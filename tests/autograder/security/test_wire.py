"""The pickle-free wire format: exact round trips, and strict refusal of everything else."""
import base64
import json
import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from autograder import wire

pytestmark = pytest.mark.timeout(120)

scalars = st.one_of(st.none(), st.booleans(), st.integers(-(2 ** 63), 2 ** 63 - 1),
                    st.floats(allow_nan=False), st.text(max_size=20))
arrays = st.one_of(
    st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=12).map(lambda v: np.array(v, dtype=np.float64)),
    st.lists(st.integers(-(2 ** 63), 2 ** 63 - 1), max_size=12).map(lambda v: np.array(v, dtype=np.int64)),
    st.lists(st.booleans(), max_size=12).map(lambda v: np.array(v, dtype=bool)),
)
values = st.recursive(st.one_of(scalars, arrays), lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.tuples(inner, inner),
    st.dictionaries(st.one_of(st.text(max_size=5), st.integers(-5, 5)), inner, max_size=4)), max_leaves=12)


def _same(a, b):
    if isinstance(a, np.ndarray):
        return (type(b) is np.ndarray and a.dtype == b.dtype and a.shape == b.shape
                and np.array_equal(a, b, equal_nan=a.dtype.kind == "f"))
    if type(a) is not type(b):
        return False
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return a == b


@settings(max_examples=200, deadline=None)
@given(values)
def test_round_trip_is_exact(v):
    assert _same(v, wire.decode(wire.encode(v)))


def test_shapes_and_special_floats():
    a = np.arange(24, dtype=np.float64).reshape(2, 3, 4)
    a[0, 0, 0] = np.nan
    a[1, 2, 3] = -np.inf
    out = wire.decode(wire.encode((a, np.zeros((0, 3)), float("inf"), -0.0)))
    assert out[0].shape == (2, 3, 4) and np.isnan(out[0][0, 0, 0]) and out[0][1, 2, 3] == -np.inf
    assert out[1].shape == (0, 3) and out[2] == math.inf and math.copysign(1, out[3]) == -1
    assert out[0].flags.writeable


class Sub(np.ndarray):
    pass


class MyFloat(float):
    pass


@pytest.mark.parametrize("bad", [np.zeros(3, dtype=np.float32), np.zeros(2, dtype=object),
                                 np.zeros(3).view(Sub), MyFloat(1.0), {1.5: 2}, object(), b"bytes",
                                 2 ** 70, np.float64(1.0), {1, 2}])
def test_encoder_refuses_non_plain_data(bad):
    with pytest.raises(wire.WireError):
        wire.encode(bad)


def _arr(dtype, shape, raw):
    return json.dumps({"a": [dtype, shape, base64.b64encode(raw).decode()]}).encode()


@pytest.mark.parametrize("msg", [
    b'{"__reduce__": 1}', b'{"t": [1], "d": []}', b'{"x": 1}', b'{"f": "1e400"}',
    _arr("float32", [2], b"\0" * 8), _arr("object", [1], b"\0" * 8), _arr("float64", [3], b"\0" * 16),
    _arr("float64", [-1], b""), _arr("float64", [2 ** 40, 2 ** 40], b""), b"NaN", b'[1, Infinity]',
    b"\xff\xfe", b"not json", b"[" * 100000, b'{"d": [[1.5, 2]]}', b'{"a": ["float64", [1], 5]}',
    b"1" * 30,
])
def test_decoder_refuses_malformed_messages(msg):
    with pytest.raises(wire.WireError):
        wire.decode(msg)


def test_decoder_size_cap():
    big = wire.encode(np.zeros(1000))
    with pytest.raises(wire.WireError):
        wire.decode(big, max_bytes=100)
    assert wire.decode(big).shape == (1000,)
