#!/usr/bin/env python3
"""check_schema.py - validate fabscale.results/1 files against
docs/results.schema.json (JSON Schema 2020-12, Debian's python3-jsonschema).

  check_schema.py FILE...            exit 0 when every FILE is valid, 1 when
                                     one is not (one line per error)
  check_schema.py --schema S FILE... against schema S instead
  check_schema.py --invalid FILE...  exit 0 when every FILE is refused, 1 when
                                     one is accepted (tests of the schema)

Called by the result checkers of the integration tests, so every results
file the tests write is held to the schema the field table generates.
"""
import json
import os
import sys

try:
    import jsonschema
except ImportError:
    print("check_schema.py: python3-jsonschema is not installed (apt-get install "
          "python3-jsonschema)", file=sys.stderr)
    sys.exit(2)

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA = os.path.join(HERE, "..", "..", "docs", "results.schema.json")


def errors(schema, path):
    """Messages for what is wrong with the file at path (empty: valid)."""
    try:
        with open(path) as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        return ["%s: %s" % (path, e)]
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    found = sorted(cls(schema).iter_errors(doc), key=lambda e: list(e.absolute_path))
    return ["%s: %s: %s" % (path, "/".join(map(str, e.absolute_path)) or "(root)", e.message)
            for e in found]


def main(argv):
    schema_path = SCHEMA
    if len(argv) > 2 and argv[1] == "--schema":
        schema_path = argv[2]
        argv = argv[2:]
    invalid = len(argv) > 1 and argv[1] == "--invalid"
    if invalid:
        argv = argv[1:]
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(schema_path) as f:
        schema = json.load(f)
    if invalid:
        accepted = [path for path in argv[1:] if not errors(schema, path)]
        for path in accepted:
            print("schema: %s: accepted, but it is wrong" % path, file=sys.stderr)
        return 1 if accepted else 0
    bad = [m for path in argv[1:] for m in errors(schema, path)]
    for m in bad[:20]:
        print("schema: " + m, file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
