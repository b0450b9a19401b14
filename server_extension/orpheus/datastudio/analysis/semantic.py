"""Logical types (integer ... identifier) and semantic types (email ... ID) of a column.

Decided from the column name, its profile and the first values seen (at most
``profile.SAMPLE_VALUES``), so the rules are cheap and deterministic.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

ID_NAME = re.compile(r"(^|[_\s.-])(id|uuid|guid|key|code|number|no)$|^id[_\s.-]|identifier", re.I)
EMAIL = re.compile(r"^[\w.+-]+@[\w-]+(\.[\w-]+)+$")
URL = re.compile(r"^(https?|ftp)://\S+$", re.I)
PHONE = re.compile(r"^\+?[\d\s().-]{7,20}$")
CURRENCY_TEXT = re.compile(r"^-?[$€£¥₹]\s?-?[\d,]+(\.\d+)?$|^-?[\d,]+(\.\d+)?\s?(USD|EUR|GBP|\$|€|£)$")
PERCENT_TEXT = re.compile(r"^-?\d+(\.\d+)?\s?%$")
POSTAL = re.compile(r"^\d{5}(-\d{4})?$|^[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}$|^\d{4,6}$", re.I)
CURRENCY_NAME = re.compile(r"price|amount|revenue|cost|salary|sales|income|fee|usd|eur|spend|"
                           r"profit|payment|balance|budget|wage", re.I)
PERCENT_NAME = re.compile(r"pct|percent|rate$|ratio|share$", re.I)
COUNTRIES = {
    "us", "usa", "united states", "uk", "united kingdom", "gb", "germany", "de", "france", "fr",
    "spain", "es", "italy", "it", "canada", "ca", "mexico", "mx", "brazil", "br", "india", "in",
    "china", "cn", "japan", "jp", "australia", "au", "netherlands", "nl", "sweden", "se",
    "norway", "no", "denmark", "dk", "finland", "fi", "poland", "pl", "portugal", "pt",
    "ireland", "ie", "switzerland", "ch", "austria", "at", "belgium", "be", "south africa",
    "nigeria", "kenya", "egypt", "argentina", "chile", "colombia", "peru", "russia",
    "south korea", "korea", "singapore", "new zealand", "turkey", "greece", "israel",
}


def _texts(sample: list[Any]) -> list[str]:
    return [str(v).strip() for v in sample if v is not None]


def _share(texts: list[str], pattern: re.Pattern[str]) -> float:
    """Share of the (stripped) texts that ``pattern`` matches (each distinct text tried once)."""
    if not texts:
        return 0.0
    return sum(n for t, n in Counter(texts).items() if pattern.match(t)) / len(texts)


def _name_tokens(name: str) -> set[str]:
    return set(re.split(r"[^a-z0-9]+", name.lower())) - {""}


def logical_type(name: str, kind: str, prof: dict[str, Any], sample: list[Any]) -> str:
    """integer, float, boolean, datetime, categorical, text or identifier."""
    distinct, ratio = prof["distinct"], prof["distinct_ratio"]
    non_null = len(sample)
    if kind in ("boolean", "datetime", "float"):
        return kind
    if kind == "integer":
        if ID_NAME.search(name) and ratio >= 0.9:
            return "identifier"
        return "integer"
    if distinct == 2 and {str(v).lower() for v in sample} <= {"y", "n", "t", "f", "0", "1"}:
        return "boolean"
    text = prof.get("text") or {}
    mean_len = text.get("mean_length", 0)
    if ID_NAME.search(name) and ratio >= 0.9:
        return "identifier"
    if distinct <= 50 or (ratio <= 0.05 and mean_len <= 60):
        return "categorical"
    spaced = sum(1 for v in sample if " " in str(v)) / max(non_null, 1)
    if ratio >= 0.95 and spaced < 0.1 and mean_len <= 40 and not _share(_texts(sample), EMAIL):
        return "identifier"
    return "text"


def semantic_type(name: str, prof: dict[str, Any], sample: list[Any]) -> str | None:
    """email, url, phone, currency, percentage, latitude, longitude, country, postal_code, id."""
    kind, tokens = prof["physical_type"], _name_tokens(name)
    if prof["type"] == "identifier":
        return "id"
    if kind in ("integer", "float"):
        return _numeric_semantic(name, tokens, prof)
    if kind != "string" or not sample:
        return None
    texts = _texts(sample)
    for label, pattern, need in (("email", EMAIL, 0.9), ("url", URL, 0.9),
                                 ("currency", CURRENCY_TEXT, 0.9), ("percentage", PERCENT_TEXT, 0.9)):
        if _share(texts, pattern) >= need:
            return label
    if tokens & {"country", "nation"} or _country_share(sample) >= 0.8:
        return "country"
    if tokens & {"zip", "zipcode", "postal", "postcode"} and _share(texts, POSTAL) >= 0.8:
        return "postal_code"
    phone_hint = bool(tokens & {"phone", "tel", "mobile", "fax", "telephone"})
    if phone_hint and _share(texts, PHONE) >= 0.8:
        return "phone"
    return None


def _country_share(sample: list[Any]) -> float:
    texts = [str(v).strip().lower() for v in sample if v is not None]
    if not texts or len({*texts}) < 3:
        return 0.0
    return sum(1 for t in texts if t in COUNTRIES) / len(texts)


def _numeric_semantic(name: str, tokens: set[str], prof: dict[str, Any]) -> str | None:
    stats = prof.get("stats") or {}
    lo, hi = stats.get("min"), stats.get("max")
    if lo is None or hi is None:
        return None
    if tokens & {"lat", "latitude"} and -90 <= lo and hi <= 90:
        return "latitude"
    if tokens & {"lon", "lng", "long", "longitude"} and -180 <= lo and hi <= 180:
        return "longitude"
    if tokens & {"zip", "zipcode", "postal", "postcode"}:
        return "postal_code"
    if PERCENT_NAME.search(name) and -100 <= lo and hi <= 100:
        return "percentage"
    if CURRENCY_NAME.search(name):
        return "currency"
    return None
