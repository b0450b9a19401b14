"""Seeded golden datasets the Data Studio tests write and then check values against."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20251125
TRIAL_ROWS = 600
ARMS = ["Placebo", "Drug A", "Drug B"]


def clinical_trial(folder: Path, name: str = "trial.csv") -> pd.DataFrame:
    """A clinical-trial-like CSV: ids, enrollment dates (daily), arms, vitals with 5 % gaps."""
    rng = np.random.default_rng(SEED)
    n = TRIAL_ROWS
    df = pd.DataFrame({
        "patient_id": [f"P{i:05d}" for i in range(n)],
        "enrollment_date": pd.date_range("2024-01-01", periods=n, freq="D").strftime("%Y-%m-%d"),
        "treatment_arm": rng.choice(ARMS, n),
        "age": rng.integers(18, 90, n),
        "systolic_bp": rng.normal(130, 15, n).round(1),
        "adverse_event": rng.choice(["none", "mild", "moderate", "severe"], n,
                                    p=[0.7, 0.2, 0.07, 0.03]),
        "contact_email": [f"p{i}@example.org" for i in range(n)],
    })
    df.loc[rng.choice(n, n // 20, replace=False), "systolic_bp"] = np.nan
    folder.mkdir(parents=True, exist_ok=True)
    df.to_csv(folder / name, index=False)
    return df


def orders_and_customers(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """customers.csv (unique customer_id) and orders.tsv referencing 80 of its 100 ids."""
    rng = np.random.default_rng(SEED + 1)
    customers = pd.DataFrame({
        "customer_id": np.arange(1000, 1100),
        "region": rng.choice(["North", "South", "East", "West"], 100),
    })
    orders = pd.DataFrame({
        "order_id": np.arange(1, 501),
        "customer_id": rng.choice(np.arange(1000, 1080), 500),
        "amount": rng.gamma(2.0, 50.0, 500).round(2),
    })
    folder.mkdir(parents=True, exist_ok=True)
    customers.to_csv(folder / "customers.csv", index=False)
    orders.to_csv(folder / "orders.tsv", index=False, sep="\t")
    return customers, orders


def workbook(folder: Path) -> dict[str, pd.DataFrame]:
    """book.xlsx with two sheets of different shapes."""
    rng = np.random.default_rng(SEED + 2)
    sheets = {
        "Staff": pd.DataFrame({"employee": [f"E{i}" for i in range(40)],
                               "department": rng.choice(["Eng", "Ops"], 40),
                               "salary": rng.integers(40_000, 120_000, 40)}),
        "Budget": pd.DataFrame({"year": [2021, 2022, 2023], "budget": [1.5, 2.0, 2.5]}),
    }
    folder.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(folder / "book.xlsx") as writer:
        for name, df in sheets.items():
            df.to_excel(writer, sheet_name=name, index=False)
    return sheets


def nested_json(folder: Path) -> list[dict[str, object]]:
    """events.json: {"events": [{"id", "user": {"name", "geo": {"lat", "lon"}}, "tags": [...]}]}."""
    rng = np.random.default_rng(SEED + 3)
    events = [
        {"id": i, "user": {"name": f"u{i % 7}", "geo": {"lat": round(float(rng.uniform(-60, 60)), 4),
                                                         "lon": round(float(rng.uniform(-170, 170)), 4)}},
         "tags": ["a", "b"][: i % 3]}
        for i in range(50)
    ]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "events.json").write_text(json.dumps({"meta": {"v": 1}, "events": events}))
    return events


def parquet(folder: Path) -> pd.DataFrame:
    """metrics.parquet: a float measure with a known mean and a boolean flag."""
    rng = np.random.default_rng(SEED + 4)
    df = pd.DataFrame({"reading": rng.normal(10, 2, 300), "flag": rng.random(300) < 0.25})
    folder.mkdir(parents=True, exist_ok=True)
    df.to_parquet(folder / "metrics.parquet", index=False)
    return df
