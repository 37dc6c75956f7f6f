"""The catalog: content model, loading, validation, stacks, labels and quality. Knows nothing about HTML."""
