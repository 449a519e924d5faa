"""Complaints and reports 群众反映 / 举报 (docs/integrity.md).

Models live in `models.py` and are registered with the `audits` app by `audits/models.py`.
"""
