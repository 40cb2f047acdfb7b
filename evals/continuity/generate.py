"""Writes ``evals/datasets/continuity.jsonl``: multi-channel customer histories with their truth.

Run once (``python -m evals.continuity.generate``); the file is committed and reviewed, and it
was written before any continuity behaviour was tuned. Every case is a story built from one of
eight scenario templates, with its own customer, order id, e-mail, dates, channel order and a
varying number of unrelated interactions (an older resolved question, bot greetings, order
events), so histories run from 6 to 60 interactions on 3 or more channels. The truth is written
from the story, not from what the summariser says:

* ``facts``: what the customer already gave (kind, value) and must never be asked for again;
* ``commitments``: every promise the business made, its true status (kept, broken, pending) and
  the interaction that made it;
* ``need_keywords``: words the current need must contain (any one);
* ``broken``: ids of the promises a reply must acknowledge.

Cases alternate between ``"split": "dev"`` and ``"held_out"`` (by case and variant), so both
halves hold every scenario. Timestamps are before the eval's pinned date, 2026-11-15T12:00:00Z.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "datasets" / "continuity.jsonl"
NOW = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)

NAMES = ["Maya", "Tomas", "Priya", "Jonas", "Aisha", "Liam", "Sofia", "Kenji", "Chloe", "Rafael", "Nora", "Omar",
         "Elena", "Felix", "Grace", "Hugo", "Ines", "Jamal", "Kira", "Lukas", "Mei", "Nils", "Olga", "Pedro",
         "Rosa", "Sami", "Talia", "Umar", "Vera", "Wes", "Yara", "Zoe", "Ada", "Ben", "Cleo", "Dev"]
PRODUCTS = ["denim jacket", "running shoes", "wool sweater", "leather boots", "rain jacket", "linen shirt"]


class Story:
    def __init__(self, cid: str, rng: random.Random, start: datetime) -> None:
        self.cid = cid
        self.rng = rng
        self.t = start
        self.items: list[dict] = []
        self.n = 0

    def add(self, channel: str, role: str, text: str = "", *, thread: str, kind: str = "message", gap_min: int = 3,
            meta: dict | None = None) -> str:
        self.t += timedelta(minutes=gap_min)
        self.n += 1
        iid = f"{self.cid}-{self.n:02d}"
        self.items.append({
            "id": iid, "customer_id": self.cid, "channel": channel, "author_role": role,
            "direction": {"customer": "inbound", "agent": "outbound", "bot": "outbound", "system": "internal"}[role],
            "ts": self.t.isoformat().replace("+00:00", "Z"), "text": text, "thread_id": thread, "kind": kind,
            "metadata": meta or {},
        })
        return iid

    def wait(self, days: float) -> None:
        self.t += timedelta(days=days)

    def filler(self, count: int, channel: str) -> None:
        """An older, resolved question and some order events: history the reply must not trip over."""
        if count <= 0:
            return
        th = f"{self.cid}-old"
        pairs = [
            ("customer", "Hi, do you have the linen shirt in size M?"),
            ("agent", "Hi! Yes, the linen shirt is back in stock in size M."),
            ("customer", "Great, thanks for checking."),
            ("agent", "You're welcome, have a lovely day."),
            ("customer", "One more thing, what are your store opening hours on Sunday?"),
            ("agent", "Our stores open 10:00 to 17:00 on Sundays."),
            ("customer", "Perfect, thank you."),
        ]
        k = 0
        while k < count:
            role, text = pairs[k % len(pairs)]
            self.add(channel, role, text, thread=f"{th}-{k // len(pairs)}", gap_min=2)
            k += 1
            if k % len(pairs) == 0:
                self.wait(2)
        self.wait(3)


def _ids(rng: random.Random) -> tuple[str, str]:
    return str(rng.randint(3_000_000_000, 3_999_999_999)), f"W{rng.randint(100000, 999999)}"


def scenario_refund_and_callback(s: Story, name: str, email: str, order: str, chans: list[str], rng: random.Random) -> dict:
    a, b, c = chans[:3]
    product = rng.choice(PRODUCTS)
    s.add(a, "customer", f"Hi, I returned my {product} two weeks ago and there is still no refund. Order ID {order}.", thread=f"{s.cid}-T1")
    s.add(a, "agent", f"Hi {name}, I can see the return arrived at our warehouse. Can you confirm the e-mail on the account?", thread=f"{s.cid}-T1")
    s.add(a, "customer", f"It's {email}", thread=f"{s.cid}-T1")
    p1 = s.add(a, "agent", "Thanks. I'll process the refund now; it will be back on your card within 5 business days.", thread=f"{s.cid}-T1")
    s.wait(9)
    s.add(b, "customer", f"Hello, it's {name} again. The refund for order {order} still hasn't shown up on my card.", thread=f"{s.cid}-T2")
    p2 = s.add(b, "agent", "I'm sorry about that. I've escalated it and a supervisor will call you back tomorrow.", thread=f"{s.cid}-T2")
    s.wait(3)
    s.add(c, "customer", "Nobody called me back and I still have no refund.", thread=f"{s.cid}-T3")
    return {
        "facts": [{"kind": "order_id", "value": order}, {"kind": "email", "value": email}],
        "commitments": [{"type": "refund", "status": "broken", "source": p1}, {"type": "callback", "status": "broken", "source": p2}],
        "broken": [p1, p2],
        "request": "Hi again, where is my refund? This is getting ridiculous.",
        "need_keywords": ["refund"],
    }


def scenario_label(s: Story, name: str, email: str, order: str, chans: list[str], rng: random.Random) -> dict:
    a, b, c = chans[:3]
    product = rng.choice(PRODUCTS)
    s.add(a, "customer", f"Hello, the {product} from order {order} is the wrong size and I'd like to return it.", thread=f"{s.cid}-T1")
    s.add(a, "agent", f"Sorry about that, {name}. What e-mail address should the label go to?", thread=f"{s.cid}-T1")
    s.add(a, "customer", f"Please use {email}", thread=f"{s.cid}-T1")
    p1 = s.add(a, "agent", "Thanks, I'll e-mail you a prepaid return label today.", thread=f"{s.cid}-T1")
    s.wait(4)
    s.add(b, "customer", f"Hi, I never got the return label for order {order}.", thread=f"{s.cid}-T2")
    p2 = s.add(b, "agent", "Apologies. We will ship a replacement in the right size as soon as the return is scanned.", thread=f"{s.cid}-T2")
    s.wait(1)
    s.add(c, "system", f"Replacement for order {order} shipped", thread=f"{s.cid}-T2", kind="replacement_shipped", meta={"order_id": order})
    return {
        "facts": [{"kind": "order_id", "value": order}, {"kind": "email", "value": email}],
        "commitments": [{"type": "return_label", "status": "broken", "source": p1}, {"type": "replacement", "status": "kept", "source": p2}],
        "broken": [p1],
        "request": "I still need that return label please, the replacement already came.",
        "need_keywords": ["label", "return"],
    }


def scenario_delivery_pending(s: Story, name: str, email: str, order: str, chans: list[str], rng: random.Random) -> dict:
    a, b, c = chans[:3]
    s.add(a, "customer", f"Hi, my order {order} was supposed to arrive on Monday and it hasn't.", thread=f"{s.cid}-T1")
    s.add(a, "agent", f"Hi {name}, let me check. Which e-mail did you order with?", thread=f"{s.cid}-T1")
    s.add(a, "customer", f"{email}", thread=f"{s.cid}-T1")
    p1 = s.add(a, "agent", "Thanks. We will ship a replacement by express courier today.", thread=f"{s.cid}-T1")
    s.add(b, "system", f"Order {order} replacement dispatched", thread=f"{s.cid}-T1", kind="replacement_shipped", gap_min=120, meta={"order_id": order})
    s.wait(1)
    s.add(c, "customer", f"The replacement for {order} arrived but the box was crushed. Can someone look at this?", thread=f"{s.cid}-T2")
    p2 = s.add(c, "agent", "I'm sorry to hear that. Our claims team will review the photos and get back to you within 5 days.", thread=f"{s.cid}-T2")
    return {
        "facts": [{"kind": "order_id", "value": order}, {"kind": "email", "value": email}],
        "commitments": [{"type": "replacement", "status": "kept", "source": p1}, {"type": "investigation", "status": "pending", "source": p2}],
        "broken": [],
        "request": "Any update on the damaged box claim?",
        "need_keywords": ["claim", "damaged", "box", "update"],
    }


def scenario_double_charge(s: Story, name: str, email: str, order: str, chans: list[str], rng: random.Random) -> dict:
    a, b, c = chans[:3]
    s.add(a, "customer", f"I was charged twice for order {order}. My e-mail is {email}.", thread=f"{s.cid}-T1")
    p1 = s.add(a, "agent", f"Thanks {name}, I see the duplicate payment. I'll refund the duplicate charge today.", thread=f"{s.cid}-T1")
    s.add(b, "system", f"Refund issued for order {order}", thread=f"{s.cid}-T1", kind="refund_issued", gap_min=240, meta={"order_id": order})
    s.wait(6)
    s.add(c, "customer", f"Thanks for the refund. I'm a Gold member by the way, why did I pay shipping on order {order}?", thread=f"{s.cid}-T2")
    p2 = s.add(c, "agent", "Good question. I'll check with our billing team and get back to you by Friday.", thread=f"{s.cid}-T2")
    s.wait(8)
    s.add(a, "customer", "You said you would get back to me about the shipping fee and I heard nothing.", thread=f"{s.cid}-T3")
    return {
        "facts": [{"kind": "order_id", "value": order}, {"kind": "email", "value": email}, {"kind": "membership_level", "value": "gold"}],
        "commitments": [{"type": "refund", "status": "kept", "source": p1}, {"type": "follow_up", "status": "broken", "source": p2}],
        "broken": [p2],
        "request": "So can you refund the shipping fee or not?",
        "need_keywords": ["shipping", "fee", "refund"],
    }


def scenario_cancel_subscription(s: Story, name: str, email: str, order: str, chans: list[str], rng: random.Random) -> dict:
    a, b, c = chans[:3]
    s.add(a, "customer", f"Please cancel my subscription, the account e-mail is {email}.", thread=f"{s.cid}-T1")
    p1 = s.add(a, "agent", f"Done, {name}. I'll cancel the subscription now and you'll receive a confirmation e-mail.", thread=f"{s.cid}-T1")
    s.add(b, "system", "Subscription cancelled", thread=f"{s.cid}-T1", kind="subscription_cancelled", gap_min=30)
    s.wait(5)
    s.add(c, "customer", f"I was still charged for the subscription after cancelling. Order {order}.", thread=f"{s.cid}-T2")
    p2 = s.add(c, "agent", "That charge should not have happened. We will refund it within 3 business days.", thread=f"{s.cid}-T2")
    s.wait(7)
    s.add(b, "customer", "It's been a week and the refund still hasn't arrived.", thread=f"{s.cid}-T3")
    return {
        "facts": [{"kind": "order_id", "value": order}, {"kind": "email", "value": email}],
        "commitments": [{"type": "cancellation", "status": "kept", "source": p1}, {"type": "refund", "status": "broken", "source": p2}],
        "broken": [p2],
        "request": "When will I get my money back for that charge?",
        "need_keywords": ["money", "refund", "charge"],
    }


def scenario_technician(s: Story, name: str, email: str, order: str, chans: list[str], rng: random.Random) -> dict:
    a, b, c = chans[:3]
    s.add(a, "customer", f"My washing machine from order {order} leaks. Contact me at {email}.", thread=f"{s.cid}-T1")
    p1 = s.add(a, "agent", f"Sorry {name}. A technician will visit on Thursday between 8 and 12.", thread=f"{s.cid}-T1")
    s.wait(6)
    s.add(b, "customer", "The technician never showed up on Thursday.", thread=f"{s.cid}-T2")
    p2 = s.add(b, "agent", "I'm very sorry. I have escalated this and my manager will call you back within 48 hours.", thread=f"{s.cid}-T2")
    s.wait(1)
    s.add(c, "system", "Callback completed", thread=f"{s.cid}-T2", kind="callback_completed")
    return {
        "facts": [{"kind": "order_id", "value": order}, {"kind": "email", "value": email}],
        "commitments": [{"type": "visit", "status": "broken", "source": p1}, {"type": "callback", "status": "kept", "source": p2}],
        "broken": [p1],
        "request": "Can we rebook the technician visit?",
        "need_keywords": ["technician", "visit", "rebook"],
    }


def scenario_address(s: Story, name: str, email: str, order: str, chans: list[str], rng: random.Random) -> dict:
    a, b, c = chans[:3]
    s.add(a, "customer", f"Hi, I need to change the delivery address on order {order}.", thread=f"{s.cid}-T1")
    s.add(a, "agent", f"Of course {name}. Which e-mail is on the account?", thread=f"{s.cid}-T1")
    s.add(a, "customer", f"{email}", thread=f"{s.cid}-T1")
    p1 = s.add(a, "agent", "Thanks, I'll update the address and send you a confirmation e-mail within the hour.", thread=f"{s.cid}-T1")
    s.wait(2)
    s.add(b, "customer", f"No confirmation e-mail came for the address change on {order}.", thread=f"{s.cid}-T2")
    s.add(c, "bot", "Thanks for your message, an agent will reply soon.", thread=f"{s.cid}-T3")
    return {
        "facts": [{"kind": "order_id", "value": order}, {"kind": "email", "value": email}],
        "commitments": [{"type": "email", "status": "broken", "source": p1}],
        "broken": [p1],
        "request": "Did the address on my order actually change?",
        "need_keywords": ["address"],
    }


def scenario_points(s: Story, name: str, email: str, order: str, chans: list[str], rng: random.Random) -> dict:
    a, b, c = chans[:3]
    s.add(a, "customer", f"My promo code didn't apply to order {order}. Account e-mail {email}.", thread=f"{s.cid}-T1")
    p1 = s.add(a, "agent", f"Sorry {name}, I'll add a credit for the difference to your account today.", thread=f"{s.cid}-T1")
    s.add(b, "system", "Credit issued", thread=f"{s.cid}-T1", kind="credit_issued", gap_min=90, meta={"order_id": order})
    s.wait(3)
    s.add(c, "customer", f"Thanks for the credit. Also, when will order {order} ship?", thread=f"{s.cid}-T2")
    p2 = s.add(c, "agent", "It will ship next week and you'll get the tracking link by e-mail.", thread=f"{s.cid}-T2")
    return {
        "facts": [{"kind": "order_id", "value": order}, {"kind": "email", "value": email}],
        "commitments": [{"type": "credit", "status": "kept", "source": p1}, {"type": "shipping", "status": "pending", "source": p2}],
        "broken": [],
        "request": "Has my order shipped yet?",
        "need_keywords": ["ship", "order"],
    }


SCENARIOS = [scenario_refund_and_callback, scenario_label, scenario_delivery_pending, scenario_double_charge,
             scenario_cancel_subscription, scenario_technician, scenario_address, scenario_points]
CHANNEL_SETS = [["chat", "email", "voice"], ["email", "chat", "sms"], ["voice", "email", "chat"], ["social", "email", "voice"],
                ["web", "chat", "email"], ["sms", "voice", "email"]]
FILLERS = [2, 4, 10, 20, 30, 44]


def shift_to_end(items: list[dict], end: datetime) -> None:
    """Move the whole story so its last interaction is at ``end`` (a day or so before the pinned now):
    a promise still within its time is really pending on the eval's date."""
    last = datetime.fromisoformat(items[-1]["ts"].replace("Z", "+00:00"))
    delta = end - last
    for it in items:
        ts = datetime.fromisoformat(it["ts"].replace("Z", "+00:00")) + delta
        it["ts"] = ts.isoformat().replace("+00:00", "Z")


def build() -> list[dict]:
    rows = []
    for k in range(40):
        rng = random.Random(1000 + k)
        scen = SCENARIOS[k % len(SCENARIOS)]
        variant = k // len(SCENARIOS)
        name = NAMES[k % len(NAMES)]
        order, _ = _ids(rng)
        email = f"{name.lower()}.{rng.randint(10, 99)}@example.com"
        cid = f"cont-{k:02d}"
        chans = CHANNEL_SETS[(k + variant) % len(CHANNEL_SETS)]
        start = NOW - timedelta(days=40) + timedelta(hours=rng.randint(0, 48))
        story = Story(cid, rng, start)
        n_fill = FILLERS[(k * 5 + variant) % len(FILLERS)]
        story.filler(n_fill, chans[2])
        truth = scen(story, name, email, order, chans, rng)
        shift_to_end(story.items, NOW - timedelta(hours=20 + rng.randint(0, 30)))
        channel_now = chans[(variant + 1) % 3]
        use_handle = k % 2 == 1
        rows.append({
            "id": f"continuity-{k:02d}-{scen.__name__.removeprefix('scenario_')}",
            "split": "dev" if (k + variant) % 2 == 0 else "held_out",
            "input": {
                "customer_id": cid,
                "handle": {"kind": "email", "value": email} if use_handle else None,
                "history": story.items,
                "request": {"channel": channel_now, "messages": [{"role": "customer", "text": truth["request"]}]},
                "first_name": name,
            },
            "expected": {k2: truth[k2] for k2 in ("facts", "commitments", "broken", "need_keywords")},
            "tags": [scen.__name__.removeprefix("scenario_"), f"{len(story.items)}_interactions", *sorted(set(chans))],
        })
    return rows


def main() -> None:
    rows = build()
    for r in rows:
        n = len(r["input"]["history"])
        assert 6 <= n <= 60, (r["id"], n)
        assert len({i["channel"] for i in r["input"]["history"]}) >= 3 or len({i["channel"] for i in r["input"]["history"]} | {r["input"]["request"]["channel"]}) >= 3
    OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(f"wrote {len(rows)} cases to {OUT}")


if __name__ == "__main__":
    main()
