"""The API's operations by desk, one router per app, each handler one service or selector.

api/api.py (the ProblemAPI, authentication, the error handlers and the first operations) adds
these routers; a router imports only api.problems and api.schemas from its own package."""
