"""Integrity 廉政: the close-relatives register 近亲属备案 and the integrity checks' work list.

Models live in `models.py` and are registered with the `audits` app by `audits/models.py`.
"""
