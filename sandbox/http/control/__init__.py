"""The sandbox control surface ``/sandbox/v1`` (DESIGN §5): every route of it, in this one package."""
