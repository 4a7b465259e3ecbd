"""The payer simulator: other companies paying the contract's accounts or virtual accounts on its clock,
one-off or recurring, with an amount pattern (exact, short, over, split, another name, a wrong EDI)."""
