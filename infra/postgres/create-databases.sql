-- Run once by the postgres image on an empty data volume (/docker-entrypoint-initdb.d).
-- One database per service: no service reads another service's tables.
CREATE DATABASE placements;
CREATE DATABASE health;
CREATE DATABASE education;
CREATE DATABASE leaving_care;
CREATE DATABASE indicators;
