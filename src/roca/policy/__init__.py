"""The automation policy: which cases ROCA may decide alone, and why."""
