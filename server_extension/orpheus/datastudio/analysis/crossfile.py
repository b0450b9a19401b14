"""Cross-file insights: shared columns and candidate join keys by value overlap."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

KEY_NAME = re.compile(r"(^|[_\s.-])(id|key|code|number|no)$|^id[_\s.-]|_id|uuid", re.I)
MIN_OVERLAP = 0.5
ValuesOf = Callable[[str, str], "pa.Array | None"]


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def shared_columns(tables: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Columns (by normalized name) that appear in more than one table."""
    seen: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for t in tables:
        for col in t["column_profiles"]:
            key = _norm(col["name"])
            names.setdefault(key, col["name"])
            seen.setdefault(key, []).append(t["id"])
    return [{"column": names[k], "tables": ids} for k, ids in sorted(seen.items()) if len(ids) > 1]


def key_like(col: dict[str, Any]) -> bool:
    if col["physical_type"] not in ("integer", "string") or col["distinct"] < 2:
        return False
    return col["type"] == "identifier" or bool(KEY_NAME.search(col["name"]))


def _candidates(left: dict[str, Any], right: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    pairs = []
    for a in left["column_profiles"]:
        for b in right["column_profiles"]:
            if a["physical_type"] != b["physical_type"] or not (key_like(a) or key_like(b)):
                continue
            if _norm(a["name"]) == _norm(b["name"]) or (key_like(a) and key_like(b)):
                pairs.append((a, b))
    return pairs


def _cardinality(a: dict[str, Any], b: dict[str, Any]) -> str:
    left_unique, right_unique = a["unique"], b["unique"]
    if left_unique and right_unique:
        return "one-to-one"
    if left_unique:
        return "one-to-many"
    if right_unique:
        return "many-to-one"
    return "many-to-many"


def join_keys(tables: list[dict[str, Any]], values_of: ValuesOf) -> list[dict[str, Any]]:
    """Column pairs whose distinct values overlap (share of the smaller side's values)."""
    found: list[dict[str, Any]] = []
    for left, right in itertools.combinations(tables, 2):
        for a, b in _candidates(left, right):
            va, vb = values_of(left["id"], a["name"]), values_of(right["id"], b["name"])
            if va is None or vb is None or not len(va) or not len(vb):
                continue
            matched = int(pc.sum(pc.is_in(va, value_set=vb)).as_py() or 0)
            ratio = matched / min(len(va), len(vb))
            same = _norm(a["name"]) == _norm(b["name"])
            if ratio < MIN_OVERLAP and not (same and matched):
                continue
            found.append({
                "left": {"table": left["id"], "column": a["name"], "distinct": len(va)},
                "right": {"table": right["id"], "column": b["name"], "distinct": len(vb)},
                "matched_values": matched, "overlap_ratio": round(ratio, 6),
                "cardinality": _cardinality(a, b), "same_name": same,
            })
    found.sort(key=lambda j: (-float(j["overlap_ratio"]), not j["same_name"]))
    return found


def cross_file_insights(tables: list[dict[str, Any]], values_of: ValuesOf) -> dict[str, Any]:
    """The ``cross_file_insights`` section of the metadata, with plain sentences."""
    ok = [t for t in tables if t.get("status") == "ok"]
    shared = shared_columns(ok)
    keys = join_keys(ok, values_of) if len(ok) > 1 else []
    sentences = [
        f"{k['left']['table']}.{k['left']['column']} joins {k['right']['table']}."
        f"{k['right']['column']} ({k['overlap_ratio']:.0%} of values match, {k['cardinality']})."
        for k in keys[:10]
    ]
    return {"shared_columns": shared, "join_keys": keys, "insights": sentences}
