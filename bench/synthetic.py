"""The synthetic people of the benchmarks: they live in `benefits.demo.synthetic` (the demo uses
them too, and production code never imports `bench`)."""

from benefits.demo.synthetic import (  # noqa: F401
    COUNTY_CODE,
    GIVEN,
    SURNAMES,
    Person,
    household_people,
    iter_households,
    make_id_number,
)
