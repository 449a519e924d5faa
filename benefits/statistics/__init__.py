"""The monthly statistics report 统计月报 (docs/interfaces.md §12): per township and programme,
from the decisions in force in the month (the same figures as the roll and the payments)."""
