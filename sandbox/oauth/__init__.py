"""Server-connection OAuth (§5), the domain: clients, grants, tokens, scopes, consent rules, the Authlib
authorization server and resource protector — all on the contract clock. No views and no CLI: the consent
pages and token endpoints are in :mod:`sandbox.http.auth`, the control routes in :mod:`sandbox.http.control`.
"""
