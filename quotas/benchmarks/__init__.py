"""Benchmarks at province scale (`manage.py bench`): data generator, web load, matching, bulk work.

Lives in `quotas` because it reads (and, for the generated data set, writes) every app's tables,
and `quotas` is the one app allowed to import all the others.
"""
