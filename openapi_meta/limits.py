"""Limits on what openapi-meta accepts, so hostile or broken input fails fast and clearly.

The largest real spec we know of (GitHub's REST description) is 13 MB with a nesting depth
well under 64; these limits leave wide room above real documents.
"""

MAX_DOCUMENT_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 256
# A YAML alias is a pointer; expanding a "billion laughs" document turns kilobytes into
# gigabytes. Count the nodes the document would have with every alias expanded.
MAX_EXPANDED_NODES = 10_000_000
