"""Deterministic generator of large promotion dossiers for the throughput benchmark.

`dossier(n)` returns a Markdown dossier with exactly `n` bullets, built from a bank of templates (weak and strong
AI-safety PM bullets, written for this benchmark) whose slots are filled from small word lists with a seeded
random generator: the same `n` and `seed` always give the same text. Sections with headings and a short paragraph
come every 10-30 bullets; some bullets are nested, wrap over two lines, carry links, emphasis, inline code,
curly quotes, dashes, euro signs or accented names, so that the Markdown reader and the normaliser do real work.
"""

from __future__ import annotations

import random

PRODUCTS = ["Quill", "Relay", "Atlas Assist", "Harbor Chat", "Lumen Search", "Beacon Agents", "Northstar Copilot"]
FEATURES = ["summaries", "claim letters", "agent replies", "code suggestions", "meeting notes", "search answers",
            "refund flows", "onboarding emails", "voice transcripts", "contract clauses"]
HARMS = ["hallucinated citations", "prompt injection", "PII leakage", "toxic replies", "jailbreaks",
         "cross-tenant leakage", "fabricated refund promises", "biased rankings", "unsafe medical advice",
         "over-refusal"]
TEAMS = ["Legal", "Sales", "Finance", "the policy team", "customer success", "the research lead", "procurement",
         "the CFO", "the compliance team", "marketing"]
PEOPLE = ["José", "Zoë", "Ananya", "Björn", "Chidi", "Léa", "Mateo", "Saanvi", "Tomás", "Wen"]
METRICS = ["precision", "recall", "accuracy", "p99 latency", "the hallucination rate", "the refusal rate",
           "toxicity", "the false positive rate", "the jailbreak success rate", "throughput"]
DELIVERABLES = ["classifier", "eval harness", "RLHF pipeline", "guardrail service", "reward model",
                "retrieval layer", "moderation filter", "red-team suite", "detector", "prompt filter"]
CUSTOMERS = ["carriers", "hospital groups", "enterprise tenants", "bank customers", "retail accounts",
             "public-sector buyers", "law firms", "support teams"]
QUARTERS = ["Q1", "Q2", "Q3", "Q4", "H1", "H2"]

WEAK = [
    "Made sure every {product} release passed the internal launch review before going live.",
    "Completed the required privacy and security reviews for the {product} {feature} launch.",
    "Ensured the {feature} feature adhered to company content policies in every market.",
    "Followed the standard responsible-AI checklist for {product} and got sign-off from {team}.",
    "Improved {metric} of the {deliverable} from {a}% to {b}%.",
    "Reduced {metric} by {pct}% on our internal eval set.",
    "Built a new {deliverable} for {product} {feature}.",
    "Shipped a {deliverable} for {feature}.",
    "Ran more than {count} red-team prompts against the new {product} model.",
    "Our filters blocked {millions} million harmful requests last quarter.",
    "Eliminated all {harm} from {product} {feature}.",
    "Guaranteed zero {harm} in {feature}.",
    "Made {product} completely safe for every user.",
    "Helped with the rollout of the new {deliverable}.",
    "Supported {team} on the new acceptable-use policy.",
    "Worked on the {harm} project for {product}.",
    "Personally reviewed every flagged {feature} item on weekends during launch month.",
    "Worked long hours to get the {product} launch over the line.",
    "Championed responsible AI values across the organisation.",
    "Built a culture of safety through weekly ethics discussions.",
    "Added a {deliverable} to block {harm} in {feature}.",
    "Presented the safety roadmap to the leadership team every quarter.",
    "Hosted {small} brown-bag sessions on AI risk.",
    "Was responsible for coordinating safety reviews across {small} product teams.",
]

STRONG = [
    "Delayed the {product} GA by {days} days after evals showed {harm} in {a}.{b}% of {feature}; the slip moved "
    "about ${k}K of bookings into {quarter}, but kept a ${m}.{b}M renewal whose buyer had made it a condition.",
    "Priced {harm} with {team} at ${m}M per incident; a {deliverable} cut the modelled yearly probability from "
    "{a}% to 0.{b}%, roughly ${k}K of expected loss avoided a year, and we accepted {small}0 ms more p95 latency.",
    "Kept a residual risk register of {small} accepted risks with owners and review dates; accepting rare "
    "{harm} in {feature} let us ship to {count2} waiting {customers} a quarter earlier (${m}.{b}M ARR).",
    "Adapted the NIST AI RMF into a one-page gate for monthly releases, skipping controls already covered by "
    "SOC 2; prep fell from {small} days to one, about {count2}0 engineer-hours a year.",
    "Pushed back on {team}'s request to auto-send {feature}; we kept human approval above $5,000, which cost "
    "about {small} reviewer-hours a week but kept our largest customer (${m}.{b}M ARR) on a three-year renewal.",
    "Replaced the weekly manual red-team rota (about {count2} reviewer-hours) with an automated suite plus a "
    "monthly human session; the suite still misses about one novel attack in {small}0, so I kept a quarterly "
    "human red-team.",
    "Lowered {metric} from {a}% to {b}%, and support tickets about wrong {feature} fell by {pct}%, saving "
    "about ${k}K a year.",
    "Negotiated with {team} a lighter review for low-risk prompt changes instead of the full model review; "
    "median time to ship a fix fell from {days} days to {small}.",
    "Convinced {team} to fund a second red-team contractor by showing one uncaught case of {harm} would cost "
    "more than the contract's yearly ${k}K.",
    "Scoped the {product} beta to read-only answers rather than account changes, giving up a feature "
    "{small} prospects asked for in exchange for closing both deals (${k}K) without a new security review.",
    "Calibrated the refusal threshold against retention: over-refusal fell from {a}% to {small}%, borderline "
    "answers rose from 0.{b}% to 0.{small}%, and 90-day retention rose from 6{small}% to 7{b}%.",
    "Ran a pre-mortem before each model upgrade; the {quarter} session found the {deliverable} missed {harm} in "
    "{feature}, and the {small}-day fix protected an account worth ${m}.{b}M ARR.",
    "Persuaded the research lead to ship with a {small}% error ceiling and weekly drift reports rather than wait "
    "for 1%; the date held, with ${m}.{b}M of pipeline tied to it.",
    "Declined to promise {customers} a zero-error guarantee; instead we offered an error budget with credits, "
    "which closed the ${m}.{b}M renewal that had stalled on the question.",
    "Trained {count2} reviewers at {customers} to triage flagged {feature} with a shared rubric, cutting triage "
    "time from {days} minutes to {small} and removing me as the bottleneck.",
    "Automated the weekly safety report, saving about {small} hours a week and giving executives one page to "
    "decide on.",
    "Held the {feature} rollout until the eval set covered regional terms, trading {small} weeks of delay for "
    "an error rate that fell from {a}.{b}% to 0.{small}%; the waiting {customers} (${m}.{b}M pipeline) signed "
    "within the quarter.",
    "Set the abstention threshold with the ops lead, accepting a {small}% rise in handoffs to cut wrong answers "
    "by two thirds; escalations from {customers} fell from {count2} to {small} a month.",
]

DECORATIONS = [
    lambda s, r: s,
    lambda s, r: s,
    lambda s, r: s,
    lambda s, r: s.replace(" the ", " *the* ", 1),
    lambda s, r: s.replace(";", " \u2014", 1),
    lambda s, r: s + " ([details](https://example.com/dossier/%d))" % r.randrange(1000),
    lambda s, r: s.replace("$", "\u20ac", 1),
    lambda s, r: s + " With " + r.choice(PEOPLE) + " on \u201cthe hard calls\u201d.",
    lambda s, r: s.replace("model", "`model`", 1),
]


def _fill(template: str, rng: random.Random) -> str:
    a = rng.randrange(2, 9)
    return template.format(
        product=rng.choice(PRODUCTS), feature=rng.choice(FEATURES), harm=rng.choice(HARMS), team=rng.choice(TEAMS),
        metric=rng.choice(METRICS), deliverable=rng.choice(DELIVERABLES), customers=rng.choice(CUSTOMERS),
        quarter=rng.choice(QUARTERS), a=a, b=rng.randrange(1, 9), pct=rng.randrange(10, 60),
        count=f"{rng.randrange(2, 20)},{rng.randrange(100, 999)}", count2=rng.randrange(12, 60),
        millions=f"{rng.randrange(1, 9)}.{rng.randrange(1, 9)}", small=rng.randrange(2, 9),
        days=rng.randrange(5, 21), k=rng.randrange(120, 990), m=rng.randrange(1, 9),
    )


def bullet(rng: random.Random) -> str:
    template = rng.choice(STRONG if rng.random() < 0.55 else WEAK)
    return rng.choice(DECORATIONS)(_fill(template, rng), rng)


def dossier(n: int, seed: int = 6) -> str:
    """A Markdown dossier with exactly `n` bullets."""
    rng = random.Random(seed)
    lines = ["---", "title: Generated promotion dossier (%d bullets)" % n, "candidate: Benchmark Person", "---", "",
             "# Promotion dossier", ""]
    written = 0
    section = 0
    while written < n:
        section += 1
        lines += [f"## Section {section}: {rng.choice(PRODUCTS)} {rng.choice(FEATURES)}", "",
                  f"This section covers the {rng.choice(FEATURES)} work with {rng.choice(TEAMS)}.", ""]
        for _ in range(min(rng.randrange(10, 31), n - written)):
            text = bullet(rng)
            indent = "  " if written and rng.random() < 0.08 else ""
            if len(text) > 120 and rng.random() < 0.25:
                cut = text.rfind(" ", 60, 110)
                text = text[:cut] + "\n" + indent + "  " + text[cut + 1:]
            lines.append(indent + "- " + text)
            written += 1
        lines.append("")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # python benchmarks/generate.py 1000 > dossier-1k.md
    import sys

    sys.stdout.write(dossier(int(sys.argv[1]) if len(sys.argv) > 1 else 1000))
