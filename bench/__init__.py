"""Benchmarks at province scale (`make bench` = `manage.py bench`): the data generator, the web
load with a writer beside it, matching, bulk work. Its own top-level package: it reads (and, for
the generated data set, writes) every app's tables, and no app imports it. Results are in
`bench/results/`, their history in `bench/HISTORY.md`.
"""
