"""The contract: the spec (schema-validated loading), the cases and their inputs, the fixtures
and their checksums, regen and validate, the catalogue's data, and the wire format (plain data
plus raw array bytes) that the fixture packs and the worker share.

Owns: what a function must do and the data that shows it. May import: numpy, jsonschema, oracle (a suite's
adapter computes fixtures and random cases), nothing else of conformance.
"""
