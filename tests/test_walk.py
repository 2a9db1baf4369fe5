"""The OpenAPI-aware walker: types come from the table, never from key names."""

from __future__ import annotations

from openapi_meta.document.walk import (
    OPENAPI_30,
    OPENAPI_31,
    REMOVE,
    SKIP,
    SWAGGER_20,
    Replace,
    table_for_version,
    walk,
)


class Recorder:
    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    def visit_Schema(self, node, pointer, node_type):
        self.seen.append(("Schema", pointer))

    def visit_Reference(self, node, pointer, node_type):
        self.seen.append(("Reference:" + node_type.name, pointer))

    def visit_Parameter(self, node, pointer, node_type):
        self.seen.append(("Parameter", pointer))


DOC = {
    "openapi": "3.1.0",
    "info": {"title": "t", "version": "1"},
    "paths": {
        "/a/{id}": {
            "parameters": [{"$ref": "#/components/parameters/Id"}],
            "get": {
                "parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Thing"},
                                "example": {"type": "not a schema", "properties": {}},
                            }
                        },
                    },
                    "x-ext": {"schema": {"type": "string"}},
                },
            },
        }
    },
    "components": {
        "parameters": {"Id": {"name": "id", "in": "path", "required": True}},
        "schemas": {
            "Thing": {
                "type": "object",
                "properties": {
                    "const": {"type": "string"},
                    "nullable": {"type": "boolean"},
                    "properties": {"type": "object", "properties": {"x": True}},
                },
                "default": {"properties": {"y": {"type": "string"}}},
                "x-meta": {"schema": {"type": "string"}},
            }
        },
    },
}


def test_visits_follow_the_type_table() -> None:
    recorder = Recorder()
    walk(DOC, [recorder], OPENAPI_31)
    assert recorder.seen == [
        ("Reference:Parameter", "/paths/~1a~1{id}/parameters/0"),
        ("Parameter", "/paths/~1a~1{id}/get/parameters/0"),
        ("Schema", "/paths/~1a~1{id}/get/parameters/0/schema"),
        ("Reference:Schema", "/paths/~1a~1{id}/get/responses/200/content/application~1json/schema"),
        ("Schema", "/paths/~1a~1{id}/get/responses/200/content/application~1json/schema"),
        ("Parameter", "/components/parameters/Id"),
        ("Schema", "/components/schemas/Thing"),
        ("Schema", "/components/schemas/Thing/properties/const"),
        ("Schema", "/components/schemas/Thing/properties/nullable"),
        ("Schema", "/components/schemas/Thing/properties/properties"),
        ("Schema", "/components/schemas/Thing/properties/properties/properties/x"),
    ]


def test_replace_remove_and_skip() -> None:
    doc = {
        "openapi": "3.1.0",
        "components": {
            "schemas": {
                "A": {"type": "object", "properties": {"a": {"type": "string"}, "b": False}},
                "B": {"properties": {"deep": {"type": "string"}}},
                "C": {"type": "integer"},
            }
        },
    }
    seen = []

    class Edit:
        def visit_Schema(self, node, pointer, node_type):
            seen.append(pointer)
            if pointer == "/components/schemas/B":
                return SKIP
            return None

        def leave_Schema(self, node, pointer, node_type):
            if node is False:
                return Replace({"not": {}})
            if node.get("type") == "integer":
                return REMOVE
            return None

    walk(doc, [Edit()], OPENAPI_31)
    assert doc["components"]["schemas"] == {
        "A": {"type": "object", "properties": {"a": {"type": "string"}, "b": {"not": {}}}},
        "B": {"properties": {"deep": {"type": "string"}}},
    }
    assert "/components/schemas/B/properties/deep" not in seen


def test_list_removal_keeps_later_items() -> None:
    doc = {"anyOf": [{"type": "null"}, {"type": "string"}, {"type": "null"}, {"type": "integer"}]}

    class DropNull:
        def leave_Schema(self, node, pointer, node_type):
            return REMOVE if node.get("type") == "null" else None

    walk(doc, [DropNull()], OPENAPI_31, root_type="Schema")
    assert doc == {"anyOf": [{"type": "string"}, {"type": "integer"}]}


def test_swagger2_and_30_tables() -> None:
    doc = {
        "swagger": "2.0",
        "paths": {
            "/p": {
                "post": {
                    "parameters": [
                        {"in": "body", "name": "b", "schema": {"type": "object"}},
                        {"in": "query", "name": "q", "type": "array", "items": {"type": "string"}},
                    ],
                    "responses": {"200": {"description": "", "schema": {"type": "string"}}},
                }
            }
        },
        "definitions": {"D": {"type": "string"}},
    }
    recorder = Recorder()
    walk(doc, [recorder], SWAGGER_20)
    assert [p for kind, p in recorder.seen if kind == "Schema"] == [
        "/paths/~1p/post/parameters/0/schema",
        "/paths/~1p/post/responses/200/schema",
        "/definitions/D",
    ]
    assert table_for_version("2.0") is SWAGGER_20
    assert table_for_version("3.0.3") is OPENAPI_30
    assert "$defs" not in OPENAPI_30["Schema"].fields
    assert "webhooks" in OPENAPI_31["Root"].fields


def test_references_in_example_positions_are_visited() -> None:
    """A leaf type has no children, but a `$ref` may stand in its place (900 times in GitHub's
    description); an example's own `value` is data, never walked into."""
    doc = {
        "openapi": "3.0.3",
        "paths": {
            "/p": {
                "get": {
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {
                                    "examples": {
                                        "shared": {"$ref": "#/components/examples/E"},
                                        "inline": {"value": {"$ref": "#/not/a/reference"}},
                                    }
                                }
                            },
                        }
                    }
                }
            }
        },
        "components": {"examples": {"E": {"value": {"$ref": "#/data/only"}}}},
    }
    recorder = Recorder()
    walk(doc, [recorder], OPENAPI_30)
    assert recorder.seen == [
        (
            "Reference:Example",
            "/paths/~1p/get/responses/200/content/application~1json/examples/shared",
        )
    ]


def test_swagger2_schemas_have_applicators_generators_emit() -> None:
    """2.0 has no anyOf/oneOf/not, but real documents use them; their members are Schemas."""
    schema = {
        "anyOf": [{"$ref": "#/definitions/A"}],
        "oneOf": [{"type": "string"}],
        "not": {"type": "integer"},
    }
    recorder = Recorder()
    walk(schema, [recorder], SWAGGER_20, root_type="Schema")
    assert [p for kind, p in recorder.seen if kind == "Schema"] == [
        "",
        "/anyOf/0",
        "/oneOf/0",
        "/not",
    ]
    assert ("Reference:Schema", "/anyOf/0") in recorder.seen
