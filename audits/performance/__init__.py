"""Township performance 绩效考核: per township and period, how the township's work measures
against its deadlines and checks, beside the county's figure, with the cases behind each number."""
