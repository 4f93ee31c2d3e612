"""Inbetweening benchmarks: `triplets` (held-out DAVIS triplets), `clips` (whole clips),
`scenes` (rendered scenes)."""
