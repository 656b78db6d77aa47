"""The web workbench: FastAPI app with a REST API under /api/v1 and HTML pages."""

from watchfloor.web.app import create_app

__all__ = ["create_app"]
