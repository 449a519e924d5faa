"""Writes of the integrity work: the register (`register`), filing a case under way (`filing`),
the checks' work list (`findings`)."""
