"""Check real responses against the OpenAPI document (JSON Schema 2020-12 with ``$ref`` into the document).

assert_conforms(doc, "/corporation/v1/accounts", "get", response)
"""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

DOC_URI = "urn:web21-sandbox:openapi"


def _pointer(*parts: str) -> str:
    return "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def response_validator(doc: dict[str, Any], path: str, method: str, status: int) -> Draft202012Validator:
    """A validator for the JSON body the document declares for ``method path`` answering ``status``."""
    answer = doc["paths"][path][method]["responses"][str(status)]
    if "$ref" in answer:
        name = answer["$ref"].rsplit("/", 1)[-1]
        target = ("components", "responses", name)
    else:
        target = ("paths", path, method, "responses", str(status))
    schema = {"$ref": f"{DOC_URI}#/{_pointer(*target, 'content', 'application/json', 'schema')}"}
    registry = Registry().with_resource(DOC_URI, Resource(contents=doc, specification=DRAFT202012))
    return Draft202012Validator(schema, registry=registry)


def assert_conforms(doc: dict[str, Any], path: str, method: str, response: Any) -> None:
    """The response's status is documented for the operation and its JSON body matches the schema."""
    body = response.get_json() if hasattr(response, "get_json") else response.json()
    status = response.status_code
    assert str(status) in doc["paths"][path][method]["responses"], (
        f"{method} {path} {status} is not documented"
    )
    errors = sorted(
        response_validator(doc, path, method, status).iter_errors(body), key=lambda e: list(e.path)
    )
    assert not errors, f"{method.upper()} {path} {status}: " + "; ".join(
        f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors[:5]
    )
