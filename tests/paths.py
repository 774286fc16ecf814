"""Where the tests' shared files are, wherever a test file sits in the tree."""

from pathlib import Path

TESTS = Path(__file__).parent
DATA = TESTS / "data"
GOLDEN = TESTS / "golden"
