"""Virtual accounts (振込入金口座): issued per contract under a parent account (``raId``), 期限型 or 継続型,
stopped, resumed, deleted and closed at month end; money paid to one credits its parent with the VA on the
line, and money paid to one that is not usable goes back to the payer (資金返却)."""
