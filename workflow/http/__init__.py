"""The HTTP face of convflow: the JSON API under /api/v1 and the administrators' dashboard."""

from workflow.http.factory import create_http_app

__all__ = ["create_http_app"]
