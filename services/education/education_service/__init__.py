"""Education service: Virtual School notifications and Personal Education Plans."""
