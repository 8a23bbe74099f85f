"""Fixtures shared by the service-library and evaluation tests (imported by their conftests)."""

import pytest
from django.test import TestCase

from .factories import CommitClient


@pytest.fixture
def client():
    """The Django test client, running each request's on-commit work (tasks, notifications)."""
    return CommitClient()


@pytest.fixture
def commits():
    """`with commits(): …` runs the on-commit work of direct service calls."""
    return lambda: TestCase.captureOnCommitCallbacks(execute=True)
