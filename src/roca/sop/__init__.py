"""Standard operating procedures: versioned bilingual documents whose clauses the agent cites."""
