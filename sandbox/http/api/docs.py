"""The OpenAPI 3.1 document (``/openapi.json``) and its docs page (``/docs``), which works offline.

The document is assembled from the YAML fragments in ``sandbox/http/api/openapi/`` (file-name order; each
adds ``tags``, ``paths`` and ``components``), so each subsystem documents its own endpoints. The docs
page is rendered on the server from the same document: no script, no CDN, no external asset.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from importlib import resources
from typing import Any

import yaml
from flask import Blueprint, Response, render_template, request
from markupsafe import Markup, escape

from sandbox.http.api import examples
from sandbox.http.web import reply

bp = Blueprint("api_docs", __name__, template_folder="templates")
METHODS = ("get", "post", "put", "patch", "delete")


def _merge(into: dict[str, Any], extra: dict[str, Any], source: str) -> None:
    """Add a fragment: ``tags`` append; paths and component sections merge by name; a name twice is an error."""
    for key, value in extra.items():
        if key == "tags":
            into.setdefault("tags", []).extend(value)
        elif key in ("paths", "components"):
            for name, item in value.items():
                section = into.setdefault(key, {}).setdefault(name, {})
                clash = set(section) & set(item)
                if clash:
                    raise ValueError(f"{source}: {key}/{name} defines {sorted(clash)} again")
                section.update(item)
        elif key not in into:
            into[key] = value
        elif into[key] != value:
            raise ValueError(f"{source}: top-level {key!r} is already set by an earlier fragment")


@functools.cache
def _assembled() -> dict[str, Any]:
    merged: dict[str, Any] = {}
    folder = resources.files("sandbox.http.api") / "openapi"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            _merge(merged, yaml.safe_load(entry.read_text(encoding="utf-8")) or {}, entry.name)
    _control_responses(merged)
    examples.attach(merged, METHODS)  # a request and a real answer per operation (make docs)
    return merged


def _control_responses(doc: dict[str, Any]) -> None:
    """Document, on every ``/sandbox/v1`` operation, the answers every one of them can give: 401 (no or a
    wrong key), 429 (too many wrong keys), 400 where it takes input, 404 where its path names something.
    Written once here rather than in each fragment, so that no operation can forget them."""
    ref = "#/components/responses/"
    for path, item in doc.get("paths", {}).items():
        if not path.startswith("/sandbox/v1/"):
            continue
        shared = item.get("parameters", [])
        for method in ("get", "put", "post", "patch", "delete"):
            if method not in item:
                continue
            operation = item[method]
            answers = operation.setdefault("responses", {})
            answers.setdefault("401", {"$ref": ref + "ControlUnauthorized"})
            answers.setdefault("429", {"$ref": ref + "KeyThrottled"})
            if "requestBody" in operation or shared or operation.get("parameters"):
                answers.setdefault("400", {"$ref": ref + "BadRequest"})
            if "{" in path:
                answers.setdefault("404", {"$ref": ref + "NotFound"})


def document() -> dict[str, Any]:
    """A fresh copy of the whole OpenAPI document."""
    return copy.deepcopy(_assembled())


@bp.get("/openapi.json")
def openapi_json() -> Response:
    doc = document()
    doc["servers"] = [{"url": request.url_root.rstrip("/"), "description": "this sandbox"}]
    return reply(doc)


@bp.get("/docs")
def docs() -> Response:
    doc = document()
    response = Response(
        render_template(
            "api/docs.html",
            doc=doc,
            groups=_groups(doc),
            label=_label,
            md=_md,
            props=_properties,
            examples=examples.load(),
            request_text=examples.request_text,
            response_text=examples.response_text,
        )
    )
    response.headers["Cache-Control"] = "no-cache"
    return response


def _groups(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Operations grouped by their first tag, in the document's tag order."""
    groups = {t["name"]: {"tag": t, "operations": []} for t in doc.get("tags", [])}
    for path, item in doc.get("paths", {}).items():
        shared = item.get("parameters", [])
        for method in METHODS:
            if method in item:
                op = item[method]
                tag = (op.get("tags") or ["other"])[0]
                group = groups.setdefault(tag, {"tag": {"name": tag}, "operations": []})
                params = [_resolve(doc, p) for p in [*shared, *op.get("parameters", [])]]
                group["operations"].append(
                    {
                        "method": method,
                        "path": path,
                        "op": op,
                        "params": params,
                        "anchor": _anchor(method, path),
                    }
                )
    return [g for g in groups.values() if g["operations"]]


def _anchor(method: str, path: str) -> str:
    return f"{method}-" + "".join(c if c.isalnum() else "-" for c in path).strip("-")


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _resolve(doc: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    if "$ref" not in node:
        return node
    found: Any = doc
    for part in node["$ref"].lstrip("#/").split("/"):
        found = found[part]
    return found


def _label(schema: dict[str, Any] | None) -> Markup:
    """A short, linked type label: ``Account``, ``array of Transaction``, ``string (pattern …)``."""
    if not schema:
        return Markup("")
    if "$ref" in schema:
        name = _ref_name(schema["$ref"])
        return Markup('<a href="#schema-{0}">{0}</a>').format(name)
    if "allOf" in schema:
        return Markup(" + ").join(_label(s) for s in schema["allOf"])
    kind = schema.get("type", "object")
    if kind == "array":
        return Markup("array of ") + _label(schema.get("items"))
    text = " | ".join(kind) if isinstance(kind, list) else str(kind)
    notes = []
    if "const" in schema:
        notes.append(f"= {json.dumps(schema['const'], ensure_ascii=False)}")
    if "enum" in schema:
        notes.append("one of " + ", ".join(json.dumps(v, ensure_ascii=False) for v in schema["enum"]))
    if "pattern" in schema:
        notes.append(f"pattern {schema['pattern']}")
    if "format" in schema:
        notes.append(schema["format"])
    return escape(text) + (Markup(' <span class="note">{}</span>').format("; ".join(notes)) if notes else "")


def _md(text: str | None) -> Markup:
    """The little Markdown the document uses: paragraphs, `code` and **bold**."""
    html = str(escape(text or ""))
    html = re.sub(r"`([^`]+)`", r"<code>\1</code>", html)
    html = re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", html)
    paragraphs = [p.strip().replace("\n", " ") for p in html.split("\n\n") if p.strip()]
    return Markup("".join(f"<p>{p}</p>" for p in paragraphs))


def _properties(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows of a schema's property table (``allOf`` parts flattened; references stay links)."""
    parts = schema.get("allOf", [schema])
    found = []
    for part in parts:
        required = set(part.get("required", []))
        for name, prop in part.get("properties", {}).items():
            found.append({"name": name, "schema": prop, "required": name in required})
    return found
