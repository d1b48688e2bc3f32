// Visitor statistics: see src/features/statistics/CONTEXT.md.
