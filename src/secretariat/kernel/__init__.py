"""The kernel: what every app shares and nothing above it may change.

Classification levels and compartments, the clock, the service errors, the shared abstract
models, registration numbers, the restricted queryset every ruled model's manager is made of,
and the helpers the desks and the commands of every app share. It imports no app of the
project: see docs/architecture.md.
"""
