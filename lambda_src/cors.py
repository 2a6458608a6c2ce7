"""CORS headers for every response, from the ALLOWED_ORIGINS setting.

The browser page calls the API from another origin; a response without the right
Access-Control-Allow-Origin is unreadable to it, errors included, so every answer gets them.
"""

from __future__ import annotations

ALLOWED_METHODS = "POST, OPTIONS"
ALLOWED_HEADERS = "Content-Type"
PREFLIGHT_MAX_AGE = "600"


def allowed_origin(origin: str | None, allowed: tuple[str, ...]) -> str | None:
    """The Access-Control-Allow-Origin value for this request's Origin, or None if not allowed."""
    if "*" in allowed:
        return "*"
    if origin and origin in allowed:
        return origin
    return None


def cors_headers(origin: str | None, allowed: tuple[str, ...]) -> dict[str, str]:
    headers = {"Vary": "Origin"}
    value = allowed_origin(origin, allowed)
    if value is not None:
        headers["Access-Control-Allow-Origin"] = value
        headers["Access-Control-Expose-Headers"] = "Retry-After"
    return headers


def preflight_headers() -> dict[str, str]:
    return {
        "Access-Control-Allow-Methods": ALLOWED_METHODS,
        "Access-Control-Allow-Headers": ALLOWED_HEADERS,
        "Access-Control-Max-Age": PREFLIGHT_MAX_AGE,
    }
