"""HTTP only: controllers and wire schemas.

``routes.V1_HANDLERS`` lists everything mounted under /v1; ``deps`` gives each controller its use
case (a field of the typed container) as a Litestar dependency; ``auth`` authenticates keys and
checks scopes; ``limits`` holds the per-key rate limit and heavy-request slots.
"""
