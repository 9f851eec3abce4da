#!/usr/bin/env python3
"""Deterministic generator of realistic roadmap-audit format-v1 roadmaps, for benchmarks.

    python3 bench/gen_roadmap.py --items N --files K --out DIR [--seed S]

Layout
  K = 1  one file, DIR/roadmap.yaml, holding everything: the company objectives and shared KPIs
         (what strategy.yaml holds otherwise) and every team's KPIs, problems and items.
  K > 1  DIR/strategy.yaml (objectives + shared KPIs, no items) and K team files
         DIR/roadmaps/team-001.yaml ... team-K.yaml, the items spread evenly over them
         (so "10k items over 200 files" is 200 team files plus strategy.yaml).

Content (per N items): about N/2 problems (0-4 evidence entries each, kinds, dates, samples, sources),
N/5 KPIs (10% of them shared, in the strategy), max(5, N/250) objectives; items with titles,
rationales (some folded `>-`), hypotheses, owners, validation, dependencies, launch plans, commitments,
`x-` extension keys, and occasionally waivers (live, expired, unused).

Anti-patterns: about 20% of items carry one of the patterns the rules look for (competitor-only
rationale, KPI-only, missing owner, technology for its own sake, unacknowledged dependency, missing
rationale, skipped discovery, no objective link, unmeasured, incomplete launch, unvalidated
commitment); about 20% of problems (stale, undated, opinion-only, unevidenced, orphan) and of KPIs
(no target, no problem, no objective) are flawed too. Every 200th item (0.5%, --structural-rate) carries a
structural mistake, cycling through unknown problem/KPI references (near misses, so "did you mean" has
work), typo'd keys, bad enum values (an item status, an evidence kind on a problem of the same team),
malformed dates, wrong types and duplicate ids; none with `--structural-rate 0`.

Cross-file references: team items link objectives in the strategy, and some of their problem and KPI
links (about 15%) point at other teams' problems and KPIs; shared KPIs link team problems.

Dates are relative to --as-of (default 2026-12-01, the date bench/run.sh audits at), so the
findings do not change with the calendar. The same arguments always write the same bytes.
Prints the files and bytes written (and, with --stats, what was injected, as JSON on stderr).
"""

import argparse
import datetime as dt
import json
import os
import random
import re
import sys

TEAMS = [
    ("GRO", "Merchant Growth"), ("PLT", "Payments Platform"), ("MOB", "Mobile App"), ("CHK", "Checkout"),
    ("PAY", "Payouts"), ("RSK", "Risk"), ("ONB", "Onboarding"), ("BIL", "Billing"), ("REP", "Reporting"),
    ("DEV", "Developer Experience"), ("MKT", "Marketplace"), ("IDN", "Identity"), ("NTF", "Notifications"),
    ("SRC", "Search"), ("DAT", "Data Platform"), ("POS", "In-Person Payments"), ("SUP", "Support Tools"),
    ("PTN", "Partner Integrations"), ("LND", "Lending"), ("FRD", "Fraud"), ("CMP", "Compliance"),
    ("LOC", "Localisation"), ("DSH", "Merchant Dashboard"), ("PRC", "Pricing"),
]
FIRST = ["lena", "tom", "ines", "kofi", "erik", "nadia", "marcus", "priya", "sofia", "ana", "ben", "dana",
         "omar", "yuki", "carla", "jonas", "amara", "felix", "hana", "raj", "elif", "mateo", "zoe", "ivan",
         "noor", "pablo", "greta", "sam", "mei", "luca"]
LAST = ["vogel", "becker", "moreau", "mensah", "solberg", "haddad", "feld", "raman", "lindgren", "silva",
        "okafor", "kim", "farouk", "tanaka", "rossi", "berg", "nwosu", "wagner", "sato", "patel", "demir",
        "garcia", "martin", "petrov", "aziz", "ruiz", "lund", "cohen", "chen", "bianchi"]
SEGMENTS = ["Sole traders in their first year", "Mid-market retail groups with several legal entities",
            "Restaurants with more than one site", "Online shops selling across the EU",
            "Merchants on weekly payouts", "Agencies that integrate for their clients",
            "Marketplaces paying out to sellers", "Subscription businesses with monthly billing",
            "Merchants with seasonal peaks", "Finance teams at growing merchants",
            "New sign-ups in their first two weeks", "Merchants with an in-house developer",
            "Hair and beauty salons taking card payments in person", "Charities collecting recurring donations"]
SEG_SHORT = ["sole traders", "retail groups", "restaurants", "online shops", "merchants", "agencies",
             "marketplace sellers", "subscription merchants", "finance teams", "new sign-ups", "developers",
             "salon owners", "charities"]
TASKS = ["verify their identity", "take a first live payment", "reconcile payouts with bank statements",
         "refund a customer", "export statements for their accountant", "set up recurring billing",
         "add a second location", "see why a payment failed", "change their payout account",
         "invite a teammate", "dispute a chargeback", "issue an invoice", "accept payments in pounds",
         "connect their online store", "find a transaction from last year", "switch on two-factor login",
         "understand their fees", "move money between entities", "pay out marketplace sellers",
         "test the API without real money"]
OBSTACLES = ["the dashboard hides the option three menus deep", "it needs documents they don't have to hand",
             "the only way is to email support", "the export leaves out fees and refunds",
             "our API returns an error code nobody documented", "it takes two business days to confirm",
             "the mobile app does not support it", "the numbers don't match their bank",
             "every entity needs a separate login", "the form times out after ten minutes",
             "nothing tells them what to do next", "the webhook gives no delivery status"]
CONSEQUENCES = ["they call support", "they give up and try a competitor", "they build their own spreadsheets",
                "they churn within a quarter", "their accountant charges them extra", "they delay going live",
                "they keep a second provider as a backup", "they pay twice by mistake"]
VERBS = ["Guided", "Self-serve", "Instant", "Bulk", "Automatic", "Faster", "Simpler", "Unified", "Smarter",
         "One-click", "Scheduled", "Real-time"]
OBJECTS = ["identity verification", "go-live checklist", "payout reconciliation", "refunds", "statement export",
           "recurring billing", "multi-location setup", "failed-payment insights", "payout account change",
           "team invitations", "chargeback handling", "invoicing", "multi-currency settlement",
           "store connector", "transaction search", "login security", "fee breakdown", "entity transfers",
           "seller payouts", "API sandbox"]
QUALIFIERS = ["in the dashboard", "on mobile", "for mid-market groups", "with bank login", "for partners",
              "in the API", "for new sign-ups", "across entities", "by email", "in the point-of-sale app", "",
              "", ""]
KPI_NAMES = ["Sign-ups that take a live payment within 14 days", "Payouts reconciled without a support contact",
             "Monthly merchant churn", "Refunds completed in under a minute", "Tickets per thousand merchants",
             "Statement exports per active merchant", "Share of volume processed in person",
             "Failed payments recovered", "Time from sign-up to verified", "API integration time",
             "Net revenue retention", "Mid-market merchants signed", "Payouts on the promised day",
             "Checkout conversion on mobile", "Disputes won", "Active teammates per merchant account"]
UNITS = ["%", "% of sign-ups", "merchants", "minutes", "days", "tickets", "% of payouts", "% of volume"]
OBJ_TITLES = ["More new merchants live within 14 days of signing up", "Win mid-market merchants processing over 5M a year",
              "Make in-person payments a tenth of processed volume", "Payouts and APIs merchants never have to think about",
              "Cut monthly merchant churn", "Grow revenue per merchant without raising prices",
              "Halve support contacts per merchant", "Expand into the UK and Nordics",
              "Be the easiest payments API to integrate", "Stay compliant in every market we serve"]
CUSTOMER_KINDS = ["interview", "survey", "support-tickets", "analytics", "usability-test", "experiment",
                  "sales-call", "churn-feedback", "customer-request", "field-observation"]
INDIRECT_KINDS = ["market-research", "competitor-analysis", "internal-opinion", "executive-request"]
VALIDATION_KINDS = ["prototype-test", "usability-test", "experiment", "fake-door", "beta", "pilot", "analysis",
                    "interview", "survey"]
COMPETITORS = ["Adyen", "Stripe", "Square", "Mollie", "Checkout.com", "PayPal"]
TECH = ["Kubernetes", "Rust", "GraphQL", "a service mesh", "event sourcing", "the new frontend framework", "Kafka"]
SOURCES = {
    "interview": 'Dovetail project "{x}"', "survey": "In-app survey, {q} responses", "support-tickets":
    "Zendesk tag `{t}`, {n} tickets Q{qq} 2026", "analytics": 'Amplitude funnel "{x}"', "usability-test":
    "Moderated sessions, {x}", "experiment": "A/B test {t}", "sales-call": 'Gong tracker "{x}"',
    "churn-feedback": "Cancellation survey, free-text answers", "customer-request": 'Productboard feature "{x}"',
    "field-observation": "Store visits, {x}", "market-research": "Analyst report on {x}",
    "competitor-analysis": "Competitive teardown of {c}", "internal-opinion": "Leadership offsite notes",
    "executive-request": "Email from the CEO to product leadership",
}
ITEM_STATUS = [("idea", 10), ("discovery", 8), ("planned", 30), ("committed", 15), ("in-progress", 20),
               ("shipped", 12), ("dropped", 5)]
ITEM_TYPE = [("feature", 55), ("initiative", 10), ("launch", 5), ("experiment", 8), ("discovery", 10),
             ("technical", 12)]
ACTIVE = {"planned", "committed", "in-progress"}
DELIVERING = {"committed", "in-progress"}
OPEN = {"idea", "discovery", "planned", "committed", "in-progress"}
ITEM_FLAWS = [("competitor-only", 15), ("kpi-only", 12), ("missing-owner", 12), ("technology-as-end", 10),
              ("unacknowledged-dependency", 12), ("missing-rationale", 8), ("skipped-discovery", 10),
              ("no-objective-link", 6), ("unmeasured", 8), ("incomplete-launch", 8),
              ("unvalidated-commitment", 5)]
PROBLEM_FLAWS = [("stale", 30), ("undated", 25), ("opinion-only", 20), ("unevidenced", 10), ("orphan", 15)]
KPI_FLAWS = [("no-target", 45), ("no-problem", 35), ("no-objective", 20)]
STRUCTURAL = ["unknown-problem", "typo-key", "unknown-kpi", "bad-status", "unknown-problem", "bad-evidence-kind",
              "duplicate-id", "typo-key", "bad-date", "unknown-problem", "wrong-type"]
MISSPELT = {"interview": "user-interview", "support-tickets": "support-ticket", "analytics": "web-analytics",
            "survey": "surveys", "sales-call": "sales-calls", "customer-request": "feature-request"}
KEY_TYPOS = {"problems": "problmes", "hypothesis": "hypotesis", "owner": "owners", "kpis": "kpi"}

PLAIN_OK = re.compile(r"^[A-Za-z0-9(][A-Za-z0-9 .,;()/%'\-+&!?@*_€£$]*$")
RESERVED = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}


def q(s):
    """A YAML scalar for s: plain when unambiguous, else double-quoted (JSON escapes are YAML escapes)."""
    if (PLAIN_OK.match(s) and not s.endswith(" ") and s.lower() not in RESERVED
            and not re.match(r"^[-+]?[0-9.]", s) and " #" not in s):
        return s
    return json.dumps(s, ensure_ascii=False)


def folded(s, indent):
    """`>-` folded block scalar, wrapped at ~100 columns."""
    words, lines, cur = s.split(" "), [], ""
    width = 100 - indent
    for w in words:
        if cur and len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}" if cur else w
    lines.append(cur)
    pad = " " * indent
    return ">-\n" + "\n".join(pad + line for line in lines)


def text(s, indent):
    """Long prose folded like people write it; short prose plain or quoted."""
    if len(s) > 90 and "  " not in s and not s.startswith(("-", "?", ":", "#", "'", '"', "[", "{", "`")):
        return folded(s, indent)
    return q(s)


def flow(ids):
    return "[" + ", ".join(ids) + "]"


def pick_w(rng, pairs):
    return rng.choices([p for p, _ in pairs], weights=[w for _, w in pairs])[0]


class Gen:
    def __init__(self, items, files, seed, as_of, structural_rate, flaw_rate):
        self.rng = random.Random(seed)
        self.n_items, self.n_files = items, files
        self.as_of = as_of
        self.item_no = 0
        self.structural_rate, self.flaw_rate = structural_rate, flaw_rate
        self.stats = {"items": 0, "problems": 0, "kpis": 0, "objectives": 0, "item_flaws": {},
                      "problem_flaws": {}, "kpi_flaws": {}, "structural": {}, "waivers": {},
                      "cross_file_links": 0}
        self.n_teams = files if files > 1 else min(len(TEAMS), max(1, items // 40))
        self.teams = []
        for t in range(self.n_teams):
            code, name = TEAMS[t % len(TEAMS)]
            rnd = t // len(TEAMS)
            if rnd:
                code, name = f"{code}{rnd + 1}", f"{name} {rnd + 1}"
            self.teams.append({"code": code, "name": name, "owner": self.person()})
        self.n_objectives = max(5, items // 250)
        self.objectives = [f"OBJ-{i + 1:04d}" for i in range(self.n_objectives)]
        n_problems = max(1, items // 2)
        n_kpis = max(1, items // 5)
        # Problems and KPIs per team; shared KPIs live in the strategy.
        self.team_problems = [[] for _ in self.teams]
        for i in range(n_problems):
            t = i % self.n_teams
            self.team_problems[t].append({"id": f"PRB-{self.teams[t]['code']}-{len(self.team_problems[t]) + 1:04d}"})
        n_shared = max(1, n_kpis // 10)
        self.shared_kpis = [{"id": f"KPI-CO-{i + 1:04d}", "team": None} for i in range(n_shared)]
        self.team_kpis = [[] for _ in self.teams]
        for i in range(n_kpis - n_shared):
            t = i % self.n_teams
            self.team_kpis[t].append({"id": f"KPI-{self.teams[t]['code']}-{len(self.team_kpis[t]) + 1:04d}", "team": t})
        self.all_ids = {p["id"] for ps in self.team_problems for p in ps}
        self.all_ids |= {k["id"] for ks in self.team_kpis for k in ks} | {k["id"] for k in self.shared_kpis}
        self.all_ids |= set(self.objectives)
        self.plan_problems()
        self.plan_kpis()

    # ---- helpers -------------------------------------------------------------------------------
    def person(self):
        return f"{self.rng.choice(FIRST)}.{self.rng.choice(LAST)}"

    def date(self, lo_days, hi_days):
        return (self.as_of - dt.timedelta(days=self.rng.randint(lo_days, hi_days))).isoformat()

    def count(self, key, what):
        d = self.stats[key]
        d[what] = d.get(what, 0) + 1

    def flawed(self):
        return self.rng.random() < self.flaw_rate

    def structural(self):
        """Every (1/rate)-th item gets a structural mistake, cycling through the kinds: every kind shows up
        even in a small roadmap, and the count is exact."""
        self.item_no += 1
        if self.structural_rate <= 0:
            return None
        period = max(1, round(1 / self.structural_rate))
        if self.item_no % period != period // 2:
            return None
        return STRUCTURAL[(self.item_no // period) % len(STRUCTURAL)]

    def typo(self, ident):
        """An id with a typo: a near miss of a real one (a "did you mean" case)."""
        head, _, tail = ident.rpartition("-")
        if head and tail.isdigit():
            return f"{head}-{tail[::-1]}" if tail[::-1] != tail else f"{head}-{tail}9"
        return ident[:-1]

    # ---- planning: which problems / KPIs are good, flawed, linked --------------------------------
    def plan_problems(self):
        for t, problems in enumerate(self.team_problems):
            for p in problems:
                p["team"] = t
                p["flaw"] = pick_w(self.rng, PROBLEM_FLAWS) if self.flawed() else None
                if p["flaw"]:
                    self.count("problem_flaws", p["flaw"])
        # Items of a team link its problems round-robin so every good problem is linked at least once.
        self.good_problems = [[p for p in ps if p["flaw"] in (None, "stale", "undated")] or ps
                              for ps in self.team_problems]
        self.weak_problems = [[p for p in ps if p["flaw"] in ("opinion-only", "unevidenced")]
                              for ps in self.team_problems]

    def plan_kpis(self):
        for k in self.shared_kpis + [k for ks in self.team_kpis for k in ks]:
            k["flaw"] = pick_w(self.rng, KPI_FLAWS) if self.flawed() else None
            if k["flaw"]:
                self.count("kpi_flaws", k["flaw"])
            k["objective"] = None if k["flaw"] == "no-objective" else self.rng.choice(self.objectives)
        self.kpi_no_objective = [k for ks in self.team_kpis for k in ks if k["flaw"] == "no-objective"]
        self.good_kpis = [[k for k in ks if k["flaw"] != "no-objective"] or ks for ks in self.team_kpis]
        self.good_shared = [k for k in self.shared_kpis if k["flaw"] != "no-objective"] or self.shared_kpis

    def some_problem(self, t, j):
        """A good problem for item j of team t: its own team's mostly, another team's sometimes."""
        if self.n_teams > 1 and self.rng.random() < 0.15:
            self.stats["cross_file_links"] += 1
            o = self.rng.randrange(self.n_teams)
            return self.rng.choice(self.good_problems[o])["id"]
        ps = self.good_problems[t]
        return ps[j % len(ps)]["id"] if j < 2 * len(ps) else self.rng.choice(ps)["id"]

    def some_kpi(self, t):
        r = self.rng.random()
        if r < 0.10:
            return self.rng.choice(self.good_shared)["id"]
        if self.n_teams > 1 and r < 0.18:
            self.stats["cross_file_links"] += 1
            return self.rng.choice(self.good_kpis[self.rng.randrange(self.n_teams)])["id"]
        return self.rng.choice(self.good_kpis[t])["id"]

    # ---- writers --------------------------------------------------------------------------------
    def objective(self, out, oid):
        title = self.rng.choice(OBJ_TITLES)
        out.append(f"  - id: {oid}\n    title: {q(title)}\n    owner: {self.person()}\n")
        if self.rng.random() < 0.3:
            out.append(f"    description: {q('Board plan for 2027; ' + self.rng.choice(SEG_SHORT) + ' carry three times the margin of our long tail.')}\n")
        self.stats["objectives"] += 1

    def kpi(self, out, k, own_team):
        rng = self.rng
        out.append(f"  - id: {k['id']}\n    name: {q(rng.choice(KPI_NAMES))}\n")
        if k["objective"]:
            out.append(f"    objective: {k['objective']}\n")
        if k["flaw"] != "no-problem":
            probs = []
            for _ in range(rng.choice((1, 1, 2))):
                if own_team is None or rng.random() < 0.2:
                    o = rng.randrange(self.n_teams)
                    if own_team is not None and o != own_team:
                        self.stats["cross_file_links"] += 1
                else:
                    o = own_team
                probs.append(rng.choice(self.good_problems[o])["id"])
            out.append(f"    problems: {flow(sorted(set(probs)))}\n")
        base = rng.randint(5, 60)
        out.append(f"    baseline: {base}\n")
        if k["flaw"] != "no-target":
            out.append(f"    target: {base + rng.randint(3, 30)}\n")
        out.append(f"    unit: {q(rng.choice(UNITS))}\n    owner: {self.person()}\n")
        if k["flaw"] == "no-problem" and rng.random() < 0.1:
            self.waiver(out, "kpi-without-problem", live=True)
        self.stats["kpis"] += 1

    def evidence(self, out, kind, dated, fresh):
        rng = self.rng
        seg = rng.choice(SEG_SHORT)
        n = rng.randint(4, 3000)
        summaries = {
            "analytics": f"{rng.randint(12, 60)}% of {seg} stop at this step; half of those never come back.",
            "support-tickets": f"{n} tickets from {seg} about this in a quarter, most asking for a workaround.",
            "interview": f"{rng.randint(3, 9)} of {rng.randint(10, 14)} {seg} we interviewed described this unprompted.",
            "survey": f"{rng.randint(20, 70)}% of respondents ranked this among their top three frustrations.",
            "usability-test": f"{rng.randint(3, 8)} of 10 {seg} failed the task without help.",
            "experiment": f"A fake-door test drew clicks from {rng.randint(2, 15)}% of {seg} who saw it.",
            "sales-call": f"Raised in {rng.randint(3, 12)} of the deals in the pipeline; a blocker in {rng.randint(1, 3)}.",
            "churn-feedback": f"{rng.randint(5, 40)} {seg} who left this year named it as a reason.",
            "customer-request": f"{rng.randint(10, 90)} requests for this from {seg}.",
            "field-observation": f"At {rng.randint(3, 12)} store visits staff worked around it on paper.",
            "market-research": f"Analysts expect demand for this among {seg} to double by 2028.",
            "competitor-analysis": f"{rng.choice(COMPETITORS)} and {rng.choice(COMPETITORS)} both ship this already.",
            "internal-opinion": f"Sales leadership believes {seg} drop out because of this.",
            "executive-request": "The CEO asked for this after the last board meeting.",
        }
        src = SOURCES[kind].format(x=rng.choice(OBJECTS).capitalize(), q=n, t=f"{rng.choice(OBJECTS).replace(' ', '-')}",
                                   n=n, qq=rng.randint(1, 4), c=rng.choice(COMPETITORS))
        out.append(f"      - kind: {kind}\n        summary: {text(summaries[kind], 10)}\n        source: {q(src)}\n")
        if dated:
            d = self.date(0, 300) if fresh else self.date(400, 1100)
            out.append(f"        date: {d}\n")
        if kind in CUSTOMER_KINDS and rng.random() < 0.7:
            out.append(f"        sample: {n}\n")

    def problem(self, out, p):
        rng = self.rng
        statement = (f"{rng.choice(SEGMENTS)} can't {rng.choice(TASKS)} because {rng.choice(OBSTACLES)}, "
                     f"so {rng.choice(CONSEQUENCES)}.")
        out.append(f"  - id: {p['id']}\n    statement: {text(statement, 6)}\n    segment: {q(rng.choice(SEGMENTS))}\n")
        flaw = p["flaw"]
        if flaw != "unevidenced":
            out.append("    evidence:\n")
            n = rng.choice((1, 2, 2, 3, 3, 4))
            for e in range(n):
                if flaw == "opinion-only":
                    kind = rng.choice(INDIRECT_KINDS)
                elif e == 0 or rng.random() < 0.85:
                    kind = rng.choice(CUSTOMER_KINDS)
                else:
                    kind = rng.choice(INDIRECT_KINDS)
                dated = flaw != "undated" and (e == 0 or rng.random() < 0.8)
                self.evidence(out, kind, dated, fresh=flaw != "stale")
        if flaw == "stale" and rng.random() < 0.05:
            self.waiver(out, "stale-evidence", live=True)
        elif rng.random() < 0.003:
            self.waiver(out, "orphan-problem", live=False)
        self.stats["problems"] += 1

    def waiver(self, out, rule, live, indent="    "):
        rng = self.rng
        exp = (self.as_of + dt.timedelta(days=rng.randint(30, 200))) if live else \
            (self.as_of - dt.timedelta(days=rng.randint(10, 200)))
        out.append(f"{indent}waivers:\n{indent}  - rule: {rule}\n"
                   f"{indent}    reason: {q('Accepted for this quarter; revisit at the next planning review.')}\n"
                   f"{indent}    expires: {exp.isoformat()}\n{indent}    approved_by: {self.person()}\n")
        self.count("waivers", "live" if live else "expired")

    def item(self, out, t, j, iid, prev_ids):
        rng = self.rng
        team = self.teams[t]
        status = pick_w(rng, ITEM_STATUS)
        itype = pick_w(rng, ITEM_TYPE)
        flaw = pick_w(rng, ITEM_FLAWS) if self.flawed() else None
        struct = self.structural()
        # Make the flaw observable: most need an open / active / delivering status.
        if flaw in ("missing-owner", "no-objective-link", "unmeasured"):
            status = rng.choice(("planned", "committed", "in-progress"))
        elif flaw in ("skipped-discovery", "incomplete-launch"):
            status = rng.choice(("committed", "in-progress"))
        elif flaw:
            status = rng.choice(("idea", "planned", "planned", "committed", "in-progress"))
        if flaw in ("skipped-discovery", "incomplete-launch", "unmeasured") and itype in ("discovery", "experiment"):
            itype = "feature"
        if flaw == "incomplete-launch":
            itype = rng.choice(("feature", "launch"))
        if flaw == "technology-as-end":
            itype = "technical"
        if flaw:
            self.count("item_flaws", flaw)

        obj = rng.choice(OBJECTS)
        title = f"{rng.choice(VERBS)} {obj} {rng.choice(QUALIFIERS)}".strip()
        f = {"owner": self.person(), "when": f"{rng.choice((2027, 2027, 2028))}-Q{rng.randint(1, 4)}",
             "objectives": [], "problems": [], "kpis": [], "drivers": ["customer"], "rationale": None,
             "hypothesis": None, "validation": 0, "deps": [], "launch": None, "commitments": []}
        kpi_name = rng.choice(KPI_NAMES).lower()
        if rng.random() < 0.4:
            f["objectives"] = [rng.choice(self.objectives)]
        f["problems"] = sorted({self.some_problem(t, j) for _ in range(rng.choice((1, 1, 1, 2)))})
        if itype != "discovery" or rng.random() < 0.5:
            f["kpis"] = [self.some_kpi(t)]
        if rng.random() < 0.25:
            f["drivers"] = rng.choice((["customer", "strategy"], ["customer", "sales"], ["regulatory"], ["customer", "partner"]))
        if rng.random() < 0.7:
            f["rationale"] = (f"{rng.choice(SEG_SHORT).capitalize()} told us that {rng.choice(OBSTACLES)}; "
                              f"fixing {obj} removes the main reason {rng.choice(CONSEQUENCES)}.")
        if rng.random() < 0.75 or (status in DELIVERING and rng.random() < 0.5):
            f["hypothesis"] = (f"If we ship {(obj + ' ' + rng.choice(QUALIFIERS)).strip()}, {kpi_name} will move from "
                               f"{rng.randint(10, 50)} to {rng.randint(51, 90)} within {rng.randint(4, 16)} weeks of launch.")
        if status in DELIVERING or status == "shipped" or rng.random() < 0.2:
            f["validation"] = rng.choice((1, 1, 2)) if (f["hypothesis"] is None or rng.random() < 0.5) else 0
        if rng.random() < 0.2:
            f["deps"] = [(self.teams[rng.randrange(self.n_teams)]["name"], True)]
        cf = itype in ("feature", "launch")
        if status in DELIVERING and cf or rng.random() < 0.1:
            f["launch"] = ["marketing", "support"] + (["docs"] if rng.random() < 0.4 else []) + \
                (["sales"] if rng.random() < 0.2 else [])
        if rng.random() < 0.05:
            f["commitments"] = [rng.choice(("Northwind Retail", "Globex Foods", "Initech Group", "Contoso Stores"))]
            f["validation"] = max(f["validation"], 1)

        # ---- anti-patterns (one per flawed item) ----
        if flaw == "competitor-only":
            weak = self.weak_problems[t]
            f["problems"] = [rng.choice(weak)["id"]] if weak and rng.random() < 0.4 else []
            f["hypothesis"] = None
            c = rng.choice(COMPETITORS)
            f["rationale"] = rng.choice((
                f"{c} and {rng.choice(COMPETITORS)} both ship {obj} already. We need parity before the next sales cycle.",
                f"Our competitors already have {obj}; we are the only one that makes merchants ask support for it.",
                f"We keep losing deals to {c} on {obj}. Time to catch up."))
            f["drivers"] = rng.choice((["competitor"], []))
        elif flaw == "kpi-only":
            f["problems"], f["kpis"], f["drivers"] = [], [self.some_kpi(t)], ["kpi"]
            f["rationale"] = f"We need to hit our {kpi_name} target this year and {obj} is the fastest lever we have."
            f["hypothesis"] = None
        elif flaw == "missing-owner":
            f["owner"] = None
        elif flaw == "technology-as-end":
            f["problems"], f["kpis"], f["hypothesis"] = [], [], None
            tech = rng.choice(TECH)
            f["rationale"] = rng.choice((
                f"Every other team deploys to Kubernetes; time to modernize the {obj} service.",
                f"Rewrite the {obj} service in Rust to adopt the stack the platform guild picked.",
                f"Migrate {obj} to {tech}; the current version is five years old."))
            f["drivers"] = rng.choice((["technology"], []))
        elif flaw == "unacknowledged-dependency":
            f["deps"] = [(self.teams[rng.randrange(self.n_teams)]["name"], rng.choice((False, None)))]
        elif flaw == "missing-rationale":
            f["problems"], f["rationale"], f["hypothesis"] = [], None, None
            f["drivers"] = rng.choice((["executive"], ["sales"], []))
        elif flaw == "skipped-discovery":
            f["hypothesis"], f["validation"] = None, 0
            f["commitments"] = []
            f["rationale"] = f["rationale"] or "Leadership agreed this in the offsite; no time to restart the discussion."
        elif flaw == "no-objective-link":
            f["objectives"] = []
            f["kpis"] = [rng.choice(self.kpi_no_objective)["id"]] if self.kpi_no_objective else []
        elif flaw == "unmeasured":
            f["kpis"] = []
        elif flaw == "incomplete-launch":
            f["launch"] = rng.choice((None, ["marketing"], ["docs", "marketing"], ["support"]))
        elif flaw == "unvalidated-commitment":
            f["commitments"] = [rng.choice(("Northwind Retail", "Globex Foods", "Initech Group"))]
            f["validation"] = 0

        # ---- structural mistakes (about 0.5%) ----
        keys = {"problems": "problems", "hypothesis": "hypothesis", "owner": "owner", "kpis": "kpis"}
        if struct:
            self.count("structural", struct)
        if struct == "unknown-problem":
            f["problems"] = (f["problems"] or [self.some_problem(t, j)])
            f["problems"] = [self.typo(f["problems"][0])] + f["problems"][1:]
        elif struct == "unknown-kpi":
            f["kpis"] = [self.typo(f["kpis"][0] if f["kpis"] else self.some_kpi(t))]
        elif struct == "typo-key":
            k = rng.choice([k for k in ("problems", "hypothesis", "owner", "kpis") if f[k]] or ["owner"])
            if not f[k]:
                f[k] = self.person()
            keys[k] = KEY_TYPOS[k]
        elif struct == "bad-status":
            status = rng.choice(("in progress", "done", "Planned", "commited"))
        elif struct == "wrong-type":
            f["owner"] = [self.person(), self.person()]
        elif struct == "duplicate-id" and prev_ids:
            iid = rng.choice(prev_ids[-50:])

        w = out.append
        w(f"  - id: {iid}\n    title: {q(title)}\n    type: {itype}\n    status: {q(status)}\n")
        if f["owner"]:
            owner = f["owner"]
            w(f"    {keys['owner']}: {flow(owner) if isinstance(owner, list) else owner}\n")
        w(f"    when: {f['when']}\n")
        if f["objectives"]:
            w(f"    objectives: {flow(f['objectives'])}\n")
        if f["problems"]:
            w(f"    {keys['problems']}: {flow(f['problems'])}\n")
        if f["kpis"]:
            w(f"    {keys['kpis']}: {flow(f['kpis'])}\n")
        if f["drivers"]:
            w(f"    drivers: {flow(f['drivers'])}\n")
        if f["rationale"]:
            w(f"    rationale: {text(f['rationale'], 6)}\n")
        if f["hypothesis"]:
            w(f"    {keys['hypothesis']}: {text(f['hypothesis'], 6)}\n")
        if f["validation"]:
            w("    validation:\n")
            for _ in range(f["validation"]):
                vk = rng.choice(VALIDATION_KINDS)
                d = self.date(5, 200)
                if struct == "bad-date":
                    d, struct = d.replace("-", "/"), None
                w(f"      - kind: {vk}\n        summary: {q(f'{rng.randint(5, 40)} merchants tried it; {rng.randint(50, 95)}% completed the task unaided.')}\n"
                  f"        date: {d}\n")
        if struct == "bad-date":
            w(f"    commitments:\n      - to: Northwind Retail\n        date: {self.date(-200, -10).replace('-', '/')}\n        external: false\n")
            struct = None
        if f["deps"]:
            w("    dependencies:\n")
            for team_name, ack in f["deps"]:
                w(f"      - team: {q(team_name)}\n")
                if ack is not None:
                    w(f"        acknowledged: {'true' if ack else 'false'}\n")
                w(f"        note: {q('Needs an API change and a slot in their next sprint.')}\n")
        if f["launch"]:
            w("    launch:\n")
            texts = {"marketing": "Release note, newsletter feature and a short video for the help centre.",
                     "support": "Help-centre article and macros for the common questions.",
                     "docs": "API reference and the partner integration guide updated.",
                     "sales": "One-pager and a demo script for the account managers."}
            for a in f["launch"]:
                w(f"      {a}: {q(texts[a])}\n")
        if f["commitments"]:
            w("    commitments:\n")
            for to in f["commitments"]:
                w(f"      - to: {q(to)}\n        date: {self.date(-200, -30)}\n")
        # Waivers: live ones silencing the item's own flaw, a few expired or unused ones.
        r = rng.random()
        if flaw == "unmeasured" and r < 0.1:
            self.waiver(out, "unmeasured-item", live=True)
        elif flaw == "missing-owner" and r < 0.05:
            self.waiver(out, "missing-owner", live=False)
        elif r < 0.002:
            self.waiver(out, "incomplete-launch", live=True)  # usually unused
        if rng.random() < 0.1:
            w(f"    x-jira: {team['code']}-{rng.randint(100, 9999)}\n")
        self.stats["items"] += 1
        return iid, struct

    # ---- documents ------------------------------------------------------------------------------
    def header(self, out, product, owner):
        out.append("version: 1\n")
        if product:
            out.append(f"product: {q(product)}\n")
        out.append(f"owner: {owner}\n")
        out.append(f"vision: {q('Every merchant takes a first payment within ten minutes of signing up, and never has to think about us again.')}\n")
        out.append("period: 2027-H1\n")

    def strategy_parts(self, out):
        out.append("\nobjectives:\n")
        for oid in self.objectives:
            self.objective(out, oid)
        out.append("\nkpis:\n")
        for k in self.shared_kpis:
            self.kpi(out, k, None)

    def team_parts(self, t, items_range, out_kpis, out_problems, out_items, prev_ids):
        for k in self.team_kpis[t]:
            self.kpi(out_kpis, k, t)
        pending_kind = 0
        for j, n in enumerate(items_range):
            iid = f"{self.teams[t]['code']}-{n + 1:05d}"
            iid, leftover = self.item(out_items, t, j, iid, prev_ids)
            prev_ids.append(iid)
            if leftover == "bad-evidence-kind":
                pending_kind += 1
        for p in self.team_problems[t]:
            mark = len(out_problems)
            self.problem(out_problems, p)
            if pending_kind and any("evidence:" in x for x in out_problems[mark:]):
                # Structural mistake: an evidence kind spelled the way people say it.
                chunk = "".join(out_problems[mark:])
                del out_problems[mark:]
                out_problems.append(re.sub(r"- kind: (\S+)", lambda m: "- kind: " + MISSPELT.get(m.group(1), m.group(1) + "-data"),
                                           chunk, count=1))
                pending_kind -= 1

    def team_ranges(self):
        base, extra = divmod(self.n_items, self.n_teams)
        start = 0
        for t in range(self.n_teams):
            n = base + (1 if t < extra else 0)
            yield t, range(start, start + n)
            start += n

    def write(self, out_dir):
        os.makedirs(out_dir, exist_ok=True)
        written = []
        prev_ids = []
        if self.n_files == 1:
            out = []
            self.header(out, "Acme Payments", self.person())
            self.strategy_parts(out)
            kp, pr, it = [], [], []
            for t, rg in self.team_ranges():
                self.team_parts(t, rg, kp, pr, it, prev_ids)
            out += kp
            out.append("\nproblems:\n")
            out += pr
            out.append("\nitems:\n")
            out += it
            written.append(self.dump(os.path.join(out_dir, "roadmap.yaml"), out,
                                     "# Acme Payments: the whole roadmap in one file (generated by bench/gen_roadmap.py).\n"))
        else:
            out = []
            self.header(out, None, self.person())
            self.strategy_parts(out)
            written.append(self.dump(os.path.join(out_dir, "strategy.yaml"), out,
                                     "# Acme Payments: company objectives and shared KPIs (generated by bench/gen_roadmap.py).\n"))
            os.makedirs(os.path.join(out_dir, "roadmaps"), exist_ok=True)
            for t, rg in self.team_ranges():
                team = self.teams[t]
                out, kp, pr, it = [], [], [], []
                self.header(out, team["name"], team["owner"])
                self.team_parts(t, rg, kp, pr, it, prev_ids)
                if kp:
                    out.append("\nkpis:\n")
                    out += kp
                if pr:
                    out.append("\nproblems:\n")
                    out += pr
                if it:
                    out.append("\nitems:\n")
                    out += it
                written.append(self.dump(os.path.join(out_dir, "roadmaps", f"team-{t + 1:03d}.yaml"), out,
                                         f"# {team['name']} roadmap (generated by bench/gen_roadmap.py).\n"))
        return written

    @staticmethod
    def dump(path, parts, comment):
        data = (comment + "".join(parts)).encode("utf-8")
        with open(path, "wb") as fh:
            fh.write(data)
        return path, len(data)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--items", type=int, required=True, help="number of roadmap items")
    ap.add_argument("--files", type=int, default=1, help="team files (1: everything in DIR/roadmap.yaml)")
    ap.add_argument("--out", required=True, help="output directory (created; existing files overwritten)")
    ap.add_argument("--seed", type=int, default=2027)
    ap.add_argument("--as-of", default="2026-12-01", help="dates are generated relative to this day")
    ap.add_argument("--flaw-rate", type=float, default=0.20, help="share of items/problems/KPIs with an anti-pattern")
    ap.add_argument("--structural-rate", type=float, default=0.005, help="share of items with a structural mistake (0.005: every 200th item; 0: none)")
    ap.add_argument("--stats", action="store_true", help="print what was generated and injected, as JSON on stderr")
    args = ap.parse_args(argv)
    if args.items < 1 or args.files < 1:
        ap.error("--items and --files must be at least 1")
    if args.files > 1 and args.files > args.items:
        ap.error("--files cannot exceed --items")
    gen = Gen(args.items, args.files, args.seed, dt.date.fromisoformat(args.as_of), args.structural_rate,
              args.flaw_rate)
    written = gen.write(args.out)
    total = sum(n for _, n in written)
    print(f"wrote {len(written)} files, {total} bytes ({total / 1e6:.1f} MB) to {args.out}")
    if args.stats:
        print(json.dumps(gen.stats, indent=1, sort_keys=True), file=sys.stderr)


if __name__ == "__main__":
    main()
