"""Helpers of `make stress` (tools/stress.py): documents, processes, calls, scenarios.

Nothing here imports the addon, its client or the sandbox: the suite talks to them over
HTTP and XML-RPC only, as Számlázz.hu and an operator would.
"""
