"""Arrow to NumPy without pandas."""

from __future__ import annotations

import numpy as np
import pyarrow as pa


def as_numpy(arr: pa.Array) -> np.ndarray:
    """A NumPy view of a primitive Arrow array without nulls (a copy otherwise).

    ``Array.to_numpy`` imports pandas on first use (a third of a second in a fresh
    process); a primitive array's value buffer can be viewed directly instead.
    """
    typ = arr.type
    if arr.null_count == 0 and (pa.types.is_integer(typ) or pa.types.is_floating(typ)):
        code = "f" if pa.types.is_floating(typ) else "i" if pa.types.is_signed_integer(typ) else "u"
        dtype = np.dtype(f"{code}{typ.bit_width // 8}")
        return np.frombuffer(arr.buffers()[1], dtype=dtype, count=len(arr), offset=arr.offset * dtype.itemsize)
    copied: np.ndarray = arr.to_numpy(zero_copy_only=False)
    return copied

