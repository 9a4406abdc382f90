"""Transformation logic of the lake's Glue jobs, as pure functions over Spark DataFrames.

Nothing here imports awsglue: the Glue entry points (etl/jobs/*.py) read through GlueContext and call these
functions, and the tests (etl/tests) call the same functions on local Spark. Modules:
hive_types (type strings -> Spark types), schema (--target_schema), config (job arguments), refine (names,
renames, derived columns, casts and rejects, dedup), layout (partition paths, catalog DDL), write (files,
merge, catalog partitions, Iceberg, error output), iceberg (MERGE INTO), sql (gold SQL and its contract),
pipeline (each job end to end).
"""
