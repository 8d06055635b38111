"""Enforcement cases: the case, its claims and seized property with their files, the court
console's read of a case, enforcement measures, and the domain's side of allocation plans."""
