"""`kim eval`: gold questions through the same path as `kim ask`, metrics, baselines, a gate."""
