"""Writes ``evals/datasets/gaps.jsonl``: a synthetic month of feedback, search, suggestion and
intent events for the ``gaps`` suite, over the sample knowledge.

Each split (``dev``, ``held_out``) has its own seed, its own 8 planted *missing* topics (questions
no article answers, and what agents sent instead) and its own 2 planted *outdated* articles
(suggestions citing an approved article that agents correct or reject with the new fact), among
noise: accepted suggestions and good searches on covered topics (taken from the retrieval
dataset), one-off questions that are not a topic, and scattered rejections for style.

Written before the gap finder was tuned; regenerate with ``python -m evals.gaps_generate``
(deterministic: the same file every time).
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "evals" / "datasets" / "gaps.jsonl"
NOW = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)
DAYS = 30

# topic -> customer phrasings, what agents sent (containing the facts), the facts, rejection reasons
MISSING: dict[str, dict[str, dict[str, Any]]] = {
    "dev": {
        "gift-wrapping": {
            "asks": ["Do you offer gift wrapping?", "can you gift wrap my order please", "Is there a gift wrap option at checkout?",
                     "I want this sent as a present, wrapped. possible?", "how much is gift wrapping", "gift wrap available for jackets?",
                     "Can I add gift wrapping after I already ordered?", "does the gift wrapping include a card"],
            "sent": ["Yes, we offer gift wrapping for $4.99 per order, with a handwritten card included.",
                     "Gift wrapping costs $4.99 per order and you can add it up to 2 hours after ordering.",
                     "We can gift wrap it for $4.99; a handwritten card is included free."],
            "facts": ["$4.99", "handwritten card"],
        },
        "student-discount": {
            "asks": ["Do you have a student discount?", "I'm at university, any discount for students?", "student discount code?",
                     "is there a discount if I'm a college student", "How do I get the student price", "students get money off?",
                     "my student discount isnt showing", "can grad students get the student discount"],
            "sent": ["Students get 15% off after verifying with a school email address, once per academic year.",
                     "Our student discount is 15% off; verify your school email address and the code is sent once per academic year.",
                     "Yes: 15% off for students who verify a school email address."],
            "facts": ["15%", "school email"],
        },
        "loyalty-points-expiry": {
            "asks": ["Do my reward points expire?", "when do loyalty points run out", "my points disappeared from my account",
                     "how long are reward points valid", "I had 300 points and now they're gone??", "do points expire if I don't shop",
                     "Points expiry date?", "will I lose my rewards points"],
            "sent": ["Reward points expire 12 months after they are earned; any purchase does not reset the date.",
                     "Points are valid for 12 months from the day you earn them, and we email a reminder 30 days before they expire.",
                     "Your points expired because they are valid for 12 months; we send a reminder 30 days before."],
            "facts": ["12 months", "30 days"],
        },
        "pay-in-installments": {
            "asks": ["Can I pay in installments?", "do you have buy now pay later", "can I split my payment into parts",
                     "Klarna or afterpay available?", "pay over time option?", "is there a payment plan for big orders",
                     "can i pay in 4", "installment payments at checkout?"],
            "sent": ["You can split any order over $50 into 4 interest-free payments at checkout.",
                     "Yes, pay in 4 interest-free payments on orders over $50; choose it at checkout.",
                     "Orders over $50 can be paid in 4 interest-free payments."],
            "facts": ["4 interest-free payments", "$50"],
        },
        "hemming-service": {
            "asks": ["Do you hem jeans?", "can you shorten my trousers in store", "alterations service available?",
                     "the jeans are too long, can you take them up", "do you do tailoring", "Is hemming free?",
                     "how long does hemming take", "can I get my pants altered at the store"],
            "sent": ["We hem jeans for free in store, ready in 5 business days.",
                     "Hemming is free for jeans bought from us and takes 5 business days at any store.",
                     "Bring them to any store: hemming is free and ready in 5 business days."],
            "facts": ["free", "5 business days"],
        },
        "gift-card-expiry": {
            "asks": ["Do gift cards expire?", "how do I check my gift card balance", "is my gift card still valid from 2019",
                     "gift card balance?", "can gift cards be used online", "does a gift card run out",
                     "I got a gift card, how long is it good for", "gift card expiry date"],
            "sent": ["Our gift cards never expire, and you can check the balance on the gift card page or in any store.",
                     "Gift cards never expire and work online and in store; the balance is on the gift card page.",
                     "It is still valid: gift cards never expire."],
            "facts": ["never expire", "balance"],
        },
        "jeans-trade-in": {
            "asks": ["Do you take old jeans back for recycling?", "is there a trade in program for old clothes",
                     "can I recycle my worn out jeans with you", "do I get anything for bringing old denim",
                     "clothing recycling at your stores?", "trade-in voucher for old jeans?", "what do you do with old clothes I bring in",
                     "recycle program"],
            "sent": ["Bring any old jeans to a store and get a $10 voucher for each pair, up to 3 pairs per visit.",
                     "Our denim trade-in gives a $10 voucher per pair, up to 3 pairs per visit.",
                     "Yes, we recycle them: $10 voucher per pair of jeans, up to 3 pairs per visit."],
            "facts": ["$10 voucher", "3 pairs"],
        },
        "bulk-orders": {
            "asks": ["Do you offer discounts for bulk orders?", "I need 80 shirts for my company, any discount?",
                     "corporate order pricing", "buying uniforms for staff, do you do wholesale", "discount for large quantity order",
                     "can we order 100 jackets for our team", "bulk pricing for a team event", "wholesale account?"],
            "sent": ["Orders of 50 or more items get 20% off through our business sales team.",
                     "For 50 items or more we give 20% off; the business sales team handles the order.",
                     "Yes, bulk orders of 50+ items get 20% off via the business sales team."],
            "facts": ["20% off", "50"],
        },
    },
    "held_out": {
        "embroidery": {
            "asks": ["Can you add my initials to a shirt?", "do you offer embroidery", "personalised monogram on a jacket?",
                     "can I get a name stitched on", "custom embroidery price", "monogramming available?",
                     "how long does personalisation take", "can you embroider a logo on polos"],
            "sent": ["We embroider initials for $8 per item; it adds 3 business days to delivery.",
                     "Monogramming costs $8 per item and adds 3 business days.",
                     "Yes, embroidery is $8 an item, with 3 business days extra."],
            "facts": ["$8", "3 business days"],
        },
        "pre-orders": {
            "asks": ["When am I charged for a pre-order?", "how do pre orders work", "can I pre-order the new winter boots",
                     "will my card be charged now for the preorder", "preorder ship date?", "can I cancel a pre-order",
                     "do you take pre orders for upcoming collections", "pre-order payment"],
            "sent": ["Pre-orders are charged only when they ship, and they ship within 6 weeks.",
                     "You are charged when the pre-order ships, within 6 weeks; you can cancel until then.",
                     "No charge yet: pre-orders are charged at shipping, within 6 weeks."],
            "facts": ["when they ship", "6 weeks"],
        },
        "tax-exempt": {
            "asks": ["How do I buy tax exempt?", "we're a nonprofit, can we shop without sales tax", "tax exemption certificate upload",
                     "do you support tax-exempt purchases", "charity order without tax?", "where do I send my tax exempt form",
                     "tax free purchase for school", "remove sales tax for our organization"],
            "sent": ["Upload your exemption certificate in account settings; we review it within 2 business days.",
                     "Tax-exempt buying needs an exemption certificate; review takes 2 business days.",
                     "Send the exemption certificate through account settings and allow 2 business days."],
            "facts": ["exemption certificate", "2 business days"],
        },
        "locker-pickup": {
            "asks": ["Can I pick up my order from a locker?", "parcel locker delivery option?", "how long will the locker hold my package",
                     "pickup locker code not received", "do you ship to lockers", "locker collection instead of home delivery",
                     "my package is in a locker, how many days do i have", "click and collect locker"],
            "sent": ["Locker orders are held for 72 hours; the code comes by text when the parcel arrives.",
                     "We hold parcels in the locker for 72 hours and text you the code.",
                     "Yes, choose a locker at checkout; it is held 72 hours and the code is texted."],
            "facts": ["72 hours", "code"],
        },
        "military-discount": {
            "asks": ["Do you have a military discount?", "veteran discount?", "discount for armed forces",
                     "I'm active duty, any savings", "military id discount in store", "do veterans get money off",
                     "how to verify for the military discount", "service member discount code"],
            "sent": ["Military members and veterans get 10% off once verified with a military ID.",
                     "Yes, 10% off for service members and veterans after verifying a military ID.",
                     "Show a military ID in store or verify online for 10% off."],
            "facts": ["10%", "military ID"],
        },
        "gift-receipts": {
            "asks": ["Can I include a gift receipt?", "gift receipt without prices", "how do I get a gift receipt",
                     "can the recipient exchange with a gift receipt", "gift receipt for online order",
                     "does the package show the price if it's a gift", "gift receipt exchange period", "hide prices on the packing slip"],
            "sent": ["Choose a gift receipt at checkout: prices are hidden and the recipient can exchange within 60 days.",
                     "Gift receipts hide prices and allow exchanges within 60 days.",
                     "Yes, prices are hidden on the gift receipt, and exchanges are accepted within 60 days."],
            "facts": ["prices are hidden", "60 days"],
        },
        "package-insurance": {
            "asks": ["Can I insure my package?", "shipping insurance option?", "is my parcel insured if it's lost",
                     "do you offer package protection", "how much is shipping insurance", "insurance for expensive orders",
                     "package protection at checkout", "what does shipping insurance cover"],
            "sent": ["Shipping insurance costs $2.50 and covers orders up to $500.",
                     "Package protection is $2.50 per order and covers up to $500 if it is lost or damaged.",
                     "Add insurance at checkout for $2.50; it covers up to $500."],
            "facts": ["$2.50", "$500"],
        },
        "boot-repair": {
            "asks": ["Do you repair boots?", "can you resole my boots", "my boot heel broke, repair service?",
                     "boot resoling cost", "do you fix worn boots", "how long does boot repair take",
                     "repair program for leather boots", "can I send boots for repair"],
            "sent": ["We resole boots for $45 and the repair takes 3 weeks.",
                     "Boot resoling costs $45, about 3 weeks from drop-off.",
                     "Yes, our repair service resoles boots for $45 in 3 weeks."],
            "facts": ["$45", "3 weeks"],
        },
    },
}

OUTDATED: dict[str, dict[str, dict[str, Any]]] = {
    "dev": {
        "store-dates-and-hours": {
            "asks": ["What time do your stores open?", "are you open at 8 on saturday", "store opening hours monday",
                     "when does the store open in the morning", "what time can I come in tomorrow morning", "opening time weekdays?"],
            "suggested": "Our stores open at 9:00 am Monday to Saturday and 10:00 am on Sunday.",
            "sent": ["Our stores now open at 8:00 am Monday to Saturday and 10:00 am on Sunday.",
                     "Since November, stores open at 8:00 am Monday to Saturday.",
                     "We open at 8:00 am Monday to Saturday now."],
            "reasons": ["outdated: stores open at 8:00 am now", "wrong hours, it's 8 am since November", "opening time changed"],
            "facts": ["8:00 am"],
        },
        "promotions-promo-code-expired": {
            "asks": ["my promo code expired, it's only 10 days old", "how long are promo codes valid", "code says expired after a week",
                     "when do promo codes expire", "promo code from 12 days ago rejected", "is the discount code still good"],
            "suggested": "Promo codes expire 7 days after they are issued.",
            "sent": ["Promo codes are now valid for 14 days after they are issued.",
                     "Codes last 14 days now, so yours is still valid; let me check why it was rejected.",
                     "Since October, promo codes expire 14 days after they are issued."],
            "reasons": ["outdated, codes are valid 14 days now", "policy changed to 14 days", "wrong validity period"],
            "facts": ["14 days"],
        },
    },
    "held_out": {
        "subscription-payment-extension": {
            "asks": ["can I get more time to pay my subscription", "I'm 3 days late on my subscription, can you extend",
                     "payment extension for silver member", "need a few more days to pay", "can you give me an extension on my payment",
                     "late subscription payment, extension possible?"],
            "suggested": "Silver members get an extension only if they are 1 day late.",
            "sent": ["Silver members can now get an extension when they are up to 3 days late.",
                     "We can extend it: Silver members now get an extension up to 3 days late.",
                     "The extension rule changed: up to 3 days late for Silver members."],
            "reasons": ["outdated: silver gets up to 3 days now", "rule changed last month, 3 days", "wrong, it is 3 days late now"],
            "facts": ["3 days late"],
        },
        "shipping-international-free-shipping": {
            "asks": ["do I get free international shipping", "free shipping to Canada?", "is international shipping free on my account",
                     "how much to ship to the UK", "free worldwide delivery for premium?", "international shipping cost for my order"],
            "suggested": "Whether free international shipping is included depends on your premium subscription; let me check.",
            "sent": ["International shipping is now free on every order over $150, whatever the subscription.",
                     "Good news: all international orders over $150 ship free now.",
                     "We changed it: free international shipping on orders over $150 for everyone."],
            "reasons": ["outdated, free over $150 for all now", "no longer depends on subscription", "policy changed: $150 threshold"],
            "facts": ["$150"],
        },
    },
}

ONE_OFF = [
    "can I bring my dog into the store", "do you sell umbrellas", "is there parking at the mall store",
    "do you have a job opening", "who designed the spring catalogue", "can I pay with a cheque",
    "are your shirts made with organic cotton", "is the website available in Spanish", "do you ship to Antarctica",
    "my coupon printed blurry", "can I order by fax", "do you sponsor local football teams",
    "is the store wheelchair accessible", "do you sell perfume", "can you recommend a tailor nearby",
    "what music do you play in store", "is the founder still the CEO", "can I rent a tuxedo",
    "how do I unsubscribe from the catalogue by post", "do you have a lost and found",
    "can I take photos in the store", "are fitting rooms open during covid", "do you sell swimwear in winter",
    "is there wifi in the store", "can my kid's school visit for a project", "do you buy vintage clothes",
    "what's the carbon footprint of a t-shirt", "can I book a personal shopper", "do you price match amazon shoes",
    "why is the logo green", "do you have a podcast", "can I volunteer at your charity event",
    "do you sell phone cases", "is there a dress code for staff", "can I order a custom wedding suit",
    "are your stores open on new year's day abroad", "can I pay in bitcoin", "do you do student internships",
    "is there a newsletter in French", "do you deliver by drone",
]
STYLE_REASONS = ["too long", "wrong tone for chat", "customer already answered", "too formal", "duplicated the greeting",
                 "not needed, customer left", "typo in the reply"]


def _load_retrieval() -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in (REPO / "evals" / "datasets" / "retrieval.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    return [{"query": r["input"]["query"], "article_id": r["expected"]["article_ids"][0]} for r in rows]


def _at(rng: random.Random, recent_bias: float = 0.0) -> str:
    """A time in the 30 days before NOW; ``recent_bias`` > 0 puts more events in the last half."""
    x = rng.random()
    if recent_bias:
        x = x ** (1.0 / (1.0 + recent_bias))
    ts = NOW - timedelta(days=DAYS) + timedelta(seconds=int(x * DAYS * 86400 - 60))
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ")


def _vary(rng: random.Random, text: str) -> str:
    prefix = rng.choice(["", "", "Hi, ", "hello ", "Quick question: ", "Hey there. ", "Good morning, "])
    suffix = rng.choice(["", "", " thanks", " Thank you!", " please", "?"])
    return f"{prefix}{text}{suffix}".strip()


def generate(split: str, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    retrieval = _load_retrieval()
    half = retrieval[0::2] if split == "dev" else retrieval[1::2]
    one_off = ONE_OFF[0::2] if split == "dev" else ONE_OFF[1::2]
    covered = sorted({r["article_id"] for r in half})
    events: list[tuple[dict[str, Any], dict[str, Any], list[str]]] = []

    def conv() -> str:
        return f"conv-{split}-{rng.randrange(10**8):08d}"

    for topic, t in MISSING[split].items():
        expected = {"topic": topic, "planted": "missing", "facts": t["facts"]}
        bias = rng.choice([0.0, 1.5])
        for i in range(rng.randint(11, 14)):
            ask = _vary(rng, rng.choice(t["asks"]))
            at = _at(rng, bias)
            kind = ["no_knowledge", "no_knowledge", "search_low", "edited", "edited", "rejected", "abstained", "escalation"][i % 8]
            if kind == "no_knowledge":
                ev = {"type": "suggestion", "at": at, "customer_text": ask, "skipped_reason": "no_knowledge", "articles": [],
                      "intent": None, "conversation_id": conv()}
            elif kind == "escalation":
                ev = {"type": "suggestion", "at": at, "customer_text": ask, "skipped_reason": "escalation", "escalation": True,
                      "articles": [], "intent": None, "conversation_id": conv()}
            elif kind == "search_low":
                ev = {"type": "search", "at": at, "query": ask, "mode": "dense", "top_score": round(rng.uniform(0.12, 0.3), 3),
                      "articles": [rng.choice(covered)]}
            elif kind == "abstained":
                ev = {"type": "intent", "at": at, "text": ask, "intent": None, "confidence": round(rng.uniform(0.2, 0.45), 3)}
            else:
                wrong = rng.choice(covered)
                ev = {"type": "feedback", "at": at, "event": kind, "customer_text": ask,
                      "suggestion_text": "I'm sorry, I can't find information about that; let me check with the team.",
                      "sent_text": rng.choice(t["sent"]) if kind == "edited" else None,
                      "reason": "no article covers this" if kind == "rejected" else None,
                      "intent": None, "articles": [wrong] if rng.random() < 0.5 else [], "conversation_id": conv()}
            events.append((ev, expected, ["planted", "missing", kind]))

    for article_id, t in OUTDATED[split].items():
        expected = {"topic": article_id, "planted": "outdated", "article_id": article_id, "facts": t["facts"]}
        for i in range(rng.randint(10, 12)):
            ask = _vary(rng, rng.choice(t["asks"]))
            at = _at(rng, 1.0)
            kind = ["edited", "edited", "rejected", "search_ok", "edited", "rejected"][i % 6]
            if kind == "search_ok":
                ev = {"type": "search", "at": at, "query": ask, "mode": "dense", "top_score": round(rng.uniform(0.55, 0.8), 3),
                      "articles": [article_id]}
            else:
                ev = {"type": "feedback", "at": at, "event": kind, "customer_text": ask, "suggestion_text": t["suggested"],
                      "sent_text": rng.choice(t["sent"]) if kind == "edited" else None,
                      "reason": rng.choice(t["reasons"]) if kind == "rejected" else None,
                      "intent": None, "articles": [article_id], "conversation_id": conv()}
            events.append((ev, expected, ["planted", "outdated", kind]))

    noise = {"topic": None, "planted": None}
    for r in rng.sample(half, min(len(half), 110)):  # agents accepting good suggestions
        ev = {"type": "feedback", "at": _at(rng), "event": "accepted", "customer_text": r["query"],
              "suggestion_text": "(approved reply)", "sent_text": None, "reason": None, "intent": None,
              "articles": [r["article_id"]], "conversation_id": conv()}
        events.append((ev, noise, ["noise", "accepted"]))
    for r in half:  # good searches
        for _ in range(2):
            ev = {"type": "search", "at": _at(rng), "query": _vary(rng, r["query"]), "mode": rng.choice(["dense", "hybrid"]),
                  "top_score": round(rng.uniform(0.5, 0.85), 3), "articles": [r["article_id"]]}
            events.append((ev, noise, ["noise", "search_ok"]))
    for q in one_off:  # one-off questions nobody else asks
        ev = {"type": rng.choice(["suggestion", "intent"]), "at": _at(rng)}
        if ev["type"] == "suggestion":
            ev.update({"customer_text": _vary(rng, q), "skipped_reason": "no_knowledge", "articles": [], "intent": None, "conversation_id": conv()})
        else:
            ev.update({"text": _vary(rng, q), "intent": None, "confidence": round(rng.uniform(0.2, 0.45), 3)})
        events.append((ev, noise, ["noise", "one_off"]))
    by_article: dict[str, list[dict[str, Any]]] = {}
    for r in half:
        by_article.setdefault(r["article_id"], []).append(r)
    for article_id in rng.sample(sorted(by_article), min(len(by_article), 24)):  # style rejections, one per article
        r = rng.choice(by_article[article_id])
        ev = {"type": "feedback", "at": _at(rng), "event": "rejected", "customer_text": r["query"], "suggestion_text": "(approved reply)",
              "sent_text": None, "reason": rng.choice(STYLE_REASONS), "intent": None, "articles": [article_id], "conversation_id": conv()}
        events.append((ev, noise, ["noise", "style_rejection"]))
    rng.shuffle(events)
    events.sort(key=lambda e: e[0]["at"])
    return [
        {"id": f"gaps-{split}-{i:04d}", "split": split, "input": ev, "expected": exp, "tags": tags}
        for i, (ev, exp, tags) in enumerate(events, 1)
    ]


def main() -> None:
    rows = generate("dev", 1901) + generate("held_out", 1902)
    OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    for split in ("dev", "held_out"):
        n = sum(1 for r in rows if r["split"] == split)
        print(f"{split}: {n} events")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
