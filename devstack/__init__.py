"""Running the system on one machine without Docker: embedded servers, the service launcher, demo data."""
