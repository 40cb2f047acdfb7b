"""Continuity: every answer on the customer's whole story, across channels and help desks.

* :mod:`context` merges the stored history with the request's conversation and summarises it;
* :mod:`replies` makes replies use it (no re-asking given facts, acknowledging promises);
* :mod:`claims` decides which reply sentences may rest on history items;
* :mod:`chatwoot`, :mod:`zendesk`, :mod:`importer` turn help-desk data into interactions;
* :mod:`service` is the use case the HTTP layer and the CLI call.
"""
