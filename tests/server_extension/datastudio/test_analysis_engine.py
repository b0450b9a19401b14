"""The analysis engine as a library: golden seeded datasets, bad inputs, incremental, locking."""

from __future__ import annotations

import json
import os
import threading
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import jsonschema
import numpy as np
import pandas as pd
import pytest

from orpheus.datastudio import schemas
from orpheus.datastudio.analysis.engine import Options, analyze_folder, analyze_paths

from . import datasets


def validate(metadata: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator(schemas.load("analysis")).validate(metadata)


def table(metadata: dict[str, Any], table_id: str) -> dict[str, Any]:
    return next(t for t in metadata["files"] if t["id"] == table_id)


def column(entry: dict[str, Any], name: str) -> dict[str, Any]:
    return next(c for c in entry["column_profiles"] if c["name"] == name)


def test_clinical_trial_values(tmp_path: Path) -> None:
    df = datasets.clinical_trial(tmp_path / "p" / "data")
    meta = analyze_folder(tmp_path / "p")
    validate(meta)
    assert meta["summary"]["domain_detected"] == "healthcare"
    assert meta["summary"]["domain_confidence"] >= 0.6
    assert "temporal" in meta["summary"]["themes"]
    t = table(meta, "trial.csv")
    assert (t["rows"], t["columns"], t["sampled"]) == (datasets.TRIAL_ROWS, 7, False)

    enrolled = column(t, "enrollment_date")
    assert enrolled["type"] == "datetime"
    last = date(2024, 1, 1) + timedelta(days=datasets.TRIAL_ROWS - 1)
    assert enrolled["datetime"]["min"] == "2024-01-01"
    assert enrolled["datetime"]["max"] == last.isoformat()
    assert enrolled["datetime"]["frequency"] == "daily"

    bp = column(t, "systolic_bp")
    assert bp["type"] == "float"
    assert bp["missing"] == int(df["systolic_bp"].isna().sum()) == datasets.TRIAL_ROWS // 20
    assert bp["stats"]["mean"] == pytest.approx(df["systolic_bp"].mean(), abs=1e-5)
    assert bp["stats"]["std"] == pytest.approx(df["systolic_bp"].std(), abs=1e-5)
    for key, q in (("p25", 0.25), ("p50", 0.5), ("p95", 0.95)):
        assert bp["stats"]["quantiles"][key] == pytest.approx(df["systolic_bp"].quantile(q), abs=1e-6)
    assert sum(bp["histogram"]["counts"]) == df["systolic_bp"].notna().sum()
    q1, q3 = df["systolic_bp"].quantile([0.25, 0.75])
    fence = 1.5 * (q3 - q1)
    expected = int(((df["systolic_bp"] < q1 - fence) | (df["systolic_bp"] > q3 + fence)).sum())
    assert bp["outliers"]["count"] == expected

    age = column(t, "age")
    assert (age["type"], age["stats"]["min"], age["stats"]["max"]) == (
        "integer", int(df["age"].min()), int(df["age"].max()))
    arm = column(t, "treatment_arm")
    assert arm["type"] == "categorical"
    assert arm["distinct"] == 3
    counts = df["treatment_arm"].value_counts()
    assert {v["value"]: v["count"] for v in arm["top_values"]} == counts.to_dict()
    assert column(t, "patient_id")["type"] == "identifier"
    assert column(t, "patient_id")["semantic_type"] == "id"
    assert column(t, "contact_email")["semantic_type"] == "email"
    assert any("enrollment_date" in s and "daily" in s for s in t["insights"])


def test_join_key_found_with_overlap(tmp_path: Path) -> None:
    customers, orders = datasets.orders_and_customers(tmp_path / "p" / "data")
    meta = analyze_folder(tmp_path / "p")
    validate(meta)
    orders_entry = table(meta, "orders.tsv")
    assert orders_entry["delimiter"] == "\t"
    key = next(k for k in meta["cross_file_insights"]["join_keys"]
               if {k["left"]["column"], k["right"]["column"]} == {"customer_id"})
    assert key["left"] == {"table": "customers.csv", "column": "customer_id", "distinct": 100}
    used = orders["customer_id"].nunique()
    assert key["right"]["distinct"] == used
    assert key["matched_values"] == used
    assert key["overlap_ratio"] == 1.0
    assert key["cardinality"] == "one-to-many"
    shared = meta["cross_file_insights"]["shared_columns"]
    assert {"column": "customer_id", "tables": ["customers.csv", "orders.tsv"]} in shared


def test_excel_json_parquet(tmp_path: Path) -> None:
    data = tmp_path / "p" / "data"
    sheets = datasets.workbook(data)
    events = datasets.nested_json(data)
    metrics = datasets.parquet(data)
    meta = analyze_folder(tmp_path / "p")
    validate(meta)
    staff, budget = table(meta, "book.xlsx#Staff"), table(meta, "book.xlsx#Budget")
    assert (staff["rows"], budget["rows"]) == (40, 3)
    assert column(staff, "salary")["stats"]["mean"] == pytest.approx(sheets["Staff"]["salary"].mean())
    assert column(budget, "budget")["stats"]["sum"] == pytest.approx(6.0)

    ev = table(meta, "events.json")
    assert ev["rows"] == len(events)
    lat = column(ev, "user.geo.lat")
    assert lat["semantic_type"] == "latitude"
    assert lat["stats"]["min"] == pytest.approx(min(e["user"]["geo"]["lat"] for e in events))
    assert column(ev, "user.name")["distinct"] == 7

    m = table(meta, "metrics.parquet")
    assert m["format"] == "parquet"
    assert m["rows"] == 300
    assert column(m, "reading")["stats"]["mean"] == pytest.approx(metrics["reading"].mean(), abs=1e-6)
    flag = column(m, "flag")
    assert flag["type"] == "boolean"
    assert {v["value"]: v["count"] for v in flag["top_values"]}[True] == int(metrics["flag"].sum())
    assert meta["summary"]["total_rows"] == 40 + 3 + 50 + 300
    assert meta["summary"]["total_files"] == 3


def _bad_inputs(data: Path) -> dict[str, str]:
    """file name -> a word the error reason must contain."""
    data.mkdir(parents=True, exist_ok=True)
    (data / "empty.csv").write_bytes(b"")
    (data / "header_only.csv").write_text("a,b,c\n")
    (data / "binary.csv").write_bytes(b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 8)
    (data / "corrupt.xlsx").write_bytes(b"PK\x03\x04" + os.urandom(2048))
    (data / "invalid.json").write_text('{"rows": [1, 2,, 3]}')
    (data / "wide.csv").write_text(",".join(f"c{i}" for i in range(10_000)) + "\n" + ",".join("1" * 10_000) + "\n")
    (data / "mixed.csv").write_bytes("name,city\nJosé,Zürich\n".encode() + "Renée,Málaga\n".encode("latin-1"))
    return {"empty.csv": "empty", "header_only.csv": "no data rows", "binary.csv": "binary",
            "corrupt.xlsx": "Excel", "invalid.json": "invalid JSON", "wide.csv": "10000 columns",
            "mixed.csv": "mixes text encodings"}


def test_bad_inputs_give_error_entries_and_others_still_analyse(tmp_path: Path) -> None:
    data = tmp_path / "p" / "data"
    expected = _bad_inputs(data)
    datasets.clinical_trial(data)
    meta = analyze_folder(tmp_path / "p")
    validate(meta)
    errors = {t["file"]: t["error"] for t in meta["files"] if t["status"] == "error"}
    assert set(errors) == set(expected)
    for name, word in expected.items():
        assert word in errors[name], (name, errors[name])
        assert str(tmp_path) not in errors[name]
    assert table(meta, "trial.csv")["status"] == "ok"
    assert meta["summary"]["files_failed"] == len(expected)


def test_links_out_of_the_data_folder_are_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.csv"
    secret.write_text("password\nhunter2\n")
    data = tmp_path / "p" / "data"
    datasets.orders_and_customers(data)
    (data / "leak.csv").symlink_to(secret)
    meta = analyze_folder(tmp_path / "p")
    validate(meta)
    leak = table(meta, "leak.csv")
    assert leak["status"] == "error"
    assert "outside the project's data folder" in leak["error"]
    assert "hunter2" not in json.dumps(meta)


def test_unchanged_files_are_reused(tmp_path: Path) -> None:
    data = tmp_path / "p" / "data"
    datasets.orders_and_customers(data)
    first = analyze_folder(tmp_path / "p")
    assert not any(t["cached"] for t in first["files"])
    second = analyze_folder(tmp_path / "p")
    assert all(t["cached"] for t in second["files"])
    assert second["cross_file_insights"]["join_keys"] == first["cross_file_insights"]["join_keys"]
    with (data / "customers.csv").open("a") as f:
        f.write("2000,North\n")
    third = analyze_folder(tmp_path / "p")
    cached = {t["file"]: t["cached"] for t in third["files"]}
    assert cached == {"customers.csv": False, "orders.tsv": True}
    assert table(third, "customers.csv")["rows"] == 101


def test_concurrent_runs_do_not_corrupt_metadata(tmp_path: Path) -> None:
    datasets.clinical_trial(tmp_path / "p" / "data")
    datasets.orders_and_customers(tmp_path / "p" / "data")
    failures: list[BaseException] = []

    def run() -> None:
        try:
            analyze_folder(tmp_path / "p")
        except BaseException as e:
            failures.append(e)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures
    meta = json.loads((tmp_path / "p" / ".analysis" / "metadata.json").read_text())
    validate(meta)
    assert meta["summary"]["total_files"] == 3
    assert not list((tmp_path / "p" / ".analysis").glob("*.tmp"))


def test_separate_mode_writes_per_file_json(tmp_path: Path) -> None:
    datasets.orders_and_customers(tmp_path / "p" / "data")
    meta = analyze_folder(tmp_path / "p", Options(mode="separate"))
    validate(meta)
    assert meta["cross_file_insights"]["join_keys"] == []
    files = tmp_path / "p" / ".analysis" / "files"
    assert sorted(p.name for p in files.iterdir()) == ["customers.csv.json", "orders.tsv.json"]
    one = json.loads((files / "orders.tsv.json").read_text())
    assert one["summary"]["total_rows"] == 500
    assert one["tables"][0]["column_profiles"][2]["name"] == "amount"


def test_analyze_paths_cli_style(tmp_path: Path) -> None:
    df = datasets.parquet(tmp_path / "in")
    meta = analyze_paths([tmp_path / "in" / "metrics.parquet"], tmp_path / "out")
    validate(meta)
    assert (tmp_path / "out" / "metadata.json").is_file()
    assert meta["files"][0]["rows"] == len(df)
    assert np.isclose(meta["files"][0]["column_profiles"][0]["stats"]["max"], df["reading"].max())


def test_low_cardinality_numbers_match_pandas(tmp_path: Path) -> None:
    """Numbers with few distinct values take the per-batch counting path; results stay exact."""
    rng = np.random.default_rng(datasets.SEED + 9)
    n = 20_000
    df = pd.DataFrame({"rating": rng.integers(1, 6, n),
                       "dose_mg": rng.choice([2.5, 5.0, 10.0], n),
                       "visit_day": pd.to_datetime("2024-03-01")
                       + pd.to_timedelta(rng.integers(0, 7, n), unit="D")})
    df.loc[rng.choice(n, 500, replace=False), "dose_mg"] = np.nan
    (tmp_path / "p" / "data").mkdir(parents=True)
    df.to_csv(tmp_path / "p" / "data" / "doses.csv", index=False)
    meta = analyze_folder(tmp_path / "p", Options(block_size=64 << 10))  # many small blocks
    validate(meta)
    t = table(meta, "doses.csv")
    for name in ("rating", "dose_mg"):
        col, series = column(t, name), df[name]
        assert col["missing"] == int(series.isna().sum())
        assert col["distinct"] == series.nunique()
        assert col["stats"]["mean"] == pytest.approx(series.mean(), abs=1e-6)
        assert col["stats"]["std"] == pytest.approx(series.std(), abs=1e-6)
        assert col["stats"]["quantiles"]["p50"] == pytest.approx(series.median())
        counts = series.value_counts()
        assert {v["value"]: v["count"] for v in col["top_values"]} == counts.to_dict()
    day = column(t, "visit_day")
    assert day["datetime"]["min"] == "2024-03-01"
    assert day["datetime"]["max"] == "2024-03-07"
    assert day["datetime"]["frequency"] == "daily"


def test_semicolon_latin1_csv_with_decimal_commas(tmp_path: Path) -> None:
    data = tmp_path / "p" / "data"
    data.mkdir(parents=True)
    rows = "".join(f"Zürich;{i},5;café\n" for i in range(50))
    (data / "eu.csv").write_bytes(("stadt;wert;notiz\n" + rows).encode("latin-1"))
    meta = analyze_folder(tmp_path / "p")
    validate(meta)
    t = table(meta, "eu.csv")
    assert t["delimiter"] == ";"
    assert t["encoding"] != "utf-8"
    wert = column(t, "wert")
    assert wert["type"] == "float"
    assert wert["stats"]["min"] == 0.5
    assert wert["stats"]["max"] == 49.5
    assert column(t, "stadt")["top_values"][0]["value"] == "Zürich"
