"""Scenario scripts (DESIGN §6): timed rehearsals of the terms' clauses, played against a client under test.

``model``/``checks`` read and check the YAML format, ``runner`` plays a scenario on a contract clock,
``grader`` judges the client's observed behaviour from the request log and the timeline, ``report``
prints the result and writes JUnit XML, and ``reference_client`` is a client that passes them all.
"""
