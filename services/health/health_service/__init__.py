"""Health service: health assessments from the community health provider."""
