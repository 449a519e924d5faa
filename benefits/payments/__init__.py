"""Paying the money 资金发放: payees, monthly batches, the bank file and its result (docs/payments.md)."""
