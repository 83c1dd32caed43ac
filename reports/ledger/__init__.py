"""The audit ledger: records and chain, role states, its stores."""
