"""Who a seeded lead is: name, company, contact details, source and campaign."""

from __future__ import annotations

from dataclasses import dataclass

from qc_console.domain.keys import phone_key
from qc_console.services.seed.clock import WEEK
from qc_console.services.seed.data import SampleData
from qc_console.services.seed.dice import Dice

HAND_ENTERED = frozenset({"referral", "sales_prospecting"})
"""Sources a rep types in by hand; the others arrive by import."""
BOOTH_NOTES = ("badge scan at the booth", "visited the booth, asked for a demo", "")


def weighted(items: list, weights: list[float], size: int = 200) -> list:
    """A flat list in which each item appears in proportion to its weight (for rng.choice)."""
    total = sum(weights)
    out = []
    for item, w in zip(items, weights, strict=True):
        out.extend([item] * max(1, round(size * w / total)))
    return out


@dataclass(frozen=True)
class Identity:
    first_name: str
    last_name: str
    email: str
    phone: str
    phone_key: str
    company: str
    title: str
    country: str
    source: str
    campaign_id: int | None
    notes: str


class Identities:
    """Draws identities from the sample pools; campaigns by source and start date."""

    def __init__(
        self, data: SampleData, campaign_ids: dict[str, int], first_week: int, weeks: int
    ) -> None:
        self.countries = weighted(list(data.countries), [c.weight for c in data.countries])
        self.companies = data.companies
        self.titles = data.titles
        self.sources = list(data.source_mix)
        self.mix = [data.source_mix[s] for s in self.sources]
        self.show_mix = [
            w * (6.0 if s == "trade_show" else 1.0)
            for s, w in zip(self.sources, self.mix, strict=True)
        ]
        self.calm_mix = [
            w * (0.3 if s == "trade_show" else 1.0)
            for s, w in zip(self.sources, self.mix, strict=True)
        ]
        self.pools = {
            True: weighted(self.sources, self.show_mix),
            False: weighted(self.sources, self.calm_mix),
        }
        # (start time, id) of each source's campaigns, newest first.
        self.campaigns: dict[str, list[tuple[int, int]]] = {s: [] for s in self.sources}
        for c in data.campaigns:
            start = first_week + (weeks - 1 - c.starts_weeks_ago) * WEEK
            self.campaigns[c.source].append((start, campaign_ids[c.name]))
        for entries in self.campaigns.values():
            entries.sort(reverse=True)

    def source(self, rng: Dice, show_week: bool) -> str:
        return rng.pick(self.pools[show_week])

    def campaign(self, source: str, created: int, rng: Dice) -> int | None:
        """The source's latest campaign started before `created` (most leads of a campaign
        source come through one; referrals and prospecting often through none)."""
        optional = source in HAND_ENTERED or source == "other"
        if optional and rng.random() < 0.5:
            return None
        for start, cid in self.campaigns.get(source, ()):
            if start <= created:
                # now and then an older campaign of the source still brings leads
                return cid if rng.random() < 0.85 else self._older(source, start, cid, rng)
        return None

    def _older(self, source: str, start: int, cid: int, rng: Dice) -> int:
        older = [c for s, c in self.campaigns[source] if s < start]
        return rng.pick(older) if older else cid

    def draw(self, lead_id: int, source: str, campaign_id: int | None, rng: Dice) -> Identity:
        country = rng.pick(self.countries)
        first, first_ascii = rng.pick(country.first)
        last, last_ascii = rng.pick(country.last)
        company, domain = rng.pick(self.companies)
        email = f"{first_ascii}.{last_ascii}{lead_id}@{domain}.example"
        phone = ""
        if rng.random() < 0.75:
            phone = _phone(country.phone, lead_id)
        notes = rng.pick(BOOTH_NOTES) if source == "trade_show" else ""
        return Identity(
            first_name=first,
            last_name=last,
            email=email,
            phone=phone,
            phone_key=phone_key(phone),
            company=company,
            title=rng.pick(self.titles),
            country=country.code,
            source=source,
            campaign_id=campaign_id,
            notes=notes,
        )


def _phone(template: str, lead_id: int) -> str:
    """A unique, well-formed number: the lead id spread over the template's digit groups."""
    digits = str(1_000_003 * lead_id % 10**9).zfill(9) * 2
    out, pos, i = [], 0, 0
    while i < len(template):
        if template[i] == "{":
            size = int(template[i + 2])
            out.append(digits[pos : pos + size])
            pos += size
            i += 4
        else:
            out.append(template[i])
            i += 1
    return "".join(out)
