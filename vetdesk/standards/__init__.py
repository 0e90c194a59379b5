"""The national standards as data: rule sets, indicator formulas and 达标 verdicts."""
