"""The operator's dashboard ``/sandbox/ui`` (DESIGN §5): server-rendered pages over the domain functions."""
