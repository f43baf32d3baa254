"""The demo's raw material, read from the `qc_console.sample_data` package files."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any


@dataclass(frozen=True)
class Country:
    code: str
    weight: float
    phone: str
    """Template with digit groups {a2} {b3} {c4} …: letter = group, digit = its size."""
    first: tuple[tuple[str, str], ...]
    """(name as written, ascii form for the email address)"""
    last: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Person:
    """A rep, supervisor or sales rep of the demo center."""

    name: str
    role: str
    email: str
    weight: float = 1.0
    depth: float = 1.0
    speed: float = 1.0
    win: float = 1.0


@dataclass(frozen=True)
class CampaignSpec:
    name: str
    source: str
    cost: float
    starts_weeks_ago: int


@dataclass(frozen=True)
class SampleData:
    countries: tuple[Country, ...]
    companies: tuple[tuple[str, str], ...]
    """(name, domain stem)"""
    titles: tuple[str, ...]
    people: tuple[Person, ...]
    campaigns: tuple[CampaignSpec, ...]
    source_mix: dict[str, float]
    phrases: dict[str, Any]
    hostile: tuple[dict[str, str], ...]


def _text(name: str) -> str:
    return files("qc_console.sample_data").joinpath(name).read_text(encoding="utf-8")


def _json(name: str) -> Any:
    return json.loads(_text(name))


@cache
def sample_data() -> SampleData:
    """Every sample file, parsed once per process."""
    countries = tuple(
        Country(
            code=c["country"],
            weight=float(c["weight"]),
            phone=c["phone"],
            first=tuple((a, b) for a, b in c["first"]),
            last=tuple((a, b) for a, b in c["last"]),
        )
        for c in _json("people.json")["countries"]
    )
    companies = tuple(
        (row["name"], row["domain"]) for row in csv.DictReader(io.StringIO(_text("companies.csv")))
    )
    titles = tuple(line.strip() for line in _text("titles.txt").splitlines() if line.strip())
    people = tuple(Person(**{k: v for k, v in p.items()}) for p in _json("reps.json")["reps"])
    campaigns_file = _json("campaigns.json")
    campaigns = tuple(CampaignSpec(**c) for c in campaigns_file["campaigns"])
    return SampleData(
        countries=countries,
        companies=companies,
        titles=titles,
        people=people,
        campaigns=campaigns,
        source_mix={k: float(v) for k, v in campaigns_file["source_mix"].items()},
        phrases=_json("phrases.json"),
        hostile=tuple(_json("hostile.json")["leads"]),
    )
