"""Generated contact files for the crash and property tests (deterministic from a seed)."""

from __future__ import annotations

import csv
import random
from pathlib import Path

HEADERS = ["Email", "Phone", "First Name", "Last Name", "Company", "Lead Source", "Created Date"]
FIRST = ["Ava", "Ben", "Chloé", "Dev", "Eli", "Fatima", "Gus", "Hana", "Ivo", "Jia", "Kai", "Lior"]
LAST = ["Ng", "Okafor", "Petrov", "Quist", "Rossi", "Sato", "Tran", "Ueda", "Varga", "Weiß"]
SOURCES = ["Trade Show", "Web", "Email", "Partner Referral", ""]


def person(i: int, rnd: random.Random) -> list[str]:
    first, last = rnd.choice(FIRST), rnd.choice(LAST)
    email = f"{first.lower()}.{last.lower()}.{i}@example{i % 97}.com"
    phone = f"+1 555 {i:07d}" if rnd.random() < 0.5 else ""
    day = 1 + i % 27
    return [email, phone, first, last, f"{last} & Co {i % 500}", rnd.choice(SOURCES),
            f"2026-02-{day:02d} 10:{i % 60:02d}"]  # fmt: skip


def write_file(
    path: Path, n: int, *, seed: int = 7, start: int = 0, dup: float = 0.10, bad: float = 0.01
) -> list[list[str]]:
    """`n` rows: about `dup` repeat an earlier person, `bad` have a broken email."""
    rnd = random.Random(seed)
    rows: list[list[str]] = []
    for i in range(n):
        roll = rnd.random()
        if rows and roll < dup:
            rows.append(list(rnd.choice(rows)))
        elif roll < dup + bad:
            row = person(start + i, rnd)
            row[0] = row[0].replace("@", "@@")
            rows.append(row)
        else:
            rows.append(person(start + i, rnd))
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(HEADERS)
        out.writerows(rows)
    return rows
