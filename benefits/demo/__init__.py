"""Demo and seed data for seed_demo, written through the services; never imported by production code.

- `synthetic`: deterministic synthetic people and households (also used by `bench/` and the tests)
- `scenarios`: households built ready for a case
- `cases`: applications walked to every status, benefits with their changes
- `migrated`: beneficiaries taken over from a legacy roll
- `programmes`: medical claims and temporary assistance
"""

from .cases import seed_cases
from .migrated import seed_migrated
from .programmes import seed_claims, seed_temporary
from .scenarios import seed_scenarios

__all__ = ["seed_cases", "seed_claims", "seed_migrated", "seed_scenarios", "seed_temporary"]
