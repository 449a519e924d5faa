"""The public page /public/: what anyone may know about applying for assistance, without log-in.
It shows policy data and the offices' contacts only, never any person's data."""
