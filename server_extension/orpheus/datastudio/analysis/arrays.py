"""Arrow to NumPy and back without pandas.

``Array.to_numpy`` and ``pa.array(ndarray)`` both import pandas on first use
(a third of a second of CPU in a fresh process, most of it for nothing): a
primitive array's value buffer is viewed directly instead, and a NumPy array
becomes an Arrow array over the same memory.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def as_numpy(arr: pa.Array) -> np.ndarray:
    """A NumPy view of a primitive Arrow array without nulls (a copy otherwise)."""
    typ = arr.type
    if arr.null_count == 0 and (pa.types.is_integer(typ) or pa.types.is_floating(typ)):
        code = "f" if pa.types.is_floating(typ) else "i" if pa.types.is_signed_integer(typ) else "u"
        dtype = np.dtype(f"{code}{typ.bit_width // 8}")
        return np.frombuffer(arr.buffers()[1], dtype=dtype, count=len(arr), offset=arr.offset * dtype.itemsize)
    copied: np.ndarray = arr.to_numpy(zero_copy_only=False)
    return copied


def from_numpy(values: np.ndarray, typ: pa.DataType | None = None) -> pa.Array:
    """An Arrow array (no nulls) over a 1-d NumPy array of numbers, sharing its memory.

    ``typ`` reinterprets the buffer (``int64`` data as ``timestamp``); by default
    the Arrow type of the NumPy dtype.
    """
    data = np.ascontiguousarray(values)
    arrow_type = typ if typ is not None else pa.from_numpy_dtype(data.dtype)
    return pa.Array.from_buffers(arrow_type, len(data), [None, pa.py_buffer(data)])

# An Arrow scalar built from NumPy: ``pa.scalar(86400)`` (or a plain int argument) imports pandas.
_DAY = from_numpy(np.array([86400], dtype=np.int64))[0]


def as_timestamps(arr: pa.Array) -> pa.Array:
    """Dates as ``timestamp[s]``.

    ``date32`` goes through its day numbers (days x 86400 cannot overflow):
    Arrow's cast checks every slot for overflow, and when null slots hold
    arbitrary bytes (as the CSV reader leaves them) that check takes a slow
    path, sixty times slower.
    """
    if pa.types.is_date32(arr.type):
        days = arr.view(pa.int32()).cast(pa.int64())
        return pc.multiply(days, _DAY).view(pa.timestamp("s"))
    return arr.cast(pa.timestamp("s"))


class Filling:
    """A 1-d NumPy array filled batch by batch, so a column's values need no concatenating copy.

    The buffer is made once for the expected count (capacity never written
    costs no memory) and grows by half when the estimate was short.
    """

    def __init__(self, expected: int) -> None:
        self.expected = expected
        self.buffer: np.ndarray | None = None
        self.size = 0

    def append(self, values: np.ndarray) -> None:
        """Copy ``values`` in after the ones already held."""
        end = self.size + len(values)
        if self.buffer is None or end > len(self.buffer):
            grown = np.empty(max(end, self.expected, self.size * 3 // 2), dtype=values.dtype)
            if self.buffer is not None:
                grown[: self.size] = self.buffer[: self.size]
            self.buffer = grown
        self.buffer[self.size : end] = values
        self.size = end

    def values(self) -> np.ndarray:
        """The values held, as a view of the buffer."""
        return self.buffer[: self.size] if self.buffer is not None else np.zeros(0)
