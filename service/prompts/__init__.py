"""The one prompt registry: versioned prompt files (front matter read into msgspec Structs),
the lock file, A/B selection per tenant, and rendering (the only place Jinja2 is used)."""
