"""Themes and the business domain of a data set, from column names and values."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

DOMAINS: dict[str, set[str]] = {
    "healthcare": {
        "patient", "diagnosis", "treatment", "dose", "dosage", "trial", "adverse", "arm",
        "placebo", "bmi", "blood", "pressure", "systolic", "diastolic", "hospital", "visit",
        "enrollment", "enrolled", "medication", "drug", "icd", "symptom", "outcome", "clinical",
        "cohort", "subject", "lab", "cholesterol", "glucose", "heart", "disease", "therapy",
        "severity", "event", "baseline", "randomized", "physician", "admission", "discharge",
    },
    "finance": {
        "account", "transaction", "balance", "credit", "debit", "loan", "interest", "stock",
        "ticker", "portfolio", "asset", "equity", "dividend", "bond", "yield", "trade",
        "volume", "open", "close", "high", "low", "currency", "fx", "payment", "invoice",
    },
    "sales/retail": {
        "order", "product", "customer", "quantity", "qty", "sku", "store", "discount", "sales",
        "revenue", "category", "price", "cart", "shipping", "region", "unit", "brand", "profit",
    },
    "hr": {
        "employee", "salary", "department", "hire", "hired", "tenure", "manager", "title",
        "attrition", "performance", "job", "overtime", "leave", "bonus", "headcount",
    },
    "web analytics": {
        "session", "pageview", "pageviews", "page", "url", "bounce", "referrer", "device",
        "browser", "click", "clicks", "impressions", "utm", "conversion", "visitor", "ctr",
        "landing", "duration", "os",
    },
    "science": {
        "experiment", "sample", "measurement", "temperature", "concentration", "species",
        "wavelength", "observation", "sensor", "ph", "mass", "velocity", "specimen", "reading",
    },
    "education": {"student", "grade", "course", "score", "school", "teacher", "exam", "class"},
    "logistics": {"shipment", "warehouse", "carrier", "delivery", "route", "freight", "tracking"},
}
VALUE_HINTS: dict[str, set[str]] = {
    "healthcare": {"placebo", "mild", "moderate", "severe", "treatment", "control", "adverse"},
    "web analytics": {"mobile", "desktop", "tablet", "chrome", "safari", "firefox", "organic"},
    "hr": {"engineering", "marketing", "sales", "finance", "hr", "operations"},
}


def _tokens(name: str) -> list[str]:
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", name)
    return [t for t in re.split(r"[^a-z0-9]+", spaced.lower()) if t]


def detect_domain(columns: list[dict[str, Any]]) -> dict[str, Any]:
    """``{"domain", "confidence", "scores", "evidence"}``; ``general`` when nothing fits."""
    scores: dict[str, float] = {}
    evidence: dict[str, list[str]] = {}
    for col in columns:
        tokens = set(_tokens(col["name"]))
        values = {str(v["value"]).lower() for v in col.get("top_values", [])[:10]}
        for domain, words in DOMAINS.items():
            hit = tokens & words
            if hit:
                scores[domain] = scores.get(domain, 0.0) + 1.0
                evidence.setdefault(domain, []).append(col["name"])
            if values & VALUE_HINTS.get(domain, set()):
                scores[domain] = scores.get(domain, 0.0) + 0.5
    if not scores:
        return {"domain": "general", "confidence": 0.0, "scores": {}, "evidence": []}
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    domain, best = ranked[0]
    total = sum(scores.values())
    coverage = min(1.0, best / max(3.0, len(columns) * 0.3))
    confidence = round((best / total) * 0.5 + coverage * 0.5, 3)
    return {
        "domain": domain if best >= 1.5 else "general",
        "confidence": confidence if best >= 1.5 else round(confidence / 2, 3),
        "scores": {k: round(v, 2) for k, v in ranked},
        "evidence": sorted(set(evidence.get(domain, [])))[:10],
    }


GEO = {"latitude", "longitude", "country", "postal_code"}
GEO_NAMES = {"city", "state", "country", "region", "province", "county", "address", "zip"}


def detect_themes(columns: list[dict[str, Any]]) -> list[str]:
    """temporal, geographic, categorical, numeric-heavy, text-heavy (in that order)."""
    if not columns:
        return []
    types = Counter(c["type"] for c in columns)
    n = len(columns)
    themes = []
    if types["datetime"]:
        themes.append("temporal")
    if any(c.get("semantic_type") in GEO or set(_tokens(c["name"])) & GEO_NAMES for c in columns):
        themes.append("geographic")
    if (types["categorical"] + types["boolean"]) / n >= 0.3:
        themes.append("categorical")
    if (types["integer"] + types["float"]) / n >= 0.5:
        themes.append("numeric-heavy")
    if types["text"] / n >= 0.3:
        themes.append("text-heavy")
    return themes


def primary_data_type(columns: list[dict[str, Any]]) -> str:
    """numeric, categorical, temporal, text or identifier when one group holds 40 %; else mixed."""
    groups = {"integer": "numeric", "float": "numeric", "categorical": "categorical",
              "boolean": "categorical", "datetime": "temporal", "text": "text",
              "identifier": "identifier"}
    counts = Counter(groups[c["type"]] for c in columns)
    if not counts:
        return "none"
    group, count = counts.most_common(1)[0]
    return group if count / len(columns) >= 0.4 else "mixed"
