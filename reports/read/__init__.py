"""Reading handoffs: markdown blocks, values, section readers, the folder -> Portfolio."""
