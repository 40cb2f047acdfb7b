"""Knowledge that learns from agents: signals, gaps, drafts and their review.

``signals`` turns recorded events (feedback, searches, skipped suggestions, intent abstentions)
into PII-masked signals; ``clustering`` groups them into gaps; ``drafts`` proposes an article per
gap from what agents sent; ``service`` keeps gaps and drafts per tenant and runs the review.
"""
