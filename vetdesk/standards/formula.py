"""Safe, exact evaluation of the arithmetic formulas written in rule sets.

A formula such as ``land_area_m2 / full_time_students`` is parsed with :mod:`ast`
and only names, integer/decimal literals, ``+ - * /`` and parentheses are allowed.
Arithmetic is exact (:class:`fractions.Fraction`), so a school exactly at a
threshold is never failed by a rounding error.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from functools import cache

Value = Fraction | None


class FormulaError(ValueError):
    """A formula in a rule set is not allowed or cannot be parsed."""


_ALLOWED_NODES = (
    ast.Expression,
    ast.BinOp,
    ast.UnaryOp,
    ast.Name,
    ast.Load,
    ast.Constant,
    ast.Add,
    ast.Sub,
    ast.Mult,
    ast.Div,
    ast.USub,
    ast.UAdd,
)


@cache
def parse_formula(formula: str) -> ast.Expression:
    """Parse a formula, refusing anything beyond plain arithmetic on named inputs."""
    try:
        tree = ast.parse(formula, mode="eval")
    except SyntaxError as exc:
        raise FormulaError(f"cannot parse formula {formula!r}: {exc.msg}") from exc
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED_NODES):
            raise FormulaError(
                f"formula {formula!r} uses {type(node).__name__}, which is not allowed"
            )
        if isinstance(node, ast.Constant) and (
            isinstance(node.value, bool) or not isinstance(node.value, int | float)
        ):
            raise FormulaError(f"formula {formula!r} has a non-numeric constant")
    return tree


def formula_names(formula: str) -> set[str]:
    """The input names a formula uses."""
    return {n.id for n in ast.walk(parse_formula(formula)) if isinstance(n, ast.Name)}


def evaluate(formula: str, inputs: Mapping[str, int | Fraction | None]) -> Value:
    """Evaluate a formula; None when an input is missing or a divisor is zero."""
    return _eval(parse_formula(formula).body, inputs)


def _eval(node: ast.expr, inputs: Mapping[str, int | Fraction | None]) -> Value:
    if isinstance(node, ast.Constant):
        # Literals go through Decimal(str()) so that 0.1 means exactly one tenth.
        return Fraction(Decimal(str(node.value)))
    if isinstance(node, ast.Name):
        if node.id not in inputs:
            raise FormulaError(f"unknown input {node.id!r}")
        raw = inputs[node.id]
        return None if raw is None else Fraction(raw)
    if isinstance(node, ast.UnaryOp):
        operand = _eval(node.operand, inputs)
        if operand is None:
            return None
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp):
        left = _eval(node.left, inputs)
        right = _eval(node.right, inputs)
        if left is None or right is None:
            return None
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        if right == 0:
            return None
        return left / right
    raise FormulaError(f"unsupported expression {ast.dump(node)}")


def parse_decimal(text: str) -> Fraction:
    """Parse a threshold written as a decimal string in a rule set."""
    return Fraction(Decimal(text))
