"""The shop's people: users who sign up as the shop grows, distributors among them (with a tier and,
for most, a distributor above them), and who refers whom.

Users sign up in step with the orders (5 % before the first day); a user can buy from the day
after signing up. A buyer who is not a distributor is bound to a distributor who had joined
before the buyer signed up (60 % of buyers, skewed towards the distributors who joined early, so
the rankings have leaders); a distributor buying for themself earns nothing (the default
self-purchase policy), so their chain starts at their own parent. Chains are 1 or 2 levels."""

from __future__ import annotations

import random
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import datetime, timedelta

BOUND_SHARE = 0.6
SUSPENDED_SHARE = 0.03
TIER_WEIGHTS = (80, 15, 5)


@dataclass(frozen=True)
class Tier:
    id: int
    level1_bps: int
    level2_bps: int


@dataclass
class Distributor:
    id: int
    user: int  # user index
    joined_at: datetime
    tier: Tier
    parent: int | None  # position in People.distributors
    suspended_at: datetime | None = None


@dataclass
class People:
    first_user_id: int
    created: list[datetime]  # by user index
    registered_before: list[int]  # by day index: users who signed up before the day began
    distributors: list[Distributor]  # by joined_at; a position is the index here
    distributor_of_user: dict[int, int]
    rng: random.Random
    joined: list[datetime] = field(default_factory=list)
    chains: dict[int, tuple[int, ...]] = field(default_factory=dict)

    def user_id(self, index: int) -> int:
        return self.first_user_id + index

    def chain(self, user: int) -> tuple[int, ...]:
        """Distributor positions earning at levels 1 and 2 on this user's orders (the binding is
        fixed the first time it is asked, as a first-touch binding is)."""
        found = self.chains.get(user)
        if found is not None:
            return found
        position = self.distributor_of_user.get(user)
        if position is not None:
            first = self.distributors[position].parent
        elif self.rng.random() < BOUND_SHARE:
            known = bisect_left(self.joined, self.created[user])
            first = int(known * self.rng.random() ** 1.5) if known else None
        else:
            first = None
        chain: tuple[int, ...] = ()
        if first is not None:
            second = self.distributors[first].parent
            chain = (first,) if second is None else (first, second)
        self.chains[user] = chain
        return chain


def plan_people(
    *,
    counts: list[int],
    first_day_start: datetime,
    now: datetime,
    users: int,
    distributors: int,
    tiers: list[Tier],
    first_user_id: int,
    first_distributor_id: int,
    rng: random.Random,
) -> People:
    before = max(1, users * 5 // 100)
    total = sum(counts)
    created = [first_day_start - timedelta(seconds=rng.uniform(3600, 60 * 86400)) for _ in range(before)]
    registered_before = []
    running = 0
    for i, n in enumerate(counts):
        registered_before.append(len(created))
        running += n
        upto = before + round((users - before) * running / total)
        start = first_day_start + timedelta(days=i)
        created += sorted(start + timedelta(seconds=rng.uniform(0, 86_399)) for _ in range(upto - len(created)))
    step = max(1, users // max(1, distributors))
    chosen = [u for u in range(step // 2, users, step)][:distributors]
    tier_weights = TIER_WEIGHTS[: len(tiers)]
    joins = []
    for u in chosen:
        room = max(60.0, min(40 * 86400.0, (now - created[u]).total_seconds() - 60))
        joins.append((created[u] + timedelta(seconds=rng.uniform(30, room)), u))
    joins.sort()
    out: list[Distributor] = []
    for position, (joined_at, u) in enumerate(joins):
        parent = rng.randrange(position) if position and rng.random() < 0.6 else None
        tier = rng.choices(tiers, weights=tier_weights)[0]
        d = Distributor(first_distributor_id + position, u, joined_at, tier, parent)
        if rng.random() < SUSPENDED_SHARE:
            suspended = joined_at + timedelta(days=rng.uniform(30, 300))
            d.suspended_at = suspended if suspended < now else None
        out.append(d)
    people = People(
        first_user_id=first_user_id,
        created=created,
        registered_before=registered_before,
        distributors=out,
        distributor_of_user={d.user: p for p, d in enumerate(out)},
        rng=rng,
    )
    people.joined = [d.joined_at for d in out]
    return people
